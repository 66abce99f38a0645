"""The compose box at every text size, in the default and smallest window and the strip: nothing overlaps or is cut."""

from __future__ import annotations

from itertools import combinations

import pytest

from huashu.gui.compact import COMPACT_WIDTH
from huashu.gui.compose import ComposeBox
from huashu.gui.main_window import MainWindow
from huashu.gui.qt import QKeySequence, QRect, Qt, QWidget
from huashu.gui.settings import FONT_SIZES
from looks import apply_look, rect_in, settle

REPLY = "亲，这个我不知道，没办法"  # one finding of each severity: the longest summary


def least_lines(size: int) -> int:
    """A usable text area: three lines; two at 20 pt, where three would not fit an 800-pixel screen."""
    return 2 if size >= 20 else 3





def reply_line(box: ComposeBox) -> int:
    """The height of a line of a Chinese reply (taller than the English UI's Latin face's lines)."""
    metrics = box.edit.fontMetrics()
    return max(metrics.lineSpacing(), metrics.size(0, "字").height())


def compose_problems(box: ComposeBox, size: int) -> list[str]:
    """What a user would see wrong: parts on top of each other, cut, or squeezed out of the box."""
    parts: dict[str, QWidget] = {
        "title": box.title,
        "summary": box.summary,
        "Clear": box.clear_button,
        "Copy": box.copy_button,
        "edit": box.edit,
    }
    parts = {name: widget for name, widget in parts.items() if widget.isVisible()}
    problems = []
    for (a, wa), (b, wb) in combinations(parts.items(), 2):
        if rect_in(wa, box).intersects(rect_in(wb, box)):
            problems.append(f"{a} {rect_in(wa, box)} overlaps {b} {rect_in(wb, box)}")
    for name, widget in parts.items():
        if not box.rect().contains(rect_in(widget, box)):
            problems.append(f"{name} {rect_in(widget, box)} outside the box {box.rect()}")
    window = box.window()
    if not window.rect().contains(rect_in(box, window)):
        problems.append(f"the box {rect_in(box, window)} outside its window {window.rect()}")
    for name in ("Clear", "Copy", "title"):
        widget = parts.get(name)
        if widget is not None:
            hint = widget.sizeHint()
            if widget.width() < hint.width() or widget.height() < hint.height():
                problems.append(f"{name} squeezed: {widget.size()} < {hint}")
    # The status beside the buttons keeps room for its first count ("1 处禁用语"), the rest may end in "…".
    text = box.summary.text()
    first = text.split("·")[0].strip()
    shown = box.summary.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, box.summary.contentsRect().width())
    if not shown.startswith(first):  # what ElidedLabel paints
        problems.append(f"summary {box.summary.width()} px shows {shown!r}, not {first!r}")
    if box.summary.height() < box.summary.sizeHint().height():
        problems.append(f"summary cut: {box.summary.height()} < {box.summary.sizeHint().height()}")
    lines = box.edit.viewport().height() / reply_line(box)
    if lines < least_lines(size):
        problems.append(f"the text area shows {lines:.1f} lines")
    return problems


def type_reply(qtbot, type_, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keySequence(window, QKeySequence("Ctrl+E"))
    window.compose.edit.clear()
    type_(window.compose.edit, REPLY)
    qtbot.waitUntil(lambda: not window.compose.edit._timer.isActive(), timeout=2000)
    settle(qtbot, 4)
    assert window.compose.edit.findings and window.compose.summary.text()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [0, 14, max(FONT_SIZES)])
def test_the_compose_box_fits_the_default_the_smallest_window_and_the_strip(
    qtbot, type_, window, shot, size: int, language: str, theme: str
) -> None:  # type: ignore[no-untyped-def]
    """At 14 pt in the smallest window Clear and Copy were squeezed and the text area showed under
    three lines; in the compact strip the status beside them was squeezed to nothing."""
    apply_look(window, language, size, theme)
    type_reply(qtbot, type_, window)
    box = window.compose
    tag = f"{language}-{size or 'default'}-{theme}"
    assert compose_problems(box, size) == []
    shot(box, f"compose-{tag}")

    window.resize(window.minimumSizeHint())
    qtbot.waitUntil(lambda: window.size() == window.minimumSizeHint(), timeout=3000)
    settle(qtbot, 4)
    shot(window, f"compose-smallest-window-{tag}")
    assert compose_problems(box, size) == [], window.size()

    window.compact.set_active(True, save=False)
    settle(qtbot, 4)
    shot(window, f"compose-strip-{tag}")
    assert compose_problems(box, size) == [], window.size()
    # The box does not hold the strip wider than it is meant to be.
    margins = window.centralWidget().layout().contentsMargins()
    assert box.minimumSizeHint().width() <= COMPACT_WIDTH - margins.left() - margins.right()
    window.compact.set_active(False, save=False)


