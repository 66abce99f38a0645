"""Filling a phrase's fields: one input per field, live preview, checker, and copying only when complete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple

from huashu.core import placeholders
from huashu.gui import chips, dialogs, i18n, theme
from huashu.gui.context import AppContext, is_profile_field, profile_entries
from huashu.gui.qt import (
    QAction,
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QEvent,
    QFormLayout,
    QHBoxLayout,
    QKeyCombination,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QObject,
    QPushButton,
    QRect,
    QResizeEvent,
    QScrollArea,
    QSize,
    QSizePolicy,
    Qt,
    QTextBrowser,
    QTextDocument,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.results import ResultItem
from huashu.gui.widgets import ElidedLabel, ImeLineEdit, WrappingLabel, muted_label, set_invalid


class FilledReply(NamedTuple):
    """A finished reply ready for the clipboard, and the values the agent gave its fields."""

    phrase_id: int
    text: str
    values: dict[str, str]


def instant_reply(item: ResultItem, builtins: Mapping[str, str]) -> FilledReply | None:
    """The reply when nothing needs asking: no fields, or only built-in fields the profile and clock fill."""
    try:
        template = placeholders.parse(item.text)
    except placeholders.PlaceholderError:
        return None
    if any(f.name not in placeholders.BUILTIN_FIELD_NAMES for f in template.fields):
        return None
    result = placeholders.fill(template, {}, builtins=builtins)
    if not result.complete:
        return None
    return FilledReply(item.phrase_id, result.text, {})


# Ctrl+E is the window's "compose a reply" in a field too: a line edit on X11 would take it as End.
FIELD_WINDOW_KEYS = frozenset({QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_E)})
FINDINGS_SHOWN = 3  # the rest are underlined in the text: a long list would push the window off screen


def findings_html(findings: list[Any], text: str, limit: int = FINDINGS_SHOWN) -> str:
    """Checker findings as short coloured lines: what was found, why, and what to say instead."""
    c = theme.colors()
    lines = []
    for f in findings[:limit]:
        color = c.severity(f.severity).name()
        fix = ""
        if f.suggestions:
            fix = "  →  " + " / ".join(_esc(s) for s in f.suggestions[:2])
        lines.append(
            f'<div style="margin:2px 0;"><span style="color:{color};">●</span> '
            f"<b>{_esc(f.text)}</b>：{_esc(f.message)}"
            f'<span style="color:{c.muted};">{fix}</span></div>'
        )
    if len(findings) > limit:
        more = QCoreApplication.translate("fill_panel", "…and {0} more, underlined in the text")
        lines.append(f'<div style="margin:2px 0; color:{c.muted};">{_esc(more.format(len(findings) - limit))}</div>')
    return "".join(lines)


def _esc(text: str) -> str:
    import html

    return html.escape(text)


FORM_ROWS_SHOWN = 6.5  # more fields scroll; the half row shows there are more
FORM_ROWS_LEAST = 2.5  # taken before the preview's second line: the fields come first
FORM_PEEK = 0.4  # less of a field than this under the last whole one looks broken: none is shown
LABEL_CHARS = 8  # a longer field name wraps instead of narrowing every input
PREVIEW_LINES = 2  # the preview's lines where the panel has room for them (it scrolls)
PREVIEW_LINES_LEAST = 1  # where it has not: one line still reads, the rest scrolls
PREVIEW_LINES_MORE = 4  # then the fields of a phrase with very many fields, then all to the preview
SPACING = 8  # between the panel's parts: tighter than the window's, the fields need the room
COMBO_ARROW = 26  # the drop-down arrow's width in the theme's style sheet


class Heights(NamedTuple):
    """What the panel's parts take at the current font, style and width (FillPanel._fit)."""

    form_least: int  # the tallest field with its name: the one being typed in shows whole
    form_some: int  # FORM_ROWS_LEAST rows, or all fields where there is just one row more
    form_wanted: int  # FORM_ROWS_SHOWN rows, or all fields where they are fewer
    form_full: int  # every field
    form_slack: int  # the form's margins and a row's spacing: missing only these, no field is hidden
    form_rows: tuple[tuple[int, int], ...]  # each field's row, from its top to its bottom, in the form
    preview_line: int  # from one line's top to the next's (_preview_spacing)
    preview_frame: int  # the frame's and padding's height around the text
    preview_top: int  # the document's margin above the first line (there is none under the last)
    heading: int
    hint: int
    label: int
    buttons: int

    def preview(self, lines: int) -> int:
        """The preview's height for `lines` whole lines: the next one starts right under it."""
        return self.preview_frame + self.preview_top + lines * self.preview_line


