"""The rules screen's "try a sentence" pane at every text size: the findings show whole, nothing scrolls or is cut."""

from __future__ import annotations

import pytest

from huashu.gui.main_window import MainWindow
from huashu.gui.qt import QKeySequence, QWidget
from huashu.gui.rules_screen import TEST_RESULT_LINES, RulesScreen
from huashu.gui.settings import FONT_SIZES
from looks import apply_look, rect_in, settle

# Trips four rules (三 禁用, 一 提示) whose findings wrap to two lines each at 14 pt.
SENTENCE = "我不知道，这事不归我管，你问我我问谁？亲，稍等"





def open_rules(qtbot, active, window: MainWindow) -> RulesScreen:  # type: ignore[no-untyped-def]
    active(window)
    qtbot.keySequence(window, QKeySequence("Ctrl+R"))
    screen = window.rules_screen
    assert screen is not None and screen.isVisible()
    active(screen)
    settle(qtbot, 4)
    return screen


def fully_shown(widget: QWidget) -> bool:
    """Inside each of its parents up to the window, and not covered (a squeezed or scrolled-off
    widget keeps its size but loses part of its visible region)."""
    parent = widget.parentWidget()
    while parent is not None:
        if not parent.rect().contains(rect_in(widget, parent)):
            return False
        if parent.isWindow():
            break
        parent = parent.parentWidget()
    if widget.findChildren(QWidget):
        return True  # a container's children cover it: its own region says nothing
    return widget.visibleRegion().boundingRect().size() == widget.size()


def result_fits(screen: RulesScreen) -> bool:
    """All of the findings' lines inside the area, no scroll bar needed."""
    area = screen.test_area
    label = screen.test_result
    return (
        area.verticalScrollBar().maximum() == 0
        and not area.verticalScrollBar().isVisible()
        and label.heightForWidth(area.viewport().width()) <= area.viewport().height()
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [0, 14])
def test_the_tried_sentence_shows_whole_in_the_window_as_it_opens(
    qtbot, active, type_, window, shot, size: int, language: str, theme: str
) -> None:  # type: ignore[no-untyped-def]
    """At 14 pt the findings of a four-rule sentence scrolled inside six lines: they now all show."""
    apply_look(window, language, size, theme)
    screen = open_rules(qtbot, active, window)
    type_(screen.test_edit, SENTENCE)
    settle(qtbot, 4)
    assert screen.test_result.text().count("●") == 4
    shot(screen, f"rules-try-{language}-{size or 'default'}-{theme}")
    assert result_fits(screen), (screen.test_area.viewport().height(), screen.test_result.sizeHint())
    for widget in (screen.test_label, screen.test_edit, screen.test_area):
        assert fully_shown(widget), widget.objectName()
    # The sentence's box keeps its height (the style's, for the font), above the findings, not over them.
    assert screen.test_edit.height() >= screen.test_edit.sizeHint().height()
    assert rect_in(screen.test_edit, screen).bottom() < rect_in(screen.test_area, screen).top()
    # The rules above keep their buttons in view and a list of several rules.
    for button in (screen.new_button, screen.save_button, screen.delete_button):
        assert fully_shown(button), button.text()
    assert screen.list.viewport().height() >= 5 * screen.fontMetrics().lineSpacing()
    screen.close()


def test_at_the_largest_size_the_rules_keep_their_room_and_the_findings_scroll(
    qtbot, active, type_, window, shot
) -> None:  # type: ignore[no-untyped-def]
    apply_look(window, "zh_CN", max(FONT_SIZES), "light")
    screen = open_rules(qtbot, active, window)
    type_(screen.test_edit, SENTENCE + "，亲，我不知道")
    settle(qtbot, 4)
    shot(screen, "rules-try-zh_CN-20")
    line = screen.line_height()
    assert screen.v_split.sizes()[0] >= 10 * line
    assert screen.test_area.viewport().height() >= 3 * line
    assert fully_shown(screen.test_edit)
    for button in (screen.new_button, screen.save_button, screen.delete_button):
        assert fully_shown(button), button.text()
    # What does not fit scrolls: the scroll bar reaches the last finding.
    area = screen.test_area
    if screen.test_result.heightForWidth(area.viewport().width()) > area.viewport().height():
        assert area.verticalScrollBar().isVisible() and area.verticalScrollBar().maximum() > 0
    screen.close()


def test_the_room_follows_the_text_size_and_a_dragged_border_stays(
    qtbot, app, active, type_, window
) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui import theme

    screen = open_rules(qtbot, active, window)
    lines = screen.test_area.height() / screen.line_height()
    assert TEST_RESULT_LINES <= lines < TEST_RESULT_LINES + 1

    # A larger text size while the screen is open: the room grows to as many lines of the new font,
    # and the screen to the width it would have opened at.
    before = screen.size()
    room = screen.test_area.height()
    theme.apply(app, "light", 14)
    qtbot.waitUntil(lambda: screen.test_area.height() > room, timeout=2000)
    settle(qtbot, 4)
    assert TEST_RESULT_LINES <= screen.test_area.height() / screen.line_height() < TEST_RESULT_LINES + 1
    assert screen.width() > before.width() and screen.height() >= before.height()

    # The lead drags the border up for a long sentence: typing and a taller window keep it there.
    rules, pane = screen.v_split.sizes()
    screen.v_split.setSizes([rules - 100, pane + 100])
    settle(qtbot, 4)
    dragged = screen.v_split.sizes()
    type_(screen.test_edit, SENTENCE)
    settle(qtbot, 4)
    assert screen.v_split.sizes() == dragged
    screen.resize(screen.width(), screen.height() - 40)
    settle(qtbot, 4)
    assert screen.v_split.sizes()[1] == dragged[1]
    screen.close()
