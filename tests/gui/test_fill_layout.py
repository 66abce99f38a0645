"""The fill panel's layout at every offered font size, the quick popup's edge, the agent's own values."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import combinations

import pytest

from huashu.gui import app as app_module
from huashu.gui import theme
from huashu.gui.context import ConversationMemory, profile_entries
from huashu.gui.fill_panel import FillPanel
from huashu.gui.main_window import MainWindow
from huashu.gui.popup import POPUP_SIZE, QuickPopup, edge_color, popup_size
from huashu.gui.qt import QApplication, QColor, QComboBox, QKeySequence, QRect, Qt, QWidget
from huashu.gui.settings import FONT_SIZES
from huashu.storage.library import Library

# Long field names (您的名字/工号, 产品/服务名称), a drop-down, a default, and a long title that wraps.
LONG = (
    "您好！我是[公司名称]客服[您的名字/工号]，请问您是[客户姓氏][称呼:先生|女士]吗？"
    "您购买的[产品/服务名称]型号是[产品型号]。"
)
LONG_TITLE = "外呼开场确认身份并核对客户所购产品的型号信息（含售后登记与回访安排说明）"
# Few enough fields that none scroll at any size: the right edges are compared on this one.
SHORT = "订单[订单号]由[您的名字/工号]跟进，[称呼:先生|女士]请留意[门店名称]的来电。"

SIZES = (0, 12, 14, max(FONT_SIZES))  # 0 is "system default" in Settings


def apply_look(window: MainWindow, font_size: int, mode: str = "light") -> None:
    """As Settings › OK does: the app's font and theme, then the context's copy of the settings."""
    settings = replace(window.ctx.settings, font_size=font_size, theme=mode)
    app_module.apply_settings(QApplication.instance(), settings)  # type: ignore[arg-type]
    window.ctx.apply_settings(settings)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def visible_parts(panel: FillPanel) -> list[QWidget]:
    """Everything the agent reads or clicks in the panel, outside the scrolling form.

    The titles and the key hint make way for the fields where the panel is short: only those shown count.
    """
    parts: list[QWidget] = [panel._scroll, panel.preview, panel.copy_button, panel.cancel_button]
    parts += [w for w in (panel.heading, panel.hint, panel.preview_label) if not w.isHidden()]
    parts += [w for w in (panel.banner, panel.findings_label) if w.isVisible()]
    return parts


def assert_no_overlap(panel: FillPanel) -> None:
    """No two of the panel's parts, and no two cells of the form, share a pixel; none is squeezed."""
    parts = visible_parts(panel)
    for a, b in combinations(parts, 2):
        ra, rb = rect_in(a, panel), rect_in(b, panel)
        assert not ra.intersects(rb), (
            a.objectName() or type(a).__name__,
            ra,
            b.objectName() or type(b).__name__,
            rb,
        )
    for part in parts:
        assert panel.rect().contains(rect_in(part, panel)), (
            type(part).__name__,
            rect_in(part, panel),
            panel.rect(),
        )
        if part.hasHeightForWidth():
            want = part.heightForWidth(part.width())  # every wrapped line
        elif part in (panel._scroll, panel.preview):
            want = part.minimumHeight()  # the lines they promise; more fields scroll
        else:
            want = part.sizeHint().height()
        assert part.height() >= want, (type(part).__name__, part.height(), want)
    host = panel._form_host
    cells: list[QWidget] = []
    for name, editor in panel.inputs.items():
        label = panel.labels[name]
        assert editor.height() >= editor.sizeHint().height(), (name, editor.height(), editor.sizeHint())
        # The whole name shows: as many lines as it needs at the width it got.
        assert label.height() >= label.heightForWidth(label.width()), (name, label.height())
        assert rect_in(label, host).right() < rect_in(editor, host).left(), name
        cells += [label, editor]
        box = panel.save_boxes.get(name)
        if box is not None and not box.isHidden():
            cells.append(box)
    for a, b in combinations(cells, 2):
        ra, rb = rect_in(a, host), rect_in(b, host)
        assert not ra.intersects(rb), (a.objectName() or a.text(), ra, b.objectName() or b.text(), rb)  # type: ignore[attr-defined]


def right_edges(panel: FillPanel) -> dict[str, int]:
    """Where each field ends on the right, or its scroll bar where the fields scroll."""
    bar = panel._scroll.verticalScrollBar()
    if bar.isVisible():
        edges = {"scroll bar": rect_in(bar, panel).right()}
        for name, editor in panel.inputs.items():
            assert rect_in(editor, panel).right() < rect_in(bar, panel).left(), name
    else:
        edges = {name: rect_in(editor, panel).right() for name, editor in panel.inputs.items()}
    edges["preview"] = rect_in(panel.preview, panel).right()
    for name, box in panel.save_boxes.items():
        if box.isVisible():
            assert rect_in(box, panel).right() <= edges["preview"], name
    return edges


