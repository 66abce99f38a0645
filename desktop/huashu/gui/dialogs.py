"""Shared message boxes: confirmation with a safe default, and errors a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from huashu.gui.qt import QCoreApplication

if TYPE_CHECKING:
    from huashu.gui.qt import QWidget

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
