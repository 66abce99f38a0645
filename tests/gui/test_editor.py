"""Editing the library from the window: phrases and categories, validation while editing, undo and redo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from huashu.gui.category_tree import CATEGORY_MIME
from huashu.gui.qt import QApplication, QDropEvent, QKeySequence, QMimeData, QPoint, QPointF, Qt
from huashu.gui.results import PHRASE_MIME
from huashu.gui.search_panel import Scope


class History:
    """Ctrl+Z / Ctrl+Shift+Z pressed in the window (with the list focused: text fields own Ctrl+Z)."""

    def __init__(self, qtbot, idle, active, window) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.idle, self.active, self.window = qtbot, idle, active, window

    def _press(self, keys: str) -> None:
        self.active(self.window)
        self.window.results.setFocus()
        self.qtbot.keySequence(self.window, QKeySequence(keys))
        self.idle(self.window)

    def undo(self) -> None:
        self._press("Ctrl+Z")

    def redo(self) -> None:
        self._press("Ctrl+Shift+Z")


@pytest.fixture
def history(qtbot, idle, active, window) -> History:  # type: ignore[no-untyped-def]
    return History(qtbot, idle, active, window)


def test_new_phrase_validates_then_saves_and_undoes(
    qtbot, history, active, idle, type_, find, answer, window, gui_lib, shot
) -> None:
    before = gui_lib.count_phrases()
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+N"))
    editor = window.editor
    assert editor is not None and editor.isVisible()
    type_(editor.title_edit, "我的测试话术")
    editor.category_box.setCurrentText("我的话术/测试")
    editor.shortcut_edit.setText("/wdcs")
    editor.text_edit.setFocus()
    type_(editor.text_edit, "您的订单[订单号")
    assert not editor.save_button.isEnabled()
    assert "没有配对" in editor.problems.text()
    type_(editor.text_edit, "]已发货，我不知道")
    assert editor.save_button.isEnabled()
    qtbot.waitUntil(lambda: bool(editor.text_edit.findings), timeout=2000)
    assert "我不知道" in editor.problems.text()  # the checker runs while editing too
    assert "订单号" in editor.fields_view.toPlainText()
    shot(editor, "editor")
    answer(True)  # 我不知道 is forbidden: saving it asks first
    editor.save_button.click()
    idle(window)
    qtbot.waitUntil(lambda: window.editor is None, timeout=3000)  # closed and deleted
    added = gui_lib.phrase_by_shortcut("/wdcs")
    assert (
        added is not None
        and added.category == "我的话术/测试"
        and added.text == "您的订单[订单号]已发货，我不知道"
    )
    assert gui_lib.count_phrases() == before + 1
    assert window.selected_item().phrase_id == added.id

    history.undo()
    assert gui_lib.phrase_by_uid(added.uid) is None
    assert gui_lib.count_phrases() == before
    history.redo()
    again = gui_lib.phrase_by_uid(added.uid)
    assert again is not None and again.text == added.text and again.shortcut == "/wdcs"


def test_long_problem_messages_grow_the_editor_instead_of_overlapping(qtbot, type_, window) -> None:
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+N"))
    editor = window.editor
    assert editor is not None
    editor.text_edit.setFocus()
    type_(editor.text_edit, "您好，您的订单[订单号 我不知道，这事不归我管，你问我我问谁，没办法")
    qtbot.waitUntil(lambda: len(editor.text_edit.findings) >= 3, timeout=2000)
    qtbot.wait(50)  # the layout settles
    text, notes = editor.text_edit.geometry(), editor.notes_edit.geometry()
    assert text.height() >= editor.text_edit.minimumHeight()
    assert text.bottom() < notes.top()  # the notes box no longer covers the text's last lines
    assert editor.problems.height() >= editor.problems.heightForWidth(editor.problems.width())
    # However many there are, three are listed and the rest counted: the editor fits a 768 px screen.
    type_(editor.text_edit, "，不知道，我也没办法，这不归我管")
    qtbot.waitUntil(lambda: len(editor.text_edit.findings) > 4, timeout=2000)
    assert editor.problems.text().count("●") == 3 + ("没有配对" in editor.problems.text())
    assert f"还有 {len(editor.text_edit.findings) - 3} 处" in editor.problems.text()
    assert editor.minimumSizeHint().height() < 700
    editor.text_edit.clear()
    type_(editor.title_edit, "x")
    editor.title_edit.clear()
    editor.reject()  # nothing left to lose: closes without asking
    assert not editor.isVisible()


def test_library_errors_show_in_the_editor(
    qtbot, history, active, idle, type_, answer, window, gui_lib
) -> None:
    window.editing.new_phrase()
    editor = window.editor
    type_(editor.title_edit, "重复编码")
    editor.category_box.setCurrentText("问候与开场")
    editor.shortcut_edit.setText("/dhwh")  # already used by 电话接入问候
    type_(editor.text_edit, "您好")
    editor.save_button.setFocus()
    qtbot.keyClick(editor.save_button, Qt.Key.Key_Return)
    idle(window)
    assert editor.isVisible()
    assert editor.banner.isVisible() and "已被" in editor.banner.text()
    # The refused save leaves focus on Save (not Cancel): another Enter must not throw the work away.
    assert editor.focusWidget() is editor.save_button
    qtbot.keyClick(editor.save_button, Qt.Key.Key_Return)
    idle(window)
    assert editor.isVisible()
    # Esc with unsaved work asks first; keeping it is the default answer.
    answer(False)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Escape)
    assert editor.isVisible() and editor.title_edit.text() == "重复编码"
    # Ctrl+S saves from any field once the problem is fixed.
    editor.shortcut_edit.setText("/cfbm")
    active(editor)
    editor.title_edit.setFocus()
    qtbot.keySequence(editor.title_edit, QKeySequence("Ctrl+S"))
    idle(window)
    qtbot.waitUntil(lambda: window.editor is None)  # saved and closed (and deleted)
    assert any(p.title == "重复编码" and p.shortcut == "/cfbm" for p in gui_lib.phrases())


def test_edit_phrase_and_undo(qtbot, history, active, idle, find, window, gui_lib) -> None:
    find(window, "/ddh")
    item = window.selected_item()
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_F2)
    idle(window)
    editor = window.editor
    assert editor.title_edit.text() == "索要订单号"
    editor.text_edit.setPlainText("麻烦您提供一下订单号[订单号]。")
    editor.save_button.click()
    idle(window)
    assert gui_lib.phrase(item.phrase_id).text == "麻烦您提供一下订单号[订单号]。"
    assert window.actions_by_name["undo"].text().startswith("撤销 编辑话术")
    history.undo()
    assert gui_lib.phrase(item.phrase_id).text == "为了准确查询，请您提供一下订单号。"
    history.redo()
    assert gui_lib.phrase(item.phrase_id).text == "麻烦您提供一下订单号[订单号]。"


def test_delete_and_undo_restore_the_phrase(qtbot, history, active, idle, find, window, gui_lib) -> None:
    find(window, "/ddh")
    item = window.selected_item()
    gui_lib.set_favorite(item.phrase_id, True)
    gui_lib.record_use(item.phrase_id)
    gui_lib.record_use(item.phrase_id)
    original = gui_lib.phrase(item.phrase_id)
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Delete)
    idle(window)
    assert gui_lib.phrase_by_uid(original.uid) is None
    assert "Ctrl+Z" in window.toast.text()
    history.undo()
    back = gui_lib.phrase_by_uid(original.uid)
    assert back is not None
    assert (back.title, back.text, back.shortcut, back.category, back.favorite, back.tags) == (
        original.title,
        original.text,
        original.shortcut,
        original.category,
        True,
        original.tags,
    )
    # Its usage too: how often and when, so it keeps its place in 最近使用 and in the ranking.
    assert (back.use_count, back.last_used) == (2, original.last_used) and original.last_used
    assert back.uid in [p.uid for p in gui_lib.recent(5)]
    siblings = [p.uid for p in gui_lib.phrases(back.category_id, recursive=False)]
    before = [p.uid for p in gui_lib.phrases(original.category_id, recursive=False)]
    assert siblings == before  # back in its old place


def test_star_and_undo(qtbot, history, active, idle, find, window, gui_lib) -> None:
    find(window, "/ddh")
    item = window.selected_item()
    qtbot.keySequence(window, QKeySequence("Ctrl+D"))
    idle(window)
    assert gui_lib.phrase(item.phrase_id).favorite
    assert window.selected_item().favorite
    history.undo()
    assert not gui_lib.phrase(item.phrase_id).favorite


def test_starring_keeps_the_list_in_place(qtbot, active, idle, find, window) -> None:
    """Ctrl+D on the sixth result must not move it to the top: Ctrl+1…9 and Down keep their rows."""
    find(window, "tk")
    titles = [window.model.item(r).title for r in range(window.model.rowCount())]
    assert len(titles) >= 6
    window.select_row(5)
    qtbot.keySequence(window, QKeySequence("Ctrl+D"))
    idle(window)
    qtbot.waitUntil(lambda: window.model.item(5).favorite)
    assert [window.model.item(r).title for r in range(window.model.rowCount())] == titles
    assert window.results.currentIndex().row() == 5
    window.select_row(6)
    qtbot.keySequence(window, QKeySequence("Ctrl+D"))
    idle(window)
    qtbot.waitUntil(lambda: window.model.item(6).favorite)
    assert [window.model.item(r).title for r in range(window.model.rowCount())] == titles
    # The next search ranks favourites as usual, from its first row.
    find(window, "tui")
    find(window, "tk")
    assert window.results.currentIndex().row() == 0
    assert {window.model.item(0).title, window.model.item(1).title} == {titles[5], titles[6]}


def test_del_in_the_tree_on_all_phrases_deletes_nothing(qtbot, active, idle, find, window, gui_lib) -> None:
    find(window, "/ddh")
    item = window.selected_item()
    window.tree.setFocus()
    qtbot.waitUntil(window.tree.hasFocus)
    qtbot.keyClick(window.tree, Qt.Key.Key_Delete)
    idle(window)
    assert gui_lib.phrase(item.phrase_id) is not None
    assert window.selected_item() is not None and window.selected_item().phrase_id == item.phrase_id


def test_team_phrases_are_read_only_and_can_be_duplicated(
    qtbot, history, active, idle, find, window, gui_lib
) -> None:
    target = gui_lib.phrase_by_shortcut("/ddh")
    gui_lib.conn.execute(
        "UPDATE phrases SET origin = 'pack' WHERE id = ?", (target.id,)
    )  # as a pack install would
    find(window, "/ddh")
    item = window.selected_item()
    assert item.read_only
    assert window.preview.duplicate_button.isVisible()
    window.editing.edit_phrase()
    idle(window)
    editor = window.editor
    assert editor.read_only and editor.title_edit.isReadOnly() and editor.text_edit.isReadOnly()
    assert not editor.save_button.isVisible()
    editor.close()
    active(window)
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Delete)
    assert "只读" in window.toast.text()
    assert gui_lib.phrase(target.id) is not None
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+D"))
    idle(window)
    copies = [p for p in gui_lib.phrases(target.category_id) if p.title.startswith("索要订单号（副本")]
    assert len(copies) == 1 and copies[0].origin == "personal" and copies[0].text == target.text
    assert window.selected_item().phrase_id == copies[0].id
    history.undo()
    assert gui_lib.phrase_by_uid(copies[0].uid) is None


def drop(widget, pos, mime: QMimeData) -> bool:  # type: ignore[no-untyped-def]
    """A drag entering, moving over `pos` and dropping there, as the platform's drag manager sends it."""
    from huashu.gui.qt import QDragEnterEvent, QDragMoveEvent

    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    target = widget.viewport()
    enter = QDragEnterEvent(QPoint(pos.x(), pos.y()), Qt.DropAction.MoveAction, mime, buttons, mods)
    QApplication.sendEvent(target, enter)
    move = QDragMoveEvent(QPoint(pos.x(), pos.y()), Qt.DropAction.MoveAction, mime, buttons, mods)
    QApplication.sendEvent(target, move)
    if not move.isAccepted():
        return False
    event = QDropEvent(QPointF(pos), Qt.DropAction.MoveAction, mime, buttons, mods)
    QApplication.sendEvent(target, event)
    return event.isAccepted()


