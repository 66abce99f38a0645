"""The preview of the selected phrase: its text with field chips, details, and what can be done with it."""

from __future__ import annotations

from huashu.gui import chips, icons, theme
from huashu.gui.qt import (
    QEvent,
    QLabel,
    QPushButton,
    QResizeEvent,
    QSize,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.results import ResultItem
from huashu.gui.widgets import WrapRow, muted_label, section_title


class PreviewPane(QWidget):
    use_requested = Signal()
    edit_requested = Signal()
    favorite_requested = Signal()
    duplicate_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: ResultItem | None = None
        # (width, base hint) -> the least height: layouts ask this a hundred times while settling.
        self._least: tuple[tuple[int, int, int], int] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(8)
        self.title = section_title()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = muted_label()
        self.badge = QLabel()
        self.badge.setWordWrap(True)  # a narrow pane at 20 pt: two lines rather than a cut-off badge
        self.badge.setVisible(False)
        self.body = QTextBrowser()
        self.body.setObjectName("previewBody")
        self.body.setOpenLinks(False)
        self.body.setMinimumHeight(120)
        self.notes = muted_label()
        self.usage = muted_label()
        self.use_button = QPushButton()
        self.use_button.setProperty("primary", True)
        self.edit_button = QPushButton()
        self.favorite_button = QPushButton()
        self.duplicate_button = QPushButton()
        self.use_button.clicked.connect(self.use_requested)
        self.edit_button.clicked.connect(self.edit_requested)
        self.favorite_button.clicked.connect(self.favorite_requested)
        self.duplicate_button.clicked.connect(self.duplicate_requested)
        # The pane's width is the window's to decide: at a large font the buttons wrap onto a second
        # row rather than being squeezed below their text.
        self.buttons = WrapRow(8)
        self.buttons.setObjectName("previewButtons")
        for button in (self.use_button, self.edit_button, self.favorite_button, self.duplicate_button):
            self.buttons.add(button)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.badge)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.notes)
        layout.addWidget(self.usage)
        layout.addWidget(self.buttons)
        self.empty = muted_label()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        self.retranslate()
        self.show_item(None)

    def retranslate(self) -> None:
        self.use_button.setText(self.tr("Use  ⏎"))
        self.use_button.setToolTip(self.tr("Fill in and copy this reply (Enter)"))
        self.edit_button.setText(self.tr("Edit"))
        self.edit_button.setToolTip(self.tr("Edit this phrase (F2)"))
        self.duplicate_button.setText(self.tr("Copy to my phrases"))
        self.duplicate_button.setToolTip(
            self.tr("Team phrases are read-only; make your own copy to change it")
        )
        self.empty.setText(
            self.tr("Select a phrase to see it here.\nType to search, ↑↓ to move, Enter to use.")
        )
        self.show_item(self.item)

    def minimumSizeHint(self) -> QSize:
        # Wrapped lines (a long title, a second row of buttons at a large font) need their height at
        # the pane's width: asked for, the window makes room instead of pushing buttons off the bottom.
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is None or not self.isVisible() or not layout.hasHeightForWidth():
            return hint
        key = (self.width(), hint.width(), hint.height())
        if self._least is None or self._least[0] != key:
            self._least = (key, max(hint.height(), layout.totalMinimumHeightForWidth(self.width())))
        return QSize(hint.width(), self._least[1])

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._least = None  # a child's text or size changed: measure again
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the wrapped height changed with the width

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            # The text's size is written into its HTML: a new font size must re-render it, or it
            # keeps the old size while everything around it grows.
            self.show_item(self.item)
        super().changeEvent(event)

    def _set_visible(self, widget: QWidget, visible: bool) -> None:
        # Showing or hiding re-lays out the pane; skipping no-op calls keeps arrow keys snappy.
        if widget.isVisibleTo(self) != visible:
            widget.setVisible(visible)

    def show_item(self, item: ResultItem | None) -> None:
        self.item = item
        has = item is not None
        for widget in (
            self.title,
            self.meta,
            self.body,
            self.usage,
            self.use_button,
            self.edit_button,
            self.favorite_button,
        ):
            self._set_visible(widget, has)
        self._set_visible(self.empty, not has)
        self._set_visible(self.duplicate_button, bool(item and item.read_only))
        self._set_visible(self.badge, bool(item and item.read_only))
        if item is None:
            self._set_visible(self.notes, False)
            return
        c = theme.colors()
        self.title.setText(item.title)
        parts = [item.category]
        if item.shortcut:
            parts.append(item.shortcut)
        phrase = item.phrase
        if phrase is not None and phrase.tags:
            # A word joiner keeps "#" with its tag: a narrow pane broke "#电话" after the "#".
            parts.append("  ".join(f"#\u2060{t}" for t in phrase.tags))
        self.meta.setText("  ·  ".join(parts))
        if item.read_only:
            self.badge.setText(self.tr("Team phrase (read-only)"))
            self.badge.setStyleSheet(
                f"background: {c.alt_base}; color: {c.muted}; border: 1px solid {c.border};"
                "border-radius: 5px; padding: 2px 8px;"
            )
        font_px = self.font().pointSizeF() * 1.12
        self.body.setHtml(
            f'<div style="font-size:{font_px:.1f}pt; line-height:160%;">{chips.template_html(item.text, c)}</div>'
        )
        self._set_visible(self.notes, bool(phrase and phrase.notes))
        self.notes.setText(self.tr("Note: {0}").format(phrase.notes) if phrase and phrase.notes else "")
        if phrase is not None and phrase.use_count:
            n = phrase.use_count
            self.usage.setText(self.tr("Used once") if n == 1 else self.tr("Used {0} times").format(n))
        else:
            self.usage.setText(self.tr("Not used yet"))
        self.edit_button.setText(self.tr("View") if item.read_only else self.tr("Edit"))
        self.favorite_button.setText(self.tr("Unstar") if item.favorite else self.tr("Star"))
        self.favorite_button.setIcon(icons.icon("star-filled" if item.favorite else "star", c.warning))
        self.favorite_button.setToolTip(self.tr("Add to or remove from favorites (Ctrl+D)"))
