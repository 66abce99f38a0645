"""Closing the phrase editor leaves the agent in Huashu, even when the window manager hands the focus away."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from huashu.gui.qt import QApplication, QKeySequence

STANDIN = Path(__file__).with_name("chat_standin.py")
needs_xdotool = pytest.mark.skipif(shutil.which("xdotool") is None, reason="needs xdotool")


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=False, timeout=10).stdout


@pytest.fixture
def chat_window(desktop: None, tmp_path: Path) -> Iterator[str]:
    """The X window id of a chat tool stand-in running in its own process."""
    proc = subprocess.Popen([sys.executable, str(STANDIN), str(tmp_path / "chat.txt"), "100,100,500,60"])
    try:
        found = xdotool("search", "--sync", "--name", "^Chat stand-in$").split()
        assert found, "the chat stand-in did not open"
        yield found[0]
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.mark.x11
@needs_xdotool
def test_discarding_a_new_phrase_keeps_the_focus_in_huashu(  # type: ignore[no-untyped-def]
    qtbot, active, type_, answer, window, chat_window
) -> None:
    active(window)
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+N"))
    editor = window.editor
    assert editor is not None
    type_(editor.title_edit, "Test")

    def fallback_to_the_chat(_result: int) -> None:
        # What openbox did after Discard: the focus fell to the chat tool as the editor closed.
        xdotool("windowactivate", "--sync", chat_window)

    editor.finished.connect(fallback_to_the_chat)
    answer(True)  # Discard
    editor.reject()

    def back_in_huashu() -> bool:
        QApplication.processEvents()
        return window.isActiveWindow() and xdotool("getactivewindow").strip() != chat_window

    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not back_in_huashu():
        time.sleep(0.02)
    assert back_in_huashu()


def test_discard_has_a_key(qtbot, active, type_, window) -> None:  # type: ignore[no-untyped-def]
    """Alt+D answers the unsaved-changes question: the keyboard had only Shift+Tab and Space."""
    from huashu.gui.qt import QMessageBox, Qt, QTimer

    active(window)
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+N"))
    editor = window.editor
    assert editor is not None
    type_(editor.title_edit, "Test")
    seen: list[str] = []

    def press_alt_d() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.extend(button.text() for button in box.buttons())
        qtbot.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)

    QTimer.singleShot(100, press_alt_d)
    editor.reject()
    qtbot.waitUntil(lambda: window.editor is None, timeout=3000)
    assert any("&D" in text for text in seen), seen
