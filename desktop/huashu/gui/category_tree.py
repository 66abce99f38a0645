"""The category tree on the left: all / favourites / recent, categories with counts, drag and drop."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from huashu.core.models import Category
from huashu.gui import icons, theme
from huashu.gui.qt import (
    QAbstractItemView,
    QColor,
    QEvent,
    QHeaderView,
    QMimeData,
    QShowEvent,
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


@dataclass(frozen=True)
class TreeData:
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
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._data: TreeData | None = None
        self._specials: list[QTreeWidgetItem] = []
        self._by_scope: dict[
            Scope, QTreeWidgetItem
        ] = {}  # rebuilt with the rows; the header asks per keystroke
        self._building = False
        self.currentItemChanged.connect(self._current_changed)
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

    def _restyle(self) -> None:
        c = theme.colors()
        for item in self._specials:
            item.setIcon(0, icons.icon(str(item.data(0, Qt.ItemDataRole.UserRole + 2)), c.accent))
        for item in self._all_items():
            item.setForeground(1, QColor(c.muted))
            scope = item.data(0, ScopeRole)
            if isinstance(scope, Scope) and scope.kind == "category":
                item.setIcon(0, icons.icon("folder"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
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
        """Rebuild category rows, keeping the selection and which branches are open."""
        current = self.current_scope()
        expanded = self._expanded_ids()
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
        if event.mimeData().hasFormat(CATEGORY_MIME) or event.mimeData().hasFormat(PHRASE_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)  # positions the drop indicator
        item = self.itemAt(event.position().toPoint())
        scope = item.data(0, ScopeRole) if item is not None else None
        mime = event.mimeData()
        if mime.hasFormat(PHRASE_MIME):
            ok = isinstance(scope, Scope) and scope.kind in ("category", "favorites")
        elif mime.hasFormat(CATEGORY_MIME):
            ok = scope is None or (isinstance(scope, Scope) and scope.kind == "category")
        else:
            ok = False
        if ok:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        # The library decides what moves; the tree is rebuilt from it afterwards, so Qt must not
        # move any rows itself (that is why the event is accepted with IgnoreAction).
        mime = event.mimeData()
        item = self.itemAt(event.position().toPoint())
        scope = item.data(0, ScopeRole) if item is not None else None
        if mime.hasFormat(PHRASE_MIME) and isinstance(scope, Scope):
            ids = [int(i) for i in json.loads(bytes(mime.data(PHRASE_MIME).data()).decode())]
            self.phrases_dropped.emit(ids, scope)
        elif mime.hasFormat(CATEGORY_MIME):
            moved = int(json.loads(bytes(mime.data(CATEGORY_MIME).data()).decode()))
            target = self._drop_target(moved, item)
            if target is not None:
                self.category_dropped.emit(moved, target[0], target[1])
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()

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