def tree_item(window, path: str):  # type: ignore[no-untyped-def]
    cat = next(c for c in window.tree_data.categories if c.path == path)
    for item in window.tree._category_items():
        if item.data(0, Qt.ItemDataRole.UserRole + 1) == Scope("category", cat.id):
            return cat, item
    raise AssertionError(path)


def test_drag_a_phrase_onto_a_category_and_undo(qtbot, history, active, idle, find, window, gui_lib) -> None:
    find(window, "/ddh")
    item = window.selected_item()
    source = gui_lib.phrase(item.phrase_id).category
    cat, node = tree_item(window, "发票")
    mime = window.model.mimeData([window.model.index(0, 0)])
    assert json.loads(bytes(mime.data(PHRASE_MIME).data())) == [item.phrase_id]
    window.tree.scrollToItem(node)
    assert drop(window.tree, window.tree.visualItemRect(node).center(), mime)
    idle(window)
    assert gui_lib.phrase(item.phrase_id).category == "发票"
    assert window.tree_data.counts[cat.id] == 10
    history.undo()
    assert gui_lib.phrase(item.phrase_id).category == source


def test_drag_a_category_and_undo(qtbot, history, active, idle, window, gui_lib) -> None:
    cat, node = tree_item(window, "发票")
    parent, _ = tree_item(window, "咨询解答")
    mime = window.tree.mimeData([node])
    assert json.loads(bytes(mime.data(CATEGORY_MIME).data())) == cat.id
    window.editing.drop_category(cat.id, parent.id, None)  # what a drop on 咨询解答 emits
    idle(window)
    assert gui_lib.category(cat.id).path == "咨询解答/发票"
    history.undo()
    assert gui_lib.category(cat.id).path == "发票"
    assert [c.id for c in gui_lib.categories() if c.parent_id is None].index(cat.id) == [
        c.id for c in window.tree_data.categories if c.parent_id is None
    ].index(cat.id)


