"""Shared message boxes: confirmation with a safe default, and errors a person can act on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from huashu.gui.qt import QCoreApplication

if TYPE_CHECKING:
    from huashu.gui.qt import QUrl, QWidget

log = logging.getLogger(__name__)

# QMessageBox is built on first use (~1 ms with its enums): most starts never show a box.


def confirm(parent: QWidget | None, title: str, text: str, ok_text: str, *, detail: str = "") -> bool:
    """Ask before doing something risky; Esc and the default button both mean no."""
    from huashu.gui.qt import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QCoreApplication.translate("dialogs", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setObjectName("confirmBox")
    box.exec()
    return box.clickedButton() is ok


def show_error(parent: QWidget | None, text: str, *, title: str = "", detail: str = "") -> None:
    from huashu.gui.qt import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or QCoreApplication.translate("dialogs", "Huashu"))
    box.setText(text)
    if detail:
        # Technical details stay folded away; the text above is what the agent reads.
        box.setDetailedText(detail)
    box.setObjectName("errorBox")
    box.exec()


def open_folder(parent: QWidget | None, folder: Path, *, opener: Callable[[QUrl], bool] | None = None) -> bool:
    """Show `folder` in the file manager; where none can be started, say so and offer its path.

    Without a launcher (no xdg-open, a bare desktop) Qt only logs "Unable to detect a launcher" and
    the menu command seemed to do nothing. `opener` is QDesktopServices.openUrl unless given.
    """
    from huashu.gui.qt import QDesktopServices, QUrl

    open_url = opener or QDesktopServices.openUrl
    if open_url(QUrl.fromLocalFile(str(folder))):
        return True
    log.info("no file manager could open %s", folder)
    show_folder_path(parent, folder)
    return False


def show_folder_path(parent: QWidget | None, folder: Path) -> None:
    """The folder's path, selectable, with a button that copies it (to paste into a file manager)."""
    from huashu.gui.qt import QGuiApplication, QLabel, QMessageBox, Qt

    box = QMessageBox(parent)
    box.setObjectName("folderBox")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(QCoreApplication.translate("dialogs", "Data folder"))
    box.setText(QCoreApplication.translate("dialogs", "No file manager could be opened here. The folder is:"))
    box.setInformativeText(str(folder))
    for label in box.findChildren(QLabel):  # the path too, not only the message: it can be selected
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    copy = box.addButton(QCoreApplication.translate("dialogs", "Copy path"), QMessageBox.ButtonRole.AcceptRole)
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(copy)
    box.setEscapeButton(close)
    box.exec()
    if box.clickedButton() is copy:
        QGuiApplication.clipboard().setText(str(folder))
