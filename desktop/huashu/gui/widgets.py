"""Small shared widgets: an input-method-aware line edit, one-line and wrapping labels, layout helpers."""

from __future__ import annotations

from collections.abc import Sequence

from huashu.gui.qt import (
    QEvent,
    QFocusEvent,
    QFormLayout,
    QFrame,
    QInputMethodEvent,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QPainter,
    QPaintEvent,
    QPlainTextEdit,
    QResizeEvent,
    QShowEvent,
    QSize,
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
        self.setFixedHeight(chrome + margin + self._lines * self.fontMetrics().lineSpacing())

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
