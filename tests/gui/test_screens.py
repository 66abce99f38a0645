"""Every screen in the light and dark theme renders (and is saved to $HUASHU_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest

from huashu.gui import theme
from huashu.gui.qt import QImage, QKeySequence, Qt


def distinct_colors(image: QImage) -> int:
    """A rough check that something was drawn: a blank or black grab has one or two colours."""
    seen = set()
    for y in range(0, image.height(), max(1, image.height() // 40)):
        for x in range(0, image.width(), max(1, image.width() // 40)):
            seen.add(image.pixel(x, y))
    return len(seen)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_screen(qtbot, idle, type_, find, active, app, window, gui_lib, shot, mode) -> None:
    theme.apply(app, mode, 0)
    gui_lib.set_profile({"名字": "小王", "工号": "8848"})
    window.ctx.reload_profile()
    idle(window)
    find(window, "tk")
    assert distinct_colors(window.grab().toImage()) > 8
    shot(window, f"main-{mode}")

    find(window, "/bkfp")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    type_(window.fill.inputs["订单号"], "SO20240518001")
    shot(window, f"fill-{mode}")
    qtbot.keyClick(window.fill.inputs["订单号"], Qt.Key.Key_Escape)

    active(window)
    qtbot.keySequence(window, QKeySequence("Ctrl+E"))
    type_(window.compose.edit, "亲，这个我不知道，你找别人吧。没办法，系统问题。")
    qtbot.waitUntil(lambda: len(window.compose.edit.findings) >= 3, timeout=3000)
    shot(window, f"compose-{mode}")
    window.compose.clear()

    window.focus_search()
    qtbot.keyClick(window.search_box, Qt.Key.Key_F1)
    shot(window, f"help-{mode}")
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)

    find(window, "/hddd")
    window.editing.edit_phrase()
    idle(window)
    editor = window.editor
    editor.text_edit.moveCursor(editor.text_edit.textCursor().MoveOperation.End)
    type_(editor.text_edit, "我不知道")
    qtbot.waitUntil(lambda: bool(editor.text_edit.findings), timeout=3000)
    assert distinct_colors(editor.grab().toImage()) > 8
    shot(editor, f"editor-{mode}")
    editor.discard()  # the typed words were only for the screenshot

    active(window)
    window.open_rules()
    screen = window.rules_screen
    type_(screen.test_edit, "这个我不知道，你找别人吧")
    shot(screen, f"rules-{mode}")
    screen.close()

    active(window)
    window.open_settings()
    dialog = window.settings_dialog
    shot(dialog, f"settings-{mode}")
    dialog.tabs.setCurrentIndex(1)
    shot(dialog, f"settings-look-{mode}")
    dialog.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_an_unchecked_box_is_visible_in_both_themes(qtbot, app, mode) -> None:  # type: ignore[no-untyped-def]
    """Fusion's own indicator outline nearly vanished on the dark base: the box is drawn in the
    muted text colour, the tick on the accent."""
    from huashu.gui.qt import QCheckBox, QColor

    c = theme.apply(app, mode, 10)
    for checked in (False, True):
        box = QCheckBox("开机自动启动")
        box.setChecked(checked)
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        image = box.grab().toImage()
        edge = QColor(c.accent if checked else c.muted)
        seen = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}

        def near(name: str, target: QColor = edge) -> bool:
            color = QColor(name)
            return max(abs(color.red() - target.red()), abs(color.green() - target.green()),
                       abs(color.blue() - target.blue())) <= 24

        assert any(near(name) for name in seen), (mode, checked, sorted(seen)[:12])
