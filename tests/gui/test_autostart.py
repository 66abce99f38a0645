"""Start with the system: the XDG autostart entry starts Huashu minimised to the tray."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from huashu.gui import autostart


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG entry is the Linux form")
def test_autostart_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert not autostart.is_enabled()
    autostart.set_enabled(True)
    entry = tmp_path / "autostart" / "huashu.desktop"
    assert autostart.is_enabled() and entry.is_file()
    text = entry.read_text(encoding="utf-8")
    assert "[Desktop Entry]" in text and "--minimized" in text and "Type=Application" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert "huashu" in exec_line
    autostart.set_enabled(False)
    assert not autostart.is_enabled() and not entry.exists()
    autostart.set_enabled(False)  # already off: nothing to do