def test_category_add_rename_delete_with_undo(
    qtbot, history, active, idle, answer, on_modal, window, gui_lib
) -> None:
    from huashu.gui.editor import CategoryNameDialog

    def name(text: str):  # type: ignore[no-untyped-def]
        def act(dialog: CategoryNameDialog) -> None:
            dialog.edit.setText(text)
            qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)  # Enter presses the default OK button

        return act

    on_modal(CategoryNameDialog, name("新分类"))
    window.editing.new_category(None)
    idle(window)
    added = gui_lib.category_by_path("新分类")
    assert added is not None and window.tree.current_scope() == Scope("category", added.id)
    active(window)
    window.tree.setFocus()
    on_modal(CategoryNameDialog, name("改名后"))
    qtbot.keyClick(window.tree, Qt.Key.Key_F2)
    idle(window)
    assert gui_lib.category(added.id).name == "改名后"
    history.undo()
    assert gui_lib.category(added.id).name == "新分类"
    history.undo()
    assert gui_lib.category_by_path("新分类") is None

    cat, _node = tree_item(window, "发票")
    uids = {p.uid for p in gui_lib.phrases(cat.id)}
    window.tree.select_scope(Scope("category", cat.id))
    idle(window)
    answer(True)  # "delete the category and its phrases?"
    active(window)
    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_Delete)
    idle(window)
    assert gui_lib.category_by_path("发票") is None
    assert not any(gui_lib.phrase_by_uid(u) for u in uids)
    history.undo()
    restored = gui_lib.category_by_path("发票")
    assert restored is not None
    assert {p.uid for p in gui_lib.phrases(restored.id)} == uids


