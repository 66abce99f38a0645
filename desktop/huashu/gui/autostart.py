"""Start with the system: an XDG autostart entry on Linux, the Run key on Windows, a LaunchAgent on macOS."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import sys
from pathlib import Path

ENTRY_NAME = "huashu"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
START_ARGS = ("--minimized",)  # to the tray: the agent opens it with the hotkey when a chat starts


def command() -> list[str]:
    """How to start this installation: the frozen executable, the `huashu` script, or the interpreter."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *START_ARGS]
    script = shutil.which("huashu", path=str(Path(sys.executable).parent)) or shutil.which("huashu")
    if script:
        return [script, *START_ARGS]
    return [sys.executable, "-c", "from huashu.cli import main; raise SystemExit(main())", *START_ARGS]


def desktop_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / f"{ENTRY_NAME}.desktop"


def launch_agent() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / "com.huashu.app.plist"


def desktop_entry(cmd: list[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Huashu 话术助手\n"
        f"Exec={shlex.join(cmd)}\n"
        "Icon=huashu\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def is_enabled() -> bool:
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, ENTRY_NAME)
            return True
        except OSError:
            return False
    if sys.platform == "darwin":
        return launch_agent().is_file()
    return desktop_file().is_file()


def set_enabled(on: bool) -> None:
    """Add or remove the start-up entry; raises OSError when the system refuses."""
    cmd = command()
    if sys.platform == "win32":
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            if on:
                winreg.SetValueEx(key, ENTRY_NAME, 0, winreg.REG_SZ, " ".join(f'"{c}"' for c in cmd))
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, ENTRY_NAME)
        return
    path = launch_agent() if sys.platform == "darwin" else desktop_file()
    if not on:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform == "darwin":
        args = "".join(f"<string>{c}</string>" for c in cmd)
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
            "<key>Label</key><string>com.huashu.app</string>"
            f"<key>ProgramArguments</key><array>{args}</array>"
            "<key>RunAtLoad</key><true/></dict></plist>\n",
            encoding="utf-8",
        )
    else:
        path.write_text(desktop_entry(cmd), encoding="utf-8")
