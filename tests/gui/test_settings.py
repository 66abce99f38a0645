"""Settings: profile, paste behaviour, hotkey, theme, font, language; persisted in the library file."""

from __future__ import annotations

from huashu.gui import i18n, prefs, theme
from huashu.gui.app import create_main_window
from huashu.gui.qt import QApplication, QKeySequence, Qt
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
    dialog.hotkey_edit.clear()
    type_(dialog.hotkey_edit, "ctrl+alt+j")  # stored in canonical spelling
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
        theme="dark", font_size=12, language="zh_CN", paste="copy_minimize", hotkey="Ctrl+Alt+J"
    )
    assert theme.colors().dark
    qtbot.waitUntil(lambda: window.ctx.profile.get("名字") == "小王", timeout=3000)
    window.close()
    gui_lib.close()

    # A fresh start on the same file: the settings and profile are still there.
    with Library.open(lib_path) as reopened:
        assert prefs.load(reopened) == prefs.UiSettings("dark", 12, "zh_CN", "copy_minimize", "Ctrl+Alt+J")
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


def test_settings_opened_before_the_profile_loads_keep_it(qtbot, active, idle, type_, window, gui_lib) -> None:
    """The profile loads after the first list: Settings opened in that moment showed it empty, and OK
    wrote the empty fields back, deleting it. Now the fields fill when it arrives, and OK writes only
    what the agent edited."""
    gui_lib.set_profile({"名字": "小王", "工号": "8848"})
    window.ctx.profile = {}  # as in the first moments after start
    dialog = open_settings(qtbot, active, window)
    assert dialog.profile_edits["名字"].text() == ""
    type_(dialog.profile_edits["门店"], "一号店")  # typed before the profile arrived: kept
    window.ctx.reload_profile()
    qtbot.waitUntil(lambda: dialog.profile_edits["名字"].text() == "小王", timeout=3000)
    assert dialog.profile_edits["门店"].text() == "一号店"
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: window.ctx.profile.get("门店") == "一号店", timeout=3000)
    assert gui_lib.profile() == {"名字": "小王", "工号": "8848", "门店": "一号店"}

    # Even OK pressed before the profile arrives never clears what the agent did not touch.
    window.ctx.profile = {}
    dialog = open_settings(qtbot, active, window)
    assert dialog.profile_edits["名字"].text() == ""
    dialog.buttons.accepted.emit()
    idle(window)
    assert gui_lib.profile() == {"名字": "小王", "工号": "8848", "门店": "一号店"}


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
    assert window.results_header.text().startswith("All phrases")  # not the scope's old name
    # Counts read as English: "Used once", "1 tip" (not "Used 1 times", "1 tips").
    from huashu.gui.results import ResultItem

    phrase = window.ctx.lib.phrase(window.model.item(0).phrase_id)
    window.ctx.lib.record_use(phrase.id)
    window.preview.show_item(ResultItem.from_phrase(window.ctx.lib.phrase(phrase.id)))
    assert window.preview.usage.text() == "Used once"
    window.compose.edit.setPlainText("亲")
    qtbot.waitUntil(lambda: "Ctrl+." in window.compose.summary.text(), timeout=3000)
    assert "1 tip " in window.compose.summary.text() + " " and "tips" not in window.compose.summary.text()
    window.compose.edit.clear()
    shot(window, "main-english")
    dialog = open_settings(qtbot, active, window)
    assert dialog.windowTitle() == "Settings"
    dialog.tabs.setCurrentIndex(1)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("zh_CN"))
    dialog.buttons.accepted.emit()
    idle(window)
    qtbot.waitUntil(lambda: window.windowTitle() == "话术助手", timeout=3000)
    assert window.tree._specials[0].text(0) == "全部话术"
    assert window.results_header.text().startswith("全部话术")


def test_hotkey_conflicts_are_reported_and_block_saving(qtbot, active, window, shot) -> None:
    from huashu.gui.companion import Companion
    from huashu.gui.hotkeys import NullBackend

    companion = Companion(window, backend=NullBackend("none here"), use_paster=False, tray=False)
    dialog = open_settings(qtbot, active, window)
    assert dialog.hotkey_edit.text() == "Ctrl+Alt+H"  # the default is shown
    assert dialog.hotkey_on.isChecked() and not dialog.paste_into_chat.isEnabled()  # no paster here
    dialog.hotkey_edit.setText("Ctrl+V")
    assert "粘贴" in dialog.hotkey_hint.text() and dialog.hotkey_edit.property("invalid")
    dialog.hotkey_edit.setText("Ctrl+Shift+C")  # the window's own compact-mode shortcut
    assert "紧凑模式" in dialog.hotkey_hint.text()
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.banner.isVisible()
    dialog.hotkey_edit.clear()
    qtbot.keyClick(dialog.hotkey_edit, "k", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert dialog.hotkey_edit.text() == "Ctrl+Alt+K"  # pressing the keys records them
    assert not dialog.hotkey_edit.property("invalid")
    assert "none here" in dialog.hotkey_hint.text()  # the platform's reason (Wayland: huashu --toggle)
    shot(dialog, "settings-hotkey")
    dialog.reject()
    companion.close()


def test_font_size_applies_live_and_goes_back_to_the_system_default(qtbot, idle, find, window) -> None:
    from dataclasses import replace

    default = QApplication.font().pointSizeF()
    find(window, "/ddh")

    def body_pt() -> float:
        html = window.preview.body.toHtml()
        sizes = [float(part.split("pt")[0]) for part in html.split("font-size:")[1:]]
        return max(sizes)

    before = body_pt()
    window.settings_applied.emit(replace(window.ctx.settings, font_size=16))
    qtbot.waitUntil(lambda: QApplication.font().pointSizeF() == 16)
    # The phrase text grows with everything else (it kept its old size while all else grew).
    qtbot.waitUntil(lambda: body_pt() > before * 1.4, timeout=3000)
    window.settings_applied.emit(replace(window.ctx.settings, font_size=0))
    qtbot.waitUntil(lambda: QApplication.font().pointSizeF() == default, timeout=3000)
    qtbot.waitUntil(lambda: abs(body_pt() - before) < 0.5, timeout=3000)


def test_drop_down_lists_show_every_choice_without_scrolling(qtbot, active, window) -> None:
    dialog = open_settings(qtbot, active, window)
    dialog.tabs.setCurrentIndex(1)
    for box in (dialog.theme_box, dialog.language_box):
        box.showPopup()
        view = box.view()
        qtbot.waitUntil(view.isVisible)
        assert view.verticalScrollBar().maximum() == 0, box.objectName()
        last = view.visualRect(box.model().index(box.count() - 1, 0))
        assert view.viewport().rect().contains(last), box.objectName()
        box.hidePopup()
    dialog.reject()
