"""The result rows' layout: favourite stars and locks in fixed slots, the title cut last, nothing overlapping."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from huashu.gui import theme
from huashu.gui.qt import QApplication, QColor, QFontMetrics, QImage, QRectF, Qt
from huashu.gui.results import (
    LockSlotRole,
    ResultDelegate,
    ResultItem,
    ResultsModel,
    ResultsView,
    RowGeometry,
)

ITEMS = [
    ResultItem(1, "退款进度查询", "您的退款[订单号]正在处理中。", "售后/退款", "/tkjd", favorite=True),
    ResultItem(2, "问候语", "您好，我是[您的名字/工号]。", "开场", None, favorite=True),
    ResultItem(3, "物流查询", "您的包裹单号[运单号]。", "物流", "/wl", favorite=True),
    ResultItem(4, "发票开具说明", "电子发票将在确认收货后开具。", "发票与售后服务政策", "/fapiaokj", favorite=True),
    ResultItem(5, "安抚客户情绪", "非常理解您的心情。", "团队包/安抚", "/af", favorite=True, read_only=True),
    ResultItem(6, "结束语", "感谢您的耐心等待！", "结束", None, read_only=True),
    ResultItem(7, "一个非常非常长的标题，长到整行都放不下，只能省略", "正文", "售后", "/verylongcode", favorite=True),
]


@pytest.fixture
def view(qtbot) -> Iterator[ResultsView]:  # type: ignore[no-untyped-def]
    model = ResultsModel()
    results = ResultsView()
    results.setModel(model)
    model.setParent(results)
    qtbot.addWidget(results)
    model.set_items(list(ITEMS))
    results.resize(560, 520)
    with qtbot.waitExposed(results):
        results.show()
    yield results


def _geometries(view: ResultsView) -> list[RowGeometry]:
    delegate = view.itemDelegate()
    assert isinstance(delegate, ResultDelegate)
    model = view.model()
    rows = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        rows.append(delegate.geometry(view.visualRect(index), view.font(), ITEMS[row], index.data(LockSlotRole)))
    return rows


def _disjoint(*rects: QRectF | None) -> bool:
    present = [r for r in rects if r is not None and r.width() > 0]
    return not any(a.intersects(b) for i, a in enumerate(present) for b in present[i + 1 :])


def test_stars_and_locks_keep_one_column_whatever_the_badges(view: ResultsView) -> None:
    rows = _geometries(view)
    stars = [g.star for g in rows if g.star is not None]
    locks = [g.lock for g in rows if g.lock is not None]
    assert len(stars) == 6 and len(locks) == 2
    # Rows with no shortcut, short and long ones, short and long categories: one column each.
    assert {s.left() for s in stars} == {stars[0].left()}
    assert {lk.left() for lk in locks} == {locks[0].left()}
    assert locks[0].right() < stars[0].left()
    for row, g in enumerate(rows):
        item_rect = QRectF(view.visualRect(view.model().index(row, 0)))
        assert item_rect.contains(g.category) and item_rect.contains(g.title)
        if g.star is not None:
            assert item_rect.contains(g.star)
            # The star sits on the first line, beside the title's line, not pushing the row taller.
            assert g.title.top() <= g.star.top() and g.star.bottom() <= g.title.bottom()
        assert _disjoint(g.title, g.shortcut, g.category, g.lock, g.star), row
    # The categories end where the icon column starts: their right edges line up too.
    assert len({round(g.category.right()) for g in rows}) == 1
    heights = {view.visualRect(view.model().index(r, 0)).height() for r in range(len(ITEMS))}
    assert len(heights) == 1


def test_long_shortcuts_and_categories_leave_the_title_room(view: ResultsView) -> None:
    view.resize(360, 520)
    QApplication.processEvents()
    for g in _geometries(view):
        line = g.line2.width()
        assert g.title.width() >= line * 0.25
        assert g.shortcut is None or g.shortcut.width() <= line * ResultDelegate.SHORTCUT_SHARE + 10


def test_without_read_only_rows_the_lock_slot_goes_to_the_title(qtbot, view: ResultsView) -> None:
    model = view.model()
    assert isinstance(model, ResultsModel)
    with_lock = _geometries(view)
    editable = [ResultItem(i.phrase_id, i.title, i.text, i.category, i.shortcut, favorite=i.favorite) for i in ITEMS]
    model.set_items(editable)
    assert model.index(0, 0).data(LockSlotRole) is False
    without = _geometries(view)
    assert without[0].star is not None and with_lock[0].star is not None
    assert without[0].star.left() == with_lock[0].star.left()  # the star never moves
    assert without[0].category.right() > with_lock[0].category.right()
    assert without[1].title.width() > with_lock[1].title.width()


def _star_columns(image: QImage, top: int, bottom: int, color: QColor) -> list[int]:
    """x of the pixels in rows top..bottom drawn in (nearly) the star's colour."""
    xs = []
    for y in range(top, bottom):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - color.red()) + abs(pixel.green() - color.green()) + abs(pixel.blue() - color.blue())
                < 30
            ):
                xs.append(x)
    return xs


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_painted_stars_line_up_in_both_themes_and_on_the_selected_row(
    qtbot, app: QApplication, view: ResultsView, mode: str, shot
) -> None:
    theme.apply(app, mode, 0)
    view.setCurrentIndex(view.model().index(2, 0))
    view.viewport().update()
    QApplication.processEvents()
    shot(view, f"results-stars-{mode}")
    image = view.viewport().grab().toImage()
    star = QColor(theme.colors().warning)
    extents = {}
    for row, g in enumerate(_geometries(view)):
        rect = view.visualRect(view.model().index(row, 0))
        xs = _star_columns(image, int(g.title.top()), int(g.title.bottom()), star)
        assert bool(xs) == ITEMS[row].favorite, row
        if xs:
            extents[row] = (min(xs), max(xs))
            assert rect.left() <= min(xs) and max(xs) <= rect.right()
    assert 2 in extents  # the selected row's star is painted like the others
    assert len(set(extents.values())) == 1, extents


