"""The keyboard shortcut overlay (F1 or ?): every shortcut in one card over a dimmed window."""

from __future__ import annotations

from huashu.gui import theme
from huashu.gui.qt import (
    QColor,
    QEvent,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QMouseEvent,
    QObject,
    QPainter,
    QPaintEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

Section = tuple[str, list[tuple[str, str]]]  # (heading, [(keys, what they do)])


class HelpOverlay(QWidget):
    """Covers its host window; any of Esc, F1, ? or a click outside the card closes it."""

    closed = Signal()

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("helpOverlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._card = QFrame(self)
        self._card.setObjectName("card")
        self._layout = QVBoxLayout(self._card)
        self._layout.setContentsMargins(28, 22, 28, 22)
        self._layout.setSpacing(14)
        self._title = QLabel(self._card)
        self._title.setObjectName("sectionTitle")
        self._hint = QLabel(self._card)
        self._hint.setProperty("muted", True)
        head = QHBoxLayout()
        head.addWidget(self._title)
        head.addStretch(1)
        head.addWidget(self._hint)
        self._layout.addLayout(head)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(28)
        self._grid.setVerticalSpacing(6)
        self._layout.addLayout(self._grid)
        self._return_focus: QWidget | None = None
        host.installEventFilter(self)
        self.hide()

    def open(self, title: str, hint: str, sections: list[Section]) -> None:
        self._title.setText(title)
        self._hint.setText(hint)
        self._fill(sections)
        self._return_focus = self.window().focusWidget()
        self._cover()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        if self._return_focus is not None:
            self._return_focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def _fill(self, sections: list[Section]) -> None:
        while self._grid.count():
            child = self._grid.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        c = theme.colors()
        # Two columns of sections, each a heading and rows of key caps and descriptions.
        columns = 2
        rows_per_col = [0] * columns
        for index, (heading, entries) in enumerate(sections):
            col = index % columns if len(sections) > 1 else 0
            row = rows_per_col[col]
            label = QLabel(heading)
            label.setStyleSheet(f"color: {c.accent}; font-weight: 600; padding-top: 6px;")
            self._grid.addWidget(label, row, col * 2, 1, 2)
            row += 1
            for keys, what in entries:
                cap = QLabel(keys)
                cap.setStyleSheet(
                    f"background: {c.alt_base}; border: 1px solid {c.border}; border-radius: 5px;"
                    f"padding: 2px 8px; font-family: monospace;"
                )
                cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self._grid.addWidget(cap, row, col * 2, Qt.AlignmentFlag.AlignLeft)
                self._grid.addWidget(QLabel(what), row, col * 2 + 1)
                row += 1
            rows_per_col[col] = row

    def _cover(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        self.setGeometry(host.rect())
        self._card.adjustSize()
        size = self._card.sizeHint()
        width = min(size.width(), self.width() - 40)
        height = min(size.height(), self.height() - 40)
        self._card.setGeometry((self.width() - width) // 2, (self.height() - height) // 2, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question, Qt.Key.Key_Return):
            self.close_overlay()
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._card.geometry().contains(event.position().toPoint()):
            self.close_overlay()
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._cover()
        return False