def test_refreshing_the_category_tree_leaks_nothing(window) -> None:
    """The tree is rebuilt after every library change, all day long: it must not leave objects behind."""
    import gc

    data = window.tree_data
    window.tree.expandAll()
    for _ in range(5):
        window.tree.set_data(data)
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(100):
        window.tree.set_data(data)
    gc.collect()
    growth = len(gc.get_objects()) - before
    assert growth < 50, growth
    assert any(item.isExpanded() for item in window.tree._category_items())  # open branches stay open


# -- saving: forbidden wording asks, a refused save says why -------------------------------------


@contextmanager
def message_boxes() -> Iterator[list[str]]:
    """Message boxes that open inside the block: each one's text is noted and the box dismissed."""
    from huashu.gui.qt import QMessageBox, QTimer

    seen: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.reject()

    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(poll)
    timer.start()
    try:
        yield seen
    finally:
        timer.stop()  # must not close the boxes of later tests


def open_new_editor(qtbot, active, type_, window, title: str, text: str):  # type: ignore[no-untyped-def]
    """Ctrl+Shift+N in the window, then the title, a category and the text typed in."""
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+N"))
    editor = window.editor
    assert editor is not None
    active(editor)
    editor.title_edit.setFocus()
    type_(editor.title_edit, title)
    editor.category_box.setCurrentText("我的话术/测试")
    editor.text_edit.setFocus()
    type_(editor.text_edit, text)
    return editor


