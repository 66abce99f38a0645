"""A narrow main window (half a screen beside the chat tool): the results list gives up width last."""

from __future__ import annotations

import pytest

from huashu.gui.compact import COMPACT_WIDTH
from huashu.gui.main_window import MainWindow, PaneSplitter
from huashu.gui.qt import QApplication, QFontMetrics, QRectF, Qt
from huashu.gui.results import LockSlotRole, ResultDelegate, ResultItem
from looks import apply_look, settle

WIDTHS = (0, 700, 800, 1000, 1280, 1600)  # 0: the least the window accepts
LOOKS = [(lang, size, mode) for lang in ("zh_CN", "en") for size in (0, 14) for mode in ("light", "dark")]




def set_width(qtbot, window: MainWindow, width: int) -> int:  # type: ignore[no-untyped-def]
    """Resize to `width` (0: the minimum) as the window manager would; returns the width reached."""
    settle(qtbot)
    wanted = max(width, window.minimumSizeHint().width())
    window.resize(wanted, 700)
    qtbot.waitUntil(lambda: window.width() == wanted)
    settle(qtbot)
    return wanted


def delegate_of(window: MainWindow) -> ResultDelegate:
    delegate = window.results.itemDelegate()
    assert isinstance(delegate, ResultDelegate)
    return delegate


def shown_chars(delegate: ResultDelegate, font, title: str, room: float) -> int:  # type: ignore[no-untyped-def]
    """How many of the title's characters the row paints in `room` (the rest is "…")."""
    text = QFontMetrics(delegate.title_font(font)).elidedText(title, Qt.TextElideMode.ElideRight, int(room))
    return len(text) if text == title else len(text) - 1


def row_problems(window: MainWindow) -> list[str]:
    """Every visible row whose title shows fewer than TITLE_CHARS characters (or fewer than it has),
    or whose parts overlap or leave the row."""
    view, delegate = window.results, delegate_of(window)
    font = view.font()
    viewport = QRectF(view.viewport().rect())
    problems = []
    for row in range(view.model().rowCount()):
        index = view.model().index(row, 0)
        rect = view.visualRect(index)
        if not viewport.intersects(QRectF(rect)):
            continue
        item = index.data(Qt.ItemDataRole.UserRole + 1)
        assert isinstance(item, ResultItem)
        g = delegate.geometry(rect, font, item, bool(index.data(LockSlotRole)))
        want = min(len(item.title), ResultDelegate.TITLE_CHARS)
        got = shown_chars(delegate, font, item.title, g.title.width())
        if got < want:
            problems.append(f"row {row + 1} {item.title!r}: {got} of {want} characters")
        parts = [p for p in (g.number, g.title, g.shortcut, g.category, g.lock, g.star) if p is not None and p.width()]
        for i, a in enumerate(parts):
            if not QRectF(rect).contains(a):
                problems.append(f"row {row + 1}: a part outside the row")
            for b in parts[i + 1 :]:
                if a.intersects(b):
                    problems.append(f"row {row + 1}: {a} overlaps {b}")
    return problems


def panes(window: MainWindow) -> tuple[int, int, int]:
    split = window.h_split
    tree, middle, side = (split.widget(i) for i in range(3))
    return (
        tree.width() if tree.isVisible() else 0,
        middle.width(),
        side.width() if side.isVisible() else 0,
    )


@pytest.mark.parametrize(("language", "size", "mode"), LOOKS)
def test_the_list_gives_up_width_last_at_every_width(  # type: ignore[no-untyped-def]
    qtbot, window, find, shot, language: str, size: int, mode: str
) -> None:
    """At 800 px the list was 124 px wide and showed "1 …货"; at the minimum, numbers and "…" only;
    at 14 pt and 1000 px titles were cut to "物…" while the category still showed."""
    apply_look(window, language, size, mode)
    find(window, "/wl")  # codes and two-level categories on most rows
    window.select_row(0)
    split = window.h_split
    assert isinstance(split, PaneSplitter)
    previous: tuple[int, int, int] | None = None
    for width in WIDTHS:
        reached = set_width(qtbot, window, width)
        readable = window.results.readable_width()
        comfortable = window.results.comfortable_width()
        tree_min, side_min = window.tree.minimumWidth(), window.side.minimumWidth()
        tag = f"{language}-{size or 'default'}-{mode}-{width or 'least'}"
        shot(window, f"narrow-{tag}")
        tree, middle, side = panes(window)
        assert middle >= readable, (tag, middle, readable)
        assert row_problems(window) == [], tag
        assert tree == 0 or tree >= tree_min
        assert side == 0 or side >= side_min
        assert tree or side, tag  # one of them is always there
        # The order panes give way in: the right pane and the tree reach their minimums before the
        # list goes under its comfortable width.
        if middle < comfortable:
            assert side in (0, side_min) and tree in (0, tree_min), (tag, tree, middle, side)
        if previous is not None:
            assert middle >= previous[1] or (previous[2] == 0 and side > 0), (tag, previous, panes(window))
        previous = (tree, middle, side)
        if width == 0:
            assert reached < (800 if size == 0 else 1000)  # still fits half a screen or so
    # The sizes the QA report names show all three panes.
    for width, at in ((800, 0), (1000, 14)):
        if size == at:
            set_width(qtbot, window, width)
            assert all(panes(window)), (width, panes(window))