@dataclass
class Share:
    """How the panel's height is shared out: the form's and the preview's heights, the titles shown."""

    form: int
    preview: int
    heading: bool = False
    label: bool = False
    hint: bool = False


class FormScroll(QScrollArea):
    """The fields, exactly as high as the panel's share gives them (FillPanel._share); the rest scroll."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_height(self, height: int) -> None:
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())

    def minimumSizeHint(self) -> QSize:
        # The fields never scroll sideways: ask for their narrowest width beside the scroll bar, or
        # at a large font they would run on under the bar.
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        width = content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), width + 2 * self.frameWidth()), hint.height())


class OriginTag(QLabel):
    """Where a field's value came from (profile, this conversation …), shown inside the field at its
    right end, so every input keeps the full width and the form's right edge stays straight."""

    def __init__(self, editor: ImeLineEdit | QComboBox) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setProperty("muted", True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # clicks reach the field
        editor.installEventFilter(self)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))
        self.place()

    def place(self) -> None:
        editor = self.editor
        self.adjustSize()
        gap = 8
        right = editor.width() - gap - (COMBO_ARROW if isinstance(editor, QComboBox) else 0)
        self.move(right - self.width(), (editor.height() - self.height()) // 2)
        if isinstance(editor, ImeLineEdit):
            # Typed text stops before the tag instead of running under it.
            editor.setTextMargins(0, 0, self.width() + gap if self.text() else 0, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
            QEvent.Type.Polish,
        ):
            self.place()
        return False


class FillPanel(QWidget):
    """Opens beside the results when a phrase with fields is used; Enter walks the fields, then copies."""

    copy_requested = Signal(object)  # FilledReply
    cancelled = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, pastes: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pastes = pastes  # in the quick popup the reply goes into the chat window, not just the clipboard
        self.item: ResultItem | None = None
        self.template: placeholders.Template | None = None
        self.inputs: dict[str, ImeLineEdit | QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        self._origins: dict[str, OriginTag] = {}
        # Offered under a profile field the profile has no value for: the agent decides to keep it.
        self.save_boxes: dict[str, QCheckBox] = {}
        self.findings: list[Any] = []
        self._heights: Heights | None = None  # measured by _fit once a phrase is set
        self._line_height = 160.0  # the preview's, in percent of the font's (_preview_spacing)
        self._measure = QTextDocument(self)  # one line of the preview's text, measured
        self._measure.setDocumentMargin(0)
        self._measure.setTextWidth(10_000)

        self._column = layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(SPACING)
        # One line each, cut with … (the whole text as tooltip) where the pane is narrow: wrapped at
        # a large font, a long title and the key hint took six lines and pushed the window off the
        # screen. The title is in the list beside it; F1 lists the keys. Where the panel is short
        # both make way for the fields (_share).
        self.heading = ElidedLabel()
        self.heading.setObjectName("sectionTitle")
        self.heading.setProperty("muted", False)
        self.hint = ElidedLabel()
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)

        self._form_host = QWidget()
        self.form = QFormLayout(self._form_host)
        self.form.setContentsMargins(0, 4, 0, 4)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A pane too narrow for name and field side by side (a large font) puts the name above it.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._scroll = FormScroll()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._form_host)
        # Rows change height with the font, the style and the offer to save to the profile: the
        # form's visible height follows them all.
        self._form_host.installEventFilter(self)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit)
        # Alt+P ticks "save to my profile" under the field being typed in (or the only one offered).
        self._save_action = QAction(self)
        self._save_action.setShortcut(QKeySequence("Alt+P"))
        self._save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._save_action.triggered.connect(self._toggle_save_box)
        self.addAction(self._save_action)
        # The field being typed in is scrolled into view once the layout has placed it.
        self._reveal_timer = QTimer(self)
        self._reveal_timer.setSingleShot(True)
        self._reveal_timer.setInterval(0)
        self._reveal_timer.timeout.connect(self._reveal_focused)
        layout.addWidget(self._scroll)

        # Wrapped lines make the window taller instead of squeezing the rows above them.
        self.banner = WrappingLabel()
        self.banner.setObjectName("banner")
        self.banner.hide()
        layout.addWidget(self.banner)

        self.preview_label = muted_label()
        layout.addWidget(self.preview_label)
        self.preview = QTextBrowser()
        self.preview.setObjectName("fillPreview")
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # As high as its share (_share): the fields come first, the rest of the room in whole lines is its.
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        layout.addWidget(self.preview)
        self.findings_label = WrappingLabel()
        self.findings_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.findings_label)

        buttons = QHBoxLayout()
        self.copy_button = QPushButton()
        self.copy_button.setProperty("primary", True)
        self.cancel_button = QPushButton()
        self.copy_button.clicked.connect(self.try_copy)
        self.cancel_button.clicked.connect(self.cancelled)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addStretch(1)  # less than a preview line, where the panel's height is not whole lines
        layout.addLayout(buttons)
        ctx.checker_changed.connect(self._update_preview)
        ctx.profile_changed.connect(self._profile_arrived)
        self.retranslate()
        # Sized when a phrase is set (and on font or style changes): measuring the empty form while
        # the window is built cost ~6 ms of every start, for a panel the start never shows.

    def retranslate(self) -> None:
        if self.pastes:
            self.hint.setText(
                self.tr("Enter: next field, then paste  ·  Ctrl+Enter: paste  ·  Esc: back to the list")
            )
            self.copy_button.setText(self.tr("Paste  Ctrl+⏎"))
        else:
            self.hint.setText(
                self.tr("Enter: next field, then copy  ·  Ctrl+Enter: copy  ·  Esc: back to the list")
            )
            self.copy_button.setText(self.tr("Copy  Ctrl+⏎"))
        self.preview_label.setText(self.tr("Preview"))
        self.cancel_button.setText(self.tr("Cancel  Esc"))
        for box in self.save_boxes.values():
            # No mnemonic in the text: with two such boxes Alt+P only hopped between them. Alt+P
            # (the panel's shortcut) ticks the box of the field being typed in.
            box.setText(self.tr("Save to my profile  Alt+P"))
        if self.item is not None:
            self.heading.setText(self.tr("Fill in: {0}").format(self.item.title))
            self._update_origins()
            self._update_save_boxes()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._update_preview()
        elif event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._refit.start()
            self._update_preview()  # its HTML names a point size
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._refit.start()  # wrapped field names take more or fewer lines
        self._share()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._form_host and event.type() == QEvent.Type.LayoutRequest:
            self._refit.start()
            return False
        if event.type() == QEvent.Type.FocusIn:
            self._reveal_timer.start()
            return False
        if isinstance(watched, QComboBox) and isinstance(event, QKeyEvent):
            return self._combo_key(watched, event)
        return False

    # -- layout ------------------------------------------------------------------------------

    def _fit(self) -> None:
        """Measure what depends on the font: field names' width, the form's rows, the preview's lines.

        Fixed pixel sizes made for the default font overlap at 12 pt and more; everything here is
        measured from the current font and style instead, whenever either changes.
        """
        if self.item is None:
            return  # nothing to size yet: the phrase set next is sized then
        metrics = self.fontMetrics()
        widest = metrics.horizontalAdvance("汉" * LABEL_CHARS)
        for label in self.labels.values():
            # A wrapping label asks for less than one line's width; a short name stays on one line.
            one_line = label.fontMetrics().horizontalAdvance(label.text()) + 2 * label.margin() + 1
            label.setMinimumWidth(min(one_line, widest))
            label.setMaximumWidth(widest)
        for widget in self._form_host.findChildren(QWidget):
            widget.ensurePolished()  # the style sheet's padding counts: measure as drawn
        for widget in (self.heading, self.hint, self.preview_label, self.copy_button, self.cancel_button):
            widget.ensurePolished()
        # Active again, the form reports its next change (a LayoutRequest) to eventFilter.
        self.form.activate()
        form_height = self.form.totalSizeHint().height()
        width = self._scroll.viewport().width()
        if self.form.hasHeightForWidth() and width > 0:
            form_height = max(form_height, self.form.totalHeightForWidth(width))
        # The fields scroll rather than shrink: a squeezed form draws its rows over one another.
        self._form_host.setMinimumHeight(form_height)
        spacing = self.form.verticalSpacing()
        margins = self.form.contentsMargins()
        edges = margins.top() + margins.bottom()
        # Counted in fields: an offer to save under one is part of its row.
        offers = sum(b.sizeHint().height() + spacing for b in self.save_boxes.values() if not b.isHidden())
        pitch = max((editor.sizeHint().height() for editor in self.inputs.values()), default=0)
        spans = tuple(sorted((r.top(), r.bottom() + 1) for r in map(self._row_rect, self.inputs)))
        rows = [bottom - top for top, bottom in spans]
        if rows and pitch:
            # A name too long to sit beside its field goes above it: such rows are taller.
            row = max(pitch + spacing, (form_height - edges - offers + spacing) / len(rows))
            tallest = max(max(rows), pitch)
            least = min(form_height, tallest + edges)
            some = round(FORM_ROWS_LEAST * row)
            if form_height <= (FORM_ROWS_LEAST + 1) * row + edges:
                some = form_height  # a row more shows them all: no last field half hidden for one row
            some = max(least, some)
            wanted = min(form_height, max(some, round(FORM_ROWS_SHOWN * row) + offers))
        else:
            least = some = wanted = form_height
        line = self._preview_spacing()
        self.preview.ensurePolished()
        margins = self.preview.contentsMargins()
        for button in (self.copy_button, self.cancel_button):
            # The style sheet's min-height is for the default font; a layout short of room would
            # squeeze a larger font's button down to it and cut its text.
            button.setMinimumHeight(button.sizeHint().height())
        self._heights = Heights(
            form_least=least,
            form_some=some,
            form_wanted=wanted,
            form_full=form_height,
            form_slack=edges + spacing,
            form_rows=spans,
            preview_line=line,
            preview_frame=margins.top() + margins.bottom(),
            # Only the top margin: the last line's own spacing is the room under it (_update_preview).
            preview_top=round(self.preview.document().documentMargin()),
            heading=self.heading.sizeHint().height(),
            hint=self.hint.sizeHint().height(),
            label=self.preview_label.sizeHint().height(),
            buttons=max(self.copy_button.sizeHint().height(), self.cancel_button.sizeHint().height()),
        )
        self.updateGeometry()  # the least and wanted heights changed with the measures
        self._share()

    def _preview_spacing(self) -> int:
        """The preview's line pitch in whole pixels: about 160% of a line of its text, the percentage
        chosen so that the lines end on whole pixels. A pitch between two pixels showed a pixel row
        of the next line under the last whole one, or scrolled a text that fits."""
        doc = self._measure
        doc.setDefaultFont(self.preview.font())
        doc.setHtml(self._preview_html("汉", line_height=100))
        natural = doc.size().height()
        pitch = max(1, round(1.6 * natural))
        # Qt keeps the spacing in 64ths of a pixel: a hair over the pitch, never a hair under it
        # (that left the next line's top pixel row showing). Twenty lines still end on the pixel.
        line_height = 100 * (pitch + 0.01) / natural
        if abs(line_height - self._line_height) > 1e-6:
            self._line_height = line_height
            self._update_preview()  # drawn with the new spacing
        return pitch

    def _row_rect(self, name: str) -> QRect:
        """Where a field's row lies in the form: its name (beside or above it), the field, the offer under it."""
        rect = self.inputs[name].geometry().united(self.labels[name].geometry())
        box = self.save_boxes.get(name)
        if box is not None and not box.isHidden():
            rect = rect.united(box.geometry())
        return rect

    def _fixed_height(self) -> int:
        """What always shows whole: the buttons, and the banner and the checker's findings while shown."""
        assert self._heights is not None
        height = self._heights.buttons
        margins = self._column.contentsMargins()
        width = max(1, self.width() - margins.left() - margins.right())
        for label in (self.banner, self.findings_label):
            if not label.isHidden():
                height += label.heightForWidth(width) + SPACING
        return height

    def _plan(self, height: int) -> Share:
        """Share `height` out, the fields first: each step takes its part while there is room.

        The buttons, a banner and the findings always show; then one whole field (the one being
        typed in, scrolled into view) and a line of the preview; then more fields, the preview's
        second line, more fields still; the titles and the key hint only where all that fits.
        """
        h = self._heights
        assert h is not None
        share = Share(form=h.form_least, preview=h.preview(PREVIEW_LINES_LEAST))
        room = height - self._fixed_height() - share.form - share.preview - 2 * SPACING

        def grow(part: str, up_to: int) -> None:
            nonlocal room
            now = getattr(share, part)
            more = max(0, min(up_to - now, room))
            setattr(share, part, now + more)
            room -= more

        def show(part: str, needs: int) -> None:
            nonlocal room
            if room >= needs + SPACING:
                setattr(share, part, True)
                room -= needs + SPACING

        grow("form", h.form_some)
        grow("preview", h.preview(PREVIEW_LINES))
        grow("form", h.form_wanted)
        show("heading", h.heading)
        show("label", h.label)
        show("hint", h.hint)
        grow("preview", h.preview(PREVIEW_LINES_MORE))
        grow("form", h.form_full)
        share.preview += max(0, room)
        # Every field shown but for the form's last few pixels: a scroll bar for them would say
        # there are more fields. The preview gives them.
        short = h.form_full - share.form
        if 0 < short <= h.form_slack and share.preview - short >= h.preview(PREVIEW_LINES_LEAST):
            share.form += short
            share.preview -= short
        # The preview shows whole lines: a line cut through reads as broken text. What is left of a
        # line goes to fields that still scroll, or stays blank under the preview.
        lines = PREVIEW_LINES_LEAST
        while h.preview(lines + 1) <= share.preview:
            lines += 1
        whole = h.preview(lines)
        share.form += max(0, min(share.preview - whole, h.form_full - share.form))
        share.preview = whole
        # Nor a sliver of a field under the last whole one: it reads as a broken field, where half
        # a field says there are more. The sliver's room stays blank above the buttons.
        if share.form < h.form_full:
            for top, bottom in h.form_rows:
                if bottom > share.form:
                    if 0 < share.form - top < (bottom - top) * FORM_PEEK:
                        share.form = max(h.form_least, top)
                    break
        return share

    def _share(self) -> None:
        """Give the parts their share of the panel's present height (see _plan)."""
        if self.item is None or self._heights is None:
            return
        share = self._plan(self.height())
        for widget, shown in (
            (self.heading, share.heading),
            (self.hint, share.hint),
            (self.preview_label, share.label),
        ):
            if widget.isHidden() == shown:
                widget.setVisible(shown)
        self._scroll.set_height(share.form)
        if self.preview.minimumHeight() != share.preview or self.preview.maximumHeight() != share.preview:
            self.preview.setFixedHeight(share.preview)
        self._reveal_timer.start()  # the form's height changed: the field being typed in stays in view

    def _full_height(self) -> int:
        """The panel's height with everything shown: the titles, the wanted fields, two preview lines."""
        h = self._heights
        assert h is not None
        parts = (h.heading, h.hint, h.form_wanted, h.label, h.preview(PREVIEW_LINES))
        return self._fixed_height() + sum(parts) + len(parts) * SPACING

    def _least_height(self) -> int:
        """One whole field, one line of the preview and what always shows: less than this never works."""
        h = self._heights
        assert h is not None
        return self._fixed_height() + h.form_least + h.preview(PREVIEW_LINES_LEAST) + 2 * SPACING

    def minimumSizeHint(self) -> QSize:
        # The layout's own minimum follows the share it was last given; the panel's least height
        # does not, or a short window would never get the fields back after growing.
        hint = super().minimumSizeHint()
        if self.item is None or self._heights is None:
            return hint
        return QSize(hint.width(), self._least_height())

    def sizeHint(self) -> QSize:
        if self.item is None:
            # Empty and hidden behind the preview: the pane's size is the preview's. (The stack asks
            # every page at each layout pass, ~150 times while the window first shows.)
            return QSize(0, 0)
        hint = super().sizeHint()
        if self._heights is None:
            return hint
        return QSize(hint.width(), self._full_height())

    def scrolled_height(self) -> int:
        """How much taller the panel would need to be to show its titles and fields without scrolling."""
        if self.item is None or self._heights is None:
            return 0
        return max(0, self._full_height() - self.height())

    def _reveal_focused(self) -> None:
        """Scroll the form so that the field being typed in shows whole, with its name and offer."""
        focused = self.focusWidget()
        name = next((n for n, editor in self.inputs.items() if editor is focused), None)
        if name is None:
            return
        rect = self._row_rect(name)
        bar = self._scroll.verticalScrollBar()
        view = self._scroll.viewport().height()
        gap = self.form.verticalSpacing() // 2
        top, bottom = max(0, rect.top() - gap), rect.bottom() + 1 + gap
        value = bar.value()
        if bottom - value > view:
            value = bottom - view
        if top < value:
            value = top  # a row taller than the view shows from its top: the name, then the field
        bar.setValue(value)

    # -- building the form -------------------------------------------------------------------

    def start(self, item: ResultItem) -> None:
        """Show the fields of `item`, pre-filled from the profile, this conversation, and defaults."""
        self.item = item
        self.template = placeholders.parse(item.text)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs.clear()
        self.labels.clear()
        self._origins.clear()
        self.save_boxes.clear()
        self.banner.hide()
        self._heights = None  # measured for this phrase's fields once they are in
        builtins = self.ctx.builtins()
        first: dict[str, placeholders.Field] = {}
        for f in self.template.fields:
            first.setdefault(f.name, f)
        for name, f in first.items():
            value, origin = self._initial(f, builtins)
            editor: ImeLineEdit | QComboBox
            if f.choices:
                combo = QComboBox()
                if f.default is None:
                    combo.addItem("")  # no silent choice: an unpicked option counts as empty
                combo.addItems(list(f.choices))
                if value and value not in f.choices:
                    combo.addItem(value)
                combo.setCurrentText(value)
                combo.currentTextChanged.connect(self._changed)
                combo.installEventFilter(self)
                editor = combo
            else:
                line = ImeLineEdit()
                line.window_keys = FIELD_WINDOW_KEYS
                line.setText(value)
                line.textChanged.connect(self._changed)
                line.submitted.connect(lambda ctrl, n=name: self._submitted(n, ctrl))
                line.escaped.connect(self.cancelled)
                line.installEventFilter(self)
                editor = line
            editor.setObjectName(f"field:{name}")
            editor.setProperty("origin", origin)
            self._origins[name] = OriginTag(editor)
            label = QLabel(name)
            label.setWordWrap(True)  # a long field name takes two lines rather than the inputs' width
            label.setBuddy(editor)
            self.form.addRow(label, editor)
            self.labels[name] = label
            self.inputs[name] = editor
            if is_profile_field(name, builtins) and not builtins.get(name) and isinstance(editor, ImeLineEdit):
                box = QCheckBox()
                box.setObjectName(f"save:{name}")
                # Tab walks the fields (agents type on from one to the next: a focused box took the
                # letters and a space ticked it); the box is clicked, or reached with Alt+P.
                box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
                self.form.addRow("", box)
                self.form.setRowVisible(box, False)
                self.save_boxes[name] = box
        # Created after the buttons, the fields would come last in the window's focus chain: Tab
        # from the last one left the panel. Fields, then the buttons, as they are seen.
        chain: list[QWidget] = [*self.inputs.values(), self.copy_button, self.cancel_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        self.retranslate()
        self._fit()  # now, not after the first paint: the window sizes itself from this
        self._update_preview()
        self.focus_first_empty()

    def _initial(self, f: placeholders.Field, builtins: Mapping[str, str]) -> tuple[str, str]:
        remembered = self.ctx.memory.get(f.name)
        if remembered:
            return remembered, "memory"
        own = self.ctx.memory.own(f.name, builtins)
        if own:
            return own, "session"
        if builtins.get(f.name):
            return builtins[f.name], "profile"
        if f.default is not None:
            return f.default, "default"
        return "", ""

    def _profile_arrived(self) -> None:
        """The profile loads in the background at start (or was just edited): fields still empty that
        it covers take its values; nothing the agent typed or picked is replaced."""
        if self.item is None:
            return
        builtins = self.ctx.builtins()
        for name, editor in self.inputs.items():
            value = builtins.get(name, "")
            if not value or not isinstance(editor, ImeLineEdit) or editor.text().strip():
                continue
            editor.setText(value)
            editor.setProperty("origin", "profile")  # after setText: typing clears the origin
        self._update_origins()
        self._update_save_boxes()
        self._update_preview()

    def _update_origins(self) -> None:
        names = {
            "memory": self.tr("this conversation"),
            "session": self.tr("kept"),
            "profile": self.tr("profile"),
            "default": self.tr("default"),
        }
        tips = {
            "session": self.tr("You typed this earlier; it is kept until Huashu quits (Ctrl+N keeps it)."),
        }
        for name, label in self._origins.items():
            editor = self.inputs[name]
            origin = str(editor.property("origin") or "")
            label.setText(names.get(origin, ""))
            editor.setToolTip(tips.get(origin, ""))

    def _toggle_save_box(self) -> None:
        offered = {name: box for name, box in self.save_boxes.items() if not box.isHidden()}
        focused = self.focusWidget()
        typing_in = next((name for name, editor in self.inputs.items() if editor is focused), None)
        box = offered.get(typing_in) if typing_in is not None else None
        if box is None and len(offered) == 1:
            box = next(iter(offered.values()))
        if box is not None:
            box.toggle()

    def _update_save_boxes(self) -> None:
        """Offer to save a profile field only while it has a value the profile does not have yet."""
        for name, box in self.save_boxes.items():
            entries = self._profile_entries(name)
            if box.isHidden() == bool(entries):
                self.form.setRowVisible(box, bool(entries))
                self._refit.start()  # a row more or less: the form's height changes
            box.setToolTip(
                self.tr("Saves {0} in Settings › Your profile, so it is filled in from now on.").format(
                    i18n.join_list(self.tr("{0}: {1}").format(key, value) for key, value in entries.items())
                )
                if entries
                else ""
            )

    def _profile_entries(self, name: str) -> dict[str, str]:
        editor = self.inputs[name]
        value = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        entries = profile_entries(name, value)
        # Never over a value the profile has (it may have arrived since the panel opened).
        return {key: v for key, v in entries.items() if not self.ctx.profile.get(key, "").strip()}

    # -- values ------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        out = {}
        for name, editor in self.inputs.items():
            out[name] = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        return out

    def empty_fields(self) -> list[str]:
        return [name for name, value in self.values().items() if not value.strip()]

    def _changed(self) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget):
            set_invalid(sender, False)
            sender.setProperty("origin", "")
            self._update_origins()
        self._update_save_boxes()
        if not self.empty_fields() and not self.banner.isHidden():
            self.banner.hide()
            self._extras_changed()
        self._update_preview()

    def _update_preview(self) -> None:
        if self.item is None or self.template is None:
            return
        c = theme.colors()
        values = self.values()
        builtins = self.ctx.builtins()
        body = chips.filled_html(self.item.text, values, builtins, c)
        self.preview.setHtml(self._preview_html(body))
        # Whole lines fill the preview to its bottom (_plan): a margin under the last one would
        # scroll a text that fits.
        root = self.preview.document().rootFrame()
        frame = root.frameFormat()
        frame.setBottomMargin(0)
        root.setFrameFormat(frame)
        result = placeholders.fill(self.template, values, builtins=builtins)
        self.findings = self.ctx.check(result.text)
        shown = not self.findings_label.isHidden()
        text = findings_html(self.findings, result.text)
        if text != self.findings_label.text() or shown != bool(self.findings):
            self.findings_label.setText(text)
            self.findings_label.setVisible(bool(self.findings))
            self._extras_changed()

    def _preview_html(self, body: str, line_height: float | None = None) -> str:
        size = self.font().pointSizeF() * 1.08
        spacing = self._line_height if line_height is None else line_height
        return f'<div style="font-size:{size:.1f}pt; line-height:{spacing:.4f}%;">{body}</div>'

    def _extras_changed(self) -> None:
        """The banner or the findings came, went or changed lines: the rest shares what is left."""
        self.updateGeometry()
        self._share()

    # -- keyboard ----------------------------------------------------------------------------

    def focus_first_empty(self) -> None:
        names = list(self.inputs)
        if not names:
            self.copy_button.setFocus()
            return
        empty = self.empty_fields()
        target = self.inputs[empty[0]] if empty else self.inputs[names[-1]]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(target, ImeLineEdit):
            target.selectAll()

    def _submitted(self, name: str, ctrl: bool) -> None:
        if ctrl:
            self.try_copy()
            return
        names = list(self.inputs)
        empty = set(self.empty_fields())
        index = names.index(name)
        # Enter goes to the next field still empty; once none is left, Enter copies.
        for other in names[index + 1 :] + names[:index]:
            if other in empty:
                self.inputs[other].setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.try_copy()

    def _combo_key(self, combo: QComboBox, event: QKeyEvent) -> bool:
        # Drop-downs have no submitted signal; give them the same Enter / Ctrl+Enter / Esc keys.
        if event.type() != QEvent.Type.KeyPress or combo.view().isVisible():
            return False
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            name = next(n for n, e in self.inputs.items() if e is combo)
            self._submitted(name, bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
            return True
        if key == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Outside a dialog a focused button ignores Enter; reached with Tab, it does what it says.
            focused = self.focusWidget()
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier or focused is self.copy_button:
                self.try_copy()
                return
            if focused is self.cancel_button:
                self.cancelled.emit()
                return
        super().keyPressEvent(event)

    # -- copying -----------------------------------------------------------------------------

    def try_copy(self) -> bool:
        """Copy only a complete reply; an empty field is shown, never sent as [字段] or a blank."""
        if self.item is None or self.template is None:
            return False
        values = self.values()
        result = placeholders.fill(self.template, values, builtins=self.ctx.builtins())
        if result.missing:
            for name in result.missing:
                if name in self.inputs:
                    set_invalid(self.inputs[name], True)
            missing = i18n.join_list(result.missing)
            self.banner.setText(
                (self.tr("Fill in before pasting: {0}") if self.pastes else self.tr("Fill in before copying: {0}"))
                .format(missing)
            )
            self.banner.show()
            self._extras_changed()
            first = result.missing[0]
            if first in self.inputs:
                self.inputs[first].setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        if not self.ctx.when_checker_ready(self.try_copy):
            return False  # copies a moment later, checked, once the rules are in
        errors = [f for f in self.ctx.check(result.text) if f.severity == "error"]
        if errors and not dialogs.confirm(
            self,
            self.tr("Forbidden wording"),
            self.tr("This reply contains {0} forbidden expression(s): {1}").format(
                len(errors), i18n.join_list(dict.fromkeys(f.text for f in errors))
            ),
            self.tr("Paste anyway") if self.pastes else self.tr("Copy anyway"),
            detail=self.tr(
                "Customers must not receive these words. Change the values, or copy if you are sure."
            ),
        ):
            return False
        # A field left at its default ([备注=无]) was not given by the agent: remembering it for the
        # conversation would list it as typed and carry it into other phrases' fields of that name.
        defaults = {f.name: f.default for f in self.template.fields if f.default is not None}
        given = {name: value for name, value in values.items() if value.strip() != defaults.get(name)}
        self._save_to_profile()
        self.copy_requested.emit(FilledReply(self.item.phrase_id, result.text, given))
        return True

    def _save_to_profile(self) -> None:
        """The values whose "save to my profile" the agent ticked go into the profile with this reply."""
        entries: dict[str, str] = {}
        for name, box in self.save_boxes.items():
            if box.isChecked():
                entries.update(self._profile_entries(name))
        if entries:
            # The profile reloads from the library afterwards (OpChanges), so every view shows it.
            self.ctx.ops.run(lambda lib: lib.set_profile(entries), initiator=self)
