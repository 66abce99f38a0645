"""The result list: items, the model, and the delegate that paints title, field chips, shortcut and category."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from huashu.core.models import Phrase
from huashu.gui import chips, icons, theme
from huashu.gui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QColor,
    QDrag,
    QFont,
    QFontMetrics,
    QListView,
    QMimeData,
    QModelIndex,
    QPainter,
    QPainterPath,
    QPersistentModelIndex,
    QPixmap,
    QPoint,
    QRect,
    QRectF,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QWidget,
)

PHRASE_MIME = "application/x-huashu-phrase-ids"
ItemRole = Qt.ItemDataRole.UserRole + 1
LockSlotRole = Qt.ItemDataRole.UserRole + 2  # True on every row while any row is read-only


@dataclass(frozen=True)
class ResultItem:
    """One row: what search returned, completed with the phrase's flags when known."""

    phrase_id: int
    title: str
    text: str
    category: str
    shortcut: str | None = None
    matched: tuple[str, ...] = ()
    favorite: bool = False
    read_only: bool = False
    phrase: Phrase | None = field(default=None, compare=False)

    @classmethod
    def from_phrase(cls, p: Phrase, matched: tuple[str, ...] = ()) -> ResultItem:
        return cls(
            phrase_id=p.id,
            title=p.title,
            text=p.text,
            category=p.category,
            shortcut=p.shortcut,
            matched=matched,
            favorite=p.favorite,
            read_only=p.read_only,
            phrase=p,
        )


class ResultsModel(QAbstractListModel):
    """A flat list replaced wholesale per query: a reset is cheaper than diffing 50 rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[ResultItem] = []
        self._any_read_only = False

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == ItemRole:
            return item
        if role == LockSlotRole:
            return self._any_read_only
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.title}. {item.text}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            base |= Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [PHRASE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        items = [self._items[i.row()] for i in indexes if i.isValid()]
        data.setData(PHRASE_MIME, json.dumps([i.phrase_id for i in items]).encode())
        data.setText("\n".join(i.text for i in items))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def set_items(self, items: list[ResultItem]) -> None:
        self.beginResetModel()
        self._items = items
        self._any_read_only = any(i.read_only for i in items)
        self.endResetModel()

    def items(self) -> list[ResultItem]:
        return list(self._items)

    def item(self, row: int) -> ResultItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def update_phrase(self, phrase: Phrase) -> int:
        """Refresh one row from the library's copy of its phrase, in place; returns its row or -1."""
        row = self.row_of(phrase.id)
        if row >= 0:
            self._items[row] = ResultItem.from_phrase(phrase, self._items[row].matched)
            any_read_only = any(i.read_only for i in self._items)
            if any_read_only != self._any_read_only:
                # The lock's slot comes or goes on every row, not just this one.
                self._any_read_only = any_read_only
                self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1))
            else:
                index = self.index(row)
                self.dataChanged.emit(index, index)
        return row

    def row_of(self, phrase_id: int) -> int:
        for row, item in enumerate(self._items):
            if item.phrase_id == phrase_id:
                return row
        return -1


def _spans(title: str, terms: tuple[str, ...]) -> list[tuple[str, bool]]:
    """The title cut into runs, marking where a matched search term occurs."""
    if not terms:
        return [(title, False)]
    lower = title.lower()
    marks = [False] * len(title)
    for term in terms:
        term = term.lower()
        if not term:
            continue
        start = lower.find(term)
        while start >= 0:
            for i in range(start, start + len(term)):
                marks[i] = True
            start = lower.find(term, start + len(term))
    runs: list[tuple[str, bool]] = []
    for ch, mark in zip(title, marks, strict=True):
        if runs and runs[-1][1] == mark:
            runs[-1] = (runs[-1][0] + ch, mark)
        else:
            runs.append((ch, mark))
    return runs