def test_the_least_width_follows_from_the_panes_minimums(qtbot, window, find) -> None:  # type: ignore[no-untyped-def]
    """Not the old 580 px with a 68 px list: the list's readable width beside the wider side pane."""
    find(window, "/wl")
    for size in (0, 14):
        apply_look(window, "zh_CN", size, "light")
        settle(qtbot)
        split = window.h_split
        least = window.results.readable_width() + max(window.tree.minimumWidth(), window.side.minimumWidth())
        assert split.minimumSizeHint().width() == least + split.handleWidth() + 2 * split.frameWidth()
        margins = window.centralWidget().layout().contentsMargins()
        assert window.minimumSizeHint().width() == split.minimumSizeHint().width() + margins.left() + margins.right()
    small = window.results.readable_width()
    apply_look(window, "zh_CN", 20, "light")
    assert window.results.readable_width() > small  # measured from the font, not fixed pixels


def test_narrow_window_shows_the_fill_panel_in_place_of_the_tree(  # type: ignore[no-untyped-def]
    qtbot, window, find, shot
) -> None:
    find(window, "/wl")
    window.select_row(0)
    set_width(qtbot, window, 0)
    assert window.tree.isVisible() and not window.side.isVisible()
    readable = window.results.readable_width()
    window.use_selected()  # 查询物流进度 has fields
    settle(qtbot)
    assert window.side.currentWidget() is window.fill
    assert window.fill.isVisible() and not window.tree.isVisible()
    assert window.results.width() >= readable - 1 and window.side.width() >= window.side.minimumWidth()
    assert window.fill.isAncestorOf(QApplication.focusWidget())
    shot(window, "narrow-fill")
    # F6 goes round the panes that are shown: it stuck on the search box, "moving" into the hidden tree.
    seen = []
    for _ in range(4):
        window.cycle_focus(1)
        focused = QApplication.focusWidget()
        panes = (window.search_box, window.results, window.fill, window.compose)
        seen.append(next(p for p in panes if p is focused or p.isAncestorOf(focused)))
    assert seen == [window.compose, window.search_box, window.results, window.fill]
    window.escape()
    settle(qtbot)
    assert window.side.currentWidget() is window.preview
    assert window.tree.isVisible() and not window.side.isVisible()
    # Wider again: all three, the preview at the width it had.
    set_width(qtbot, window, 1280)
    assert window.tree.isVisible() and window.side.isVisible()
    assert window.side.width() == PaneSplitter.SIDE_WIDTH


def test_dragged_widths_come_back_when_there_is_room(qtbot, window, find) -> None:  # type: ignore[no-untyped-def]
    find(window, "/wl")
    set_width(qtbot, window, 1280)
    split = window.h_split
    assert isinstance(split, PaneSplitter)
    # Drag the right pane's handle: the preview 600 px wide.
    split.moveSplitter(split.width() - 600 - split.handleWidth(), 2)
    settle(qtbot)
    assert abs(window.side.width() - 600) <= 1
    set_width(qtbot, window, 800)
    assert window.side.width() == window.side.minimumWidth()
    set_width(qtbot, window, 1280)
    assert abs(window.side.width() - 600) <= 1


def test_compact_mode_keeps_its_width_and_comes_back_narrow(qtbot, window, find, shot) -> None:  # type: ignore[no-untyped-def]
    """The list's readable width is for the three panes side by side: it must not widen the strip."""
    find(window, "/wl")
    apply_look(window, "zh_CN", 14, "light")
    set_width(qtbot, window, 0)
    window.compact.set_active(True, save=False)
    settle(qtbot)
    try:
        assert window.h_split.orientation() == Qt.Orientation.Vertical
        assert window.minimumSizeHint().width() <= COMPACT_WIDTH
        assert window.results.isVisible() and not window.tree.isVisible()
        shot(window, "narrow-compact-14")
    finally:
        window.compact.set_active(False, save=False)
    settle(qtbot)
    set_width(qtbot, window, 0)
    assert window.h_split.orientation() == Qt.Orientation.Horizontal
    assert window.tree.isVisible() and not window.side.isVisible()
    assert window.results.width() >= window.results.readable_width() - 1
    set_width(qtbot, window, 1280)
    assert window.tree.isVisible() and window.side.isVisible()