@pytest.fixture
def popup(qtbot, window: MainWindow) -> Iterator[QuickPopup]:  # type: ignore[no-untyped-def]
    quick = QuickPopup(window.ctx)
    qtbot.addWidget(quick)
    yield quick
    quick.hide()


@pytest.fixture
def long_phrase(gui_lib: Library) -> None:
    gui_lib.add_phrase("测试", LONG_TITLE, LONG, shortcut="/cclong")
    gui_lib.add_phrase("测试", "跟进来电提醒", SHORT, shortcut="/ccshort")


def open_in_popup(qtbot, popup: QuickPopup, query: str) -> FillPanel:  # type: ignore[no-untyped-def]
    popup.show_near_cursor()
    qtbot.waitExposed(popup)
    popup.search_box.setText(query)

    def found() -> bool:
        last = popup.controller.last
        return last is not None and last.query == query and popup.model.rowCount() > 0

    qtbot.waitUntil(found, timeout=5000)
    popup.use_row(0)
    assert popup.pages.currentWidget() is popup.fill
    settle(qtbot)
    return popup.fill


def open_in_window(qtbot, find, window: MainWindow, query: str) -> FillPanel:  # type: ignore[no-untyped-def]
    find(window, query)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.side.currentWidget() is window.fill
    settle(qtbot)
    return window.fill


def settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Posted layout requests, the panel's re-fit and the window's growth all run."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(30)


def fill_some(qtbot, type_, panel: FillPanel) -> None:  # type: ignore[no-untyped-def]
    """An agent's state mid-way: a profile field typed (offers saving), an origin tag, a drop-down set."""
    type_(panel.inputs["您的名字/工号"], "小王")
    combo = panel.inputs["称呼"]
    assert isinstance(combo, QComboBox)
    combo.setCurrentText("女士")
    settle(qtbot)


# -- layout ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("font_size", SIZES)
def test_popup_fill_panel_holds_at_every_font_size(
    qtbot, type_, window, popup, long_phrase, font_size, shot
) -> None:
    apply_look(window, font_size)
    panel = open_in_popup(qtbot, popup, "/cclong")
    fill_some(qtbot, type_, panel)
    assert not panel.save_boxes["您的名字/工号"].isHidden()
    assert_no_overlap(panel)
    # The whole popup is on the screen, with the panel's buttons inside it.
    screen = popup.screen().availableGeometry()
    assert screen.contains(popup.geometry()), (screen, popup.geometry())
    assert popup.rect().contains(rect_in(panel.copy_button, popup))
    shot(popup, f"popup-fill-{font_size or 'default'}pt")


@pytest.mark.parametrize("font_size", (12, max(FONT_SIZES)))
def test_main_window_fill_panel_holds_at_large_fonts(
    qtbot, find, type_, window, long_phrase, font_size, shot
) -> None:
    apply_look(window, font_size)
    panel = open_in_window(qtbot, find, window, "/cclong")
    fill_some(qtbot, type_, panel)
    assert_no_overlap(panel)
    shot(window, f"window-fill-{font_size}pt")


def test_changing_the_font_while_the_panel_is_open_refits_it(
    qtbot, type_, window, popup, long_phrase
) -> None:
    panel = open_in_popup(qtbot, popup, "/cclong")
    fill_some(qtbot, type_, panel)
    apply_look(window, 14)
    settle(qtbot)
    assert_no_overlap(panel)
    apply_look(window, 0)
    settle(qtbot)
    assert_no_overlap(panel)


def test_a_long_field_name_wraps_instead_of_narrowing_the_inputs(qtbot, window, popup, gui_lib) -> None:
    long_name = "客户在售后登记表中填写的收货联系人全名"
    gui_lib.add_phrase("测试", "长字段名", f"请核对[{long_name}]与[订单号]。", shortcut="/cclname")
    apply_look(window, 14)
    panel = open_in_popup(qtbot, popup, "/cclname")
    label = panel.labels[long_name]
    assert label.height() > 1.5 * panel.labels["订单号"].height()  # two lines or more
    assert panel.inputs["订单号"].width() > panel.width() // 2
    assert_no_overlap(panel)


