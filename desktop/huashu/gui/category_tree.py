"""The category tree on the left: all / favourites / recent, categories with counts, drag and drop."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from huashu.core.models import Category
from huashu.gui import icons, theme
from huashu.gui.qt import (
    QAbstractItemView,
    QColor,
    QEvent,
    QHeaderView,
    QMimeData,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPoint,
    QRectF,
    QShowEvent,
    QSize,
    QStyle,
    QStyleOptionViewItem,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
    Signal,
)
from huashu.gui.results import PHRASE_MIME
from huashu.gui.search_panel import Scope

if TYPE_CHECKING:
    from huashu.gui.qt import (  # drag, drop and menu events: built on first use
        QDragEnterEvent,
        QDragMoveEvent,
        QDropEvent,
    )

CATEGORY_MIME = "application/x-huashu-category-id"
ScopeRole = Qt.ItemDataRole.UserRole + 1


class TreeData(NamedTuple):
    """Everything the tree shows, loaded in one background operation."""

    categories: list[Category]
    counts: dict[int, int]
    total: int
    favorites: int
    recent: int


class CategoryTree(QTreeWidget):
    """Scopes to browse and search in; categories can be dragged to reorder them, phrases dropped to move them."""

    scope_selected = Signal(object)  # Scope
    phrases_dropped = Signal(list, object)  # phrase ids, Scope they were dropped on
    category_dropped = Signal(int, object, object)  # category id, new parent id or None, index or None

    SPECIAL = 3  # the all / favourites / recent rows before the categories
    MIN_WIDTH = 170  # at the smallest font; larger fonts and longer languages widen it
    NAME_CHARS = 6  # category names this many Chinese characters long show whole (退款与退换货)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categoryTree")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setAnimated(False)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        # Hovering a dragged phrase or category over a closed branch opens it, to drop inside.
        self.setAutoExpandDelay(700)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._data: TreeData | None = None
        self._specials: list[QTreeWidgetItem] = []
        self._by_scope: dict[
            Scope, QTreeWidgetItem
        ] = {}  # rebuilt with the rows; the header asks per keystroke
        self._building = False
        self._drop_item: QTreeWidgetItem | None = None  # the category a dragged phrase would land in
        self._drag_pos: QPoint | None = None  # where a dragged phrase is, while it is over the tree
        self.currentItemChanged.connect(self._current_changed)
        # Auto-scrolling near an edge moves rows under a cursor that stays still: the highlight follows.
        self.verticalScrollBar().valueChanged.connect(self._drag_scrolled)
        self._make_specials()
        self.retranslate()
        self._fit_width()

    # -- building ----------------------------------------------------------------------------

    def _make_specials(self) -> None:
        for kind, icon_name in (("all", "all"), ("favorites", "star"), ("recent", "clock")):
            item = QTreeWidgetItem()
            item.setData(0, ScopeRole, Scope(kind))
            item.setData(0, Qt.ItemDataRole.UserRole + 2, icon_name)
            # Favourites accept dropped phrases (to star them); the others accept nothing.
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if kind == "favorites":
                flags |= Qt.ItemFlag.ItemIsDropEnabled
            item.setFlags(flags)
            self._specials.append(item)
            self._by_scope[Scope(kind)] = item
            self.addTopLevelItem(item)
        self.setCurrentItem(self._specials[0])

    def retranslate(self) -> None:
        for item, label in zip(
            self._specials,
            (self.tr("All phrases"), self.tr("Favorites"), self.tr("Recently used")),
            strict=True,
        ):
            item.setText(0, label)
        self._restyle()
        self._fit_width()

    def icon_px(self) -> int:
        """Icons grow with the font: 16 px beside 10 pt text looked right, and tiny beside 14 pt."""
        return max(16, round(self.fontMetrics().height() * 0.85))

    def _restyle(self) -> None:
        c = theme.colors()
        px = self.icon_px()
        self.setIconSize(QSize(px, px))
        for item in self._specials:
            item.setIcon(0, icons.icon(str(item.data(0, Qt.ItemDataRole.UserRole + 2)), c.accent, px))
        for item in self._all_items():
            item.setForeground(1, QColor(c.muted))
            scope = item.data(0, ScopeRole)
            if isinstance(scope, Scope) and scope.kind == "category":
                item.setIcon(0, icons.icon("folder", size=px))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            if event.type() == QEvent.Type.FontChange:
                self._restyle()
            self._fit_width()

    def showEvent(self, event: QShowEvent) -> None:
        # The style sheet (item padding) applies from here on, and the window set a minimum of its
        # own after building the tree: the one measured here must win.
        self._fit_width()
        super().showEvent(event)

    def needed_width(self) -> int:
        """The narrowest width that shows the all / favourites / recent rows and their counts whole,
        and short category names: "Recently used" was cut to "Recently …" at 14 pt."""
        self.ensurePolished()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        delegate = self.itemDelegate()
        metrics = self.fontMetrics()
        labels = [delegate.sizeHint(option, self.indexFromItem(item, 0)).width() for item in self._specials]
        # Icon, padding and margins around a label, as the delegate measured them on the rows above.
        chrome = max(0, labels[0] - metrics.horizontalAdvance(self._specials[0].text(0)))
        names = metrics.horizontalAdvance("中" * self.NAME_CHARS) + chrome
        # As the header sizes the count column to its contents: the rows' counts or the (hidden)
        # header's own minimum section, whichever is wider.
        counts = max(
            [delegate.sizeHint(option, self.indexFromItem(item, 1)).width() for item in self._specials]
            + [self.sizeHintForColumn(1), self.header().sectionSizeHint(1)]
        )
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        # The special rows sit where top-level categories do: after one step of indentation (the
        # branch arrows' column), and the count column after them.
        return self.indentation() + max(*labels, names) + counts + scrollbar + 2 * self.frameWidth() + 2

    def _fit_width(self) -> None:
        width = max(self.MIN_WIDTH, self.needed_width())
        if width != self.minimumWidth():
            self.setMinimumWidth(width)

    def set_data(self, data: TreeData) -> None:
        """Rebuild category rows, keeping the selection, which branches are open and the scroll position."""
        current = self.current_scope()
        expanded = self._expanded_ids()
        # Taking the rows out scrolls to the top, and selecting the current row again then scrolls
        # just far enough to show it: after every drop the tree jumped under the agent's cursor.
        scrolled = self.verticalScrollBar().value()
        self._drag_pos = None  # the rows go: the next drag move finds the one under the cursor again
        self._set_drop_item(None)
        self._building = True
        try:
            for _ in range(self.topLevelItemCount() - self.SPECIAL):
                self.takeTopLevelItem(self.SPECIAL)
            self._by_scope = {item.data(0, ScopeRole): item for item in self._specials}
            self._data = data
            for item, count in zip(self._specials, (data.total, data.favorites, data.recent), strict=True):
                item.setText(1, str(count) if count else "")
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            by_id: dict[int, QTreeWidgetItem] = {}
            for cat in data.categories:
                item = QTreeWidgetItem([cat.name, str(data.counts.get(cat.id, 0))])
                scope = Scope("category", cat.id)
                item.setData(0, ScopeRole, scope)
                self._by_scope[scope] = item
                item.setToolTip(0, cat.path)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsDragEnabled
                    | Qt.ItemFlag.ItemIsDropEnabled
                )
                parent = by_id.get(cat.parent_id) if cat.parent_id is not None else None
                if parent is None:
                    self.addTopLevelItem(item)
                else:
                    parent.addChild(item)
                by_id[cat.id] = item
            for cid in expanded:
                if cid in by_id:
                    by_id[cid].setExpanded(True)
            self._restyle()
            self._fit_width()  # a count with more digits widens the count column
            self.select_scope(current, emit=False)
            if self.current_scope() == current:
                self.executeDelayedItemsLayout()  # the scroll range must fit the new rows first
                self.verticalScrollBar().setValue(scrolled)
        finally:
            self._building = False
        if self.current_scope() != current:
            self.scope_selected.emit(self.current_scope())

    def _all_items(self) -> list[QTreeWidgetItem]:
        """Every row, depth first. Not QTreeWidgetItemIterator: PySide ties each one to the tree, so
        every walk (one per library change) leaked an iterator for the window's lifetime."""
        items: list[QTreeWidgetItem] = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount() - 1, -1, -1)]
        while stack:
            item = stack.pop()
            items.append(item)
            stack.extend(item.child(j) for j in range(item.childCount() - 1, -1, -1))
        return items

    def _category_items(self) -> list[QTreeWidgetItem]:
        items = []
        for item in self._all_items():
            scope = item.data(0, ScopeRole)
            if isinstance(scope, Scope) and scope.kind == "category":
                items.append(item)
        return items

    def _expanded_ids(self) -> set[int | None]:
        return {item.data(0, ScopeRole).category_id for item in self._category_items() if item.isExpanded()}

    # -- selection ---------------------------------------------------------------------------

    def current_scope(self) -> Scope:
        item = self.currentItem()
        scope = item.data(0, ScopeRole) if item is not None else None
        return scope if isinstance(scope, Scope) else Scope()

    def select_scope(self, scope: Scope, *, emit: bool = True) -> None:
        target = self._by_scope.get(scope, self._specials[0])
        self._building = not emit
        try:
            self.setCurrentItem(target)
        finally:
            self._building = False

    def category_label(self, scope: Scope) -> str:
        item = self._by_scope.get(scope)
        return (item.toolTip(0) or item.text(0)) if item is not None else ""

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None and not self._building:
            self.scope_selected.emit(self.current_scope())

    # -- drag and drop -----------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [CATEGORY_MIME, PHRASE_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        data = QMimeData()
        scopes = [i.data(0, ScopeRole) for i in items]
        ids = [s.category_id for s in scopes if isinstance(s, Scope) and s.kind == "category"]
        if ids:
            data.setData(CATEGORY_MIME, json.dumps(ids[0]).encode())
        return data

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasFormat(CATEGORY_MIME) or mime.hasFormat(PHRASE_MIME):
            event.acceptProposedAction()
            # As QAbstractItemView's own dragEnterEvent does: in this state auto-scrolling near an
            # edge goes on while the cursor rests there, instead of one row per mouse move.
            self.setState(QAbstractItemView.State.DraggingState)
            # Phrases go into the row under the cursor, never between rows: the row is highlighted
            # (paintEvent) instead of Qt's above / on / below indicator, which stays for categories.
            self.setDropIndicatorShown(not mime.hasFormat(PHRASE_MIME))
        else:
            event.ignore()

    @staticmethod
    def _takes_phrases(item: QTreeWidgetItem | None) -> bool:
        scope = item.data(0, ScopeRole) if item is not None else None
        return isinstance(scope, Scope) and scope.kind in ("category", "favorites")

    def _accepts(self, mime: QMimeData, item: QTreeWidgetItem | None) -> bool:
        if mime.hasFormat(PHRASE_MIME):
            return self._takes_phrases(item)
        if mime.hasFormat(CATEGORY_MIME):
            scope = item.data(0, ScopeRole) if item is not None else None
            return scope is None or (isinstance(scope, Scope) and scope.kind == "category")
        return False

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)  # positions the drop indicator, starts auto-scrolling near an edge
        pos = event.position().toPoint()
        item = self.itemAt(pos)
        mime = event.mimeData()
        ok = self._accepts(mime, item)
        phrases = mime.hasFormat(PHRASE_MIME)
        self._drag_pos = pos if phrases else None
        self._set_drop_item(item if ok and phrases else None)
        if ok:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QEvent) -> None:
        self._end_drag()
        super().dragLeaveEvent(event)  # type: ignore[arg-type]  # it is a QDragLeaveEvent

    def dropEvent(self, event: QDropEvent) -> None:
        # The library decides what moves; the tree is rebuilt from it afterwards, so Qt must not
        # move any rows itself (that is why the event is accepted with IgnoreAction).
        mime = event.mimeData()
        pos = event.position().toPoint()
        item = self.itemAt(pos)
        scope = item.data(0, ScopeRole) if item is not None else None
        dropped: tuple[list[int], Scope] | None = None
        moved: tuple[int, int | None, int | None] | None = None
        if mime.hasFormat(PHRASE_MIME) and isinstance(scope, Scope):
            ids = [int(i) for i in json.loads(bytes(mime.data(PHRASE_MIME).data()).decode())]
            dropped = (ids, scope)
        elif mime.hasFormat(CATEGORY_MIME):
            category_id = int(json.loads(bytes(mime.data(CATEGORY_MIME).data()).decode()))
            # Each auto-scroll step forgets the indicator's position, and X11 sends no drag move
            # while the mouse rests: placed from a stale one, the category went to the top level.
            from huashu.gui.qt import QDragMoveEvent  # its class is built on the first drop (~1 ms)

            super().dragMoveEvent(
                QDragMoveEvent(pos, event.possibleActions(), mime, event.buttons(), event.modifiers())
            )
            target = self._drop_target(category_id, item)
            if target is not None:
                moved = (category_id, target[0], target[1])
        # Before the signals: what they start may open a dialog, and the drag must be over by then.
        self._end_drag()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if dropped is not None:
            self.phrases_dropped.emit(*dropped)
        if moved is not None:
            self.category_dropped.emit(*moved)

    def _end_drag(self) -> None:
        # QAbstractItemView's own dropEvent, which this one replaces, stops auto-scrolling: a drop
        # near an edge left the timer running, and the tree kept scrolling after the drop.
        self.stopAutoScroll()
        self.setState(QAbstractItemView.State.NoState)
        self.setDropIndicatorShown(True)
        self._drag_pos = None
        self._set_drop_item(None)

    def _drag_scrolled(self) -> None:
        if self._drag_pos is not None:
            item = self.itemAt(self._drag_pos)
            self._set_drop_item(item if self._takes_phrases(item) else None)

    def drop_item(self) -> QTreeWidgetItem | None:
        """The row highlighted as where the phrases being dragged would go, if any."""
        return self._drop_item

    def _set_drop_item(self, item: QTreeWidgetItem | None) -> None:
        if item is not self._drop_item:
            self._drop_item = item
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        item = self._drop_item
        if item is None:
            return
        row = self.visualItemRect(item)
        if not row.isValid():
            return
        c = theme.colors()
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The whole row, as a selected one is drawn, tinted light enough to read the name through and
        # outlined on whole pixels at the very edge: the right-aligned count reaches 2 px from it.
        rect = QRectF(0.5, row.top() + 0.5, self.viewport().width() - 1, row.height() - 1)
        path = QPainterPath()
        path.addRoundedRect(rect, 5, 5)
        tint = QColor(c.accent)
        tint.setAlpha(40)
        painter.fillPath(path, tint)
        painter.setPen(QPen(QColor(c.accent), 1.0))
        painter.drawPath(path)
        painter.end()

    def _drop_target(self, moved: int, item: QTreeWidgetItem | None) -> tuple[int | None, int | None] | None:
        """(new parent, index among its other children) for a category dropped on or beside `item`."""
        position = self.dropIndicatorPosition()
        if item is None or position == QAbstractItemView.DropIndicatorPosition.OnViewport:
            return None, None
        scope = item.data(0, ScopeRole)
        if not isinstance(scope, Scope) or scope.kind != "category" or scope.category_id == moved:
            return None
        if position == QAbstractItemView.DropIndicatorPosition.OnItem:
            return scope.category_id, None
        parent = item.parent()
        parent_scope = parent.data(0, ScopeRole) if parent is not None else None
        parent_id = parent_scope.category_id if isinstance(parent_scope, Scope) else None
        siblings = [
            s.category_id
            for s in (
                (parent.child(i) if parent is not None else self.topLevelItem(i)).data(0, ScopeRole)
                for i in range(parent.childCount() if parent is not None else self.topLevelItemCount())
            )
            if isinstance(s, Scope) and s.kind == "category" and s.category_id != moved
        ]
        index = siblings.index(scope.category_id)
        if position == QAbstractItemView.DropIndicatorPosition.BelowItem:
            index += 1
        return parent_id, index
