"""Compact mode: the main window as a narrow always-on-top strip (search, results, compose) at a screen
edge or beside the chat window."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import TYPE_CHECKING, Any

from huashu.gui.qt import QCoreApplication, QEvent, QGuiApplication, QObject, QRect, Qt, Signal
from huashu.gui.search_panel import Scope

if TYPE_CHECKING:
    from huashu.gui.main_window import MainWindow
    from huashu.gui.qt import QScreen

COMPACT_KEY = "ui.compact_state"
COMPACT_WIDTH = 380
MIN_BESIDE_HEIGHT = 420  # beside a short chat window the strip still shows a useful list
SIDES = ("left", "right", "beside")


def screen_setup() -> str:
    """Names the arrangement of screens, so a laptop docked and undocked remembers a place for each."""
    parts = []
    for screen in QGuiApplication.screens():
        g = screen.geometry()
        parts.append(f"{g.x()},{g.y()},{g.width()}x{g.height()}")
    return ";".join(sorted(parts))


def docked_rect(area: QRect, side: str, width: int = COMPACT_WIDTH) -> QRect:
    """The strip along the left or right edge of a screen's available area."""
    width = min(width, area.width())
    x = area.left() if side == "left" else area.right() - width + 1
    return QRect(x, area.top(), width, area.height())


def beside_rect(chat: QRect, area: QRect, width: int = COMPACT_WIDTH) -> QRect | None:
    """The strip's outer frame right of the chat window's frame, or left of it where the right has no
    room; None when neither has (a maximized chat window). As tall as the chat window, within `area`."""
    width = min(width, area.width())
    height = min(area.height(), max(chat.height(), MIN_BESIDE_HEIGHT))
    top = min(max(chat.top(), area.top()), area.bottom() + 1 - height)
    if chat.right() + width <= area.right():
        return QRect(chat.right() + 1, top, width, height)
    if chat.left() - width >= area.left():
        return QRect(chat.left() - width, top, width, height)
    return None