@pytest.mark.parametrize("font_size", SIZES)
def test_right_edges_line_up(qtbot, type_, find, window, popup, long_phrase, font_size) -> None:
    apply_look(window, font_size)
    for panel in (open_in_popup(qtbot, popup, "/ccshort"), open_in_window(qtbot, find, window, "/ccshort")):
        type_(panel.inputs["订单号"], "A-1")  # an origin tag on one row, none on the other
        type_(panel.inputs["门店名称"], "朝阳店")  # and the offer to save under another
        settle(qtbot)
        edges = right_edges(panel)
        assert len(set(edges.values())) == 1, edges
    # The popup grows to show these few fields whole: there the fields themselves line up, as they
    # do in the main window at the default size.
    assert not popup.fill._scroll.verticalScrollBar().isVisible()
    if font_size == 0:
        assert not window.fill._scroll.verticalScrollBar().isVisible()


def test_the_origin_sits_inside_its_field(qtbot, window, popup, gui_lib, long_phrase) -> None:
    gui_lib.set_profile({"公司": "好物商城"})
    window.ctx.reload_profile()
    qtbot.waitUntil(lambda: window.ctx.profile.get("公司") == "好物商城")
    panel = open_in_popup(qtbot, popup, "/cclong")
    company = panel.inputs["公司名称"]
    tag = panel._origins["公司名称"]
    assert tag.text() == "个人资料" and tag.isVisible()
    assert company.rect().contains(tag.geometry())
    # Typed text ends before the tag, and clicks on the tag reach the field.
    assert company.textMargins().right() >= tag.width()
    assert tag.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    assert panel._origins["产品型号"].isHidden()


def test_a_closed_fill_panel_does_not_keep_the_popup_large(qtbot, window, popup, long_phrase) -> None:
    apply_look(window, max(FONT_SIZES))
    open_in_popup(qtbot, popup, "/cclong")
    tall = popup.height()
    popup.dismiss()
    apply_look(window, 0)
    popup.show_near_cursor()
    qtbot.waitExposed(popup)
    settle(qtbot)
    assert popup.height() < tall
    assert (popup.width(), popup.height()) == popup_size(
        popup.font().pointSizeF(), popup.screen().availableGeometry()
    )


def test_popup_size_grows_with_the_font_within_the_screen() -> None:
    screen = QRect(0, 0, 1920, 1040)
    assert popup_size(0, screen) == POPUP_SIZE  # the system default
    assert popup_size(9, screen) == POPUP_SIZE
    assert popup_size(14, screen) == (784, 616)
    small = QRect(0, 0, 1000, 700)
    assert popup_size(20, small) == (900, 630)  # 90 % of the screen, not 1120 × 880
    tiny = QRect(0, 0, 500, 400)
    assert popup_size(20, tiny) == POPUP_SIZE  # the layout's own minimum decides there


# -- the popup's edge ------------------------------------------------------------------------------


def luminance(color: QColor) -> float:
    return 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()


