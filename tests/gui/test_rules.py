"""The rules screen: browse and filter, test a sentence, add, edit and delete a rule (the checker follows)."""

from __future__ import annotations

from huashu.gui.qt import QKeySequence


def open_rules(qtbot, active, window):  # type: ignore[no-untyped-def]
    active(window)
    qtbot.keySequence(window, QKeySequence("Ctrl+R"))
    screen = window.rules_screen
    assert screen is not None and screen.isVisible()
    active(screen)
    return screen


def test_browse_filter_and_try_a_sentence(qtbot, active, type_, window, shot) -> None:
    screen = open_rules(qtbot, active, window)
    assert screen.list.count() == len(window.ctx.rules) > 20
    type_(screen.filter, "推诿")
    assert 0 < screen.list.count() < len(window.ctx.rules)
    assert "推诿" in screen.list.currentItem().text()
    type_(screen.test_edit, "这个我不知道，你找别人吧")
    html = screen.test_result.text()
    assert "我不知道" in html and "找别人" in html and "禁用" in html
    # Each finding names its rule by its words, never by an internal id like push-off-dont-know.
    assert "规则“" in html and not any(r.uid in html for r in window.ctx.rules if "-" in r.uid)
    shot(screen, "rules")
    # Every multi-line box shows whole lines, also with the test result taking room below.
    for edit in (screen.patterns_edit, screen.suggestions_edit, screen.allow_edit, screen.flag_edit, screen.ok_edit):
        inner = edit.contentsRect().height() - round(2 * edit.document().documentMargin())
        assert inner == 3 * edit.line_height(), edit.objectName()
    screen.test_edit.clear()
    type_(screen.test_edit, "好的，我帮您核实一下")
    assert "没有规则" in screen.test_result.text()
    # On a small screen the form scrolls, and Save and Delete stay in view beneath it.
    screen.resize(900, 560)
    qtbot.waitUntil(lambda: screen.height() <= 600)
    for button in (screen.save_button, screen.delete_button):
        shown = button.visibleRegion().boundingRect()
        assert shown.height() == button.height() and shown.width() == button.width(), button.text()


def test_add_edit_and_delete_a_rule(qtbot, active, idle, type_, answer, window, gui_lib) -> None:
    screen = open_rules(qtbot, active, window)
    screen.new_button.click()
    assert screen.focusWidget() is screen.patterns_edit
    type_(screen.patterns_edit, "随便吧")
    screen.severity_box.setCurrentIndex(screen.severity_box.findData("error"))
    type_(screen.category_edit, "态度")
    type_(screen.suggestions_edit, "我帮您看看怎么处理最合适")
    type_(screen.note_edit, "不能敷衍客户")
    type_(screen.flag_edit, "那你随便吧")
    screen.save_button.click()
    idle(window)
    qtbot.waitUntil(lambda: any("随便吧" in r.patterns for r in window.ctx.rules), timeout=5000)
    rule = next(r for r in gui_lib.rules() if "随便吧" in r.patterns)
    assert rule.severity == "error" and rule.suggestions == ("我帮您看看怎么处理最合适",)
    assert rule.uid.startswith("rule-")
    # The live checker (compose box) picks it up at once.
    assert any(f.rule_uid == rule.uid for f in window.ctx.check("那就随便吧"))

    # An example that the rule does not catch is refused with the reason.
    screen.flag_edit.setPlainText("完全无关的一句话")
    screen.save_button.click()
    assert screen.problems.isVisible() and "没有被标记" in screen.problems.text()
    screen.flag_edit.setPlainText("那你随便吧")
    screen.enabled_box.setChecked(False)
    screen.save_button.click()
    idle(window)
    qtbot.waitUntil(
        lambda: not any(f.rule_uid == rule.uid for f in window.ctx.check("那就随便吧")), timeout=5000
    )

    answer(True)
    screen.delete_button.click()
    idle(window)
    qtbot.waitUntil(lambda: not any(r.uid == rule.uid for r in window.ctx.rules), timeout=5000)
    assert all(r.uid != rule.uid for r in gui_lib.rules())


def test_rule_without_words_is_refused(qtbot, active, window) -> None:
    screen = open_rules(qtbot, active, window)
    screen.new_button.click()
    screen.save_button.click()
    assert screen.problems.isVisible() and "至少" in screen.problems.text()
    # On a small screen too the reason is in view, next to the Save button, not below the form.
    screen.resize(900, 560)
    qtbot.waitUntil(lambda: screen.height() <= 600)
    screen.save_button.click()
    qtbot.wait(50)
    shown = screen.problems.visibleRegion().boundingRect()
    assert shown.height() == screen.problems.height() > 0


