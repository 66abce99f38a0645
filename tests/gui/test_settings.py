"""Settings: profile, paste behaviour, hotkey, theme, font, language; persisted in the library file."""

from __future__ import annotations

from huashu.gui import i18n, prefs, theme
from huashu.gui.app import create_main_window
from huashu.gui.qt import QKeySequence
from huashu.storage.library import Library


def open_settings(qtbot, active, window):  # type: ignore[no-untyped-def]
    active(window)
    qtbot.keySequence(window, QKeySequence("Ctrl+,"))
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    active(dialog)
    return dialog


def test_settings_persist_across_restart(qtbot, active, idle, type_, window, gui_lib, lib_path, shot) -> None:
    dialog = open_settings(qtbot, active, window)
    assert dialog.focusWidget() is dialog.profile_edits["名字"]
    type_(dialog.profile_edits["名字"], "小王")
    type_(dialog.profile_edits["工号"], "8848")
    dialog.paste_box.setCurrentIndex(dialog.paste_box.findData("copy_minimize"))
    type_(dialog.hotkey_edit, "Ctrl+Alt+H")
    dialog.tabs.setCurrentIndex(1)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    dialog.font_box.setCurrentIndex(dialog.font_box.findData(12))
    shot(dialog, "settings")
    dialog.tabs.setCurrentIndex(2)
    assert str(lib_path.parent) in dialog.folder_path.text()
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(
        lambda: window.settings_dialog is None or not window.settings_dialog.isVisible(), timeout=3000
    )
    assert window.ctx.settings == prefs.UiSettings(
        theme="dark", font_size=12, language="zh_CN", paste="copy_minimize", hotkey="Ctrl+Alt+H"
    )
    assert theme.colors().dark
    qtbot.waitUntil(lambda: window.ctx.profile.get("名字") == "小王", timeout=3000)
    window.close()
    gui_lib.close()

    # A fresh start on the same file: the settings and profile are still there.
    with Library.open(lib_path) as reopened:
        assert prefs.load(reopened) == prefs.UiSettings("dark", 12, "zh_CN", "copy_minimize", "Ctrl+Alt+H")
        assert reopened.profile() == {"名字": "小王", "工号": "8848"}
        again = create_main_window(reopened)
        qtbot.addWidget(again)
        assert theme.colors().dark
        assert again.ctx.settings.paste == "copy_minimize"
        again.close()


def test_profile_values_fill_phrases(qtbot, active, idle, type_, find, window) -> None:
    dialog = open_settings(qtbot, active, window)
    type_(dialog.profile_edits["名字"], "小李")
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: window.ctx.profile.get("名字") == "小李", timeout=3000)
    assert window.ctx.builtins()["您的名字/工号"] == "小李"


def test_unknown_stored_values_fall_back_to_defaults(gui_lib) -> None:
    gui_lib.set_setting("ui.theme", "purple")
    gui_lib.set_setting("ui.font_size", 400)
    gui_lib.set_setting("ui.language", "xx")
    loaded = prefs.load(gui_lib)
    assert (
        loaded.theme == "system"
        and loaded.font_size == prefs.MAX_FONT
        and loaded.language == i18n.DEFAULT_LANGUAGE
    )


def test_language_switch(qtbot, active, idle, window, shot) -> None:
    assert window.windowTitle() == "话术助手"
    assert window.menus["file"].title() == "文件(&F)"
    dialog = open_settings(qtbot, active, window)
    dialog.tabs.setCurrentIndex(1)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: window.windowTitle() == "Huashu 话术助手", timeout=3000)
    assert window.menus["file"].title() == "&File"
    assert window.search_box.placeholderText().startswith("Search phrases")
    assert window.tree._specials[0].text(0) == "All phrases"
    assert window.compose.title.text() == "Compose"
    assert "phrases" in window.count_label.text()
    shot(window, "main-english")
    dialog = open_settings(qtbot, active, window)
    assert dialog.windowTitle() == "Settings"
    dialog.tabs.setCurrentIndex(1)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("zh_CN"))
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: window.windowTitle() == "话术助手", timeout=3000)
    assert window.tree._specials[0].text(0) == "全部话术"
