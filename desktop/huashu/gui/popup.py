"""The quick popup: a small always-on-top search opened by the global hotkey near the mouse cursor."""

from __future__ import annotations

import functools
import logging
import sys
import warnings
from collections.abc import Callable
from typing import Any

from huashu.gui import theme
from huashu.gui.context import AppContext
from huashu.gui.fill_panel import FilledReply, FillPanel, instant_reply
from huashu.gui.qt import (
    QApplication,
    QColor,
    QCursor,
    QEvent,
    QFrame,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPoint,
    QRect,
    QResizeEvent,
    QShortcut,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.results import ResultItem, ResultsModel, ResultsView
from huashu.gui.search_panel import Outcome, SearchBox, SearchController
from huashu.gui.toast import Toast
from huashu.gui.widgets import ElidedLabel

log = logging.getLogger(__name__)

POPUP_SIZE = (560, 440)  # at a 10 pt font; larger fonts get a proportionally larger popup
POPUP_DESIGN_POINTS = 10.0
POPUP_SCREEN_SHARE = 0.9  # of the screen's free area, at most
CURSOR_GAP = 12
BORDER = 1


def popup_size(point_size: float, screen: QRect) -> tuple[int, int]:
    """The popup's size for the app font's point size: POPUP_SIZE grown with the font, but not
    beyond most of the screen (and never below POPUP_SIZE)."""
    scale = max(1.0, point_size / POPUP_DESIGN_POINTS) if point_size > 0 else 1.0
    room = (screen.width() * POPUP_SCREEN_SHARE, screen.height() * POPUP_SCREEN_SHARE)
    width, height = (round(max(base, min(base * scale, share))) for base, share in zip(POPUP_SIZE, room, strict=True))
    return width, height


def edge_color(c: theme.Colors) -> QColor:
    """The popup's 1 px edge: halfway between the theme's border and muted grey.

    A frameless window has no edge from the window manager; the theme's border grey alone
    (#dcdfe4 light) all but vanishes on a white chat window, the muted grey is too loud for a frame.
    """
    a, b = QColor(c.border), QColor(c.muted)
    return QColor((a.red() + b.red()) // 2, (a.green() + b.green()) // 2, (a.blue() + b.blue()) // 2)


@functools.cache
def _objc() -> tuple[Any, Any, Any]:
    """(objc_getClass + sel_registerName library, msgSend returning id, msgSend taking a BOOL)."""
    import ctypes

    objc = ctypes.CDLL("/usr/lib/libobjc.A.dylib")
    objc.objc_getClass.argtypes = (ctypes.c_char_p,)
    objc.objc_getClass.restype = ctypes.c_void_p
    objc.sel_registerName.argtypes = (ctypes.c_char_p,)
    objc.sel_registerName.restype = ctypes.c_void_p
    # objc_msgSend must be called through a prototype of the real method (arm64 passes variadic
    # arguments differently): one per signature, each its own function object.
    send_id = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(("objc_msgSend", objc))
    send_bool = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_bool)(
        ("objc_msgSend", objc)
    )
    return objc, send_id, send_bool


def activate_mac_app() -> None:
    """macOS: [NSApp activateIgnoringOtherApps:YES]. A global hotkey does not make Huashu the active
    app, and a window of an inactive app gets no keyboard focus; activating the window is not enough.
    """
    if sys.platform != "darwin":
        return
    try:
        objc, send_id, send_bool = _objc()
        app = send_id(objc.objc_getClass(b"NSApplication"), objc.sel_registerName(b"sharedApplication"))
        if app:
            send_bool(app, objc.sel_registerName(b"activateIgnoringOtherApps:"), True)
    except Exception as exc:  # never worth losing the popup over
        log.warning("could not activate the app: %s", exc)


def place_near(cursor: QPoint, size: tuple[int, int], screen: QRect) -> QPoint:
    """Top-left for a window of `size` beside `cursor`, moved inside `screen` (the cursor's screen)."""
    width, height = size
    x = cursor.x() + CURSOR_GAP
    y = cursor.y() + CURSOR_GAP
    if x + width > screen.right():
        x = cursor.x() - width - CURSOR_GAP
    if y + height > screen.bottom():
        y = cursor.y() - height - CURSOR_GAP
    x = max(screen.left(), min(x, screen.right() - width))
    y = max(screen.top(), min(y, screen.bottom() - height))
    return QPoint(x, y)


class QuickPopup(QWidget):
    """Created once and shown on demand: search box, results and the fill panel of the main window.

    Enter uses the selected phrase like in the main window (fields open the fill panel); the
    finished reply is handed out through `used` and the popup hides. Esc (outside input-method
    composition) or clicking elsewhere hides it.
    """

    used = Signal(object)  # FilledReply
    hidden = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickPopup")
        self.setWindowFlags(
            Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # never what keeps the app running
        if sys.platform == "darwin":
            # A tool window of an inactive app is hidden by macOS; the popup opens over another app.
            self.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow, True)
        self.ctx = ctx
        self.platform_focus: Callable[[], bool] | None = None  # asks the window system, where it can
        self.search_box = SearchBox()
        self.model = ResultsModel(self)
        self.results = ResultsView()
        self.results.setModel(self.model)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the search box keeps the keys; arrows move here
        self.fill = FillPanel(ctx, pastes=True)
        # One line each that ends in … when short of room: a long query or a large font must not
        # make the popup wider than the screen.
        self.header = ElidedLabel()
        self.footer = ElidedLabel()
        self.controller = SearchController(ctx.ops, self)

        self.list_page = list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(4)
        list_layout.addWidget(self.header)
        list_layout.addWidget(self.results, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(list_page)
        self.pages.addWidget(self.fill)
        self._show_page(list_page)

        frame = QFrame(self)
        frame.setObjectName("quickFrame")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(12, 12, 12, 8)
        inner.setSpacing(8)
        inner.addWidget(self.search_box)
        inner.addWidget(self.pages, 1)
        inner.addWidget(self.footer)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(BORDER, BORDER, BORDER, BORDER)  # the painted edge stays uncovered
        outer.addWidget(frame)
        self.toast = Toast(self)
        self.resize(*POPUP_SIZE)

        self.search_box.textChanged.connect(self._query_changed)
        self.search_box.submitted.connect(lambda _ctrl: self.use_row(self.results.currentIndex().row()))
        self.search_box.escaped.connect(self._escape)
        self.search_box.navigated.connect(self._navigate)
        self.results.activated.connect(lambda index: self.use_row(index.row()))
        self.controller.results_ready.connect(self._show_results)
        self.controller.failed.connect(lambda message: self.toast.show_message(message, "error"))
        self.fill.copy_requested.connect(self._deliver)
        self.fill.cancelled.connect(self.back_to_list)
        self.shortcuts: list[QShortcut] = []
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda row=n - 1: self.use_row(row))
            self.shortcuts.append(shortcut)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Huashu quick search"))
        self.search_box.setPlaceholderText(self.tr("Search or /shortcut   Enter paste · Esc close"))
        self._update_footer()
        self._update_header()

    def _update_footer(self) -> None:
        """What the keys do now: on the list they choose and paste, in the fill panel they walk the
        fields and Esc goes back to the list."""
        if self.pages.currentWidget() is self.fill:
            self.footer.setText(
                self.tr("Enter next field, then paste · Ctrl+Enter paste now · Esc back to the list")
            )
        else:
            self.footer.setText(self.tr("↑↓ choose · Enter paste into the chat · Ctrl+1…9 · Esc close"))

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self.pages.currentWidget() is self.fill:
            # The panel asks for more (an offer to save under a field, a wrapped warning): room for
            # it where the screen has some, instead of scrolling the fields.
            self._grow_for_fill()
        return handled

    def paintEvent(self, event: QPaintEvent) -> None:
        c = theme.colors()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(c.window))
        painter.setPen(edge_color(c))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))  # a 1 px pen draws right of and below the line
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            # The fill panel of a phrase with many fields, or at a large font, makes the popup grow;
            # grown downwards it would hang off the bottom of the screen.
            self._keep_on_screen()

    def _keep_on_screen(self) -> None:
        screen = QGuiApplication.screenAt(self.geometry().center()) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x = max(area.left(), min(self.x(), area.right() + 1 - self.width()))
        y = max(area.top(), min(self.y(), area.bottom() + 1 - self.height()))
        if (x, y) != (self.x(), self.y()):
            self.move(x, y)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.ActivationChange and self.isVisible() and not self.isActiveWindow():
            # Clicking another window hides us; a combo box list or a checker dialog of our own does not.
            QTimer.singleShot(0, self._hide_if_inactive)
        super().changeEvent(event)

    def _hide_if_inactive(self) -> None:
        if self.platform_focus is not None and self.platform_focus():
            # Qt's X11 backend can drop a window's active state after the fact (its delayed
            # focus-out from the previous use); the window system still has us focused: keep going.
            self.adopt_focus_window()
            return
        active = QApplication.activeWindow()
        if QApplication.activeModalWidget() is not None or QApplication.activePopupWidget() is not None:
            return
        if active is None or (active is not self and not self.isAncestorOf(active)):
            self.dismiss()

    # -- showing -----------------------------------------------------------------------------

    def show_near_cursor(self) -> None:
        """Show on the cursor's screen beside the cursor, with the search text selected and focused."""
        cursor = QCursor.pos()
        screen = QGuiApplication.screenAt(cursor) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.back_to_list(focus=False)
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the least size for the list at today's font, before resizing to it
        self.resize(*popup_size(self.font().pointSizeF(), area))  # the font may have changed since
        self.move(place_near(cursor, (self.width(), self.height()), area))
        if self.controller.last is None:
            self.controller.request(self.search_box.text())
        activate_mac_app()
        self.show()
        self.raise_()
        self.activateWindow()
        self.search_box.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        self.search_box.selectAll()

    def adopt_focus_window(self) -> bool:
        """Make the widgets agree with the platform that the popup is active; True if it is.

        After Enter, Qt's X11 backend waits up to 400 ms for focus to come back before it lets go of
        the hidden popup as its focus window. A hotkey within that time shows the popup with focus
        but no "focus changed" for the widgets, so no active window and no focused search box.
        """
        handle = self.windowHandle()
        platform_has_it = self.platform_focus() if self.platform_focus is not None else False
        if handle is None or not (handle.isActive() or platform_has_it):
            return False
        if QApplication.activeWindow() is not self:
            with warnings.catch_warnings():  # deprecated for apps; here it repairs Qt's own bookkeeping
                warnings.simplefilter("ignore", DeprecationWarning)
                QApplication.setActiveWindow(self)
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            self.search_box.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        return QApplication.activeWindow() is self

    def _escape(self) -> None:
        # From the search box too, Esc leaves the fill panel first, as the footer says.
        if self.pages.currentWidget() is self.fill:
            self.back_to_list()
        else:
            self.dismiss()

    def dismiss(self) -> None:
        if self.isVisible():
            self.hide()
            self.hidden.emit()

    # -- searching ---------------------------------------------------------------------------

    def _query_changed(self, text: str) -> None:
        if self.pages.currentWidget() is self.fill:
            self.back_to_list(focus=False)
        self.controller.request(text)

    def _show_results(self, outcome: Outcome) -> None:
        self.model.set_items(outcome.items)
        self.select_row(0 if outcome.items else -1)
        self._update_header()

    def _update_header(self) -> None:
        outcome = self.controller.last
        if outcome is None:
            self.header.setText(self.tr("Loading…"))
        elif outcome.browsing:
            self.header.setText(self.tr("{0} phrases").format(len(outcome.items)))
        elif not outcome.items:
            self.header.setText(self.tr("Nothing found for “{0}”").format(outcome.query.strip()))
        else:
            self.header.setText(self.tr("{0} results").format(len(outcome.items)))

    def select_row(self, row: int) -> None:
        self.results.setCurrentIndex(self.model.index(row, 0) if row >= 0 else self.model.index(-1, 0))
        if row >= 0:
            self.results.scrollTo(self.model.index(row, 0))

    def _navigate(self, key: int) -> None:
        count = self.model.rowCount()
        if count:
            page = max(1, self.results.viewport().height() // max(1, self.results.sizeHintForRow(0)))
            steps = {
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_PageUp: -page,
                Qt.Key.Key_PageDown: page,
            }
            row = self.results.currentIndex().row() + steps.get(Qt.Key(key), 0)
            self.select_row(max(0, min(count - 1, row)))

    # -- using -------------------------------------------------------------------------------

    def use_row(self, row: int) -> None:
        if self.search_box.composing:  # Enter and Ctrl+digit while composing pinyin belong to the IME
            return
        item = self.model.item(row)
        if item is not None:
            self.select_row(row)
            self.use_item(item)

    def use_item(self, item: ResultItem) -> None:
        reply = instant_reply(item, self.ctx.builtins())
        if reply is not None:
            self._deliver(reply)
            return
        self.fill.start(item)
        self._show_page(self.fill)
        self._grow_for_fill()
        self.fill.focus_first_empty()

    def back_to_list(self, focus: bool = True) -> None:
        self._show_page(self.list_page)
        if focus:
            self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _grow_for_fill(self) -> None:
        """Room for every field where the screen has it; the layout alone grows the popup only to
        its least size, where a phrase's later fields scroll."""
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the least size first: the window grows to it by itself
        screen = QGuiApplication.screenAt(self.geometry().center()) or QGuiApplication.primaryScreen()
        limit = round(screen.availableGeometry().height() * POPUP_SCREEN_SHARE)
        height = min(self.height() + self.fill.scrolled_height(), limit)
        if height > self.height():
            self.resize(self.width(), height)

    def _show_page(self, page: QWidget) -> None:
        """Show `page`; only the page shown counts for the popup's least size.

        A stacked widget is as large as its largest page: the last phrase's fill panel, at a large
        font, would otherwise keep the list tall (and the popup over the chat) long after it closed.
        """
        for other in (self.list_page, self.fill):
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.pages.setCurrentWidget(page)
        self.pages.updateGeometry()
        self._update_footer()

    def _deliver(self, reply: FilledReply) -> None:
        self.back_to_list(focus=False)
        self.hide()  # before the paste: the chat window must get focus back
        self.used.emit(reply)