def press(qtbot, editor, keys: str) -> None:  # type: ignore[no-untyped-def]
    """A key sequence pressed where the editor's focus is, as the agent's keyboard sends it."""
    if QApplication.activeWindow() is not editor:  # the window manager's part: keys go to the active window
        editor.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    qtbot.keySequence(editor.focusWidget() or editor, QKeySequence(keys))


def test_saving_forbidden_wording_asks_and_enter_goes_back_to_editing(
    qtbot, active, idle, type_, on_modal, window, gui_lib, shot
) -> None:
    from huashu.gui.qt import QMessageBox

    before = gui_lib.count_phrases()
    text = "我不知道，你自己去问吧"
    editor = open_new_editor(qtbot, active, type_, window, "反面示例", text)
    qtbot.waitUntil(lambda: any(f.severity == "error" for f in editor.text_edit.findings), timeout=2000)
    assert editor.save_button.isEnabled()  # nothing wrong with the phrase's form: it is the wording
    editor.text_edit.moveCursor(editor.text_edit.textCursor().MoveOperation.End)
    editor.title_edit.setFocus()  # Ctrl+S from another field
    qtbot.waitUntil(editor.title_edit.hasFocus)

    asked: list[dict[str, str]] = []

    def enter(box: QMessageBox) -> None:
        asked.append(
            {
                "title": box.windowTitle(),
                "text": box.text(),
                "detail": box.informativeText(),
                "default": box.defaultButton().text(),
                "buttons": " | ".join(b.text() for b in box.buttons()),
            }
        )
        shot(box, "editor-forbidden-confirm")
        qtbot.keyClick(QApplication.focusWidget() or box, Qt.Key.Key_Return)  # a reflex Enter

    on_modal(QMessageBox, enter)
    press(qtbot, editor, "Ctrl+S")
    idle(window)
    assert len(asked) == 1
    box = asked[0]
    assert box["title"] == "含有禁用语"
    assert "2 处禁用语" in box["text"] and "我不知道" in box["text"] and "你自己去问" in box["text"]
    assert "很抱歉，请您稍等一下，我帮您核实。" in box["detail"]  # what to say instead
    assert box["default"] == "返回修改" and "仍然保存" in box["buttons"]
    # Enter went back to editing: nothing saved, the editor open with the cursor on the first expression.
    assert editor.isVisible() and window.editor is editor
    assert gui_lib.count_phrases() == before
    assert not any(p.title == "反面示例" for p in gui_lib.phrases())
    assert editor.text_edit.toPlainText() == text
    active(editor)  # as the window manager does when the box closes
    assert editor.focusWidget() is editor.text_edit
    assert editor.text_edit.textCursor().position() == 0  # 我不知道 starts the text

    # A team lead writing a wrong-and-right example on purpose confirms; Ctrl+Enter saves as well.
    def save_anyway(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == "仍然保存").click()

    on_modal(QMessageBox, save_anyway)
    press(qtbot, editor, "Ctrl+Return")
    idle(window)
    qtbot.waitUntil(lambda: window.editor is None, timeout=3000)
    saved = [p for p in gui_lib.phrases() if p.title == "反面示例"]
    assert len(saved) == 1 and saved[0].text == text
    assert gui_lib.count_phrases() == before + 1