@pytest.mark.parametrize("mode", ("light", "dark"))
def test_popup_paints_a_visible_edge(qtbot, window, popup, mode) -> None:
    apply_look(window, 0, mode)
    popup.show_near_cursor()
    qtbot.waitExposed(popup)
    image = popup.grab().toImage()
    w, h = image.width(), image.height()
    colors = theme.colors()
    edge = edge_color(colors)
    background = QColor(colors.window)
    inside = image.pixelColor(BORDER_INSET, h // 2)
    assert inside == background  # the popup's own background, just inside the edge
    for x, y in ((0, h // 2), (w - 1, h // 2), (w // 2, 0), (w // 2, h - 1), (0, 0), (w - 1, h - 1)):
        pixel = image.pixelColor(x, y)
        assert pixel == edge, (x, y, pixel.name(), edge.name())
        assert pixel != inside
    # Visible against a white chat window and a dark one, not only against the popup itself.
    for desktop in (QColor("#ffffff"), QColor("#1e1e1e"), background):
        assert abs(luminance(edge) - luminance(desktop)) > 0.12, (edge.name(), desktop.name())


BORDER_INSET = 3  # inside the 1 px edge, left of the search box (12 px margin)


# -- the agent's own values ------------------------------------------------------------------------


def test_memory_keeps_the_agents_own_values_and_forgets_the_customers() -> None:
    memory = ConversationMemory()
    builtins = {"今天": "2024年5月1日"}
    memory.remember({"订单号": "A-1", "您的名字/工号": "小王", "门店名称": "朝阳店", "今天": "x"}, builtins)
    assert memory.values() == {"订单号": "A-1"}  # only the customer's values are "this conversation"
    memory.clear()
    assert memory.get("订单号") == ""
    assert memory.own("您的名字/工号", builtins) == "小王"
    assert memory.own("门店名称", builtins) == "朝阳店"
    # A profile edit made after typing wins over what was typed before it.
    assert memory.own("门店名称", {**builtins, "门店名称": "海淀店"}) == ""
    # Typing the profile's own value again lets later profile edits through.
    memory.remember({"门店名称": "海淀店"}, {"门店名称": "海淀店"})
    assert memory.own("门店名称", {"门店名称": "西城店"}) == ""


def test_profile_entries_split_a_name_and_number_field() -> None:
    assert profile_entries("您的名字/工号", "小王（工号 8848）") == {"名字": "小王", "工号": "8848"}
    assert profile_entries("您的名字/工号", "工号 8848") == {"工号": "8848"}
    assert profile_entries("您的名字/工号", "A-8848") == {"工号": "A-8848"}
    assert profile_entries("您的名字/工号", "小王") == {"名字": "小王"}
    assert profile_entries("公司名称", " 好物商城 ") == {"公司": "好物商城"}
    assert profile_entries("门店名称", "朝阳店") == {"门店": "朝阳店"}
    assert profile_entries("订单号", "A-1") == {}
    assert profile_entries("公司名称", "  ") == {}


def copy_from(qtbot, panel: FillPanel) -> None:  # type: ignore[no-untyped-def]
    panel.copy_button.click()


def test_new_conversation_keeps_the_agents_own_values(
    qtbot, idle, find, type_, window, gui_lib, long_phrase
) -> None:
    assert gui_lib.profile() == {}
    panel = open_in_window(qtbot, find, window, "/ccshort")
    type_(panel.inputs["订单号"], "A-778")
    type_(panel.inputs["您的名字/工号"], "小王")
    panel.inputs["称呼"].setCurrentText("女士")  # type: ignore[union-attr]
    type_(panel.inputs["门店名称"], "朝阳店")
    box = panel.save_boxes["您的名字/工号"]
    assert box.isVisible() and not box.isChecked()  # offered, never ticked for the agent
    copy_from(qtbot, panel)
    assert QApplication.clipboard().text() == "订单A-778由小王跟进，女士请留意朝阳店的来电。"
    idle(window)
    assert gui_lib.profile() == {}  # not ticked: nothing written

    qtbot.keySequence(window, QKeySequence("Ctrl+N"))
    assert "订单号" not in window.memory_label.text()
    panel = open_in_window(qtbot, find, window, "/ccshort")
    assert panel.inputs["订单号"].text() == ""  # type: ignore[union-attr]
    assert panel.inputs["称呼"].currentText() == ""  # type: ignore[union-attr]
    assert panel.inputs["您的名字/工号"].text() == "小王"  # type: ignore[union-attr]
    assert panel.inputs["门店名称"].text() == "朝阳店"  # type: ignore[union-attr]
    assert panel.inputs["门店名称"].property("origin") == "session"
    assert panel._origins["门店名称"].text()  # says where it came from
    assert panel.inputs["订单号"].hasFocus()  # the kept values are skipped like remembered ones
    # Still only offered, since the profile is still empty.
    assert panel.save_boxes["门店名称"].isVisible()


def test_ticking_save_to_profile_writes_the_profile_on_copy(
    qtbot, idle, find, type_, window, gui_lib, long_phrase
) -> None:
    panel = open_in_window(qtbot, find, window, "/ccshort")
    type_(panel.inputs["订单号"], "A-1")
    type_(panel.inputs["您的名字/工号"], "小王（工号 8848）")
    panel.inputs["称呼"].setCurrentText("先生")  # type: ignore[union-attr]
    type_(panel.inputs["门店名称"], "朝阳店")
    assert "名字：小王" in panel.save_boxes["您的名字/工号"].toolTip()
    panel.save_boxes["您的名字/工号"].setChecked(True)
    copy_from(qtbot, panel)
    qtbot.waitUntil(lambda: window.ctx.profile.get("工号") == "8848", timeout=5000)
    assert gui_lib.profile() == {"名字": "小王", "工号": "8848"}  # 门店 was not ticked

    panel = open_in_window(qtbot, find, window, "/ccshort")
    assert panel.inputs["您的名字/工号"].text() == "小王（工号 8848）"  # type: ignore[union-attr]
    assert panel.inputs["您的名字/工号"].property("origin") == "profile"
    assert panel._origins["您的名字/工号"].text() == "个人资料"
    assert "您的名字/工号" not in panel.save_boxes  # the profile has it: nothing to offer
    assert panel.save_boxes["门店名称"].isVisible()


def test_no_offer_while_the_field_is_empty_or_the_profile_has_it(
    qtbot, find, type_, window, gui_lib, long_phrase
) -> None:
    gui_lib.set_profile({"门店": "朝阳店"})
    window.ctx.reload_profile()
    qtbot.waitUntil(lambda: window.ctx.profile.get("门店") == "朝阳店")
    panel = open_in_window(qtbot, find, window, "/ccshort")
    assert "门店名称" not in panel.save_boxes
    assert "订单号" not in panel.save_boxes  # the customer's values never go into the profile
    box = panel.save_boxes["您的名字/工号"]
    assert box.isHidden()
    type_(panel.inputs["您的名字/工号"], "小王")
    assert not box.isHidden()
    panel.inputs["您的名字/工号"].clear()  # type: ignore[union-attr]
    assert box.isHidden()


def test_the_popup_keeps_own_values_and_saves_when_ticked(
    qtbot, idle, type_, window, popup, gui_lib, long_phrase
) -> None:
    used: list[object] = []
    popup.used.connect(used.append)
    popup.used.connect(window.record_reply)  # as the companion does
    panel = open_in_popup(qtbot, popup, "/ccshort")
    type_(panel.inputs["订单号"], "B-2")
    type_(panel.inputs["您的名字/工号"], "8848")
    panel.inputs["称呼"].setCurrentText("女士")  # type: ignore[union-attr]
    type_(panel.inputs["门店名称"], "朝阳店")
    panel.save_boxes["门店名称"].setChecked(True)
    panel.copy_button.click()
    assert len(used) == 1
    qtbot.waitUntil(lambda: window.ctx.profile.get("门店") == "朝阳店", timeout=5000)
    idle(window)
    assert gui_lib.profile() == {"门店": "朝阳店"}
    window.new_conversation()
    panel = open_in_popup(qtbot, popup, "/ccshort")
    assert panel.inputs["订单号"].text() == ""  # type: ignore[union-attr]
    assert panel.inputs["您的名字/工号"].text() == "8848"  # type: ignore[union-attr]
    assert panel.inputs["门店名称"].property("origin") == "profile"


# -- screenshots -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ("light", "dark"))
@pytest.mark.parametrize("font_size", (0, 14))
def test_popup_fill_panel_screens(
    qtbot, type_, window, popup, gui_lib, long_phrase, mode, font_size, shot: Callable[[QWidget, str], object]
) -> None:
    gui_lib.set_profile({"公司": "好物商城"})
    window.ctx.reload_profile()
    qtbot.waitUntil(lambda: window.ctx.profile.get("公司") == "好物商城")
    apply_look(window, font_size, mode)
    panel = open_in_popup(qtbot, popup, "/cclong")
    fill_some(qtbot, type_, panel)
    assert_no_overlap(panel)
    shot(popup, f"popup-fill-{mode}-{font_size or 'default'}pt")


def test_tab_walks_the_fields_past_the_save_offer(qtbot, find, type_, window, gui_lib, long_phrase) -> None:
    """Tab used to land on 保存到个人资料: the next value's letters were lost and a space ticked it."""
    panel = open_in_window(qtbot, find, window, "/ccshort")
    names = list(panel.inputs)
    own = names.index("您的名字/工号")
    panel.inputs["您的名字/工号"].setFocus()
    type_(panel.inputs["您的名字/工号"], "小王")
    assert panel.save_boxes["您的名字/工号"].isVisible()
    qtbot.keyClick(panel.inputs["您的名字/工号"], Qt.Key.Key_Tab)
    assert panel.inputs[names[own + 1]].hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert not panel.save_boxes["您的名字/工号"].isChecked()


def test_alt_p_ticks_the_box_of_the_field_being_typed_in(  # type: ignore[no-untyped-def]
    qtbot, find, type_, window, long_phrase
) -> None:
    """Two boxes both named 保存到个人资料(&P): Alt+P only hopped between them and ticked neither."""
    panel = open_in_window(qtbot, find, window, "/ccshort")
    type_(panel.inputs["您的名字/工号"], "小王")
    type_(panel.inputs["门店名称"], "朝阳店")
    name_box, store_box = panel.save_boxes["您的名字/工号"], panel.save_boxes["门店名称"]
    assert name_box.isVisible() and store_box.isVisible()
    assert "&" not in name_box.text()  # no mnemonic shared by both
    panel.inputs["门店名称"].setFocus()
    qtbot.keyClick(panel.inputs["门店名称"], Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert store_box.isChecked() and not name_box.isChecked()
    assert panel.inputs["门店名称"].hasFocus()  # the agent types on
    qtbot.keyClick(panel.inputs["门店名称"], Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert not store_box.isChecked()
