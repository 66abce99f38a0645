"""Using a phrase: copy at once without fields, fill panel with fields, memory per conversation, clipboard."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from huashu.gui.qt import QApplication, QComboBox, QKeySequence, Qt


def clipboard() -> str:
    return QApplication.clipboard().text()


def test_phrase_without_fields_is_copied_at_once(qtbot, idle, find, window, gui_lib) -> None:
    find(window, "/ddh")
    item = window.model.item(0)
    assert item.title == "索要订单号"
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert clipboard() == "为了准确查询，请您提供一下订单号。"
    assert window.side.currentWidget() is window.preview
    assert window.toast.isVisible() and window.toast.text() == "已复制"
    idle(window)
    assert gui_lib.phrase(item.phrase_id).use_count == 1
    assert gui_lib.recent(1)[0].id == item.phrase_id
    # The row stays where it was, and the preview shows the new count (not "not used yet").
    qtbot.waitUntil(lambda: window.preview.usage.text() == "已使用 1 次", timeout=5000)
    assert window.model.item(0).phrase_id == item.phrase_id
    assert window.model.item(0).phrase.use_count == 1


def test_fill_panel_enter_walks_fields_then_copies(qtbot, idle, find, type_, window, gui_lib, shot) -> None:
    gui_lib.set_profile({"名字": "小王", "工号": "8848"})
    window.ctx.reload_profile()
    idle(window)
    find(window, "/bkfp")  # 补开发票: [订单号] and [日期]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    fill = window.fill
    assert window.side.currentWidget() is fill
    assert list(fill.inputs) == ["订单号", "日期"]
    first = fill.inputs["订单号"]
    assert first.hasFocus()
    type_(first, "SO123456")
    assert "SO123456" in fill.preview.toPlainText()
    qtbot.keyClick(first, Qt.Key.Key_Return)  # to the next empty field
    second = fill.inputs["日期"]
    assert second.hasFocus() and clipboard() != ""
    type_(second, "5月20日")
    shot(window, "fill-panel")
    qtbot.keyClick(second, Qt.Key.Key_Return)  # last field: copies
    assert (
        clipboard()
        == "您好，可以为您补开发票。请提供订单号SO123456和开票信息，补开的发票会在5月20日前发送到您的邮箱。"
    )
    assert window.side.currentWidget() is window.preview
    assert window.search_box.hasFocus()
    assert "订单号" in window.memory_label.text()


def test_ctrl_e_in_a_field_opens_the_compose_box(qtbot, find, type_, window) -> None:
    # On X11 a line edit takes Ctrl+E as End: in a field it is the window's "compose a reply", the
    # agent deciding to write her own answer, and what she typed in the field stays.
    find(window, "/bkfp")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    field = window.fill.inputs["订单号"]
    assert field.hasFocus()
    type_(field, "SO1")
    field.setCursorPosition(0)
    qtbot.keyClick(field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.compose.edit.hasFocus()
    assert field.text() == "SO1"
    field.setFocus()
    field.setCursorPosition(0)
    qtbot.keyClick(field, Qt.Key.Key_End)  # End still edits the field
    assert field.cursorPosition() == len("SO1")


def test_status_bar_stays_one_line_however_much_is_remembered(qtbot, window) -> None:
    height = window.statusBar().height()
    names = "、".join(f"订单号{n}" for n in range(30))
    window.memory_label.setText(f"本次会话已记住：{names}  ·  Ctrl+N 新会话")
    window.resize(900, 700)
    qtbot.waitUntil(lambda: window.width() == 900)
    qtbot.wait(50)
    assert window.statusBar().height() == height  # no second line pushing the window's content up
    assert window.minimumSizeHint().width() < 900  # and the text does not hold the window wide
    window.memory_label.repaint()
    assert window.memory_label.toolTip() == window.memory_label.text()  # cut: the whole text on hover


def test_values_are_remembered_until_new_conversation(qtbot, idle, find, type_, window) -> None:
    find(window, "/hddd")  # 复述核对订单号: [订单号]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    type_(window.fill.inputs["订单号"], "A-778")
    qtbot.keyClick(window.fill.inputs["订单号"], Qt.Key.Key_Return)
    assert clipboard() == "我帮您核对一下：您的订单号是A-778，对吗？"

    find(window, "/bkfp")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.fill.inputs["订单号"].text() == "A-778"
    assert window.fill._origins["订单号"].text() == "本次会话"
    assert window.fill.inputs["日期"].hasFocus()  # the remembered field is skipped
    qtbot.keyClick(window.fill.inputs["日期"], Qt.Key.Key_Escape)
    assert window.side.currentWidget() is window.preview

    qtbot.keySequence(window, QKeySequence("Ctrl+N"))
    assert window.toast.text().startswith("新会话")
    find(window, "/hddd")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.fill.inputs["订单号"].text() == ""


def test_a_field_left_at_its_default_is_not_remembered(qtbot, idle, find, type_, window, gui_lib) -> None:
    """[备注=无] copied as 无 was listed as "this conversation" and carried into other phrases."""
    gui_lib.add_phrase("测试", "备注测试", "订单[订单号]已登记，备注：[备注=无]", shortcut="/bzcs")
    find(window, "/bzcs")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    type_(window.fill.inputs["订单号"], "B-1")
    qtbot.keyClick(window.fill.inputs["订单号"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert clipboard() == "订单B-1已登记，备注：无"
    assert window.ctx.memory.values() == {"订单号": "B-1"}
    assert "备注" not in window.memory_label.text()


def test_an_empty_field_never_goes_out(qtbot, idle, find, window) -> None:
    QApplication.clipboard().setText("before")
    find(window, "/bkfp")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    field = window.fill.inputs["订单号"]
    qtbot.keyClicks(field, "SO1")
    qtbot.keyClick(
        field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )  # Ctrl+Enter with 日期 empty
    assert clipboard() == "before"
    assert window.fill.banner.isVisible() and "日期" in window.fill.banner.text()
    assert window.fill.inputs["日期"].hasFocus()
    assert window.fill.inputs["日期"].property("invalid") is True
    window.fill.copy_button.click()
    assert clipboard() == "before"


def test_choices_are_a_drop_down_and_profile_fields_are_filled(qtbot, idle, find, window, gui_lib) -> None:
    gui_lib.set_profile({"公司": "好物商城"})
    window.ctx.reload_profile()
    idle(window)
    find(window, "回应客户确认来电")  # [称呼:先生|女士] ... [公司名称]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    title = window.fill.inputs["称呼"]
    assert isinstance(title, QComboBox)
    assert [title.itemText(i) for i in range(title.count())] == ["", "先生", "女士"]
    assert window.fill.inputs["公司名称"].text() == "好物商城"
    assert window.fill._origins["公司名称"].text() == "个人资料"
    assert title.hasFocus()
    title.setCurrentText("女士")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert clipboard() == "是的，您好女士，这里是好物商城。请问有什么可以帮您？"


def test_a_profile_that_arrives_late_fills_the_empty_fields(qtbot, idle, find, type_, window, gui_lib) -> None:
    """The profile loads after the first list: a phrase opened before it arrives gets it when it does."""
    window.ctx.profile = {}  # as in the first moments after start
    find(window, "回应客户确认来电")  # [称呼:先生|女士] ... [公司名称]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    company = window.fill.inputs["公司名称"]
    assert company.text() == ""
    gui_lib.set_profile({"公司": "好物商城"})
    window.ctx.reload_profile()
    qtbot.waitUntil(lambda: company.text() == "好物商城")
    assert window.fill._origins["公司名称"].text() == "个人资料"
    assert "好物商城" in window.fill.preview.toPlainText()
    # A value the agent typed is never replaced by a later profile.
    company.clear()
    type_(company, "我的小店")
    gui_lib.set_profile({"公司": "别的公司"})
    window.ctx.reload_profile()
    idle(window)
    assert company.text() == "我的小店"


def test_profile_only_phrase_is_copied_at_once(qtbot, idle, find, window, gui_lib) -> None:
    gui_lib.set_profile({"名字": "小王", "工号": "8848"})
    window.ctx.reload_profile()
    idle(window)
    find(window, "/dhwh")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert clipboard() == "您好，很高兴为您服务！我是小王（工号 8848），请问有什么可以帮到您？"
    assert window.side.currentWidget() is window.preview


def test_ctrl_number_uses_the_nth_result(qtbot, idle, find, window) -> None:
    find(window, "ddh")
    third = window.model.item(2)
    qtbot.keySequence(window, QKeySequence("Ctrl+3"))
    assert window.results.currentIndex().row() == 2
    if window.side.currentWidget() is window.fill:
        assert window.fill.item == third
    else:
        assert clipboard()


def test_checker_runs_on_the_filled_reply(qtbot, idle, find, type_, window, answer) -> None:
    find(window, "/hddd")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    field = window.fill.inputs["订单号"]
    type_(field, "我不知道")
    assert any(f.severity == "error" for f in window.fill.findings)
    assert window.fill.findings_label.isVisible()
    QApplication.clipboard().setText("before")
    answer(False)  # "copy anyway?" -> cancel
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert clipboard() == "before"
    answer(True)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert clipboard() == "我帮您核对一下：您的订单号是我不知道，对吗？"


def test_a_reply_copied_before_the_rules_load_is_still_checked(qtbot, idle, find, type_, window, answer) -> None:
    """Right after start the rules are not in yet: the copy waits for them instead of going out unchecked."""
    find(window, "/hddd")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    field = window.fill.inputs["订单号"]
    type_(field, "我不知道")
    window.ctx.checker = None  # as in the first moments after start
    window.ctx._rules_requested = False
    QApplication.clipboard().setText("before")
    asked: list[bool] = []
    window.ctx.checker_changed.connect(lambda: asked.append(True))
    answer(False)  # "copy anyway?" -> cancel
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert clipboard() == "before"  # not copied unchecked
    qtbot.waitUntil(lambda: window.ctx.checker is not None)
    idle(window)
    assert asked and clipboard() == "before"  # the rules came in, the check asked, the agent said no
    answer(True)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert clipboard() == "我帮您核对一下：您的订单号是我不知道，对吗？"


def test_copy_and_minimize_setting(qtbot, idle, find, window) -> None:
    from dataclasses import replace

    window.ctx.apply_settings(replace(window.ctx.settings, paste="copy_minimize"))
    find(window, "/ddh")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(window.isMinimized, timeout=2000)


@pytest.mark.x11
def test_clipboard_is_readable_by_other_programs(qtbot, idle, find, type_, window) -> None:
    xclip = shutil.which("xclip")
    if xclip is None:
        pytest.skip("xclip is not installed")
    find(window, "/hddd")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    type_(window.fill.inputs["订单号"], "X11-42")
    qtbot.keyClick(window.fill.inputs["订单号"], Qt.Key.Key_Return)
    expected = "我帮您核对一下：您的订单号是X11-42，对吗？"
    assert clipboard() == expected
    result: dict[str, str] = {}

    def read() -> None:
        # xclip asks this process for the selection, so the event loop must keep running meanwhile.
        proc = subprocess.Popen([xclip, "-selection", "clipboard", "-o"], stdout=subprocess.PIPE)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=5000)
        assert proc.stdout is not None
        result["text"] = proc.stdout.read().decode("utf-8")

    read()
    assert result["text"] == expected