@pytest.mark.parametrize("compact", [False, True])
def test_the_text_area_stays_put_while_findings_come_and_go(
    qtbot, type_, window, compact: bool
) -> None:  # type: ignore[no-untyped-def]
    """The status beside the buttons changes with every keystroke; the row does not, nor the text area."""
    apply_look(window, "zh_CN", 14, "light")
    if compact:
        window.compact.set_active(True, save=False)
    settle(qtbot, 4)
    box = window.compose

    def place() -> tuple[QRect, QRect, QRect]:
        return rect_in(box.edit, box), rect_in(box.clear_button, box), rect_in(box.copy_button, box)

    empty = place()
    type_reply(qtbot, type_, window)
    assert place() == empty
    box.edit.setPlainText("好的，我帮您核实一下。")
    qtbot.waitUntil(lambda: not box.edit._timer.isActive(), timeout=2000)
    settle(qtbot, 4)
    assert box.summary.text() and place() == empty
    if compact:
        window.compact.set_active(False, save=False)


def words_kept(box: ComposeBox) -> list[str]:
    """A button without its whole word has it in its tooltip; one with it has no tooltip to repeat it."""
    problems = []
    for button, word in ((box.clear_button, "Clear"), (box.copy_button, "Copy  Ctrl+⏎")):
        if button.text() != word and button.toolTip() != word:
            problems.append(f"{button.text()!r} without {word!r} in its tooltip")
        if button.text() == word and button.toolTip():
            problems.append(f"{word!r} has a tooltip")
        if not button.text() and button.icon().isNull():
            problems.append(f"{word!r} shows nothing")
    return problems


def test_a_narrow_strip_drops_the_title_then_the_key_hint_then_the_words(
    qtbot, type_, window, shot
) -> None:  # type: ignore[no-untyped-def]
    """One row at every width; what gives way first is what the agent needs least, kept in tooltips."""
    apply_look(window, "en", 14, "light")
    type_reply(qtbot, type_, window)
    box = window.compose
    assert box.title.isVisible() and box.copy_button.text() == "Copy  Ctrl+⏎" and box.clear_button.text() == "Clear"
    assert words_kept(box) == []
    window.compact.set_active(True, save=False)
    settle(qtbot, 4)
    # 14 pt in the strip: no title; Clear keeps its word, the key hint is in Copy's tooltip.
    assert not box.title.isVisible() and box.head.stage(box.head.width()) >= 1
    assert box.clear_button.text() == "Clear" and box.copy_button.text().startswith("Copy")
    assert box.edit.accessibleName() == "Compose"  # what the hidden title said
    assert words_kept(box) == [] and compose_problems(box, 14) == []
    stage = box.head.stage(box.head.width())
    # 20 pt in the strip: more gives way, nothing is cut.
    apply_look(window, "en", max(FONT_SIZES), "light")
    settle(qtbot, 4)
    shot(box, "compose-strip-en-20-stages")
    assert box.head.stage(box.head.width()) > stage
    assert words_kept(box) == [] and compose_problems(box, max(FONT_SIZES)) == []
    window.compact.set_active(False, save=False)
    settle(qtbot, 4)
    assert box.title.isVisible() and box.head.stage(box.head.width()) == 0
    assert box.copy_button.text() == "Copy  Ctrl+⏎" and box.clear_button.text() == "Clear"
    assert box.clear_button.icon().isNull() and box.copy_button.icon().isNull() and words_kept(box) == []
    box.clear_button.click()  # still the same button
    assert box.edit.toPlainText() == ""


def test_leaving_the_strip_gives_the_window_back_its_size(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The box's least height does not follow its width: a window that was a narrow strip is not
    held taller than it was when it becomes wide again."""
    for size in (14, 18):
        apply_look(window, "en", size, "light")
        window.resize(1240, 780)
        settle(qtbot, 4)
        before = window.size()
        window.compact.set_active(True, save=False)
        settle(qtbot, 4)
        window.compact.set_active(False, save=False)
        settle(qtbot, 4)
        assert window.size() == before, size


def test_a_larger_text_size_gives_the_text_area_more_pixels(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    heights = []
    for size in (9, 14, 18, max(FONT_SIZES)):
        apply_look(window, "zh_CN", size, "light")
        settle(qtbot, 4)
        edit = window.compose.edit
        heights.append(edit.minimumHeight())
        assert edit.minimumHeight() >= least_lines(size) * reply_line(window.compose)
    assert heights[0] < heights[1] < heights[2]
