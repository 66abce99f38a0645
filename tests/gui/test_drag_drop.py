"""Dragging phrases onto the category tree: the drag chip, the drop highlight, the tree staying put."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from huashu.gui import i18n, theme
from huashu.gui.category_tree import ScopeRole
from huashu.gui.main_window import MainWindow
from huashu.gui.qt import (
    QApplication,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QEvent,
    QMimeData,
    QPixmap,
    QPoint,
    QPointF,
    QRect,
    Qt,
    QTreeWidgetItem,
)
from huashu.gui.results import PHRASE_MIME, ResultItem
from huashu.gui.search_panel import Scope
from huashu.storage.library import Library

BUTTONS, MODS = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


@pytest.fixture
def gui_lib(gui_lib: Library) -> Library:
    """The default library and a branch's twenty store categories: a tree scrolled well past one screen."""
    for n in range(1, 21):
        gui_lib.add_category(f"门店{n:02d}")
    return gui_lib


def save_png(pixmap: QPixmap, name: str, tmp_path: Path) -> Path:
    """Into $HUASHU_SCREENSHOTS when set (to look at), else the test's own folder."""
    folder = Path(os.environ.get("HUASHU_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    assert pixmap.save(str(target))
    return target


def enter_and_move(tree, pos: QPoint, mime: QMimeData) -> QDragMoveEvent:  # type: ignore[no-untyped-def]
    """A drag coming into the tree and moving over `pos`, as the platform's drag manager sends it."""
    target = tree.viewport()
    enter = QDragEnterEvent(pos, Qt.DropAction.MoveAction, mime, BUTTONS, MODS)
    QApplication.sendEvent(target, enter)
    return move_to(tree, pos, mime)


def move_to(tree, pos: QPoint, mime: QMimeData) -> QDragMoveEvent:  # type: ignore[no-untyped-def]
    move = QDragMoveEvent(pos, Qt.DropAction.MoveAction, mime, BUTTONS, MODS)
    QApplication.sendEvent(tree.viewport(), move)
    return move


def drop_at(tree, pos: QPoint, mime: QMimeData) -> bool:  # type: ignore[no-untyped-def]
    event = QDropEvent(QPointF(pos), Qt.DropAction.MoveAction, mime, BUTTONS, MODS)
    QApplication.sendEvent(tree.viewport(), event)
    return event.isAccepted()


def category_row(window: MainWindow, path: str) -> tuple[int, QTreeWidgetItem]:
    cat = next(c for c in window.tree_data.categories if c.path == path)
    return cat.id, window.tree._by_scope[Scope("category", cat.id)]


def selected_mime(window: MainWindow) -> tuple[int, QMimeData]:
    item = window.selected_item()
    assert item is not None
    mime = window.model.mimeData([window.model.index(window.model.row_of(item.phrase_id), 0)])
    return item.phrase_id, mime


def show_category(window: MainWindow, path: str, idle: Callable[[MainWindow], None]) -> Scope:
    """The agent clicks a category: its phrases are listed, the first one selected."""
    cid, _ = category_row(window, path)
    scope = Scope("category", cid)
    window.tree.select_scope(scope)
    idle(window)
    window.results.setCurrentIndex(window.model.index(0, 0))
    return scope


# -- the drag chip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_drag_chip_is_small_themed_and_beside_the_cursor(mode, app, window, find, tmp_path) -> None:  # type: ignore[no-untyped-def]
    theme.apply(app, mode, 0)
    find(window, "/zxwh")
    item = window.selected_item()
    drag = window.results.make_drag()
    assert drag is not None
    assert json.loads(bytes(drag.mimeData().data(PHRASE_MIME).data())) == [item.phrase_id]

    pixmap = drag.pixmap()
    size = pixmap.deviceIndependentSize()
    # Qt's own drag image was the whole 460 px wide, two-line row.
    assert 40 <= size.width() <= 320 and 16 <= size.height() <= 60, size
    hot = drag.hotSpot()
    # The pixmap is placed with its hot spot under the cursor's tip: a hot spot above and left of
    # it leaves the tip, and the row it points at, uncovered.
    assert not QRect(QPoint(0, 0), size.toSize()).contains(hot)
    assert -40 <= hot.x() <= -10 and -40 <= hot.y() <= -10, hot

    c = theme.colors()
    assert c.dark == (mode == "dark")
    image = pixmap.toImage()
    ratio = pixmap.devicePixelRatio()
    middle = round(size.height() / 2 * ratio)
    # Inside the rounded border, left of the text: the theme's base colour; the border: its accent.
    assert image.pixelColor(round(5 * ratio), middle) == QColor(c.base)
    assert image.pixelColor(0, middle) == QColor(c.accent)
    save_png(pixmap, f"drag-chip-{mode}", tmp_path)


def test_a_long_title_is_elided_in_the_chip(window) -> None:  # type: ignore[no-untyped-def]
    title = "非常抱歉让您久等了我们正在加急为您核实订单的物流信息请您稍候片刻" * 2
    long = ResultItem(phrase_id=1, title=title, text="", category="")
    short = ResultItem(phrase_id=2, title="补开发票", text="", category="")
    long_width = window.results.drag_pixmap([long]).deviceIndependentSize().width()
    short_width = window.results.drag_pixmap([short]).deviceIndependentSize().width()
    assert long_width <= 320
    assert short_width < long_width  # the chip fits its title, it is not a fixed-width bar


def test_several_phrases_show_as_a_count(app, window) -> None:  # type: ignore[no-untyped-def]
    i18n.install_translators(app, "en")
    items = [ResultItem(phrase_id=i, title=f"标题{i}", text="", category="") for i in range(3)]
    assert window.results.drag_label(items) == "3 phrases"
    assert window.results.drag_label(items[:1]) == "标题0"
    assert window.results.drag_pixmap(items).deviceIndependentSize().width() <= 320


# -- the tree while a phrase is dragged over it ------------------------------------------------------


def test_the_category_under_a_dragged_phrase_is_highlighted(window, find, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    find(window, "/zxwh")
    _, mime = selected_mime(window)
    tree = window.tree
    _, invoice = category_row(window, "发票")
    tree.verticalScrollBar().setValue(0)
    row = tree.visualItemRect(invoice)
    all_row = tree.visualItemRect(tree._specials[0])
    assert tree.viewport().rect().contains(row) and tree.viewport().rect().contains(all_row)
    accent = QColor(theme.colors().accent)

    def accent_pixels() -> int:
        image = tree.viewport().grab(QRect(0, row.top(), tree.viewport().width(), row.height())).toImage()
        return sum(1 for x in range(image.width()) for y in range(image.height()) if image.pixelColor(x, y) == accent)

    before = accent_pixels()
    assert enter_and_move(tree, row.center(), mime).isAccepted()
    assert tree.drop_item() is invoice
    QApplication.processEvents()
    # The outline runs round the whole row.
    assert accent_pixels() > before + tree.viewport().width()
    save_png(tree.grab(), "drag-over-tree", tmp_path)

    # Rows that take no phrases are not highlighted (and refuse the drop).
    assert not move_to(tree, all_row.center(), mime).isAccepted()
    assert tree.drop_item() is None
    assert move_to(tree, row.center(), mime).isAccepted()
    assert tree.drop_item() is invoice

    # Leaving the tree takes the highlight away.
    QApplication.sendEvent(tree.viewport(), QEvent(QEvent.Type.DragLeave))
    assert tree.drop_item() is None
    QApplication.processEvents()
    assert accent_pixels() == before


def test_the_highlight_follows_rows_auto_scrolling_under_the_cursor(qtbot, window, find) -> None:  # type: ignore[no-untyped-def]
    find(window, "/zxwh")
    _, mime = selected_mime(window)
    tree = window.tree
    bar = tree.verticalScrollBar()
    assert bar.maximum() > 10  # in rows
    bar.setValue(0)
    # Just above the bottom edge, where dragging scrolls the tree down.
    pos = QPoint(tree.viewport().width() // 3, tree.viewport().height() - 6)
    first = tree.itemAt(pos)
    assert enter_and_move(tree, pos, mime).isAccepted()
    assert tree.drop_item() is first
    # It keeps scrolling while the cursor rests there (X11 sends no drag moves then), not one row.
    qtbot.waitUntil(lambda: bar.value() > 3, timeout=3000)
    under = tree.itemAt(pos)
    assert under is not first
    assert tree.drop_item() is (under if tree._takes_phrases(under) else None)
    QApplication.sendEvent(tree.viewport(), QEvent(QEvent.Type.DragLeave))
    assert tree.drop_item() is None
    stopped = bar.value()
    qtbot.wait(400)
    assert bar.value() == stopped  # leaving stops it


# -- after the drop ------------------------------------------------------------------------------------


def test_a_drop_keeps_the_trees_scroll_position_and_selection(window, idle, gui_lib) -> None:  # type: ignore[no-untyped-def]
    tree = window.tree
    bar = tree.verticalScrollBar()
    # The agent browses a category near the top, then scrolls down to the one to move a phrase to.
    scope = show_category(window, "问候与开场", idle)
    phrase_id, mime = selected_mime(window)
    assert gui_lib.phrase(phrase_id).category == "问候与开场"
    assert bar.maximum() > 10  # in rows
    bar.setValue(bar.maximum() - 4)
    scrolled = bar.value()
    # The category at the middle of the viewport, whichever it is at this font.
    target = tree.itemAt(QPoint(20, tree.viewport().height() // 2))
    target_scope = target.data(0, ScopeRole)
    assert target_scope.kind == "category" and target_scope != scope
    target_name = next(c.path for c in window.tree_data.categories if c.id == target_scope.category_id)
    count = window.tree_data.counts[target_scope.category_id]
    selected_row = tree.visualItemRect(tree.currentItem())
    assert not tree.viewport().rect().intersects(selected_row)  # the selected category is scrolled away

    center = tree.visualItemRect(target).center()
    assert enter_and_move(tree, center, mime).isAccepted()
    assert drop_at(tree, center, mime)
    idle(window)

    assert gui_lib.phrase(phrase_id).category == target_name
    assert window.tree_data.counts[target_scope.category_id] == count + 1  # the tree was rebuilt
    assert tree._by_scope[target_scope].text(1) == str(count + 1)
    assert bar.value() == scrolled
    assert tree.current_scope() == scope
    assert tree.drop_item() is None


def test_a_drop_near_the_edge_does_not_keep_scrolling(qtbot, window, idle, gui_lib) -> None:  # type: ignore[no-untyped-def]
    tree = window.tree
    bar = tree.verticalScrollBar()
    show_category(window, "问候与开场", idle)
    phrase_id, mime = selected_mime(window)
    bar.setValue(bar.maximum() // 2)
    # In the band along the bottom edge where hovering auto-scrolls; the drop comes before the
    # scrolling's first step.
    pos = QPoint(tree.viewport().width() // 3, tree.viewport().height() - 6)
    target = tree.itemAt(pos)
    scope = target.data(0, ScopeRole)
    assert scope.kind == "category"
    assert enter_and_move(tree, pos, mime).isAccepted()
    scrolled = bar.value()
    assert drop_at(tree, pos, mime)
    idle(window)
    qtbot.wait(400)  # the auto-scroll timer fires every 50 ms
    assert gui_lib.phrase(phrase_id).category == next(
        c.path for c in window.tree_data.categories if c.id == scope.category_id
    )
    assert bar.value() == scrolled


def test_a_category_dropped_after_auto_scrolling_lands_by_the_row_under_it(qtbot, window, idle, gui_lib) -> None:  # type: ignore[no-untyped-def]
    tree = window.tree
    bar = tree.verticalScrollBar()
    bar.setValue(0)
    moved_id, moved_row = category_row(window, "发票")
    mime = tree.mimeData([moved_row])
    pos = QPoint(tree.viewport().width() // 3, tree.viewport().height() - 6)
    assert enter_and_move(tree, pos, mime).isAccepted()
    qtbot.waitUntil(lambda: bar.value() >= 3, timeout=3000)
    # The mouse was released where it rested: no drag move came after the rows scrolled under it.
    under = tree.itemAt(pos).data(0, ScopeRole)
    assert under.kind == "category" and under.category_id != moved_id
    assert drop_at(tree, pos, mime)
    idle(window)
    cats = {c.id: c for c in gui_lib.categories()}
    moved, anchor = cats[moved_id], cats[under.category_id]
    order = [c.id for c in sorted(cats.values(), key=lambda c: c.position) if c.parent_id == moved.parent_id]
    # Into the row, or right above or below it; not to the end of the top level.
    beside = moved.parent_id == anchor.parent_id and abs(order.index(moved_id) - order.index(anchor.id)) == 1
    assert moved.parent_id == anchor.id or beside, (moved, anchor)
    assert not (moved.parent_id is None and order[-1] == moved_id)