def test_only_forbidden_wording_asks_before_saving(qtbot, active, idle, type_, window, gui_lib) -> None:
    # 不知道 alone is 慎用 (a warning): shown in the problems, saved without a question.
    editor = open_new_editor(qtbot, active, type_, window, "慎用示例", "您好，不知道")
    qtbot.waitUntil(lambda: bool(editor.text_edit.findings), timeout=2000)
    assert {f.severity for f in editor.text_edit.findings} == {"warning"}
    with message_boxes() as seen:
        press(qtbot, editor, "Ctrl+S")
        idle(window)
        qtbot.waitUntil(lambda: window.editor is None, timeout=3000)
    assert seen == []
    assert any(p.title == "慎用示例" and p.text == "您好，不知道" for p in gui_lib.phrases())


def test_ctrl_s_on_an_unclosed_bracket_says_where_and_puts_the_cursor_there(
    qtbot, active, idle, type_, window, gui_lib, shot
) -> None:
    before = gui_lib.count_phrases()
    editor = open_new_editor(qtbot, active, type_, window, "订单查询", "您好[订单号，请稍等")
    assert not editor.save_button.isEnabled()
    assert not editor.banner.isVisible()
    editor.title_edit.setFocus()  # the agent is elsewhere in the form when pressing Ctrl+S
    qtbot.waitUntil(editor.title_edit.hasFocus)
    with message_boxes() as seen:
        press(qtbot, editor, "Ctrl+S")
        idle(window)
    assert seen == []
    assert editor.isVisible() and gui_lib.count_phrases() == before
    assert editor.banner.isVisible()
    message = editor.banner.text()
    assert "第 3 个字符" in message and "“[”" in message and "补上“]”" in message, message
    shot(editor, "editor-refused-bracket")
    # The focus is in the text, just after the "[" at character 3; nothing typed was lost.
    assert editor.focusWidget() is editor.text_edit
    assert editor.text_edit.textCursor().position() == 3
    assert editor.text_edit.toPlainText() == "您好[订单号，请稍等"
    assert editor.title_edit.text() == "订单查询"

    # The agent closes the field where the message says; the banner goes, and Ctrl+S saves.
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Right)
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Right)
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Right)
    qtbot.keyClicks(editor.text_edit, "]")
    assert editor.text_edit.toPlainText() == "您好[订单号]，请稍等"
    assert not editor.banner.isVisible()
    with message_boxes() as seen:
        press(qtbot, editor, "Ctrl+S")
        idle(window)
        qtbot.waitUntil(lambda: window.editor is None, timeout=3000)
    assert seen == []
    assert any(p.title == "订单查询" and p.text == "您好[订单号]，请稍等" for p in gui_lib.phrases())


def test_a_refused_save_names_the_empty_field_and_focuses_it(
    qtbot, active, idle, type_, answer, window, gui_lib, shot
) -> None:
    before = gui_lib.count_phrases()
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+N"))
    editor = window.editor
    active(editor)
    editor.category_box.setCurrentText("我的话术/测试")
    editor.text_edit.setFocus()
    type_(editor.text_edit, "您好，请稍等")
    # No title: Ctrl+Enter from the text names it and puts the focus in the title box.
    press(qtbot, editor, "Ctrl+Return")
    assert editor.banner.isVisible() and "请填写标题" in editor.banner.text()
    qtbot.waitUntil(editor.title_edit.hasFocus)
    assert editor.title_edit.property("invalid")
    shot(editor, "editor-refused-title")
    type_(editor.title_edit, "稍等")
    assert not editor.banner.isVisible() and not editor.title_edit.property("invalid")

    # No text: Enter in the title (Save is disabled, so it used to do nothing) names the text.
    editor.text_edit.selectAll()
    qtbot.keyClick(editor.text_edit, Qt.Key.Key_Delete)
    editor.title_edit.setFocus()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Return)
    assert editor.banner.isVisible() and "话术内容" in editor.banner.text()
    qtbot.waitUntil(editor.text_edit.hasFocus)
    type_(editor.text_edit, "您好，请稍等")
    assert not editor.banner.isVisible()

    # No category: Ctrl+S names it and goes to the category box.
    editor.category_box.setCurrentText("")
    press(qtbot, editor, "Ctrl+S")
    assert editor.isVisible() and "分类" in editor.banner.text()
    assert editor.focusWidget() in (editor.category_box, editor.category_box.lineEdit())
    assert gui_lib.count_phrases() == before
    answer(True)  # "discard the changes?"
    editor.reject()
    assert not editor.isVisible()


