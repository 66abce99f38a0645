"""The keyboard shortcut overlay (F1 or ?): every shortcut in one card over a dimmed window."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

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
    QRect,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

Section = tuple[str, list[tuple[str, str]]]  # (heading, [(keys, what they do)])

MAX_COLUMNS = 3
ROOMY_WIDTH = 900  # below this the card gives up its generous margins for content
MIN_DESCRIPTION_LINES = 6  # a wrapped description is at least this many line heights wide
STACK_INDENT = 12  # a description below its key cap
ALT_GAP = 4  # between a key's alternatives, side by side or one under the other


@dataclass(frozen=True)
class Spacing:
    """The gaps of one look: roomy where everything fits, tight where a large font needs the room."""

    column: int  # between columns of sections
    key: int  # between a key cap and what it does
    row: int  # between rows
    heading: int  # above a section's heading


ROOMY = Spacing(column=36, key=18, row=6, heading=6)
TIGHT = Spacing(column=20, key=10, row=3, heading=2)


@dataclass(frozen=True)
class Plan:
    """How the sections are laid out for one body width, and the size that takes."""

    columns: list[list[Section]]  # left to right, each top to bottom
    key_widths: list[int]  # per column: a key's alternatives wider than this go one under the other
    desc_widths: list[int | None]  # per column: descriptions wrap at this width (None: never)
    stacked: bool  # each description below its key caps (one column)
    spacing: Spacing
    width: int
    height: int

    @property
    def shape(self) -> tuple[list[list[Section]], list[int], list[int | None], bool, Spacing]:
        return self.columns, self.key_widths, self.desc_widths, self.stacked, self.spacing


def alternatives(keys: str) -> list[str]:
    """The keys of "Ctrl+S / Ctrl+Enter", two: each gets its own cap, never broken inside one."""
    return [k for k in (part.strip() for part in keys.split(" / ")) if k] or [keys]


def _keep_codes_whole(text: str) -> str:
    # Line breaking may split "/shortcut" after its slash; a word joiner keeps the code on one line.
    return re.sub(r"/(?=\w)", "/\u2060", text)


def _water_level(widths: list[int], room: int) -> int | None:
    """The width descriptions wrap at so that the columns' description widths, each its widest
    description's or this, add up to `room`; None when they fit as they are. Only the widest wrap."""
    if sum(widths) <= room:
        return None
    remaining = room
    ordered = sorted(widths)
    for i, width in enumerate(ordered):
        left = len(ordered) - i
        if width * left > remaining:
            return remaining // left
        remaining -= width
    return None


