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

COLUMN_GAP = 36  # between columns of sections
KEY_GAP = 18  # between a key cap and what it does
ROW_GAP = 6
STACK_INDENT = 12  # a description below its key cap
MAX_COLUMNS = 3
ROOMY_WIDTH = 900  # below this the card gives up its generous margins for content
MIN_DESCRIPTION_LINES = 6  # a wrapped description is at least this many line heights wide


@dataclass(frozen=True)
class Plan:
    """How the sections are laid out for one body width, and the size that takes."""

    columns: list[list[Section]]  # left to right, each top to bottom
    key_widths: list[int]  # per column: wider key caps put each alternative on its own line
    wrap: bool  # descriptions wrap
    stacked: bool  # each description below its key cap (one column)
    width: int
    height: int

    @property
    def shape(self) -> tuple[list[list[Section]], list[int], bool, bool]:
        return self.columns, self.key_widths, self.wrap, self.stacked


NO_SPLIT = 1 << 20  # a key width no cap exceeds


def split_keys(keys: str) -> str:
    """Alternatives ("Ctrl+S / Ctrl+Enter") one per line, for a narrow key column."""
    return keys.replace(" / ", " /\n")


def _keep_codes_whole(text: str) -> str:
    # Line breaking may split "/shortcut" after its slash; a word joiner keeps the code on one line.
    return re.sub(r"/(?=\w)", "/\u2060", text)


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
        roomy = self.width() >= ROOMY_WIDTH
        edge = 20 if roomy else 8
        pad_x, pad_y = (28, 22) if roomy else (14, 12)
        self._layout.setContentsMargins(pad_x, pad_y, pad_x, pad_y)
        self._card.ensurePolished()
        frame = self._card.contentsMargins()  # the card's border, from the style sheet
        pad_x += (frame.left() + frame.right() + 1) // 2
        pad_y += (frame.top() + frame.bottom() + 1) // 2
        max_w = self.width() - 2 * edge
        max_h = self.height() - 2 * edge
        inner = max_w - 2 * pad_x
        self._head.invalidate()  # its cached size predates a font change made while it was hidden
        self._set_head_direction(inner)
        chrome_h = self._head.sizeHint().height() + self._layout.spacing() + 2 * pad_y

        measures = _Measures(self)
        plan, reserve = self._plan_for(inner, max_h - chrome_h, measures), 0
        if plan.height > max_h - chrome_h:
            # It scrolls: the scroll bar takes its width from the body.
            reserve = self._scroll.verticalScrollBar().sizeHint().width()
            plan = self._plan_for(inner - reserve, max_h - chrome_h, measures)
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
        """The first layout, most columns and least wrapping first, that fits `room` without
        scrolling; when none does, the shortest."""
        candidates: list[Plan] = []
        for wrap in (False, True):
            for count in range(min(MAX_COLUMNS, len(self._sections)), 0, -1):
                plan = m.side_by_side(_balance(self._sections, count), width, wrap)
                if plan is not None:
                    candidates.append(plan)
        candidates.append(m.stacked(self._sections, width))
        for plan in candidates:
            if plan.height <= room:
                return plan
        return min(candidates, key=lambda p: p.height)

    def _head_width(self) -> int:
        return self._title.sizeHint().width() + 24 + self._hint.sizeHint().width()

    def _set_head_direction(self, width: int) -> None:
        # A title and hint too wide for one line (large fonts, narrow windows) go one under the other.
        fits = self._head_width() <= width
        self._head.setDirection(QHBoxLayout.Direction.LeftToRight if fits else QHBoxLayout.Direction.TopToBottom)

    def _build(self, plan: Plan) -> None:
        if self._built == plan.shape and self._scroll.widget() is not None:
            return
        self._built = plan.shape
        old = self._scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        body = QWidget()
        body.setObjectName("helpSections")
        row_layout = QHBoxLayout(body)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(COLUMN_GAP)
        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        for sections, key_width in zip(plan.columns, plan.key_widths, strict=True):
            column = QVBoxLayout()
            column.setSpacing(0)
            grid = QGridLayout()
            grid.setHorizontalSpacing(KEY_GAP)
            grid.setVerticalSpacing(ROW_GAP)
            grid.setColumnStretch(1, 1)
            row = 0
            for heading, entries in sections:
                grid.addWidget(self._heading(heading), row, 0, 1, 2)
                row += 1
                for keys, what in entries:
                    cap = self._cap(keys, self._shifts[0])
                    if cap.sizeHint().width() > key_width:
                        cap.setText(split_keys(keys))
                    desc = QLabel(_keep_codes_whole(what) if plan.wrap else what)
                    desc.setWordWrap(plan.wrap)
                    desc.setAlignment(top_left)
                    if plan.stacked:
                        grid.addWidget(cap, row, 0, 1, 2, top_left)
                        desc.setIndent(STACK_INDENT)
                        grid.addWidget(desc, row + 1, 0, 1, 2)
                        row += 2
                    else:
                        desc.setContentsMargins(0, self._shifts[1], 0, 0)
                        grid.addWidget(cap, row, 0, top_left)
                        grid.addWidget(desc, row, 1)
                        row += 1
            column.addLayout(grid)
            column.addStretch(1)
            row_layout.addLayout(column, 1 if plan.wrap else 0)
        if not plan.wrap:
            row_layout.addStretch(1)
        self._scroll.setWidget(body)
        body.setAutoFillBackground(False)  # setWidget turns it on; the card's colour shows through

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setStyleSheet(f"color: {theme.colors().accent}; font-weight: 600; padding-top: 6px;")
        return label

    def _cap(self, keys: str, shift: int = 0) -> QLabel:
        c = theme.colors()
        cap = QLabel(keys, self)
        cap.setStyleSheet(
            f"background: {c.alt_base}; border: 1px solid {c.border}; border-radius: 5px;"
            f"padding: 2px 8px; font-family: monospace; margin-top: {shift}px;"
        )
        return cap

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
        self._desc = QLabel(overlay)
        self._wrapped = QLabel(overlay)
        self._wrapped.setWordWrap(True)
        self._wrapped.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._head = overlay._heading("")
        for probe in (self._cap, self._desc, self._wrapped, self._head):
            probe.hide()  # children of the overlay: they would show with it
        self._sizes: dict[tuple[str, str], tuple[int, int]] = {}
        self.min_description = self._desc.fontMetrics().height() * MIN_DESCRIPTION_LINES
        # The UI font (with CJK glyphs) has a taller ascent than the monospace caps: whichever text
        # would sit higher moves down so a key and its description share a baseline.
        self._cap.ensurePolished()
        cap_baseline = self._cap.contentsMargins().top() + self._cap.fontMetrics().ascent()
        difference = self._desc.fontMetrics().ascent() - cap_baseline
        self.cap_shift, self.desc_shift = max(0, difference), max(0, -difference)

    def close(self) -> None:
        for probe in (self._cap, self._desc, self._wrapped, self._head):
            probe.deleteLater()

    def _size(self, kind: str, text: str) -> tuple[int, int]:
        key = (kind, text)
        if key not in self._sizes:
            probe = {"cap": self._cap, "split": self._cap, "desc": self._desc, "head": self._head}[kind]
            probe.setText(split_keys(text) if kind == "split" else text)
            width, height = probe.sizeHint().toTuple()
            self._sizes[key] = (width, height)
        return self._sizes[key]

    def _wrapped_height(self, text: str, width: int, indent: int = 0) -> int:
        self._wrapped.setText(_keep_codes_whole(text))
        self._wrapped.setIndent(indent)
        return int(self._wrapped.heightForWidth(width))

    def _breaks_fit(self, text: str, width: int) -> bool:
        # Wrapping cannot break a word longer than the line (Chinese breaks anywhere): it would be cut.
        fm = self._wrapped.fontMetrics()
        wrapped = fm.boundingRect(QRect(0, 0, width, 1 << 20), Qt.TextFlag.TextWordWrap, _keep_codes_whole(text))
        return wrapped.width() <= width

    def _cap_size(self, keys: str, key_width: int) -> tuple[int, int]:
        full = self._size("cap", keys)
        return full if full[0] <= key_width else self._size("split", keys)

    def side_by_side(self, columns: list[list[Section]], width: int, wrap: bool) -> Plan | None:
        """Key caps left of their descriptions, or None when the columns do not fit `width`."""
        gaps = (len(columns) - 1) * COLUMN_GAP
        share = (width - gaps) // len(columns)
        used, tallest = gaps, 0
        key_widths: list[int] = []
        for sections in columns:
            entries = [entry for _heading, group in sections for entry in group]
            head_w = max(self._size("head", heading)[0] for heading, _group in sections)
            if wrap:
                # Narrow key column: alternatives one per line; descriptions take what is left.
                key_w = max(self._size("split", keys)[0] for keys, _what in entries)
                desc_w = share - key_w - KEY_GAP
                if desc_w < self.min_description or head_w > share:
                    return None
                if not all(self._breaks_fit(what, desc_w) for _keys, what in entries):
                    return None
                used += share
            else:
                key_w = NO_SPLIT
                keys_w = max(self._size("cap", keys)[0] for keys, _what in entries)
                desc_w = max(self._size("desc", what)[0] for _keys, what in entries)
                used += max(keys_w + KEY_GAP + desc_w, head_w)
            key_widths.append(key_w)
            height = 0
            for heading, group in sections:
                height += self._size("head", heading)[1] + ROW_GAP
                for keys, what in group:
                    cap_h = self._cap_size(keys, key_w)[1]
                    desc_h = self._wrapped_height(what, desc_w) if wrap else self._size("desc", what)[1]
                    height += max(cap_h + self.cap_shift, desc_h + self.desc_shift) + ROW_GAP
            tallest = max(tallest, height)
        if used > width:
            return None
        return Plan(columns, key_widths, wrap=wrap, stacked=False, width=used, height=tallest)

    def stacked(self, sections: list[Section], width: int) -> Plan:
        """One column, each description below its key cap: what fits the narrowest window."""
        height = 0
        for heading, entries in sections:
            height += self._size("head", heading)[1] + ROW_GAP
            for keys, what in entries:
                cap_h = self._cap_size(keys, width)[1] + self.cap_shift
                height += cap_h + self._wrapped_height(what, width, STACK_INDENT)
                height += 2 * ROW_GAP
        return Plan([list(sections)], [width], wrap=True, stacked=True, width=width, height=height)


def _balance(sections: list[Section], count: int) -> list[list[Section]]:
    """Sections in reading order cut into `count` columns, the tallest as short as possible."""

    def height(group: list[Section]) -> int:
        return sum(1 + len(entries) for _heading, entries in group)

    best, best_height = [list(sections)], height(sections)
    for cuts in itertools.combinations(range(1, len(sections)), count - 1):
        bounds = (0, *cuts, len(sections))
        groups = [list(sections[a:b]) for a, b in itertools.pairwise(bounds)]
        tallest = max(height(g) for g in groups)
        if tallest < best_height:
            best, best_height = groups, tallest
    return best
