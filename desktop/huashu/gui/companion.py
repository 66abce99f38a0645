"""Living beside the chat tool: the hotkey, the quick popup, pasting, the tray and requests from other starts."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from huashu.gui import hotkeys, prefs
from huashu.gui.fill_panel import FilledReply
from huashu.gui.hotkeys import HotkeyBackend
from huashu.gui.main_window import MainWindow, plain_label
from huashu.gui.paste import PasteFlow, Paster, create_paster, paste_keys
from huashu.gui.popup import QuickPopup
from huashu.gui.qt import (
    QApplication,
    QClipboard,
    QGuiApplication,
    QKeySequence,
    QObject,
    QPoint,
    QRect,
    QTimer,
    Signal,
)
from huashu.gui.tray import Tray

log = logging.getLogger(__name__)

ACTIVATION_TRIES = 60
ACTIVATION_RETRY_MS = 5


def logical_rect(x: int, y: int, width: int, height: int) -> QRect:
    """A rectangle in the desktop's pixels as Qt places windows: each screen keeps its origin and
    scales what lies inside it by its own device pixel ratio (HiDPI, mixed-DPI monitors)."""
    centre = QPoint(x + width // 2, y + height // 2)
    screens = QGuiApplication.screens()
    for screen in screens:
        g, ratio = screen.geometry(), screen.devicePixelRatio()
        native = QRect(g.x(), g.y(), round(g.width() * ratio), round(g.height() * ratio))
        if native.contains(centre):
            break
    else:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return QRect(x, y, width, height)
        g, ratio = screen.geometry(), screen.devicePixelRatio()
    return QRect(
        g.x() + round((x - g.x()) / ratio),
        g.y() + round((y - g.y()) / ratio),
        round(width / ratio),
        round(height / ratio),
    )


class Companion(QObject):
    """Wires the parts that work while the agent is in another program, around one MainWindow."""

    delivered = Signal(str)  # "pasted" or "copied", once a popup reply has reached its place

    def __init__(
        self,
        window: MainWindow,
        *,
        backend: HotkeyBackend | None = None,
        paster: Paster | None = None,
        use_paster: bool = True,
        tray: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        window.companion = self
        self.popup = QuickPopup(self.ctx)  # built once: showing it is all the hotkey has to do
        self.popup.used.connect(self.deliver)
        self.backend = backend if backend is not None else hotkeys.create_backend(self)
        self.backend.activated.connect(self.toggle_popup)
        self.paster = paster if paster is not None or not use_paster else create_paster(self)
        self.flow = PasteFlow(self.paster, self) if self.paster is not None else None
        if self.flow is not None:
            self.flow.finished.connect(self._delivered)
        if self.paster is not None:
            paster_ = self.paster
            self.popup.platform_focus = lambda: (
                self.popup.isVisible() and paster_.has_focus(int(self.popup.winId()))
            )
        self.target = 0  # the window that was active when the hotkey was pressed
        self._activation_tries = 0
        self.paused = False
        self.hotkey_error: str | None = None
        self.tray: Tray | None = None
        if tray and Tray.available():
            self.tray = Tray(self)
            self.tray.show_requested.connect(self.show_window)
            self.tray.quick_requested.connect(self.show_popup)
            self.tray.compact_toggled.connect(window.compact.set_active)
            self.tray.pause_toggled.connect(self.set_paused)
            self.tray.quit_requested.connect(window.quit_app)
            window.compact.toggled.connect(self.tray.compact_action.setChecked)
            # Compact mode may have been restored before the tray existed: start in step with it.
            blocked = self.tray.compact_action.blockSignals(True)
            self.tray.compact_action.setChecked(window.compact.active)
            self.tray.compact_action.blockSignals(blocked)
            self.tray.set_visible(True)
            QApplication.instance().setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
        self.ctx.settings_changed.connect(self.apply_settings)
        self.apply_settings(self.ctx.settings)
        window.compact.companion_ready()

    # -- state for the settings screen -------------------------------------------------------

    @property
    def paste_available(self) -> bool:
        return self.flow is not None

    def keeps_running(self) -> bool:
        return self.tray is not None

    def hotkey_active(self) -> bool:
        return self.backend.current is not None

    def hotkey_status(self) -> str:
        if not self.backend.available:
            return self.backend.unavailable_reason()
        if self.hotkey_error:
            return self.hotkey_error
        if self.backend.current is not None:
            return self.tr("{0} is active: it opens the quick search from any program.").format(
                self.backend.current
            )
        return ""

    def chat_window_rect(self) -> QRect | None:
        """The outer frame of the window the agent used last in another program, in Qt's coordinates."""
        if self.paster is None:
            return None
        window = self.paster.recent_window()
        frame = self.paster.window_frame(window) if window else None
        if frame is None or frame[2] <= 0 or frame[3] <= 0:
            return None
        return logical_rect(*frame)

    def own_shortcuts(self) -> dict[str, str]:
        """The main window's own shortcuts, by label: a global hotkey equal to one would shadow it."""
        own: dict[str, str] = {}
        for action in self.window.actions_by_name.values():
            for key in action.shortcuts():
                own[plain_label(action.text())] = key.toString(QKeySequence.SequenceFormat.PortableText)
        return own

    # -- the hotkey --------------------------------------------------------------------------

    def apply_settings(self, settings: prefs.UiSettings) -> None:
        self.hotkey_error = None
        if not settings.hotkey_on or self.paused or not self.backend.available:
            self.backend.unregister()
        else:
            try:
                hotkey = hotkeys.parse(settings.hotkey)
                self.hotkey_error = self.backend.register(hotkey)
                kept = self.backend.current
                if self.hotkey_error and kept is not None and kept != hotkey:
                    # The one that worked before is still registered: say so, it is not lost.
                    self.hotkey_error += " " + self.tr("{0} stays active.").format(kept)
            except hotkeys.HotkeyError as exc:
                self.hotkey_error = str(exc)
            if self.hotkey_error:
                log.warning("global hotkey: %s", self.hotkey_error)
                self.window.notify(self.hotkey_error, "warning")
        if self.tray is not None:
            current = self.backend.current
            self.tray.retranslate(str(current) if current is not None else "")
            self.tray.pause_action.setChecked(self.paused)

    def set_paused(self, paused: bool) -> None:
        """Pause from the tray: the chat tool gets the key combination back until resumed."""
        self.paused = paused
        self.apply_settings(self.ctx.settings)

    # -- popup -------------------------------------------------------------------------------

    def toggle_popup(self) -> None:
        if self.popup.isVisible():
            self.popup.dismiss()
        else:
            self.show_popup()

    def show_popup(self) -> None:
        # The native window's id: QWidget.winId() keeps an old id after Qt recreated the window
        # (compact mode toggled while hidden), and the strip would be taken for the chat window.
        own = {int(handle.winId()) for w in (self.window, self.popup) if w.isVisible() and (handle := w.windowHandle())}
        if self.paster is not None:
            active = self.paster.active_window()
            # Opened from Huashu itself (the tray, the main window): nothing to paste into.
            self.target = 0 if active in own else active
        self.popup.show_near_cursor()
        self._activation_tries = 0
        QTimer.singleShot(0, self._ensure_active)  # once Qt has asked for the window to be shown

    def _ensure_active(self) -> None:
        """Until the popup has keyboard focus for the platform and for Qt's widgets alike.

        Focus-stealing rules (Windows, many X11 window managers) may leave a new window behind the
        active one; a request on the user's behalf, with the hotkey's own timestamp, is honoured. It
        is repeated because the window manager ignores it until the popup is mapped.
        """
        if not self.popup.isVisible() or self._activation_tries >= ACTIVATION_TRIES:
            return
        self._activation_tries += 1
        if self.popup.adopt_focus_window():
            return
        if self.paster is not None and self._activation_tries % 4 == 1:
            self.paster.activate(int(self.popup.winId()), self.backend.last_event_time)
        QTimer.singleShot(ACTIVATION_RETRY_MS, self._ensure_active)

    def deliver(self, reply: FilledReply) -> None:
        """The popup's reply: paste it into the chat window where possible, otherwise copy it."""
        self.window.record_reply(reply)
        if self.flow is not None and self.target and self.ctx.settings.paste_into_chat:
            self.flow.start(reply.text, self.target, self.backend.last_event_time)
            return
        QApplication.clipboard().setText(reply.text, QClipboard.Mode.Clipboard)
        self._delivered("copied")

    def _delivered(self, how: str) -> None:
        if how == "copied":
            message = (
                self.tr("Copied. Huashu could not return to the chat window: paste with {0}.")
                if self.flow is not None and self.ctx.settings.paste_into_chat and self.target
                else self.tr("Copied: paste with {0}.")
            ).format(paste_keys())
            self._show_notice(message)
        self.delivered.emit(how)

    def _show_notice(self, message: str) -> None:
        if self.window.isVisible():
            self.window.notify(message, "warning")
        elif self.tray is not None:
            self.tray.notify(self.tr("Huashu"), message)
        else:
            # Nowhere else to say it: the popup comes back briefly with the message.
            self.popup.show_near_cursor()
            self.popup.toast.show_message(message, "warning")

    # -- the window and requests from other starts ---------------------------------------------

    def show_window(self) -> None:
        w = self.window
        if w.isMinimized():
            w.showNormal()
        w.show()
        w.raise_()
        w.activateWindow()
        w.focus_search()

    def handle_request(self, request: dict[str, Any]) -> None:
        """A second `huashu` start: {"command": "activate" | "toggle", "files": [...]}."""
        command = request.get("command")
        if command == "toggle":
            self.toggle_popup()
        else:
            self.show_window()
        files = request.get("files")
        if isinstance(files, list):
            for name in files:
                QTimer.singleShot(0, lambda n=str(name): self.window.import_file(Path(n)))

    def close(self) -> None:
        self.popup.hide()
        self.backend.close()
        if self.paster is not None:
            self.paster.close()
        if self.tray is not None:
            self.tray.set_visible(False)
