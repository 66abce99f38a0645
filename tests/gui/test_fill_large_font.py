"""The fill panel at large fonts and short heights: fields first, the field typed in in view, Tab to Copy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import combinations

import pytest

from huashu.gui import app as app_module
from huashu.gui import hotkeys
from huashu.gui.companion import Companion
from huashu.gui.fill_panel import FillPanel
from huashu.gui.main_window import MainWindow
from huashu.gui.paste import Paster
from huashu.gui.qt import QApplication, QInputMethodEvent, QRect, Qt, QVBoxLayout, QWidget
from huashu.gui.results import ResultItem
from huashu.gui.widgets import ImeLineEdit
from huashu.storage.library import Library

ONE = "请提供您的订单号[订单号]，我马上为您查询。"
THREE = "您好[称呼:先生|女士]，您的订单[订单号]已于[日期]发出，请留意查收。"
SEVEN = (
    "您好[客户姓氏][称呼:先生|女士]，您的订单[订单号]（[产品/服务名称]）已由[快递公司]发出，"
    "物流单号[物流单号]，预计[日期]前送达。"
)
PHRASES = {"/ccone": ONE, "/ccthree": THREE, "/ccseven": SEVEN}
FIELDS = {ONE: 1, THREE: 3, SEVEN: 7}
# Every field already filled: the agent's own (profile) and one remembered in this conversation.
PREFILLED = "您好，我是[您的名字/工号]，您的订单[订单号]已登记，请放心。"
CHAT = 4242


def apply_look(window: MainWindow, font_size: int, mode: str = "light") -> None:
    """As Settings › OK does: the app's font and theme, then the context's copy of the settings."""
    settings = replace(window.ctx.settings, font_size=font_size, theme=mode)
    app_module.apply_settings(QApplication.instance(), settings)  # type: ignore[arg-type]
    window.ctx.apply_settings(settings)


def settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Posted layout requests, the panel's re-fit and its share of the height all run."""
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(30)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def fields_in_view(panel: FillPanel) -> list[str]:
    """The fields whose input and name show whole in the form's viewport."""
    view = panel._scroll.viewport()
    shown = []
    for name, editor in panel.inputs.items():
        if all(view.rect().contains(rect_in(w, view)) for w in (editor, panel.labels[name])):
            shown.append(name)
    return shown


def preview_pitch(panel: FillPanel) -> tuple[float, float]:
    """From one line of the preview to the next, and a line's own height (its text, without spacing)."""
    layout = panel.preview.document().firstBlock().layout()
    assert layout is not None and layout.lineCount() > 0
    height = layout.lineAt(0).height()
    if layout.lineCount() > 1:
        return layout.lineAt(1).y() - layout.lineAt(0).y(), height
    return round(height * 1.6), height  # about 160%, on whole pixels


def preview_top(panel: FillPanel) -> float:
    return panel.preview.document().rootFrame().frameFormat().topMargin()


