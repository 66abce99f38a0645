"""GUI test helpers: a look applied as Settings › OK applies it, layouts settled, geometry in an ancestor."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from huashu.gui import app as app_module
from huashu.gui.main_window import MainWindow
from huashu.gui.qt import QApplication, QRect, QWidget


def apply_look(window: MainWindow, language: str, font_size: int, theme: str = "dark") -> None:
    """Language, font and theme for the app, then the context's copy of the settings."""
    settings = replace(window.ctx.settings, font_size=font_size, language=language, theme=theme)
    app_module.apply_settings(QApplication.instance(), settings)  # type: ignore[arg-type]
    window.ctx.apply_settings(settings)


def settle(qtbot: Any, rounds: int = 3) -> None:
    """Let posted layout requests and deferred resizes run."""
    for _ in range(rounds):
        QApplication.processEvents()
        qtbot.wait(20)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())
