"""The agent's chat tool on a real X desktop, for GUI tests: a stand-in process driven with xdotool."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

STANDIN = Path(__file__).with_name("gui") / "chat_standin.py"
needs_xdotool = pytest.mark.skipif(shutil.which("xdotool") is None, reason="needs xdotool")


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=False, timeout=10).stdout


class ChatStandIn:
    """A separate process with a focused QLineEdit; its text is mirrored to `out`."""

    def __init__(self, tmp: Path, geometry: str = "100,100,500,60") -> None:
        self.out = tmp / "chat.txt"
        self.proc = subprocess.Popen([sys.executable, str(STANDIN), str(self.out), geometry])
        found = xdotool("search", "--sync", "--name", "^Chat stand-in$").split()
        assert found, "the chat stand-in did not open"
        self.window = int(found[0])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self.out.exists():
            time.sleep(0.02)

    def focus(self) -> None:
        xdotool("windowactivate", "--sync", str(self.window))
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not self.is_active():
            time.sleep(0.02)

    def is_active(self) -> bool:
        return xdotool("getactivewindow").strip() == str(self.window)

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8") if self.out.exists() else ""

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