class CompactMode(QObject):
    """Switches a MainWindow between its full layout and the compact strip; remembers mode and place."""

    toggled = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.side = "right"
        self._normal_geometry: bytes | None = None
        self._wanted: str | None = None  # where the next switch to compact docks, when asked for
        self._stored: dict[str, Any] = {}
        self.loaded = False
        window.side.currentChanged.connect(self._side_page_changed)

    def load(self, restore: bool = True) -> None:
        """Read the stored state on the library worker; switch to compact if the agent left it on."""

        def done(value: object) -> None:
            self._stored = value if isinstance(value, dict) else {}
            self.loaded = True
            if restore and self._stored.get("on"):
                self.set_active(True, save=False)

        self.window.ops.run(lambda lib: lib.setting(COMPACT_KEY), done)

    # -- stored state ------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        return self._stored

    def _save(self, on: bool | None = None) -> None:
        """Store the mode (`on`, default: the current one) and, while compact, its place."""
        state = self._state()
        setups = state.get("setups") if isinstance(state.get("setups"), dict) else {}
        assert isinstance(setups, dict)
        if self.active:
            geometry = base64.b64encode(bytes(self.window.saveGeometry().data())).decode("ascii")
            setups[screen_setup()] = {"side": self.side, "geometry": geometry}
        new = {"on": self.active if on is None else on, "setups": setups}
        self._stored = json.loads(
            json.dumps(new)
        )  # a copy: the worker writes it while we go on changing ours
        self.window.ops.run(lambda lib: lib.set_setting(COMPACT_KEY, new))

    def remembered_on(self) -> bool:
        return bool(self._state().get("on"))

    # -- switching ---------------------------------------------------------------------------

    def toggle(self) -> None:
        self.set_active(not self.active)

    def dock_to(self, side: str) -> None:
        """Compact at `side` ("left", "right" or "beside" the chat window), switching it on if off."""
        if not self.active:
            self._wanted = side
            self.set_active(True)
            return
        self.dock(side, asked=True)
        self._save()

    def set_active(self, on: bool, save: bool = True) -> None:
        if on == self.active:
            return
        w = self.window
        if on:
            self._normal_geometry = bytes(w.saveGeometry().data())
        elif save:
            self._save(on=False)  # the compact place, before the window leaves it; and that it is off
        self.active = on
        visible = w.isVisible()
        if on and w.tree.current_scope() != Scope():
            w.tree.select_scope(Scope())  # the tree is hidden: no category may narrow the search unseen
        w.tree.setVisible(not on)
        w.menuBar().setVisible(not on)
        w.statusBar().setVisible(not on)
        for button in w.tool_buttons:
            button.setVisible(not on)
        w.h_split.setOrientation(Qt.Orientation.Vertical if on else Qt.Orientation.Horizontal)
        if on:  # the full placeholder with its key hints does not fit the strip
            w.search_box.setPlaceholderText(self.tr("Search phrases or /shortcut"))
        else:
            w.retranslate()
        self._side_page_changed()
        self._stay_on_top(on)
        # The layouts recompute their minimum size lazily; the strip must not inherit the full one.
        # QMainWindow counts the hidden status bar's width (its long counts label) as a minimum.
        w.statusBar().setMinimumSize(0, 0)
        for split in (w.h_split, w.v_split):
            split.updateGeometry()  # drops the layout's cached size of the splitter
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for host in (w.centralWidget(), w):
            layout = host.layout() if host is not None else None
            if layout is not None:
                layout.invalidate()
                layout.activate()
        if on:
            self._place()
        elif self._normal_geometry is not None:
            w.restoreGeometry(self._normal_geometry)
        if visible or on:
            w.showNormal()
            w.raise_()
            w.activateWindow()
        if save and on:
            self._save()
        self.toggled.emit(on)

    def _stay_on_top(self, on: bool) -> None:
        w = self.window
        top = Qt.WindowType.WindowStaysOnTopHint
        flags = w.windowFlags() | top if on else w.windowFlags() & ~top
        handle = w.windowHandle()
        if handle is None:
            w.setWindowFlags(flags)  # no native window yet: it is created with them
            return
        # QWidget.setWindowFlags would destroy and recreate the native window: it flickers, and
        # under X11 window managers (openbox) the new window never becomes active, so the
        # search box shows no focus and no caret. The window system takes the flag on the fly.
        w.overrideWindowFlags(flags)
        handle.setFlags(flags)

    def _place(self) -> None:
        w = self.window
        wanted, self._wanted = self._wanted, None
        if wanted is not None:
            self.dock(wanted, asked=True)
            return
        entry = self._state().get("setups", {}).get(screen_setup())
        if isinstance(entry, dict) and entry.get("side") == "beside":
            self.dock("beside")  # the chat window may have moved since: dock to where it is now
            return
        if isinstance(entry, dict) and isinstance(entry.get("geometry"), str):
            self.side = "left" if entry.get("side") == "left" else "right"
            with contextlib.suppress(ValueError):
                if w.restoreGeometry(base64.b64decode(entry["geometry"])):
                    return
        screen = w.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.side = "left" if w.frameGeometry().center().x() < area.center().x() else "right"
        self.dock(self.side)

    def dock(self, side: str, *, asked: bool = False) -> None:
        """Dock at `side`; "beside" stays the preference even when it falls back to the right edge
        (no chat window open yet, or no room), and only a request from the agent (`asked`) says so."""
        if side == "beside":
            self.side = "beside"
            # Starting up, the desktop connections arrive once the window is interactive, and
            # companion_ready() docks beside the chat window then. Meanwhile, the right edge.
            if self.window.companion is not None and self._dock_beside():
                return
            if asked and self.window.companion is not None:
                self.window.notify(
                    self.tr("No chat window found with room beside it: docked to the right edge instead."),
                    "warning",
                )
            self._set_frame(docked_rect(self._available(), "right"))
            return
        self.side = "left" if side == "left" else "right"
        self._set_frame(docked_rect(self._available(), self.side))

    def _set_frame(self, frame: QRect) -> None:
        """Place the window so that its outer frame, title bar and borders included, is `frame`.

        setGeometry places the inside: docked at an edge, the window manager would then push the
        title bar on screen and the bottom of the strip (the compose box) off it. Before the first
        show no frame is known and the two are the same.
        """
        w = self.window
        outer, inner = w.frameGeometry(), w.geometry()
        w.setGeometry(
            frame.adjusted(
                inner.left() - outer.left(),
                inner.top() - outer.top(),
                inner.right() - outer.right(),
                inner.bottom() - outer.bottom(),
            )
        )

    def _available(self) -> QRect:
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def companion_ready(self) -> None:
        """The hotkey/paste part has started: a compact strip waiting to go beside the chat window goes."""
        if self.active and self.side == "beside":
            self.dock("beside")

    def _dock_beside(self) -> bool:
        companion = self.window.companion
        chat = companion.chat_window_rect() if companion is not None else None
        if chat is None:
            return False
        screen: QScreen | None = QGuiApplication.screenAt(chat.center()) or QGuiApplication.primaryScreen()
        if screen is None:
            return False
        frame = beside_rect(chat, screen.availableGeometry())
        if frame is None:
            return False
        self._set_frame(frame)  # our title bar and borders inside it: the strip never covers the chat tool
        return True

    def _side_page_changed(self, *_args: object) -> None:
        # Compact keeps only search, results and compose; the fill panel appears while it is in use.
        w = self.window
        w.side.setVisible(not self.active or w.side.currentWidget() is w.fill)

    def normal_geometry(self) -> bytes | None:
        """The full window's geometry while compact (what the next start without compact should use)."""
        return self._normal_geometry if self.active else None

    def remember(self) -> None:
        """Store mode and place now (the app is closing)."""
        if self.active:
            self._save()