class HelpOverlay(QWidget):
    """Covers its host window; any of Esc, F1, ? or a click outside the card closes it.

    The card takes as many columns as fit at the current font and window size. A window too narrow
    for the descriptions on one line wraps them (or, narrower still, puts them below their key caps);
    a card still taller than the window scrolls, with the wheel or the arrow, page, Home and End
    keys, while the overlay keeps the focus and so the keys that close it.
    """

    closed = Signal()

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("helpOverlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._card = QFrame(self)
        self._card.setObjectName("card")
        self._layout = QVBoxLayout(self._card)
        self._layout.setSpacing(12)
        self._title = QLabel(self._card)
        self._title.setObjectName("sectionTitle")
        self._hint = QLabel(self._card)
        self._hint.setProperty("muted", True)
        self._head = QHBoxLayout()
        self._head.setSpacing(4)
        self._head.addWidget(self._title)
        self._head.addStretch(1)
        self._head.addWidget(self._hint)
        self._layout.addLayout(self._head)
        self._scroll = QScrollArea(self._card)
        self._scroll.setObjectName("helpBody")
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setStyleSheet("QScrollArea#helpBody { background: transparent; border: none; }")
        self._scroll.viewport().setAutoFillBackground(False)
        self._layout.addWidget(self._scroll, 1)
        self._sections: list[Section] = []
        self._built: tuple[list[list[Section]], list[int], bool, bool] | None = None
        self._shifts = (0, 0)  # (cap, description) top margins that put their text on one baseline
        self._return_focus: QWidget | None = None
        host.installEventFilter(self)
        self.hide()

    # -- opening and closing ---------------------------------------------------------------------

    def open(self, title: str, hint: str, sections: list[Section]) -> None:
        self._title.setText(title)
        self._hint.setText(hint)
        self._sections = sections
        self._built = None  # the font, theme or texts may have changed since the last time
        self._return_focus = self.window().focusWidget()
        self._cover()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self._scroll.verticalScrollBar().setValue(0)

    def close_overlay(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        if self._return_focus is not None:
            self._return_focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    @property
    def card(self) -> QFrame:
        return self._card

    @property
    def body(self) -> QScrollArea:
        """The part of the card below the title, which scrolls when the window is too small."""
        return self._scroll

    # -- layout ----------------------------------------------------------------------------------

    def _cover(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        self.setGeometry(host.rect())
        self._card.ensurePolished()
        self._head.invalidate()  # its cached size predates a font change made while it was hidden
        frame = self._card.contentsMargins()  # the card's border, from the style sheet
        border_x, border_y = (frame.left() + frame.right() + 1) // 2, (frame.top() + frame.bottom() + 1) // 2
        measures = _Measures(self)
        # Generous margins around the card and inside it where the window is wide, unless the
        # shortcuts fit only without them (a large font): then the room is the content's.
        for roomy in (True, False) if self.width() >= ROOMY_WIDTH else (False,):
            edge = 20 if roomy else 8
            margin_x, margin_y = (28, 22) if roomy else (14, 12)
            pad_x, pad_y = margin_x + border_x, margin_y + border_y
            self._layout.setContentsMargins(margin_x, margin_y, margin_x, margin_y)
            max_w = self.width() - 2 * edge
            max_h = self.height() - 2 * edge
            inner = max_w - 2 * pad_x
            self._set_head_direction(inner)
            room = max_h - self._head.sizeHint().height() - self._layout.spacing() - 2 * pad_y
            plan, reserve = self._plan_for(inner, room, measures), 0
            if plan.height <= room:
                break
        if plan.height > room:
            # It scrolls: the scroll bar takes its width from the body.
            reserve = self._scroll.verticalScrollBar().sizeHint().width()
            plan = self._plan_for(inner - reserve, room, measures)
        measures.close()
        self._shifts = (measures.cap_shift, measures.desc_shift)
        self._build(plan)

        card_w = min(max_w, max(plan.width + reserve, self._head_width()) + 2 * pad_x)
        self._set_head_direction(card_w - 2 * pad_x)
        chrome_h = self._head.sizeHint().height() + self._layout.spacing() + 2 * pad_y
        body = self._scroll.widget()
        layout = body.layout() if body is not None else None
        if layout is not None and layout.hasHeightForWidth():
            body_h = layout.totalHeightForWidth(card_w - 2 * pad_x - reserve)
        else:
            body_h = body.sizeHint().height() if body is not None else 0
        card_h = min(max_h, chrome_h + body_h)
        self._card.setGeometry((self.width() - card_w) // 2, (self.height() - card_h) // 2, card_w, card_h)

    def _plan_for(self, width: int, room: int, m: _Measures) -> Plan:
        """The first layout that fits `room` without scrolling, in this order: roomy before tight
        spacing, then descriptions on one line before wrapped, then most columns first; when none
        fits, the shortest."""
        candidates: list[Plan] = []
        for spacing in (ROOMY, TIGHT):
            for wrap in (False, True):
                for count in range(min(MAX_COLUMNS, len(self._sections)), 0, -1):
                    for narrow_keys in (False, True) if wrap else (False,):
                        plans = [
                            plan
                            for columns in _groupings(self._sections, count)
                            if (plan := m.side_by_side(columns, width, spacing, wrap, narrow_keys))
                            is not None
                        ]
                        if plans:
                            candidates.append(min(plans, key=lambda p: p.height))
        candidates.append(m.stacked(self._sections, width, TIGHT))
        for plan in candidates:
            if plan.height <= room:
                return plan
        return min(candidates, key=lambda p: p.height)

    def _head_width(self) -> int:
        return self._title.sizeHint().width() + 24 + self._hint.sizeHint().width()

    def _set_head_direction(self, width: int) -> None:
        # A title and hint too wide for one line (large fonts, narrow windows) go one under the other.
        fits = self._head_width() <= width
        self._head.setDirection(
            QHBoxLayout.Direction.LeftToRight if fits else QHBoxLayout.Direction.TopToBottom
        )

    def _build(self, plan: Plan) -> None:
        if self._built == plan.shape and self._scroll.widget() is not None:
            return
        self._built = plan.shape
        old = self._scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        spacing = plan.spacing
        body = QWidget()
        body.setObjectName("helpSections")
        row_layout = QHBoxLayout(body)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(spacing.column)
        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        cap_shift, desc_shift = self._shifts
        for sections, key_width, desc_width in zip(
            plan.columns, plan.key_widths, plan.desc_widths, strict=True
        ):
            column = QVBoxLayout()
            column.setSpacing(0)
            grid = QGridLayout()
            grid.setHorizontalSpacing(spacing.key)
            grid.setVerticalSpacing(spacing.row)
            if not plan.stacked:
                grid.setColumnMinimumWidth(0, key_width)
            row = 0
            for heading, entries in sections:
                grid.addWidget(self._heading(heading, spacing.heading), row, 0, 1, 2)
                row += 1
                for keys, what in entries:
                    cell = self._keys(keys, key_width, cap_shift)
                    desc = QLabel(what)
                    desc.setAlignment(top_left)
                    if plan.stacked:
                        desc.setText(_keep_codes_whole(what))
                        desc.setWordWrap(True)
                        desc.setIndent(STACK_INDENT)
                        grid.addWidget(cell, row, 0, 1, 2, top_left)
                        grid.addWidget(desc, row + 1, 0, 1, 2)
                        row += 2
                        continue
                    desc.setContentsMargins(0, desc_shift, 0, 0)
                    if desc_width is not None and desc.sizeHint().width() > desc_width:
                        # Only the descriptions wider than their column's share wrap, at that share.
                        desc.setText(_keep_codes_whole(what))
                        desc.setWordWrap(True)
                        desc.setFixedWidth(desc_width)
                    grid.addWidget(cell, row, 0, top_left)
                    grid.addWidget(desc, row, 1, top_left)
                    row += 1
            column.addLayout(grid)
            column.addStretch(1)
            row_layout.addLayout(column, 1 if plan.stacked else 0)
        if not plan.stacked:
            row_layout.addStretch(1)
        self._scroll.setWidget(body)
        body.setAutoFillBackground(False)  # setWidget turns it on; the card's colour shows through

    def _heading(self, text: str, above: int = 0) -> QLabel:
        label = QLabel(text, self)
        label.setStyleSheet(f"color: {theme.colors().accent}; font-weight: 600;")
        label.setContentsMargins(0, above, 0, 0)
        return label

    def _cap(self, key: str) -> QLabel:
        c = theme.colors()
        cap = QLabel(key, self)
        cap.setStyleSheet(
            f"background: {c.alt_base}; border: 1px solid {c.border}; border-radius: 5px;"
            "padding: 2px 8px; font-family: monospace;"
        )
        return cap

    def _separator(self) -> QLabel:
        label = QLabel("/", self)
        label.setProperty("muted", True)
        return label

    def _keys(self, keys: str, width: int, shift: int) -> QWidget:
        """A key's caps, one per alternative: side by side where they fit `width`, else one under
        the other; a cap itself never breaks."""
        cell = QWidget()
        caps = [self._cap(key) for key in alternatives(keys)]
        separators = [self._separator() for _cap in caps[1:]]
        row = sum(c.sizeHint().width() for c in caps)
        row += sum(s.sizeHint().width() + 2 * ALT_GAP for s in separators)
        layout: QHBoxLayout | QVBoxLayout
        if row <= width or not separators:
            layout = QHBoxLayout(cell)
            for separator, cap in zip([None, *separators], caps, strict=True):
                if separator is not None:
                    layout.addWidget(separator)
                layout.addWidget(cap)
        else:
            layout = QVBoxLayout(cell)
            for cap in caps:
                layout.addWidget(cap, 0, Qt.AlignmentFlag.AlignLeft)
            for separator in separators:
                separator.hide()  # a child of the overlay until deleted: it would show with it
                separator.deleteLater()
        layout.setContentsMargins(0, shift, 0, 0)
        layout.setSpacing(ALT_GAP)
        return cell

    # -- events ----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question, Qt.Key.Key_Return):
            self.close_overlay()
            event.accept()
            return
        bar = self._scroll.verticalScrollBar()
        steps = {
            Qt.Key.Key_Down.value: bar.singleStep(),
            Qt.Key.Key_Up.value: -bar.singleStep(),
            Qt.Key.Key_PageDown.value: bar.pageStep(),
            Qt.Key.Key_PageUp.value: -bar.pageStep(),
            Qt.Key.Key_End.value: bar.maximum(),
            Qt.Key.Key_Home.value: -bar.maximum(),
        }
        step = steps.get(int(key))
        if step is not None:
            bar.setValue(bar.value() + step)
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


class _Measures:
    """Label sizes at the current font and style sheet, taken from hidden probe labels."""

    def __init__(self, overlay: HelpOverlay) -> None:
        self._cap = overlay._cap("")
        self._sep = overlay._separator()
        self._desc = QLabel(overlay)
        self._wrapped = QLabel(overlay)
        self._wrapped.setWordWrap(True)
        self._wrapped.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._head = overlay._heading("")
        self._probes = (self._cap, self._sep, self._desc, self._wrapped, self._head)
        for probe in self._probes:
            probe.hide()  # children of the overlay: they would show with it
        self._sizes: dict[tuple[str, str], tuple[int, int]] = {}
        self._heights: dict[tuple[str, int, int], int] = {}
        self.min_description = self._desc.fontMetrics().height() * MIN_DESCRIPTION_LINES
        # The UI font (with CJK glyphs) has a taller ascent than the monospace caps: whichever text
        # would sit higher moves down so a key and its description share a baseline.
        self._cap.ensurePolished()
        cap_baseline = self._cap.contentsMargins().top() + self._cap.fontMetrics().ascent()
        difference = self._desc.fontMetrics().ascent() - cap_baseline
        self.cap_shift, self.desc_shift = max(0, difference), max(0, -difference)

    def close(self) -> None:
        for probe in self._probes:
            probe.deleteLater()

    def _size(self, kind: str, text: str) -> tuple[int, int]:
        key = (kind, text)
        if key not in self._sizes:
            probe = {"cap": self._cap, "sep": self._sep, "desc": self._desc, "head": self._head}[kind]
            probe.setText(text)
            width, height = probe.sizeHint().toTuple()
            self._sizes[key] = (width, height)
        return self._sizes[key]

    def _wrapped_height(self, text: str, width: int, indent: int = 0) -> int:
        key = (text, width, indent)
        if key not in self._heights:
            self._wrapped.setText(_keep_codes_whole(text))
            self._wrapped.setIndent(indent)
            self._heights[key] = int(self._wrapped.heightForWidth(width))
        return self._heights[key]

    def _breaks_fit(self, text: str, width: int) -> bool:
        # Wrapping cannot break a word longer than the line (Chinese breaks anywhere): it would be cut.
        fm = self._wrapped.fontMetrics()
        wrapped = fm.boundingRect(
            QRect(0, 0, width, 1 << 20), Qt.TextFlag.TextWordWrap, _keep_codes_whole(text)
        )
        return wrapped.width() <= width

    def keys_row(self, keys: str) -> int:
        """The width of a key's caps side by side."""
        parts = alternatives(keys)
        sep = self._size("sep", "/")[0] + 2 * ALT_GAP
        return sum(self._size("cap", k)[0] for k in parts) + (len(parts) - 1) * sep

    def keys_narrowest(self, keys: str) -> int:
        """The width of a key's caps one under the other."""
        return max(self._size("cap", k)[0] for k in alternatives(keys))

    def keys_height(self, keys: str, width: int) -> int:
        parts = alternatives(keys)
        cap_h = max(self._size("cap", k)[1] for k in parts)
        if len(parts) == 1 or self.keys_row(keys) <= width:
            return max(cap_h, self._size("sep", "/")[1])
        return len(parts) * cap_h + (len(parts) - 1) * ALT_GAP

    def _desc_height(self, what: str, width: int | None) -> int:
        natural_w, natural_h = self._size("desc", what)
        if width is None or natural_w <= width:
            return natural_h
        return self._wrapped_height(what, width)

    def side_by_side(
        self, columns: list[list[Section]], width: int, spacing: Spacing, wrap: bool, narrow_keys: bool
    ) -> Plan | None:
        """Key caps left of their descriptions, or None when the columns do not fit `width`.

        Without `wrap` every description keeps one line. With it, the widest descriptions wrap, each
        column's at the same width (the rest keep their own), so that the columns fill `width`;
        `narrow_keys` puts a key's alternatives one under the other to leave them more.
        """
        gaps = (len(columns) - 1) * spacing.column
        entries = [[entry for _heading, group in sections for entry in group] for sections in columns]
        heads = [max(self._size("head", heading)[0] for heading, _group in sections) for sections in columns]
        measure = self.keys_narrowest if narrow_keys else self.keys_row
        key_widths = [max(measure(keys) for keys, _what in column) for column in entries]
        naturals = [max(self._size("desc", what)[0] for _keys, what in column) for column in entries]
        room = width - gaps - sum(key + spacing.key for key in key_widths)
        level = _water_level(naturals, room) if wrap else None
        if not wrap and sum(naturals) > room:
            return None
        desc_widths: list[int | None] = []
        used = gaps
        for column, key_w, natural, head_w in zip(entries, key_widths, naturals, heads, strict=True):
            desc_w: int | None = None
            if level is not None and natural > level:
                desc_w = level
                if level < self.min_description:
                    return None
                if not all(self._breaks_fit(what, level) for _keys, what in column):
                    return None
            column_w = max(key_w + spacing.key + (natural if desc_w is None else desc_w), head_w)
            used += column_w
            desc_widths.append(desc_w)
        if used > width:
            return None
        tallest = 0
        for sections, key_w, desc_w in zip(columns, key_widths, desc_widths, strict=True):
            height = 0
            for heading, group in sections:
                height += self._size("head", heading)[1] + spacing.heading + spacing.row
                for keys, what in group:
                    cell = self.keys_height(keys, key_w) + self.cap_shift
                    height += max(cell, self._desc_height(what, desc_w) + self.desc_shift) + spacing.row
            tallest = max(tallest, height)
        return Plan(
            columns, key_widths, desc_widths, stacked=False, spacing=spacing, width=used, height=tallest
        )

    def stacked(self, sections: list[Section], width: int, spacing: Spacing) -> Plan:
        """One column, each description below its key caps: what fits the narrowest window."""
        height = 0
        for heading, entries in sections:
            height += self._size("head", heading)[1] + spacing.heading + spacing.row
            for keys, what in entries:
                height += self.keys_height(keys, width) + self.cap_shift
                height += self._wrapped_height(what, width, STACK_INDENT)
                height += 2 * spacing.row
        return Plan(
            [list(sections)], [width], [width], stacked=True, spacing=spacing, width=width, height=height
        )


def _groupings(sections: list[Section], count: int) -> list[list[list[Section]]]:
    """Every way to cut the sections, in reading order, into `count` columns."""
    result = []
    for cuts in itertools.combinations(range(1, len(sections)), count - 1):
        bounds = (0, *cuts, len(sections))
        result.append([list(sections[a:b]) for a, b in itertools.pairwise(bounds)])
    return result