def test_starred_results_in_the_window_line_up(qtbot, window, gui_lib, find, shot) -> None:
    find(window, "问候")
    items = window.model.items()[:8]
    assert any(i.shortcut for i in items) and any(not i.shortcut for i in items)
    for item in items:
        gui_lib.set_favorite(item.phrase_id, True)
    find(window, "问候")  # the library's flags, read again
    window.select_row(1)
    starred = window.model.items()[:8]
    assert all(i.favorite for i in starred)
    delegate = window.results.itemDelegate()
    assert isinstance(delegate, ResultDelegate)
    lefts = set()
    for row, item in enumerate(starred):
        index = window.model.index(row, 0)
        g = delegate.geometry(window.results.visualRect(index), window.results.font(), item, index.data(LockSlotRole))
        assert g.star is not None
        lefts.add(g.star.left())
    assert len(lefts) == 1
    shot(window, "results-starred-window")


def _shown(delegate: ResultDelegate, view: ResultsView, title: str, room: float) -> int:
    """How many characters of `title` the row paints in `room` (the rest is "…")."""
    metrics = QFontMetrics(delegate.title_font(view.font()))
    text = metrics.elidedText(title, Qt.TextElideMode.ElideRight, int(room))
    return len(text) if text == title else len(text) - 1


def test_the_title_is_the_last_part_to_give_way(view: ResultsView) -> None:
    """At 800 px a row showed "1 …货" with the shortcut over the number ("2/…"); at 14 pt the titles
    were cut to "物…" while "…/物流超期" still showed."""
    delegate = view.itemDelegate()
    assert isinstance(delegate, ResultDelegate)
    before = {item.phrase_id: (len(item.title), item.shortcut is not None) for item in ITEMS}
    for width in range(640, 100, -8):
        view.resize(width, 520)
        QApplication.processEvents()
        for row, g in enumerate(_geometries(view)):
            item = ITEMS[row]
            shown = _shown(delegate, view, item.title, g.title.width())
            tag = (width, item.title, shown)
            assert _disjoint(g.number, g.title, g.shortcut, g.category, g.lock, g.star), tag
            if g.shortcut is not None:
                assert g.number.right() < g.title.left() <= g.title.right() < g.shortcut.left(), tag
            if shown < len(item.title):  # the title is cut: the category has gone already
                assert g.category_text == "" and g.category.width() == 0, tag
            if shown < min(len(item.title), ResultDelegate.TITLE_CHARS):  # and below its floor, the tag too
                assert g.shortcut is None and g.shortcut_text == "", tag
            # Narrower never shows more of it, but where the tag has just gone and left its room.
            was_shown, had_tag = before[item.phrase_id]
            assert shown <= was_shown or (had_tag and g.shortcut is None), tag
            before[item.phrase_id] = (shown, g.shortcut is not None)
            leaf = item.category.split("/")[-1]
            if g.category_text not in ("", item.category, leaf):
                # Whole parents go first ("…/物流超期", not "…理/物流超期"), then the end of the name shows.
                cut = g.category_text
                assert cut.startswith("…"), tag
                assert item.category.endswith(cut[1:]) if cut.startswith("…/") else leaf.endswith(cut[1:]), tag


