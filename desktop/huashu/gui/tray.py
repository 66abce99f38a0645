"""The tray icon and its menu: show, quick search, compact mode, pause the hotkey, quit."""

from __future__ import annotations

from huashu.gui import icons
from huashu.gui.qt import QAction, QEvent, QMenu, QObject, QSystemTrayIcon, Signal


class Tray(QObject):
    """Exists only where the platform has a tray; the app keeps running in it when the window closes."""

    show_requested = Signal()
    quick_requested = Signal()
    compact_toggled = Signal(bool)
    pause_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = QMenu()
        self.show_action = QAction(self.menu)
        self.quick_action = QAction(self.menu)
        self.compact_action = QAction(self.menu)
        self.compact_action.setCheckable(True)
        self.pause_action = QAction(self.menu)
        self.pause_action.setCheckable(True)
        self.quit_action = QAction(self.menu)
        self.show_action.triggered.connect(lambda _c=False: self.show_requested.emit())
        self.quick_action.triggered.connect(lambda _c=False: self.quick_requested.emit())
        self.compact_action.toggled.connect(self.compact_toggled)
        self.pause_action.toggled.connect(self.pause_toggled)
        self.quit_action.triggered.connect(lambda _c=False: self.quit_requested.emit())
        for action in (self.show_action, self.quick_action, self.compact_action, self.pause_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon = QSystemTrayIcon(icons.app_icon(), self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.menu.installEventFilter(self)
        self.hotkey = ""  # shown in "Quick search (…)"; kept for a language change
        self.retranslate()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def retranslate(self, hotkey: str | None = None) -> None:
        """Texts in the current language; `hotkey` ("" for none) replaces the one remembered."""
        if hotkey is not None:
            self.hotkey = hotkey
        self.show_action.setText(self.tr("Show Huashu"))
        self.quick_action.setText(
            self.tr("Quick search ({0})").format(self.hotkey) if self.hotkey else self.tr("Quick search")
        )
        self.compact_action.setText(self.tr("Compact mode"))
        self.pause_action.setText(self.tr("Pause the hotkey"))
        self.quit_action.setText(self.tr("Quit Huashu"))
        self.icon.setToolTip(self.tr("Huashu 话术助手"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.menu and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().eventFilter(watched, event)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()

    def set_visible(self, on: bool) -> None:
        self.icon.setVisible(on)

    def notify(self, title: str, message: str) -> None:
        if self.icon.isVisible():
            self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 4000)