def test_save_keys_do_nothing_on_a_read_only_team_phrase(qtbot, active, idle, find, window, gui_lib) -> None:
    target = gui_lib.phrase_by_shortcut("/ddh")
    gui_lib.conn.execute("UPDATE phrases SET origin = 'pack' WHERE id = ?", (target.id,))
    find(window, "/ddh")
    window.editing.edit_phrase()
    idle(window)
    editor = window.editor
    assert editor.read_only
    active(editor)
    editor.text_edit.setFocus()
    with message_boxes() as seen:
        for keys in ("Ctrl+S", "Ctrl+Return"):
            press(qtbot, editor, keys)
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_Return)
        qtbot.wait(100)
    assert seen == [] and not editor.banner.isVisible()
    assert gui_lib.phrase(target.id).text == target.text
    editor.close()


def test_a_save_before_the_rules_are_in_still_asks(
    qtbot, active, idle, type_, on_modal, window, gui_lib
) -> None:
    from huashu.gui.qt import QMessageBox

    editor = open_new_editor(qtbot, active, type_, window, "规则未载入", "我不知道")
    window.ctx.checker = None  # as right after start: the rules load in the background
    window.ctx._rules_requested = False
    asked: list[str] = []

    def enter(box: QMessageBox) -> None:
        asked.append(box.text())
        qtbot.keyClick(QApplication.focusWidget() or box, Qt.Key.Key_Return)

    on_modal(QMessageBox, enter)
    press(qtbot, editor, "Ctrl+S")
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)  # the save went on, checked, once they loaded
    idle(window)
    assert "我不知道" in asked[0]
    assert editor.isVisible() and not any(p.title == "规则未载入" for p in gui_lib.phrases())
    editor.discard()


def test_ctrl_z_in_the_search_box_undoes_the_library_change(  # type: ignore[no-untyped-def]
    qtbot, active, idle, find, window, gui_lib
) -> None:
    """The Edit menu says Ctrl+Z undoes the delete; the agent is in the search box when she presses it."""
    active(window)
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "abc")
    qtbot.keySequence(window.search_box, QKeySequence("Ctrl+Z"))  # nothing to undo: the box's own text
    assert window.search_box.text() == ""

    find(window, "/ddh")
    item = window.selected_item()
    uid = gui_lib.phrase(item.phrase_id).uid
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Delete)
    idle(window)
    assert gui_lib.phrase_by_uid(uid) is None
    window.search_box.setFocus()
    assert window.search_box.text() == "/ddh"
    qtbot.keySequence(window.search_box, QKeySequence("Ctrl+Z"))
    idle(window)
    assert gui_lib.phrase_by_uid(uid) is not None  # the phrase is back
    assert window.search_box.text() == "/ddh"  # and the query was left alone
    qtbot.keySequence(window.search_box, QKeySequence("Ctrl+Shift+Z"))
    idle(window)
    assert gui_lib.phrase_by_uid(uid) is None


def test_a_new_phrase_is_shown_even_from_recently_used(  # type: ignore[no-untyped-def]
    qtbot, active, idle, type_, window, gui_lib
) -> None:
    """Saved while 最近使用 (or a search) was showing, the new phrase seemed not to have been saved."""
    active(window)
    window.tree.select_scope(Scope("recent"))
    idle(window)
    qtbot.keyClicks(window.search_box, "tk")
    idle(window)
    editor = open_new_editor(qtbot, active, type_, window, "新话术看得见", "您好，欢迎光临！")
    editor.save_button.click()
    idle(window)
    qtbot.waitUntil(lambda: window.editor is None, timeout=3000)
    added = next(p for p in gui_lib.phrases() if p.title == "新话术看得见")

    def shown() -> bool:
        idle(window)
        item = window.selected_item()
        return item is not None and item.phrase_id == added.id

    qtbot.waitUntil(shown, timeout=3000)
    assert window.tree.current_scope() == Scope("category", added.category_id)
    assert window.search_box.text() == ""
