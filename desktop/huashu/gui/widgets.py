"""Small shared widgets: an input-method-aware line edit, one-line and wrapping labels, layout helpers."""

from __future__ import annotations

from collections.abc import Sequence

from huashu.gui.qt import (
    QEvent,
    QFocusEvent,
    QFormLayout,
    QFrame,
    QGuiApplication,
    QInputMethodEvent,
    QKeyCombination,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QObject,
    QPainter,
    QPaintEvent,
    QPlainTextEdit,
    QRect,
    QResizeEvent,
    QScrollArea,
    QShowEvent,
    QSize,
    QSizePolicy,
    QStyle,
    Qt,
    QWidget,
    Signal,
)

Key = Qt.Key
# Keys that an input method uses to pick or cancel a candidate while the agent is composing Chinese.
IME_KEYS = frozenset({Key.Key_Return, Key.Key_Enter, Key.Key_Escape, Key.Key_Up, Key.Key_Down, Key.Key_Tab})


class ImeLineEdit(QLineEdit):
    """A line edit that knows when an input method is composing and then leaves Enter/Esc/arrows to it.

    While pinyin is being composed (preedit text shown underlined), Enter commits the candidate and
    Esc cancels it; they must never also "use this phrase" or clear the search. Outside composition
    the keys are reported through signals so the owner decides what they mean.
    """

    submitted = Signal(bool)  # Enter; True when Ctrl was held
    escaped = Signal()
    navigated = Signal(int)  # Up, Down, PageUp, PageDown, Home/End with Ctrl

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preedit = ""
        # Keys the window's shortcuts own here although a line edit would claim them: on X11 it
        # takes Ctrl+E (End) and Ctrl+D (Delete) before any shortcut sees them.
        self.window_keys: frozenset[QKeyCombination] = frozenset()

    @property
    def composing(self) -> bool:
        return bool(self._preedit)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self._preedit = event.preeditString()
        super().inputMethodEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # The input method commits or drops its preedit when focus leaves; never stay "composing".
        super().focusOutEvent(event)
        self._preedit = ""

    def event(self, event: QEvent) -> bool:
        # Tab would otherwise move focus before the input method sees it.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self.composing
            and event.key() in IME_KEYS
        ):
            event.accept()
            return True
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and not self.composing
            and event.keyCombination() in self.window_keys
        ):
            return False  # left unclaimed: the shortcut fires, or the key arrives as a plain press
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.composing and key in IME_KEYS:
            event.accept()
            return
        mods = event.modifiers()
        if key in (Key.Key_Return, Key.Key_Enter):
            self.submitted.emit(bool(mods & Qt.KeyboardModifier.ControlModifier))
            event.accept()
            return
        if key == Key.Key_Escape:
            self.escaped.emit()
            event.accept()
            return
        if key in (Key.Key_Up, Key.Key_Down, Key.Key_PageUp, Key.Key_PageDown):
            self.navigated.emit(int(key))
            event.accept()
            return
        super().keyPressEvent(event)


def buddy_form(widgets: Sequence[QWidget], *, spacing: tuple[int, int]) -> tuple[QFormLayout, list[QLabel]]:
    """A form with one label per widget, each the buddy of its widget (its &-mnemonic focuses it).

    The labels' texts are set by the owner's retranslate(); `spacing` is (horizontal, vertical).
    """
    form = QFormLayout()
    form.setHorizontalSpacing(spacing[0])
    form.setVerticalSpacing(spacing[1])
    labels = [QLabel() for _ in widgets]
    for label, widget in zip(labels, widgets, strict=True):
        label.setBuddy(widget)
        form.addRow(label, widget)
    return form, labels


def muted_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("muted", True)
    label.setWordWrap(True)
    return label


