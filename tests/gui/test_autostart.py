"""Start with the system: the XDG autostart entry starts Huashu minimised to the tray."""

from __future__ import annotations

import plistlib
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


def _fake_python(monkeypatch: pytest.MonkeyPatch, folder: Path, *files: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("python.exe", *files):
        (folder / name).write_bytes(b"")
    monkeypatch.setattr(sys, "executable", str(folder / "python.exe"))
    monkeypatch.delattr(sys, "frozen", raising=False)


def test_windows_starts_without_a_console_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venv = tmp_path / "venv" / "Scripts"
    _fake_python(monkeypatch, venv, "huashu.exe", "huashu-gui.exe", "pythonw.exe")
    assert autostart.command("win32") == [str(venv / "huashu-gui.exe"), "--minimized"]
    # No launcher (an older install): pythonw.exe, never the console huashu.exe or python.exe.
    (venv / "huashu-gui.exe").unlink()
    cmd = autostart.command("win32")
    assert cmd[0] == str(venv / "pythonw.exe") and cmd[1] == "-c" and cmd[-1] == "--minimized"
    # A system install keeps its scripts in Scripts\ beside python.exe.
    base = tmp_path / "Python 3.12"
    _fake_python(monkeypatch, base, "pythonw.exe")
    _fake_python(monkeypatch, base / "Scripts", "huashu-gui.exe")
    monkeypatch.setattr(sys, "executable", str(base / "python.exe"))
    assert autostart.command("win32")[0] == str(base / "Scripts" / "huashu-gui.exe")
    line = autostart.windows_command_line([str(base / "Scripts" / "huashu-gui.exe"), "--minimized"])
    assert line == f'"{base / "Scripts" / "huashu-gui.exe"}" --minimized'


def test_frozen_app_starts_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/Applications/Huashu.app/Contents/MacOS/Huashu")
    assert autostart.command("darwin") == ["/Applications/Huashu.app/Contents/MacOS/Huashu", "--minimized"]


def test_launch_agent_plist_escapes_paths() -> None:
    cmd = ["/Users/a&b/<Huashu>/bin/huashu", "--minimized"]
    raw = autostart.launch_agent_plist(cmd)
    assert b"a&amp;b/&lt;Huashu&gt;" in raw
    agent = plistlib.loads(raw)
    assert agent["Label"] == "com.huashu.app"
    assert agent["ProgramArguments"] == cmd and agent["RunAtLoad"] is True