def preview_lines(panel: FillPanel) -> int:
    """How many lines the preview's viewport shows whole (under the document's top margin)."""
    pitch, height = preview_pitch(panel)
    room = panel.preview.viewport().height() - preview_top(panel)
    return int((room - height + 0.5) // pitch) + 1 if room + 0.5 >= height else 0


def assert_no_line_cut(panel: FillPanel) -> None:
    """The preview ends where a line ends: no sliver of the next one under the last whole one, and a
    text that fits does not scroll."""
    document = panel.preview.document()
    bottom = panel.preview.viewport().height()
    block = document.firstBlock()
    while block.isValid():
        layout = block.layout()
        assert layout is not None
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            y = layout.position().y() + line.y()  # in the document, shown from its top
            if y < bottom:
                assert y + line.height() <= bottom, (i, y, line.height(), bottom)
        block = block.next()
    if document.size().height() <= bottom:
        assert panel.preview.verticalScrollBar().maximum() == 0


def assert_panel_usable(panel: FillPanel) -> None:
    """Nothing overlaps or leaves the panel; the Copy button, a field and a preview line show whole."""
    parts = [
        w
        for w in (
            panel.heading,
            panel.hint,
            panel._scroll,
            panel.banner,
            panel.preview_label,
            panel.preview,
            panel.findings_label,
            panel.copy_button,
            panel.cancel_button,
        )
        if not w.isHidden()
    ]
    for a, b in combinations(parts, 2):
        ra, rb = rect_in(a, panel), rect_in(b, panel)
        assert not ra.intersects(rb), (type(a).__name__, ra, type(b).__name__, rb)
    for part in parts:
        assert panel.rect().contains(rect_in(part, panel)), (type(part).__name__, rect_in(part, panel), panel.rect())
        if part not in (panel._scroll, panel.preview):
            want = part.heightForWidth(part.width()) if part.hasHeightForWidth() else part.sizeHint().height()
            assert part.height() >= want, (type(part).__name__, part.height(), want)
    for button in (panel.copy_button, panel.cancel_button):
        assert button.height() >= button.sizeHint().height()
        assert button.width() >= button.sizeHint().width()
    assert fields_in_view(panel), "not one whole field"
    assert preview_lines(panel) >= 1, "not one whole preview line"
    assert_no_line_cut(panel)


def focused_field_in_view(panel: FillPanel) -> bool:
    focused = panel.focusWidget()
    name = next(n for n, e in panel.inputs.items() if e is focused)
    return name in fields_in_view(panel)


class ShortChat(Paster):
    """A chat window 300 px high: the strip docked beside it gets its least height."""

    name = "fake"

    def recent_window(self) -> int:
        return CHAT

    def window_frame(self, window: int) -> tuple[int, int, int, int] | None:
        return (60, 80, 520, 300) if window == CHAT else None


@pytest.fixture
def phrases(gui_lib: Library) -> None:
    for shortcut, text in PHRASES.items():
        gui_lib.add_phrase("测试", f"测试{shortcut[1:]}", text, shortcut=shortcut)
    gui_lib.add_phrase("测试", "登记确认", PREFILLED, shortcut="/ccfull")


@pytest.fixture
def strip(qtbot, window: MainWindow) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The main window as the compact strip, docked beside a short chat window."""
    paster = ShortChat()
    c = Companion(window, backend=hotkeys.NullBackend("test"), paster=paster, use_paster=False, tray=False)
    window.actions_by_name["dock_beside"].trigger()
    qtbot.waitUntil(lambda: window.compact.active and not window.compact.settling, timeout=5000)
    settle(qtbot)
    yield window
    window.compact.set_active(False, save=False)
    c.close()


@pytest.fixture
def holder(qtbot, window: MainWindow) -> Callable[[int, int, str], FillPanel]:  # type: ignore[no-untyped-def]
    """holder(width, height, text): a fill panel alone at that size, on a phrase with `text`."""
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    panel = FillPanel(window.ctx)
    layout.addWidget(panel)

    def make(width: int, height: int, text: str) -> FillPanel:
        if panel.item is None or panel.item.text != text:
            panel.start(ResultItem(phrase_id=0, title="测试话术", text=text, category="测试"))
        host.resize(width, height)
        if not host.isVisible():
            host.show()
            qtbot.waitExposed(host)
            with qtbot.waitActive(host):  # focus and Tab work only in the active window
                host.activateWindow()
            panel.focus_first_empty()
        for _ in range(4):  # posted layout requests and the panel's zero-time re-fit
            QApplication.processEvents()
        assert panel.height() == height, (panel.height(), height)
        return panel

    return make


def open_phrase(qtbot, find, window: MainWindow, query: str) -> FillPanel:  # type: ignore[no-untyped-def]
    find(window, query)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.side.currentWidget() is window.fill
    settle(qtbot)
    return window.fill


# -- room for the fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(("font_size", "least"), ((0, 7), (14, 5)))
def test_the_main_window_shows_the_fields_first(qtbot, find, window, phrases, font_size, least, shot) -> None:
    """At 14 pt only two and a half fields showed: the titles and a tall preview took the height."""
    apply_look(window, font_size)
    panel = open_phrase(qtbot, find, window, "/ccseven")
    assert_panel_usable(panel)
    assert len(fields_in_view(panel)) >= least, fields_in_view(panel)
    assert preview_lines(panel) >= 2  # still readable: two whole lines
    assert window.rect().contains(rect_in(panel.copy_button, window))
    shot(window, f"fill-seven-window-{font_size or 'default'}pt")


@pytest.mark.parametrize("font_size", (0, 14))
@pytest.mark.parametrize("text", (ONE, THREE, SEVEN), ids=("one", "three", "seven"))
def test_every_height_keeps_the_panel_usable(qtbot, window, holder, font_size, text) -> None:
    apply_look(window, font_size)
    panel = holder(380, 600, text)
    least = panel.minimumSizeHint().height()
    fields = FIELDS[text]
    for height in range(least, 760, 16):
        panel = holder(380, height, text)
        assert_panel_usable(panel)
        shown = len(fields_in_view(panel))
        lines = preview_lines(panel)
        # Fields first: the preview has a second line only beside two fields or more (all of
        # fewer), and more than four lines only once every field shows.
        if lines >= 2:
            assert shown >= min(fields, 2), (height, shown, lines)
        if lines > 4:
            assert shown == fields, (height, shown, lines)
        assert focused_field_in_view(panel), height


def test_a_short_panel_drops_the_titles_before_the_fields(qtbot, window, holder) -> None:
    apply_look(window, 14)
    tall = holder(380, 900, SEVEN)
    assert not tall.heading.isHidden() and not tall.hint.isHidden() and not tall.preview_label.isHidden()
    assert len(fields_in_view(tall)) == 7
    short = holder(380, 330, SEVEN)
    assert short.heading.isHidden() and short.hint.isHidden()
    assert len(fields_in_view(short)) >= 3
    # Taller again, all comes back.
    tall = holder(380, 900, SEVEN)
    assert not tall.heading.isHidden() and len(fields_in_view(tall)) == 7


def test_the_panel_asks_only_for_a_field_a_line_and_its_buttons(qtbot, window, holder) -> None:
    """Its least height was two and a half fields, two preview lines and both titles: the compact strip
    grew far past the chat window it docks beside."""
    apply_look(window, 14)
    panel = holder(380, 600, SEVEN)
    field = max(e.sizeHint().height() for e in panel.inputs.values())
    line = panel.preview.height() - panel.preview.viewport().height() + 4 + preview_pitch(panel)[0]
    needs = panel.copy_button.sizeHint().height() + field + line + 40  # and the gaps between them
    assert panel.minimumSizeHint().height() <= needs, (panel.minimumSizeHint().height(), needs)
    panel = holder(380, panel.minimumSizeHint().height(), SEVEN)
    assert_panel_usable(panel)


def test_the_missing_fields_banner_shows_whole_in_a_short_panel(qtbot, window, holder) -> None:
    apply_look(window, 14)
    panel = holder(380, 420, SEVEN)
    before = panel._scroll.height() + panel.preview.height()
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    for _ in range(4):
        QApplication.processEvents()
    assert panel.banner.isVisible()
    assert panel.height() == 420
    assert_panel_usable(panel)
    assert panel.banner.height() >= panel.banner.heightForWidth(panel.banner.width())
    assert panel._scroll.height() + panel.preview.height() < before  # its room came from these
    assert "客户姓氏" in fields_in_view(panel) and panel.inputs["客户姓氏"].hasFocus()


@pytest.mark.parametrize("font_size", (0, 14))
def test_the_compact_strip_keeps_fields_and_copy_in_view(qtbot, find, window, strip, phrases, font_size) -> None:
    apply_look(window, font_size)
    settle(qtbot)
    panel = open_phrase(qtbot, find, window, "/ccseven")
    assert window.compact.active
    assert_panel_usable(panel)
    assert window.rect().contains(rect_in(panel.copy_button, window))
    assert len(fields_in_view(panel)) >= 2
    assert focused_field_in_view(panel)


# -- the field typed in stays in view --------------------------------------------------------------


def test_tab_and_enter_scroll_the_field_into_view(qtbot, window, holder, type_) -> None:
    apply_look(window, 14)
    panel = holder(380, 300, SEVEN)
    names = list(panel.inputs)
    assert len(fields_in_view(panel)) < len(names)  # the fields scroll here
    for name in names[1:]:
        qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)
        settle(qtbot)
        assert panel.inputs[name].hasFocus()
        assert name in fields_in_view(panel), (name, fields_in_view(panel))
    for name in reversed(names[:-1]):
        qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Backtab)
        settle(qtbot)
        assert name in fields_in_view(panel), name
    # Enter walks to the next empty field, however far down it is.
    first = panel.inputs[names[0]]
    assert first.hasFocus()
    for name in names[1:-1]:
        editor = panel.inputs[name]
        if isinstance(editor, ImeLineEdit):
            editor.setText("x")
        else:
            editor.setCurrentText("女士")
    type_(first, "王")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    settle(qtbot)
    assert panel.inputs[names[-1]].hasFocus()
    assert names[-1] in fields_in_view(panel)


def test_the_first_empty_field_is_in_view_when_the_panel_opens(qtbot, find, window, phrases) -> None:
    apply_look(window, 14)
    window.resize(1280, 640)
    settle(qtbot)
    window.ctx.memory.remember(
        {"客户姓氏": "王", "订单号": "A-1", "产品/服务名称": "空调", "快递公司": "顺丰", "物流单号": "SF1"},
        window.ctx.builtins(),
    )
    panel = open_phrase(qtbot, find, window, "/ccseven")
    assert panel.inputs["称呼"].hasFocus()
    panel.inputs["称呼"].setCurrentText("女士")  # type: ignore[union-attr]
    qtbot.keyClick(panel.inputs["称呼"], Qt.Key.Key_Return)
    settle(qtbot)
    assert panel.inputs["日期"].hasFocus()
    assert "日期" in fields_in_view(panel)
    assert len(fields_in_view(panel)) < 7  # it did have to scroll


# -- Tab reaches the buttons -----------------------------------------------------------------------


def prefilled_panel(qtbot, find, window: MainWindow, gui_lib: Library) -> FillPanel:  # type: ignore[no-untyped-def]
    gui_lib.set_profile({"名字": "小王", "工号": "8848"})
    window.ctx.reload_profile()
    qtbot.waitUntil(lambda: window.ctx.profile.get("工号") == "8848")
    window.ctx.memory.remember({"订单号": "A-778"}, window.ctx.builtins())
    panel = open_phrase(qtbot, find, window, "/ccfull")
    assert not panel.empty_fields()
    assert panel.inputs["订单号"].hasFocus()  # all filled: the last field
    return panel


def test_tab_goes_from_the_fields_to_copy_and_back(qtbot, find, window, gui_lib, phrases) -> None:
    """With every field filled, Tab from the last one left the panel before reaching 复制."""
    panel = prefilled_panel(qtbot, find, window, gui_lib)
    own, order = panel.inputs["您的名字/工号"], panel.inputs["订单号"]
    qtbot.keyClick(order, Qt.Key.Key_Tab)
    assert panel.copy_button.hasFocus()
    qtbot.keyClick(panel.copy_button, Qt.Key.Key_Tab)
    assert panel.cancel_button.hasFocus()
    qtbot.keyClick(panel.cancel_button, Qt.Key.Key_Backtab)
    assert panel.copy_button.hasFocus()
    qtbot.keyClick(panel.copy_button, Qt.Key.Key_Backtab)
    assert order.hasFocus()
    qtbot.keyClick(order, Qt.Key.Key_Backtab)
    assert own.hasFocus()
    qtbot.keyClick(own, Qt.Key.Key_Tab)
    qtbot.keyClick(order, Qt.Key.Key_Tab)
    assert panel.copy_button.hasFocus()
    QApplication.clipboard().setText("before")
    qtbot.keyClick(panel.copy_button, Qt.Key.Key_Return)
    assert QApplication.clipboard().text() == "您好，我是小王（工号 8848），您的订单A-778已登记，请放心。"
    assert window.side.currentWidget() is window.preview


def test_enter_on_the_focused_cancel_button_closes(qtbot, find, window, gui_lib, phrases) -> None:
    panel = prefilled_panel(qtbot, find, window, gui_lib)
    QApplication.clipboard().setText("before")
    qtbot.keyClick(panel.inputs["订单号"], Qt.Key.Key_Tab)
    qtbot.keyClick(panel.copy_button, Qt.Key.Key_Tab)
    assert panel.cancel_button.hasFocus()
    qtbot.keyClick(panel.cancel_button, Qt.Key.Key_Enter)
    assert window.side.currentWidget() is window.preview
    assert QApplication.clipboard().text() == "before"


def test_tab_walks_a_drop_down_and_empty_fields_to_copy(qtbot, find, window, phrases) -> None:
    panel = open_phrase(qtbot, find, window, "/ccthree")
    names = list(panel.inputs)
    assert panel.inputs[names[0]].hasFocus()
    for name in names[1:]:
        qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)
        assert panel.inputs[name].hasFocus(), name
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)
    assert panel.copy_button.hasFocus()
    # Enter on 复制 with fields still empty: nothing goes out, the first empty field is shown.
    QApplication.clipboard().setText("before")
    qtbot.keyClick(panel.copy_button, Qt.Key.Key_Return)
    assert QApplication.clipboard().text() == "before"
    assert panel.banner.isVisible() and panel.inputs[names[0]].hasFocus()
    assert_panel_usable(panel)


def test_tab_while_composing_stays_with_the_input_method(qtbot, find, window, gui_lib, phrases) -> None:
    panel = prefilled_panel(qtbot, find, window, gui_lib)
    order = panel.inputs["订单号"]
    QApplication.sendEvent(order, QInputMethodEvent("dan", []))
    QApplication.clipboard().setText("before")
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Escape):
        qtbot.keyClick(order, key)
    assert order.hasFocus()
    assert QApplication.clipboard().text() == "before"
    assert window.side.currentWidget() is window.fill


# -- screenshots -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ("light", "dark"))
@pytest.mark.parametrize("font_size", (0, 14))
@pytest.mark.parametrize("shortcut", list(PHRASES))
def test_window_screens(qtbot, find, window, phrases, mode, font_size, shortcut, shot) -> None:
    apply_look(window, font_size, mode)
    panel = open_phrase(qtbot, find, window, shortcut)
    assert_panel_usable(panel)
    shot(window, f"fill-window-{shortcut[1:]}-{mode}-{font_size or 'default'}pt")


@pytest.mark.parametrize("mode", ("light", "dark"))
@pytest.mark.parametrize("font_size", (0, 14))
@pytest.mark.parametrize("shortcut", list(PHRASES))
def test_strip_screens(qtbot, find, window, strip, phrases, mode, font_size, shortcut, shot) -> None:
    apply_look(window, font_size, mode)
    settle(qtbot)
    panel = open_phrase(qtbot, find, window, shortcut)
    assert_panel_usable(panel)
    shot(window, f"fill-strip-{shortcut[1:]}-{mode}-{font_size or 'default'}pt")

