"""A small non-blocking notice (已复制) that fades out by itself and never takes focus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from huashu.gui import theme
from huashu.gui.qt import QEvent, QHBoxLayout, QLabel, QObject, Qt, QTimer, QWidget

if TYPE_CHECKING:
    from huashu.gui.qt import QGraphicsOpacityEffect, QPropertyAnimation


class Toast(QWidget):
    """Shown at the bottom centre of its parent window; clicks pass through it."""

    DURATION_MS = 1600

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("toast")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._label = QLabel(self)
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 9, 18, 9)
        layout.addWidget(self._label)
        self._fader: tuple[QGraphicsOpacityEffect, QPropertyAnimation] | None = None  # on first use: off the start path
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start_fade)
        host.installEventFilter(self)
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def show_message(self, text: str, kind: str = "ok") -> None:
        c = theme.colors()
        color = {"error": c.error, "warning": c.warning}.get(kind, c.accent)
        self.setStyleSheet(
            f"#toast {{ background: {c.text}; border-radius: 10px; border-left: 4px solid {color}; }}"
            f"#toast QLabel {{ color: {c.window}; font-weight: 600; }}"
        )
        self._label.setText(text)
        effect, fade = self._fading()
        fade.stop()
        effect.setOpacity(1.0)
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(self.DURATION_MS)

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        x = (host.width() - self.width()) // 2
        y = host.height() - self.height() - 48
        self.move(max(0, x), max(0, y))

    def _fading(self) -> tuple[QGraphicsOpacityEffect, QPropertyAnimation]:
        if self._fader is None:
            from huashu.gui.qt import QEasingCurve, QGraphicsOpacityEffect, QPropertyAnimation

            effect = QGraphicsOpacityEffect(self)
            self.setGraphicsEffect(effect)
            fade = QPropertyAnimation(effect, b"opacity", self)
            fade.setDuration(350)
            fade.setEasingCurve(QEasingCurve.Type.OutCubic)
            fade.finished.connect(self._faded)
            self._fader = (effect, fade)
        return self._fader

    def _start_fade(self) -> None:
        _effect, fade = self._fading()
        fade.setStartValue(1.0)
        fade.setEndValue(0.0)
        fade.start()

    def _faded(self) -> None:
        if self._fading()[0].opacity() <= 0.01:
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
