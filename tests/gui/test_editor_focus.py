"""Closing the phrase editor leaves the agent in Huashu, even when the window manager hands the focus away."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat_desktop import ChatStandIn, needs_xdotool, xdotool
from huashu.gui.qt import QApplication, QKeySequence


@pytest.fixture
def chat_window(desktop: None, tmp_path: Path) -> Iterator[str]:
    """The X window id of a chat tool stand-in running in its own process."""
    chat = ChatStandIn(tmp_path)
    try:
        yield str(chat.window)
    finally:
        chat.close()


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
