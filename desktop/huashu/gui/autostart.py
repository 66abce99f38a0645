"""Start with the system: an XDG autostart entry on Linux, the Run key on Windows, a LaunchAgent on macOS."""

from __future__ import annotations

import contextlib
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ENTRY_NAME = "huashu"
AGENT_LABEL = "com.huashu.app"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
START_ARGS = ("--minimized",)  # to the tray: the agent opens it with the hotkey when a chat starts
RUN_CODE = "from huashu.cli import main; raise SystemExit(main())"


def command(platform: str | None = None) -> list[str]:
    """How to start this installation: the frozen executable, the `huashu` script, or the interpreter."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *START_ARGS]
    if (platform or sys.platform) == "win32":
        return windows_command()
    script = shutil.which("huashu", path=str(Path(sys.executable).parent)) or shutil.which("huashu")
    if script:
        return [script, *START_ARGS]
    return [sys.executable, "-c", RUN_CODE, *START_ARGS]


def windows_command() -> list[str]:
    """Windows, not frozen: a start without a console window.

    `huashu.exe` and `python.exe` are console programs, which would open a black window at every
    log-in; the `huashu-gui.exe` launcher (pip makes it from [project.gui-scripts]) and
    `pythonw.exe` are not.
    """
    here = Path(sys.executable).parent
    folders = [here, here / "Scripts"]  # a venv keeps python.exe with its scripts; an install does not
    with contextlib.suppress(KeyError, ValueError):
        folders.append(Path(sysconfig.get_path("scripts")))
    for folder in folders:
        launcher = folder / "huashu-gui.exe"
        if launcher.is_file():
            return [str(launcher), *START_ARGS]
    pythonw = here / "pythonw.exe"
    interpreter = str(pythonw) if pythonw.is_file() else sys.executable
    return [interpreter, "-c", RUN_CODE, *START_ARGS]


def windows_command_line(cmd: list[str]) -> str:
    """The Run key's value: one command line, quoted the way Windows programs split it."""
    return subprocess.list2cmdline(cmd)


def desktop_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / f"{ENTRY_NAME}.desktop"


def launch_agent() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"


def launch_agent_plist(cmd: list[str]) -> bytes:
    """The LaunchAgent: run `cmd` at log-in (plistlib escapes paths with & or < in them)."""
    agent = {
        "Label": AGENT_LABEL,
        "ProgramArguments": list(cmd),
        "RunAtLoad": True,
        "ProcessType": "Interactive",  # a GUI app the user works with: no background throttling
    }
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML)


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
                winreg.SetValueEx(key, ENTRY_NAME, 0, winreg.REG_SZ, windows_command_line(cmd))
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
        path.write_bytes(launch_agent_plist(cmd))
    else:
        path.write_text(desktop_entry(cmd), encoding="utf-8")
