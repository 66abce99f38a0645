"""The compose box: live wavy underlines by severity, reasons in tooltips, one-click fixes, guarded copy."""

from __future__ import annotations

from huashu.gui import theme
from huashu.gui.qt import QApplication, QKeySequence, QMenu, Qt, QTextCharFormat, QTextCursor


def compose_text(qtbot, type_, window, text: str):  # type: ignore[no-untyped-def]
    edit = window.compose.edit
    qtbot.keySequence(window, QKeySequence("Ctrl+E"))
    assert edit.hasFocus()
    type_(edit, text)
    qtbot.waitUntil(lambda: not edit._timer.isActive(), timeout=2000)  # the coalescing timer has fired
    return edit


def underlines(edit) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    out = []
    for sel in edit.extraSelections():
        fmt = sel.format
        if fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline:
            out.append((sel.cursor.selectionStart(), sel.cursor.selectionEnd(), fmt.underlineColor().name()))
    return out


def test_forbidden_phrase_is_underlined_by_severity(qtbot, type_, window, shot) -> None:
    edit = compose_text(qtbot, type_, window, "亲，这个我不知道，没办法")
    c = theme.colors()
    marks = underlines(edit)
    text = edit.toPlainText()
    spans = {text[s:e]: color for s, e, color in marks}
    assert spans["我不知道"] == c.severity("error").name()
    assert spans["没办法"] == c.severity("warning").name()
    assert "禁用" in window.compose.summary.text()
    shot(window, "compose-underlines")


def test_underline_positions_count_utf16_units(qtbot, type_, window) -> None:
    # An emoji takes two UTF-16 units; the underline must still sit exactly on the words.
    edit = compose_text(qtbot, type_, window, "😀😀我不知道")
    (start, end, _color), *_ = underlines(edit)
    cursor = QTextCursor(edit.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "我不知道"


def test_tooltip_gives_the_reason_and_suggestion(qtbot, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "我不知道")
    finding = edit.findings[0]
    tip = edit.tooltip_for(finding)
    assert "禁用" in tip and finding.message in tip and finding.suggestions[0] in tip
    assert edit.finding_at(1) is finding and edit.finding_at(len("我不知道")) is None


def test_quick_fix_replaces_with_a_suggestion(qtbot, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "这个我不知道啊")
    finding = edit.findings[0]
    menus: list[QMenu] = []
    qtbot.keySequence(edit, QKeySequence("Ctrl+."))  # keyboard quick fix at the cursor
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    menus.append(menu)
    replace = [a for a in menu.actions() if a.text().startswith("替换为")]
    assert next(a.text() for a in replace) == f"替换为“{finding.suggestions[0]}”"
    assert any(a.text() == "忽略一次" for a in menu.actions())
    menu.activeAction().trigger()
    menu.close()
    # A whole-sentence suggestion takes the rest of the clause with it (the 啊 would dangle).
    assert edit.toPlainText() == f"这个{finding.suggestions[0]}"
    assert not [f for f in edit.findings if f.severity == "error"]
    edit.undo()  # the text edit's own undo brings the words back
    edit.recheck()
    assert edit.toPlainText() == "这个我不知道啊"


def test_a_whole_sentence_fix_leaves_no_broken_sentence(qtbot, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "已催促，我不知道什么时候到。谢谢")
    finding = next(f for f in edit.findings if f.text == "我不知道")
    sentence = next(s for s in finding.suggestions if s.endswith("。"))
    edit.replace(finding, sentence)
    assert edit.toPlainText() == f"已催促，{sentence}谢谢"


def test_ctrl_dot_then_ignore_once_leaves_the_caret_where_the_agent_types(qtbot, type_, window) -> None:
    """Ignore once moved the caret to the words: typing on landed mid-sentence (您好，ABC我不知道)."""
    edit = compose_text(qtbot, type_, window, "您好，我不知道")
    end = edit.textCursor().position()
    qtbot.keySequence(edit, QKeySequence("Ctrl+."))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    next(a for a in menu.actions() if a.text() == "忽略一次").trigger()
    menu.close()
    assert edit.textCursor().position() == end
    qtbot.keyClicks(edit, "ABC")
    assert edit.toPlainText() == "您好，我不知道ABC"


def test_ignore_once_keeps_the_occurrence_ignored_while_editing(qtbot, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "我不知道")
    edit.ignore_once(edit.findings[0])
    assert not edit.findings
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    edit.setTextCursor(cursor)
    type_(edit, "嗯，")  # text before it shifts the position; it stays ignored
    edit.recheck()
    assert not edit.findings
    edit.moveCursor(QTextCursor.MoveOperation.End)
    type_(edit, "，我不知道")  # a new occurrence is flagged again
    edit.recheck()
    assert len(edit.findings) == 1


def test_context_menu_offers_fixes(qtbot, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "我不知道")
    finding = edit.findings[0]
    menu = QMenu()
    actions = edit.fix_actions(finding, menu)
    assert [a.text() for a in actions][-1] == "忽略一次"
    actions[0].trigger()
    assert edit.toPlainText() == finding.suggestions[0]


def test_copy_with_an_error_asks_first(qtbot, type_, window, answer) -> None:
    edit = compose_text(qtbot, type_, window, "我不知道")
    QApplication.clipboard().setText("before")
    answer(False)
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "before"
    answer(True)
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "我不知道"


def test_a_reply_copied_before_the_rules_load_waits_for_them(qtbot, idle, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "好的，我帮您核实一下。")
    window.ctx.checker = None  # as in the first moments after start
    window.ctx._rules_requested = False
    QApplication.clipboard().setText("before")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "before"
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == "好的，我帮您核实一下。")
    assert window.ctx.checker is not None


