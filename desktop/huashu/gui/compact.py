"""Compact mode: the main window as a narrow always-on-top strip (search, results, compose) at a screen
edge or beside the chat window."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import TYPE_CHECKING, Any

from huashu.gui.qt import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QGuiApplication,
    QObject,
    QRect,
    QSizePolicy,
    Qt,
    QTimer,
    Signal,
)
from huashu.gui.search_panel import Scope

if TYPE_CHECKING:
    from huashu.gui.main_window import MainWindow
    from huashu.gui.qt import QScreen

COMPACT_KEY = "ui.compact_state"
COMPACT_WIDTH = 380
MIN_BESIDE_HEIGHT = 420  # beside a short chat window the strip still shows a useful list
SIDES = ("left", "right", "beside")
# While docked beside, the chat window's frame is read this often (X11: four small requests, Windows:
# one call); a move of the chat window is followed within this time. Measured: negligible CPU.
FOLLOW_MS = 250
# After each placement the window system answers late: the window manager adds its frame once the
# window is first mapped, leaves a maximized state, or pushes the frame. Until the strip has been on
# screen this long it is put back where it belongs, and it is not yet taken to be moved by hand.
SETTLE_MS = 50
SETTLE_TICKS = 16  # counted while the strip is on screen
SETTLE_TICKS_MAX = 100  # a strip that never shows (another workspace) does not keep the timer busy
SETTLE_RETRIES = 3
TOLERANCE = 2  # px: rounding between the desktop's pixels and Qt's on scaled screens
# In the strip the results get this many rows before the compose box grows past its least height:
# beside a short chat window the list is what the agent came for.
STRIP_ROWS = 4


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


def beside_rect(chat: QRect, area: QRect, width: int = COMPACT_WIDTH, prefer: str = "right") -> QRect | None:
    """The strip's outer frame flush with the chat window's frame on the `prefer` side, or on the other
    side where that one has no room; None when neither has (a maximized chat window). As tall as the
    chat window, within `area`."""
    width = min(width, area.width())
    height = min(area.height(), max(chat.height(), MIN_BESIDE_HEIGHT))
    top = min(max(chat.top(), area.top()), area.bottom() + 1 - height)
    right = QRect(chat.right() + 1, top, width, height) if chat.right() + width <= area.right() else None
    left = QRect(chat.left() - width, top, width, height) if chat.left() - width >= area.left() else None
    first, second = (left, right) if prefer == "left" else (right, left)
    return first if first is not None else second


def fitted_rect(frame: QRect, least_height: int, area: QRect) -> QRect:
    """`frame` at least `least_height` tall (what the strip's content needs: Qt grows the window to
    it anyway, downwards), moved up where that would leave `area` at the bottom."""
    height = min(max(frame.height(), least_height), area.height())
    top = max(area.top(), min(frame.top(), area.bottom() + 1 - height))
    return QRect(frame.left(), top, frame.width(), height)


def near(a: QRect, b: QRect, tolerance: int = TOLERANCE) -> bool:
    """Same place and size, give or take `tolerance` pixels on each."""
    return all(
        abs(x - y) <= tolerance
        for x, y in ((a.x(), b.x()), (a.y(), b.y()), (a.width(), b.width()), (a.height(), b.height()))
    )


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
        # Where the strip's frame was put last, and how the window system answered.
        self._target: QRect | None = None
        self._settled: QRect | None = None  # where it came to rest: a move away from it is the agent's
        self._settle_ticks = 0
        self._settle_seen = 0
        self._settle_retries = 0
        self._last_seen: QRect | None = None
        self._settle = QTimer(self)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._settle_tick)
        # The chat window followed while docked beside it (0: none) and its frame when last read.
        self.chat_window = 0
        self._chat_frame: QRect | None = None
        self._beside_side = "right"
        self._replace = False  # hidden or minimized meanwhile: place again once shown
        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_MS)
        self._follow.timeout.connect(self._follow_tick)
        # Where the strip rests without the fill panel: docked, beside, or where the agent put it.
        # The panel may make the strip taller (a large font in a short strip); it comes back here.
        self._rest: QRect | None = None
        self._full_splits: tuple[QByteArray, QByteArray] | None = None  # the full layout's splitters
        self._refit = QTimer(self)  # once the layouts have taken a page change in
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._refit_strip)
        self._reshare = QTimer(self)
        self._reshare.setSingleShot(True)
        self._reshare.setInterval(0)
        self._reshare.timeout.connect(self._share_strip)
        window.v_split.installEventFilter(self)
        window.fill.hint.installEventFilter(self)
        window.installEventFilter(self)
        # Ctrl+E while the strip fills in a phrase: the compose box is hidden then (_side_page_changed).
        window.actions_by_name["focus_compose"].triggered.connect(self._compose_requested)

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
            self._full_splits = (w.h_split.saveState(), w.v_split.saveState())
        else:
            if save:
                self._save(on=False)  # the compact place, before the window leaves it; and that it is off
            self._stop_placing()
        self.active = on
        # Never shown in the strip, the preview still counted for its least height: a stacked widget
        # is as tall as its tallest page, and the fill panel made the strip taller than the screen.
        policy = QSizePolicy.Policy.Ignored if on else QSizePolicy.Policy.Preferred
        w.preview.setSizePolicy(w.preview.sizePolicy().horizontalPolicy(), policy)
        visible = w.isVisible()
        if on and w.tree.current_scope() != Scope():
            w.tree.select_scope(Scope())  # the tree is hidden: no category may narrow the search unseen
        w.tree.setVisible(not on)
        w.menuBar().setVisible(not on)
        w.statusBar().setVisible(not on)
        for button in w.tool_buttons:
            button.setVisible(not on)
        w.h_split.setOrientation(Qt.Orientation.Vertical if on else Qt.Orientation.Horizontal)
        if on:
            self._strip_texts()
        else:
            w.retranslate()
            w.fill.retranslate()
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
            self._reshare.start()
        else:
            if self._full_splits is not None:
                w.h_split.restoreState(self._full_splits[0])
                w.v_split.restoreState(self._full_splits[1])
            if self._normal_geometry is not None:
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
        self._stop_following()
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
            self._place_at(docked_rect(self._available(), "right"))
            return
        self.side = "left" if side == "left" else "right"
        self._place_at(docked_rect(self._available(), self.side))

    def _place_at(self, frame: QRect) -> None:
        """A placement of ours (docked, beside): where the strip rests, and returns after filling in."""
        self._rest = QRect(frame)
        self._set_frame(frame)

    def _set_frame(self, frame: QRect) -> None:
        """Place the window so that its outer frame, title bar and borders included, is `frame`
        (no shorter than its content needs, and then moved up to stay on the screen: fitted_rect).

        setGeometry places the inside: docked at an edge, the window manager would then push the
        title bar on screen and the bottom of the strip (the compose box) off it. Before the window
        manager has framed the window Qt knows no frame: the settling that follows puts it right.
        """
        w = self.window
        if w.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            # Left maximized, the window manager would keep it so and ignore the new place.
            w.setWindowState(
                w.windowState() & ~(Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen)
            )
        frame = self._fitted(frame)
        self._target = QRect(frame)
        self._settled = None
        self._settle_ticks = self._settle_seen = self._settle_retries = 0
        self._last_seen = None
        self._apply(frame)
        self._settle.start()

    def _apply(self, frame: QRect) -> None:
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

    @property
    def settling(self) -> bool:
        """The last placement is still being confirmed by the window system."""
        return self._settle.isActive()

    def _settle_tick(self) -> None:
        """Put the strip back where it was placed while the window system still moves it on its own.

        The frame Qt knows before the window manager has decorated the window is none at all: placed
        then, the title bar would land above the chat window's top and the strip would be too tall.
        """
        w = self.window
        target = self._target
        self._settle_ticks += 1
        if target is None or not self.active or not w.isVisible() or self._settle_ticks > SETTLE_TICKS_MAX:
            self._end_settling()
            return
        handle = w.windowHandle()
        if handle is None or not handle.isExposed() or w.isMinimized():
            return
        self._settle_seen += 1
        seen = w.frameGeometry()
        # Only once the window system has answered (the same frame twice): the earlier request may
        # still be on its way, and asking again before it arrives only adds to the queue.
        if not near(seen, target) and seen == self._last_seen and self._settle_retries < SETTLE_RETRIES:
            self._settle_retries += 1
            self._apply(target)
        self._last_seen = seen
        if self._settle_seen >= SETTLE_TICKS:
            self._end_settling()

    def _end_settling(self) -> None:
        self._settle.stop()
        self._settled = self.window.frameGeometry() if self.window.isVisible() else None

    def _stop_following(self) -> None:
        self.chat_window = 0
        self._chat_frame = None
        self._follow.stop()

    def _stop_placing(self) -> None:
        self._stop_following()
        self._settle.stop()
        self._refit.stop()
        self._target = self._settled = self._rest = None

    def _available(self) -> QRect:
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def companion_ready(self) -> None:
        """The hotkey/paste part has started: a compact strip waiting to go beside the chat window goes."""
        if self.active and self.side == "beside":
            self.dock("beside")

    def _read_chat_frame(self, chat_window: int) -> QRect | None:
        """The outer frame of a chat window in Qt's coordinates; None once it is closed."""
        from huashu.gui.companion import logical_rect  # imported by now: it is what called us

        companion = self.window.companion
        paster = companion.paster if companion is not None else None
        frame = paster.window_frame(chat_window) if paster is not None and chat_window else None
        if frame is None or frame[2] <= 0 or frame[3] <= 0:
            return None
        return logical_rect(*frame)

    def _beside(self, chat: QRect, prefer: str, *, any_screen: bool) -> QRect | None:
        screen: QScreen | None = QGuiApplication.screenAt(chat.center())
        if screen is None and any_screen:
            screen = QGuiApplication.primaryScreen()
        if screen is None:  # off every screen: minimized on Windows (-32000, -32000)
            return None
        return beside_rect(chat, screen.availableGeometry(), prefer=prefer)

    def _dock_beside(self) -> bool:
        companion = self.window.companion
        paster = companion.paster if companion is not None else None
        chat_window = paster.recent_window() if paster is not None else 0
        chat = self._read_chat_frame(chat_window)
        if chat is None:
            return False
        frame = self._beside(chat, "right", any_screen=True)
        if frame is None:
            return False
        self._place_at(frame)  # our title bar and borders inside it: the strip never covers the chat tool
        self.chat_window, self._chat_frame = chat_window, chat
        self._beside_side = "right" if frame.left() > chat.left() else "left"
        self._replace = False
        self._follow.start()
        return True

    def _follow_tick(self) -> None:
        """Keep the strip beside the chat window as it moves or changes size, until the agent moves the
        strip away by hand (it is no longer "beside" then) or the chat window closes (it stays put)."""
        w = self.window
        if not self.active or not self.chat_window:
            self._stop_following()
            return
        if not w.isVisible() or w.isMinimized():
            self._replace = True  # in the tray: nothing to move, and the WM may place it anew on show
            return
        if self.settling:
            return  # the strip is not at rest yet: neither moved by hand nor ready to move again
        if not self._replace and self._settled is not None and self._moved_by_hand():
            self._stop_following()
            area = self._available()
            self.side = "left" if w.frameGeometry().center().x() < area.center().x() else "right"
            return
        chat = self._read_chat_frame(self.chat_window)
        if chat is None:
            self._stop_following()  # closed: the strip stays where it is, still "beside" for next time
            return
        if chat == self._chat_frame and not self._replace:
            return
        self._chat_frame = chat
        frame = self._beside(chat, self._beside_side, any_screen=False)
        if frame is None:
            return  # maximized or minimized: no room beside it now, and where it is does no harm
        self._replace = False
        self._beside_side = "right" if frame.left() > chat.left() else "left"
        if self._fitted(frame) != self._target or not near(w.frameGeometry(), self._fitted(frame)):
            self._place_at(frame)

    def _moved_by_hand(self) -> bool:
        settled = self._settled
        assert settled is not None
        now = self.window.frameGeometry()
        return abs(now.left() - settled.left()) > TOLERANCE or abs(now.top() - settled.top()) > TOLERANCE

    def _side_page_changed(self, *_args: object) -> None:
        # Compact keeps only search, results and compose; the fill panel appears while it is in use,
        # in place of the compose box: one Copy button, and its height for the fields.
        w = self.window
        filling = w.side.currentWidget() is w.fill
        w.side.setVisible(not self.active or filling)
        w.compose.setVisible(not (self.active and filling))
        if not self.active:
            return
        frame = w.frameGeometry()
        if filling and w.isVisible() and (self._rest is None or not near(frame, self._fitted(self._rest))):
            self._rest = QRect(frame)  # not where we put it: the agent moved it, or a restored place
        self._refit.start()

    def _compose_requested(self) -> None:
        """Ctrl+E in the strip while filling in: the agent writes their own reply instead."""
        w = self.window
        if self.active and w.side.currentWidget() is w.fill:
            w.close_fill(focus=False)
            w.focus_compose()

    # -- the strip's height ------------------------------------------------------------------

    def _least_height(self) -> int:
        """The strip's outer height its content needs now, title bar and borders included."""
        w = self.window
        for host in (w.centralWidget(), w):
            layout = host.layout() if host is not None else None
            if layout is not None:
                layout.activate()  # a page just changed: the minimum follows the new content
        extra = w.frameGeometry().height() - w.geometry().height()
        return max(w.minimumSizeHint().height(), w.minimumHeight()) + extra

    def _fitted(self, frame: QRect) -> QRect:
        return fitted_rect(frame, self._least_height(), self._area_of(frame))

    def _area_of(self, frame: QRect) -> QRect:
        screen = (
            QGuiApplication.screenAt(frame.center())
            or self.window.screen()
            or QGuiApplication.primaryScreen()
        )
        return screen.availableGeometry()

    def _refit_strip(self) -> None:
        """After the fill panel opened or closed: the height shared out again, and the strip where it
        rests (taller while the panel needs it, never past the screen's bottom)."""
        w = self.window
        if not self.active:
            return
        self._share_strip()
        if self._rest is None or not w.isVisible() or w.isMinimized():
            return
        wanted = self._fitted(self._rest)
        if self.settling and wanted == self._target:
            return  # on its way there already
        if not near(w.frameGeometry(), wanted):
            self._set_frame(self._rest)

    def _share_strip(self) -> None:
        """In the strip the results, or the fill panel, get the height first: the compose box gets
        what is left, from its least height up to what it asks for."""
        w = self.window
        if not self.active:
            return
        if w.side.currentWidget() is w.fill:
            # The compose box is hidden: the upper splitter has it all. There the panel comes first,
            # up to its whole height; the list keeps its least (the phrase being filled in shows).
            split = w.h_split
            middle = split.widget(1)
            room = split.height() - split.handleWidth()
            side = min(w.side.sizeHint().height(), room - middle.minimumSizeHint().height())
            side = max(side, w.side.minimumSizeHint().height())
            split.setSizes([0, room - side, side])
            return
        split = w.v_split
        room = split.height() - split.handleWidth()
        results = w.results
        row = results.sizeHintForRow(0) if w.model.rowCount() else 2 * results.fontMetrics().lineSpacing()
        # The list's header and margins as the layout has them, and STRIP_ROWS rows in its frame.
        around = w.h_split.widget(1).minimumSizeHint().height() - results.minimumSizeHint().height()
        list_wanted = around + STRIP_ROWS * row + 2 * results.frameWidth()
        compose = w.compose
        least, wanted = compose.minimumSizeHint().height(), compose.sizeHint().height()
        share = max(least, min(wanted, room - list_wanted))
        split.setSizes([room - share, share])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.active:
            return False
        w, kind = self.window, event.type()
        if watched is w.v_split and kind == QEvent.Type.Resize:
            self._reshare.start()
        elif watched is w.fill.hint and kind == QEvent.Type.Paint:
            # The panel sets its full hint each time it opens a phrase (also one opened over another,
            # with no page change to see): the strip's short one replaces it before it is drawn.
            if w.fill.hint.text() != self._fill_hint():
                w.fill.hint.setText(self._fill_hint())
        elif watched is w and kind == QEvent.Type.LanguageChange:
            # The window retranslates to its full texts: the strip's short ones after it.
            QTimer.singleShot(0, self._strip_texts)
        return False

    def _fill_hint(self) -> str:
        return self.tr("Enter: next field  ·  Ctrl+Enter: copy  ·  Esc: back")

    def _strip_texts(self) -> None:
        """Shorter texts where the full ones do not fit the strip's width."""
        w = self.window
        if not self.active:
            return
        w.search_box.set_placeholders(self.tr("Search phrases or /shortcut"))
        w.fill.hint.setText(self._fill_hint())

    def normal_geometry(self) -> bytes | None:
        """The full window's geometry while compact (what the next start without compact should use)."""
        return self._normal_geometry if self.active else None

    def remember(self) -> None:
        """Store mode and place now (the app is closing)."""
        if self.active:
            self._save()