class WrappingLabel(QLabel):
    """A word-wrapped label whose window grows to show all of its lines.

    A window is sized from its layout's minimum, which leaves out how tall wrapped text becomes at
    the window's width: a message that wraps to more lines would squeeze the widgets above it until
    they overlap. This label asks for its wrapped height as its minimum, so the window grows.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if not self.isVisible() or not self.text():
            return hint  # no width of its own yet: the first layout pass gives it one
        return QSize(hint.width(), max(hint.height(), self.heightForWidth(self.width())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the wrapped height changed with the width


class LinesEdit(QPlainTextEdit):
    """A plain-text box exactly `lines` whole lines tall, in whatever font and style sheet.

    A height in pixels (or one a crowded layout squeezes) shows a line cut in half at the bottom;
    this one keeps whole lines, longer text scrolls, and the window grows instead.
    """

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines = lines
        self.setTabChangesFocus(True)

    def _fit(self) -> None:
        self.ensurePolished()
        chrome = self.height() - self.contentsRect().height()  # border and style-sheet padding
        margin = round(2 * self.document().documentMargin())
        self.setFixedHeight(chrome + margin + self._lines * self.line_height())

    def line_height(self) -> int:
        """A line's height for Chinese text: with a Latin face first (the English UI) the font's own
        line spacing is shorter than a line of Chinese, and the third line of rule words was cut."""
        metrics = self.fontMetrics()
        return max(metrics.lineSpacing(), metrics.size(0, "字").height())

    def showEvent(self, event: QShowEvent) -> None:
        self._fit()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


class ElidedLabel(QLabel):
    """One muted line that ends in … when the window is too narrow, instead of wrapping.

    A wrapped line (the status bar's) grows taller and pushes the window's content up; a line that
    keeps its whole width (the results header, which quotes the query) sets the window's minimum
    width and pushes a compact strip off the screen. The whole text is the tooltip when cut.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("muted", True)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.setToolTip("" if shown == self.text() else self.text())
        painter = QPainter(self)
        self.style().drawItemText(
            painter, rect, int(self.alignment()), self.palette(), self.isEnabled(), shown, self.foregroundRole()
        )


def section_title(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")
    return label


def hline(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    return line


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark an input red (the stylesheet reads the property) and make the style notice the change."""
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class WrapRow(QWidget):
    """Buttons side by side that continue on a new row when the width runs out.

    A pane whose width the window decides (a splitter, a fixed minimum) squeezes a box layout's
    buttons below their text's width: "Copy to my phrases" showed as "py to my phra" at 14 pt.
    Here every button keeps its whole width and the row grows taller instead, so its minimum width
    is only its widest button's.
    """

    def __init__(self, spacing: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spacing = spacing
        self._items: list[QWidget] = []
        # Layouts ask heightForWidth hundreds of times while a window settles: the rows for a width
        # are kept until a button changes (its LayoutRequest, show or hide empties this).
        self._rows_at: dict[int, list[list[tuple[QWidget, QSize]]]] = {}
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def add(self, widget: QWidget) -> None:
        widget.setParent(self)
        self._items.append(widget)
        # Showing or hiding a button changes the rows; the row hears of it through its buttons.
        widget.installEventFilter(self)
        self._changed()

    def widgets(self) -> list[QWidget]:
        return list(self._items)

    @staticmethod
    def _size(widget: QWidget) -> QSize:
        return widget.sizeHint().expandedTo(widget.minimumSizeHint()).expandedTo(widget.minimumSize())

    def _rows(self, width: int) -> list[list[tuple[QWidget, QSize]]]:
        cached = self._rows_at.get(width)
        if cached is None:
            cached = self._rows_at[width] = self._lay_out(width)
        return cached

    def _lay_out(self, width: int) -> list[list[tuple[QWidget, QSize]]]:
        rows: list[list[tuple[QWidget, QSize]]] = []
        row: list[tuple[QWidget, QSize]] = []
        used = 0
        for widget in self._items:
            if not widget.isVisibleTo(self):
                continue
            size = self._size(widget)
            needed = used + self._spacing + size.width() if row else size.width()
            if row and needed > width:
                rows.append(row)
                row, needed = [], size.width()
            row.append((widget, size))
            used = needed
        if row:
            rows.append(row)
        return rows

    def _height(self, rows: list[list[tuple[QWidget, QSize]]]) -> int:
        if not rows:
            return 0
        heights = [max(size.height() for _w, size in row) for row in rows]
        return sum(heights) + self._spacing * (len(rows) - 1)

    def _margins(self) -> QSize:
        m = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def sizeHint(self) -> QSize:
        rows = self._rows(1 << 24)  # everything on one row
        width = sum(size.width() for _w, size in rows[0]) + self._spacing * (len(rows[0]) - 1) if rows else 0
        return QSize(width, self._height(rows)) + self._margins()

    def minimumSizeHint(self) -> QSize:
        sizes = [self._size(w) for w in self._items if w.isVisibleTo(self)]
        if not sizes:
            return self._margins()
        return QSize(max(s.width() for s in sizes), max(s.height() for s in sizes)) + self._margins()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self._margins()
        return self._height(self._rows(width - margins.width())) + margins.height()

    def _place(self) -> None:
        area = self.contentsRect()
        y = area.top()
        for row in self._rows(area.width()):
            height = max(size.height() for _w, size in row)
            x = area.left()
            for widget, size in row:
                widget.setGeometry(QRect(x, y + (height - size.height()) // 2, size.width(), size.height()))
                x += size.width() + self._spacing
            y += height + self._spacing

    def _changed(self) -> None:
        self._rows_at.clear()
        self.updateGeometry()
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self._changed()
        return False

    def event(self, event: QEvent) -> bool:
        # A button's new text or font: it asks its parent (this row, which has no layout) to lay out.
        if event.type() == QEvent.Type.LayoutRequest:
            self._changed()
            return True
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Show):
            # A hidden row hears of no LayoutRequest: its buttons may have changed meanwhile.
            self._rows_at.clear()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()


class FitScrollArea(QScrollArea):
    """A page that asks for room for all of its content, and scrolls only where the screen has less.

    A plain scroll area asks for a modest fixed size, so a dialog built on it opens cramped; the
    content laid out directly makes the dialog taller than a laptop screen at a large font size.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._content = content
        self.setWidget(content)
        # The page shows through, as it did before it could scroll: setWidget() made it paint its own
        # background, over the rounded frame of the tab pane around it.
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)

    def _scrollbar(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)

    def sizeHint(self) -> QSize:
        content = self._content
        hint = content.sizeHint().expandedTo(content.minimumSizeHint())
        if content.hasHeightForWidth():
            hint.setHeight(max(hint.height(), content.heightForWidth(hint.width())))
        frame = 2 * self.frameWidth()
        return QSize(hint.width() + frame, hint.height() + frame)

    def minimumSizeHint(self) -> QSize:
        # As wide as the content must be, with room for the scroll bar it shows when the window is
        # too short; as short as a few lines, the rest scrolls.
        content = self._content.minimumSizeHint()
        frame = 2 * self.frameWidth()
        lines = 6 * self.fontMetrics().lineSpacing()
        return QSize(content.width() + self._scrollbar() + frame, min(content.height(), lines) + frame)


# Room for what the window manager adds around a window (title bar, borders) before it is shown.
FRAME_ALLOWANCE = QSize(16, 48)


def fit_to_screen(window: QWidget, width: int, height: int = 0) -> QSize:
    """Resize `window` to `width` (wider if its content needs it) and as tall as its content wants
    at that width, all within the available screen; returns the size given.

    A fixed size cut off a dialog's own text at a large font ("…packs from this publisher will"
    hidden behind the buttons); sizes in pixels do not grow with the font.
    """
    window.ensurePolished()
    layout = window.layout()
    if layout is not None:
        layout.activate()
    screen = window.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() - FRAME_ALLOWANCE
    parent = window.parentWidget()
    if parent is not None and parent.window().isVisible():
        top = parent.window()
        frame = top.frameGeometry().size() - top.size()
        if frame.width() > 0 or frame.height() > 0:
            room = screen.availableGeometry().size() - frame
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    w = min(max(width, minimum.width()), room.width())
    if layout is not None and layout.hasHeightForWidth():
        wanted = layout.totalHeightForWidth(w)
    else:
        wanted = window.sizeHint().height()
    h = min(max(wanted, height, minimum.height()), room.height())
    window.resize(w, h)
    return QSize(w, h)


def em(widget: QWidget, count: float) -> int:
    """`count` line heights of the widget's font in pixels: widths that grow with the font size."""
    return round(count * widget.fontMetrics().height())