def test_clean_reply_copies_without_asking(qtbot, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "好的，我帮您核实一下。")
    assert not [f for f in edit.findings if f.severity == "error"]
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "好的，我帮您核实一下。"
    assert window.toast.text() == "已复制"


def test_ctrl_e_and_ctrl_d_reach_the_window_from_the_search_box(qtbot, find, window) -> None:
    # On X11 a line edit reads Ctrl+E as End and Ctrl+D as Delete; in the search box, where the
    # agent's focus lives, they are the window's "compose" and "star" (End and Del still edit).
    find(window, "/ddh")
    assert window.search_box.hasFocus()
    item = window.selected_item()
    assert item is not None and not item.favorite
    qtbot.keyClick(window.search_box, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.selected_item() is not None and window.selected_item().favorite, timeout=5000)
    assert window.search_box.text() == "/ddh"  # nothing deleted
    window.search_box.setCursorPosition(0)
    qtbot.keyClick(window.search_box, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.compose.edit.hasFocus()
    window.search_box.setFocus()
    window.search_box.setCursorPosition(0)
    qtbot.keyClick(window.search_box, Qt.Key.Key_End)
    assert window.search_box.cursorPosition() == len("/ddh")


def test_a_fix_mid_sentence_does_not_double_the_punctuation(qtbot, type_, window) -> None:
    edit = compose_text(qtbot, type_, window, "这个我不知道，您再等等")
    finding = next(f for f in edit.findings if f.text == "我不知道")
    suggestion = finding.suggestions[0]
    assert suggestion.endswith("。")
    menu = QMenu()
    edit.fix_actions(finding, menu)[0].trigger()
    assert edit.toPlainText() == f"这个{suggestion[:-1]}，您再等等"  # not "…。，您再等等"


def test_no_stale_underline_between_an_edit_and_its_recheck(qtbot, type_, window, qtlog) -> None:
    """The phrase editor repaints on every keystroke, before the coalesced recheck: the old findings
    underlined the new words for a moment and, on a shorter text, Qt warned of positions out of range."""
    edit = compose_text(qtbot, type_, window, "您好，这个问题我不知道。")
    assert [u[2] for u in underlines(edit)]
    edit.setPlainText("您好，这个问题我来帮您查询处理一下。")  # the same length up to the old finding
    edit.set_extra_selections([])  # what the editor's validation does on textChanged
    assert underlines(edit) == []
    edit.setPlainText("好的")  # shorter than where the finding was
    edit.set_extra_selections([])
    assert underlines(edit) == []
    assert not [r for r in qtlog.records if "out of range" in r.message]
    qtbot.waitUntil(lambda: not edit._timer.isActive(), timeout=2000)
    assert edit.findings == []