class RowGeometry(NamedTuple):
    """Where a row's first line puts each of its parts (the second line spans the row).

    A part that gave way to the title has an empty rect (width 0) and no text.
    """

    number: QRectF
    title: QRectF  # the room for the title; it is elided to this width
    shortcut: QRectF | None
    shortcut_text: str
    category: QRectF
    category_text: str
    lock: QRectF | None
    star: QRectF | None
    line2: QRectF


class ResultDelegate(QStyledItemDelegate):
    """Two lines per phrase: title (matches tinted) with shortcut and category; then the text with field chips.

    The star and the lock have fixed slots at the right edge, so favourites line up in one column
    whatever the shortcut tag and category beside them; the lock's slot is there only while some
    row in the list is read-only.

    When the first line is short of room, the title is what the agent reads: it keeps its first
    TITLE_CHARS characters (all of a shorter title) while the shortcut tag is shortened or left
    out, then the rest of it while the category is shortened or left out. Nothing is drawn over
    anything else: each part gets its own span of the line or none.
    """

    PAD_X = 12
    PAD_Y = 7
    GAP = 3
    ICON = 14
    ICON_GAP = 6
    NUMBER_W = 14  # the row number's slot ("1" … "9"), before the title
    GAP_X = 8  # between title, shortcut tag and category
    TAG_PAD = 10  # the shortcut tag's frame around its text
    SHORTCUT_SHARE = 0.25  # of the first line at most, so a long code leaves room for the title
    TITLE_CHARS = 10  # nearly every title in the default library is this long or shorter
    SHORTCUT_SAMPLE = "/wlcq"  # a typical code: the readable width shows one whole beside the title
    KEEP_CHARS = 2  # a shortened tag or category keeps this many characters beside its "…", or goes
    CATEGORY_CHARS = 6  # "…/物流超期": enough of a category to tell it from its neighbours
    # (kind, font key) -> width; these depend on the font only, and layouts ask for them often.
    _widths: ClassVar[dict[tuple[str, str], int]] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(200, 2 * fm.height() + 2 * self.PAD_Y + self.GAP + 2)

    @staticmethod
    def small_font(font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.88))
        return small

    @staticmethod
    def title_font(font: QFont) -> QFont:
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        return bold

    def title_floor(self, font: QFont) -> int:
        """The room for the first TITLE_CHARS characters of a longer Chinese title and its "…": what
        the title keeps before anything else on the line is shown."""
        # Eliding keeps a character only with a pixel or two to spare beyond its advance.
        return QFontMetrics(self.title_font(font)).horizontalAdvance("中" * self.TITLE_CHARS + "…") + 3

    def _slots(self, lock_slot: bool) -> int:
        """The width the star's slot, the lock's (while shown) and their gaps take at the right edge."""
        width = self.ICON + self.ICON_GAP + 4
        if lock_slot:
            width += self.ICON + self.ICON_GAP
        return width

    def _chrome(self, lock_slot: bool) -> int:
        """An item rect's width that no title, tag or category can use: margins, number and icon slots."""
        return 8 + 2 * self.PAD_X + self.NUMBER_W + 2 + self._slots(lock_slot)

    def readable_width(self, font: QFont) -> int:
        """The narrowest item rect that shows TITLE_CHARS characters of a title beside a typical
        shortcut tag (on a row without the lock's slot; with it, the tag is shortened first)."""
        key = ("readable", font.key())
        if key not in self._widths:  # the splitter asks dozens of times while a window is laid out
            tag = QFontMetrics(self.small_font(font)).horizontalAdvance(self.SHORTCUT_SAMPLE) + self.TAG_PAD
            self._widths[key] = self._chrome(False) + self.title_floor(font) + self.GAP_X + tag
        return self._widths[key]

    def comfortable_width(self, font: QFont) -> int:
        """readable_width with room for a category's last CATEGORY_CHARS characters as well."""
        key = ("comfortable", font.key())
        if key not in self._widths:
            category = QFontMetrics(self.small_font(font)).horizontalAdvance("中" * self.CATEGORY_CHARS)
            self._widths[key] = self.readable_width(font) + self.GAP_X + category
        return self._widths[key]

    def _cut(self, metrics: QFontMetrics, text: str, room: float, mode: Qt.TextElideMode) -> str:
        """`text` elided to `room`, or "" when that would leave fewer than KEEP_CHARS characters."""
        if metrics.horizontalAdvance(text) <= room:
            return text
        kept = text[-self.KEEP_CHARS :] if mode == Qt.TextElideMode.ElideLeft else text[: self.KEEP_CHARS]
        least = "…" + kept if mode == Qt.TextElideMode.ElideLeft else kept + "…"
        if room < metrics.horizontalAdvance(least):
            return ""
        return metrics.elidedText(text, mode, int(room))

    def _category_text(self, metrics: QFontMetrics, category: str, room: float) -> str:
        """The category's path as far as it fits from its end: whole parents dropped first
        ("…/物流超期", not "…理/物流超期"), then the name alone, then its end after "…"; "" where
        even that is too long."""
        if metrics.horizontalAdvance(category) <= room:
            return category
        parts = category.split("/")
        for start in range(1, len(parts)):
            tail = "…/" + "/".join(parts[start:])
            if metrics.horizontalAdvance(tail) <= room:
                return tail
        return self._cut(metrics, parts[-1], room, Qt.TextElideMode.ElideLeft)

    def geometry(self, rect: QRect, font: QFont, item: ResultItem, lock_slot: bool = False) -> RowGeometry:
        """The layout of one row in `rect` (the view's item rect) at `font`."""
        fm = QFontMetrics(font)
        sfm = QFontMetrics(self.small_font(font))
        bfm = QFontMetrics(self.title_font(font))
        box = QRectF(rect).adjusted(4, 2, -4, -2)
        left = box.left() + self.PAD_X
        right = box.right() - self.PAD_X
        top1 = box.top() + self.PAD_Y
        line_h = fm.height()
        top2 = top1 + line_h + self.GAP
        number = QRectF(left - 4, top1, self.NUMBER_W, line_h)
        left += self.NUMBER_W + 2
        width = right - left

        # From the right edge: the star's slot, then the lock's.
        icon_top = top1 + (line_h - self.ICON) / 2
        x = right - self.ICON
        star = QRectF(x, icon_top, self.ICON, self.ICON) if item.favorite else None
        x -= self.ICON_GAP
        lock = None
        if lock_slot:
            x -= self.ICON
            lock = QRectF(x, icon_top, self.ICON, self.ICON) if item.read_only else None
            x -= self.ICON_GAP
        x -= 4
        end = x  # the category's right edge: one column on every row
        room = max(0.0, end - left)

        # Shares of `room`, the title first: its first TITLE_CHARS characters, then the tag, then
        # the rest of the title, then the category with what is left.
        title_w = float(bfm.horizontalAdvance(item.title))
        spare = room - min(title_w, self.title_floor(font))
        shortcut_text = ""
        if item.shortcut:
            tag_room = min(spare - self.GAP_X, width * self.SHORTCUT_SHARE) - self.TAG_PAD
            shortcut_text = self._cut(sfm, item.shortcut, tag_room, Qt.TextElideMode.ElideRight)
        sc_w = sfm.horizontalAdvance(shortcut_text) + self.TAG_PAD if shortcut_text else 0
        if sc_w:
            spare -= sc_w + self.GAP_X
        spare -= max(0.0, title_w - self.title_floor(font))  # the rest of the title
        category_text = self._category_text(sfm, item.category, spare - self.GAP_X)
        cat_w = sfm.horizontalAdvance(category_text) if category_text else 0

        # One pixel to spare on the left: a text's advance rounds down, its last glyph may not.
        category = QRectF(end - cat_w - 1, top1, cat_w + 1, line_h) if cat_w else QRectF(end, top1, 0, line_h)
        x = end - (cat_w + self.GAP_X if cat_w else 0)
        shortcut = None
        if sc_w:
            shortcut = QRectF(x - sc_w, top1 + 1, sc_w, line_h - 2)
            x -= sc_w + self.GAP_X
        title = QRectF(left, top1, max(0.0, x - left), line_h)
        line2 = QRectF(left, top2, width, line_h)
        return RowGeometry(number, title, shortcut, shortcut_text, category, category_text, lock, star, line2)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        item = index.data(ItemRole)
        if not isinstance(item, ResultItem):
            return
        c = theme.colors()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(4, 2, -4, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            path = QPainterPath()
            path.addRoundedRect(rect, 7, 7)
            painter.fillPath(path, QColor(c.accent_soft if selected else c.alt_base))
        if selected:
            bar = QRectF(rect.left(), rect.top() + 6, 3, rect.height() - 12)
            painter.fillRect(bar, QColor(c.accent))

        font = QFont(option.font)
        fm = QFontMetrics(font)
        small = self.small_font(font)
        bold = self.title_font(font)
        bfm = QFontMetrics(bold)
        g = self.geometry(option.rect, font, item, bool(index.data(LockSlotRole)))
        base1 = g.title.top() + fm.ascent()
        base2 = g.line2.top() + fm.ascent()

        # Row number: Ctrl+1..9 use these rows directly.
        if index.row() < 9:
            painter.setFont(small)
            painter.setPen(QColor(c.muted))
            painter.drawText(g.number, Qt.AlignmentFlag.AlignCenter, str(index.row() + 1))

        painter.setFont(small)
        painter.setPen(QColor(c.muted))
        if g.category_text:
            painter.drawText(g.category, Qt.AlignmentFlag.AlignVCenter, g.category_text)
        if g.shortcut is not None:
            path = QPainterPath()
            path.addRoundedRect(g.shortcut, 4, 4)
            painter.setPen(QColor(c.border))
            painter.drawPath(path)
            painter.setPen(QColor(c.muted))
            painter.drawText(g.shortcut, Qt.AlignmentFlag.AlignCenter, g.shortcut_text)
        for slot, name, color in ((g.lock, "lock", c.muted), (g.star, "star-filled", c.warning)):
            if slot is not None:
                painter.drawPixmap(slot.topLeft().toPoint(), icons.pixmap(name, color, self.ICON))

        # Title with matched terms tinted, elided to the space left.
        x = g.title.left()
        limit = g.title.right()
        painter.setFont(bold)
        for text, mark in _spans(item.title, item.matched):
            if x >= limit:
                break
            width = bfm.horizontalAdvance(text)
            if x + width > limit:
                text = bfm.elidedText(text, Qt.TextElideMode.ElideRight, int(limit - x))
                width = bfm.horizontalAdvance(text)
            painter.setPen(QColor(c.match if mark else c.text))
            painter.drawText(int(x), int(base1), text)
            x += width

        # Line 2: the text on one line, fields drawn as chips. Whatever does not fit ends in "…":
        # each segment but the last leaves room for it.
        x = g.line2.left()
        right = g.line2.right()
        top2 = g.line2.top()
        painter.setFont(font)
        ellipsis = fm.horizontalAdvance("…")
        segments = chips.segments(item.text)
        for n, (text, is_field) in enumerate(segments):
            room = right - x - (0 if n == len(segments) - 1 else ellipsis)
            text = text.replace("\n", " ")
            width = fm.horizontalAdvance(text) + (10 if is_field else 0)
            if width > room:
                cut = "…" if is_field else fm.elidedText(text, Qt.TextElideMode.ElideRight, int(room))
                painter.setPen(QColor(c.muted))
                painter.drawText(int(x), int(base2), cut or "…")
                break
            if is_field:
                chip = QRectF(x, top2 + 1, width, fm.height() - 1)
                path = QPainterPath()
                path.addRoundedRect(chip, 5, 5)
                painter.fillPath(path, QColor(c.chip_bg))
                painter.setPen(QColor(c.chip_fg))
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
                x += width + 2
            else:
                painter.setPen(QColor(c.muted))
                painter.drawText(int(x), int(base2), text)
                x += width
        painter.restore()


class ResultsView(QListView):
    """The list of phrases; rows can be dragged onto a category to move them.

    The drag shows a small chip with the phrase's title beside the cursor, not Qt's picture of the
    whole row under it: that one hid the very category the agent was aiming at.
    """

    CHIP_PAD_X = 10
    CHIP_PAD_Y = 5
    CHIP_TEXT_CHARS = 16  # titles longer than this many Chinese characters are elided
    CURSOR_GAP_X = 16  # an arrow cursor is about 11 px wide and 18 px tall below its tip
    CURSOR_GAP_Y = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("results")
        self.setUniformItemSizes(True)  # all rows share one height: layout stays O(1) for long lists
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ResultDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(0)

    def readable_width(self) -> int:
        """The narrowest this list should be made where there is a choice: each row shows
        ResultDelegate.TITLE_CHARS characters of its title and a typical shortcut, at the current font."""
        return self._delegate().readable_width(self.font()) + self._around_rows()

    def comfortable_width(self) -> int:
        """A width where the rows also show the end of their category (what the list gets before
        the panes beside it grow)."""
        return self._delegate().comfortable_width(self.font()) + self._around_rows()

    def _delegate(self) -> ResultDelegate:
        delegate = self.itemDelegate()
        assert isinstance(delegate, ResultDelegate)
        return delegate

    def _around_rows(self) -> int:
        # The frame at its focused width (2 px) and the scroll bar as if shown: the width stays put
        # as focus comes and goes and the list grows longer than the view.
        self.ensurePolished()
        scrollbar = self.verticalScrollBar().sizeHint().width()
        return 2 * max(2, self.frameWidth()) + scrollbar + 2 * self.spacing()

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        drag = self.make_drag()
        if drag is not None:
            # Unlike QAbstractItemView's own startDrag, nothing is removed after a MoveAction: the
            # library moves the phrase and the list is refreshed from it.
            drag.exec(supportedActions, self.defaultDropAction())

    def make_drag(self) -> QDrag | None:
        """The drag for the selected rows: their ids and text, shown as a chip beside the cursor."""
        model = self.model()
        indexes = [i for i in self.selectedIndexes() if model.flags(i) & Qt.ItemFlag.ItemIsDragEnabled]
        items = [item for item in (i.data(ItemRole) for i in indexes) if isinstance(item, ResultItem)]
        if not items:
            return None
        drag = QDrag(self)
        drag.setMimeData(model.mimeData(indexes))
        drag.setPixmap(self.drag_pixmap(items))
        # A hot spot above and left of the pixmap puts the chip below-right of the cursor, so the
        # cursor's tip and the category row under it stay in sight.
        gap_y = max(self.CURSOR_GAP_Y, self.fontMetrics().height())
        drag.setHotSpot(QPoint(-self.CURSOR_GAP_X, -gap_y))
        return drag

    def drag_label(self, items: list[ResultItem]) -> str:
        if len(items) == 1:
            return items[0].title
        return self.tr("{0} phrases").format(len(items))

    def drag_pixmap(self, items: list[ResultItem]) -> QPixmap:
        """A rounded chip with the title (elided) or the number of phrases, in the theme's colours."""
        c = theme.colors()
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        fm = QFontMetrics(font)
        room = fm.horizontalAdvance("中" * self.CHIP_TEXT_CHARS)
        text = fm.elidedText(self.drag_label(items), Qt.TextElideMode.ElideRight, room)
        width = fm.horizontalAdvance(text) + 2 * self.CHIP_PAD_X + 2
        height = fm.height() + 2 * self.CHIP_PAD_Y + 2
        ratio = max(1.0, self.devicePixelRatioF())
        pixmap = QPixmap(round(width * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        chip = QRectF(0.5, 0.5, width - 1, height - 1)  # a 1 px border on whole pixels, not smeared over two
        path = QPainterPath()
        path.addRoundedRect(chip, 6, 6)
        painter.fillPath(path, QColor(c.base))
        painter.setPen(QColor(c.accent))
        painter.drawPath(path)
        painter.setFont(font)
        painter.setPen(QColor(c.text))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap
