"""Settings › hotkey says what is applied and what waits for OK; the data folder without a file manager."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace

import pytest

from huashu.gui import app as app_module
from huashu.gui import hotkeys
from huashu.gui.companion import Companion
from huashu.gui.main_window import MainWindow
from huashu.gui.qt import QApplication, QKeySequence, QMessageBox, Qt
from huashu.gui.settings import SettingsDialog

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier

pytestmark = pytest.mark.x11


def english(window: MainWindow) -> None:
    settings = replace(window.ctx.settings, language="en")
    app_module.apply_settings(QApplication.instance(), settings)  # type: ignore[arg-type]
    window.ctx.apply_settings(settings)


@pytest.fixture
def companion(window: MainWindow) -> Iterator[Companion]:
    """The real X11 hotkey backend: registering grabs the key on the X server."""
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        pytest.skip("needs xcb")
    c = Companion(window, backend=hotkeys.X11Backend(), use_paster=False, tray=False)
    yield c
    c.close()


@pytest.fixture
def other_program() -> Iterator[hotkeys.X11Backend]:
    """A second X connection: to the server, another program that can hold a combination."""
    backend = hotkeys.X11Backend()
    yield backend
    backend.close()


def open_settings(qtbot, active, window: MainWindow) -> SettingsDialog:  # type: ignore[no-untyped-def]
    active(window)
    qtbot.keySequence(window, QKeySequence("Ctrl+,"))
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    active(dialog)
    return dialog


def closed(window: MainWindow) -> bool:
    """OK closed the dialog (it deletes itself on close)."""
    return window.settings_dialog is None or not window.settings_dialog.isVisible()


def record(qtbot, dialog: SettingsDialog, key: str) -> None:  # type: ignore[no-untyped-def]
    dialog.hotkey_edit.setFocus()
    qtbot.keyClick(dialog.hotkey_edit, key, CTRL_ALT)


def test_a_recorded_hotkey_waits_for_ok_then_says_it_works(
    qtbot, active, idle, window, companion, shot
) -> None:  # type: ignore[no-untyped-def]
    english(window)
    assert str(companion.backend.current) == "Ctrl+Alt+H"
    dialog = open_settings(qtbot, active, window)
    assert dialog.hotkey_hint.text().startswith("Ctrl+Alt+H is active")
    record(qtbot, dialog, "j")
    assert dialog.hotkey_edit.text() == "Ctrl+Alt+J"
    # Not "Ctrl+Alt+H is active" under a box that shows Ctrl+Alt+J: the new one waits for OK.
    hint = dialog.hotkey_hint.text()
    assert hint == "Ctrl+Alt+J takes effect when you press OK; until then Ctrl+Alt+H still works."
    shot(dialog, "settings-hotkey-pending")
    record(qtbot, dialog, "h")  # back to the one in use: nothing to apply
    assert dialog.hotkey_hint.text().startswith("Ctrl+Alt+H is active")
    record(qtbot, dialog, "j")
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: closed(window), timeout=3000)
    assert str(companion.backend.current) == "Ctrl+Alt+J"
    assert window.toast.text().startswith("Ctrl+Alt+J is active")


def test_a_hotkey_another_program_holds_is_reported_on_ok(  # type: ignore[no-untyped-def]
    qtbot, active, idle, window, companion, other_program, shot
) -> None:
    english(window)
    assert other_program.register(hotkeys.parse("Ctrl+Alt+K")) is None
    dialog = open_settings(qtbot, active, window)
    record(qtbot, dialog, "k")
    assert dialog.hotkey_hint.text().startswith("Ctrl+Alt+K takes effect when you press OK")
    dialog.buttons.accepted.emit()
    idle(window)
    # The dialog stays, saying so where another combination can be chosen; the old one still works.
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=3000)
    assert dialog.isVisible()
    assert "Ctrl+Alt+K is already taken by another program" in dialog.banner.text()
    assert "Ctrl+Alt+H stays active" in dialog.banner.text()
    assert "Ctrl+Alt+K is already taken" in dialog.hotkey_hint.text()
    assert str(companion.backend.current) == "Ctrl+Alt+H"
    assert dialog.focusWidget() is dialog.hotkey_edit
    assert not dialog.tabs.currentWidget().verticalScrollBar().isVisible()  # grew for the banner
    shot(dialog, "settings-hotkey-taken")
    # Another combination then works, and the dialog closes.
    record(qtbot, dialog, "l")
    assert dialog.hotkey_hint.text().startswith("Ctrl+Alt+L takes effect when you press OK")
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: closed(window), timeout=3000)
    assert str(companion.backend.current) == "Ctrl+Alt+L"


def test_turning_the_hotkey_off_waits_for_ok(qtbot, active, idle, window, companion) -> None:  # type: ignore[no-untyped-def]
    english(window)
    dialog = open_settings(qtbot, active, window)
    dialog.hotkey_on.setChecked(False)
    assert dialog.hotkey_hint.text() == "The global hotkey is turned off when you press OK."
    assert companion.backend.current is not None
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: closed(window), timeout=3000)
    assert companion.backend.current is None
    # Turned on again: nothing is active, so the hint says only what OK will do.
    dialog = open_settings(qtbot, active, window)
    dialog.hotkey_on.setChecked(True)
    assert dialog.hotkey_hint.text() == "Ctrl+Alt+H takes effect when you press OK."
    dialog.reject()


@pytest.mark.skipif(shutil.which("xdg-open") is not None, reason="a launcher would open a real file manager")
def test_open_folder_without_a_launcher_shows_the_path(qtbot, active, window, on_modal) -> None:  # type: ignore[no-untyped-def]
    """Qt finds no launcher here (no xdg-open), as on the QA machine: the button says where the folder is."""
    english(window)
    dialog = open_settings(qtbot, active, window)
    dialog.tabs.setCurrentIndex(2)
    folder = str(window.ctx.lib.path.parent) if window.ctx.lib.path is not None else ""
    seen: list[str] = []

    def copy(box: QMessageBox) -> None:
        seen.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == "Copy path").click()

    QApplication.clipboard().clear()
    on_modal(QMessageBox, copy)
    dialog.open_folder.click()
    assert seen == [folder]
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == folder, timeout=3000)
    dialog.reject()