SENTENCE = "我不知道，这事不归我管，你问我我问谁？亲，稍等"


def _switch(qtbot, app, screen, language: str) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui import i18n

    i18n.install_translators(app, language)
    title = "Forbidden-phrase rules" if language == "en" else "禁用语规则"
    qtbot.waitUntil(lambda: screen.windowTitle() == title, timeout=3000)


def test_a_tried_sentence_is_worded_in_the_ui_language_and_follows_a_switch(
    qtbot, app, active, type_, window, shot
) -> None:
    screen = open_rules(qtbot, active, window)
    type_(screen.test_edit, SENTENCE)
    rule = next(r for r in window.ctx.rules if "我不知道" in r.patterns)
    assert len(rule.patterns) > 2
    first, second = rule.patterns[:2]
    html = screen.test_result.text()
    assert f"规则“{first}”、“{second}”及另外 {len(rule.patterns) - 2} 个" in html
    assert "禁用 · " in html
    # Switching the language rewords what is shown without retyping; the rule's words stay as written.
    _switch(qtbot, app, screen, "en")
    html = screen.test_result.text()
    assert f"rule “{first}”, “{second}” and {len(rule.patterns) - 2} more" in html, html
    assert "Forbidden · " in html and "规则" not in html and " 等 " not in html and "禁用 · " not in html
    shot(screen, "rules-try-en")
    _switch(qtbot, app, screen, "zh_CN")
    html = screen.test_result.text()
    assert "禁用 · " in html and f"规则“{first}”" in html and "Forbidden" not in html
    shot(screen, "rules-try-zh")


def test_the_rule_buttons_stay_in_place_whatever_the_tried_sentence_shows(
    qtbot, active, type_, window
) -> None:
    screen = open_rules(qtbot, active, window)

    def places() -> list[tuple[int, int]]:
        qtbot.wait(20)  # the layout settles
        return [
            (b.mapTo(screen, b.rect().topLeft()).x(), b.mapTo(screen, b.rect().topLeft()).y())
            for b in (screen.new_button, screen.save_button, screen.delete_button, screen.test_edit)
        ]

    empty = places()
    type_(screen.test_edit, SENTENCE)
    assert screen.test_result.text().count("●") >= 4
    assert places() == empty
    # Findings longer than their room scroll inside it instead of pushing the buttons up: one example
    # each of a dozen rules.
    many = "，".join([r.must_flag[0] for r in window.ctx.rules if r.must_flag and r.enabled][:12])
    screen.test_edit.clear()
    type_(screen.test_edit, many)
    assert screen.test_result.text().count("●") >= 12
    qtbot.waitUntil(lambda: screen.test_area.verticalScrollBar().maximum() > 0, timeout=2000)
    assert places() == empty
    screen.test_edit.clear()
    type_(screen.test_edit, "好的")
    assert places() == empty
    assert screen.test_area.verticalScrollBar().maximum() == 0


def test_a_long_reason_opens_at_its_start(qtbot, active, window) -> None:
    screen = open_rules(qtbot, active, window)
    for row in range(screen.list.count()):
        screen.list.setCurrentRow(row)
        edit = screen.note_edit
        if edit.fontMetrics().horizontalAdvance(edit.text()) > edit.width():
            break
    else:
        raise AssertionError("no rule has a reason longer than its field")
    assert screen.note_edit.cursorPosition() == 0
    # The first character is in view, not scrolled off to the left.
    assert screen.note_edit.cursorRect().left() < screen.note_edit.fontMetrics().averageCharWidth() * 2
    for edit in (screen.uid_edit, screen.category_edit):
        assert edit.cursorPosition() == 0


def test_the_tried_sentence_keeps_its_lines_at_a_larger_text_size(qtbot, app, active, window) -> None:
    from huashu.gui import theme
    from huashu.gui.rules_screen import TEST_RESULT_LINES

    screen = open_rules(qtbot, active, window)
    before = screen.test_area.height()
    theme.apply(app, "light", 16)
    qtbot.waitUntil(lambda: screen.test_area.height() > before, timeout=2000)
    lines = screen.test_area.height() / screen.line_height()
    assert TEST_RESULT_LINES <= lines < TEST_RESULT_LINES + 1