def test_a_cut_category_keeps_its_last_name(view: ResultsView) -> None:
    delegate = view.itemDelegate()
    assert isinstance(delegate, ResultDelegate)
    metrics = QFontMetrics(delegate.small_font(view.font()))
    path = "投诉处理/物流超期"
    room = metrics.horizontalAdvance("…/物流超期") + 2
    assert delegate._category_text(metrics, path, room) == "…/物流超期"
    assert delegate._category_text(metrics, path, metrics.horizontalAdvance(path)) == path
    # Too short for even "…期" and one more: nothing, rather than a lone "…".
    assert delegate._category_text(metrics, path, metrics.horizontalAdvance("…")) == ""


@pytest.mark.parametrize("points", [10, 14, 20])
def test_at_the_readable_width_titles_show_ten_characters_and_their_shortcut(
    qtbot, view: ResultsView, points: int
) -> None:
    font = view.font()
    font.setPointSize(points)
    view.setFont(font)
    editable = [replace(i, read_only=False) for i in ITEMS]  # no lock slot: the width's own case
    model = view.model()
    assert isinstance(model, ResultsModel)
    model.set_items(editable)
    readable = view.readable_width()
    view.resize(readable, 900)
    QApplication.processEvents()
    delegate = view.itemDelegate()
    assert isinstance(delegate, ResultDelegate)
    for row, item in enumerate(editable):
        index = model.index(row, 0)
        g = delegate.geometry(view.visualRect(index), view.font(), item, False)
        want = min(len(item.title), ResultDelegate.TITLE_CHARS)
        assert _shown(delegate, view, item.title, g.title.width()) >= want, (points, item.title)
        if item.shortcut and len(item.shortcut) <= len(ResultDelegate.SHORTCUT_SAMPLE):
            assert g.shortcut_text == item.shortcut, (points, item.shortcut)
    # Measured from the font: larger text, a wider list.
    small = QFontMetrics(font).horizontalAdvance("中")
    assert readable > ResultDelegate.TITLE_CHARS * small


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_nothing_is_painted_between_the_number_and_the_title(
    qtbot, app: QApplication, view: ResultsView, mode: str, shot
) -> None:
    """The shortcut tag was drawn over the row number in a narrow list."""
    theme.apply(app, mode, 0)
    view.setCurrentIndex(view.model().index(1, 0))
    for width in (420, 300, 220, 160):
        view.resize(width, 520)
        view.viewport().update()
        QApplication.processEvents()
        shot(view, f"results-narrow-{width}-{mode}")
        image = view.viewport().grab().toImage()
        for row, g in enumerate(_geometries(view)):
            top, bottom = int(g.title.top()) + 1, int(g.title.bottom()) - 1
            left, right = int(g.number.right()) + 1, int(g.title.left()) - 1
            colors = {image.pixelColor(x, y).name() for x in range(left, right + 1) for y in range(top, bottom)}
            assert len(colors) == 1, (width, row, colors)  # the row's background only
