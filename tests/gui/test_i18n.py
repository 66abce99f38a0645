"""Translations: the committed .ts covers every UI string, compiles like lrelease, and Chinese has a CJK font."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from huashu.gui import i18n, theme
from huashu.gui.qt import QFontDatabase, QFontInfo, QKeySequence, QTranslator

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "huashu_zh_CN.ts"
TOOLS = Path(sys.executable).parent


def _tool(name: str) -> str | None:
    return shutil.which(f"pyside6-{name}", path=str(TOOLS)) or shutil.which(f"pyside6-{name}")


def test_every_message_is_translated() -> None:
    text = TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    messages = i18n.read_ts(TS)
    assert len(messages) > 200
    assert messages[("MainWindow", "Copied")] == "已复制"
    # Placeholders survive translation.
    for (_ctx, source), translation in messages.items():
        for n in range(5):
            assert (f"{{{n}}}" in source) == (f"{{{n}}}" in translation), source


def test_ts_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    lupdate = _tool("lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not available")
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "desktop" / "huashu" / "gui").glob("*.py"))
    subprocess.run(
        [lupdate, *sources, "-ts", str(fresh), "-locations", "none"], check=True, capture_output=True
    )
    import xml.etree.ElementTree as ET

    wanted = {
        (ctx.findtext("name"), msg.findtext("source"))
        for ctx in ET.parse(fresh).getroot().iter("context")
        for msg in ctx.iter("message")
    }
    missing = wanted - set(i18n.read_ts(TS))
    assert not missing, f"run lupdate and translate: {sorted(missing)[:10]}"


def test_in_memory_catalogue_matches_lrelease(tmp_path: Path) -> None:
    messages = i18n.read_ts(TS)
    ours = i18n.CatalogueTranslator(i18n.compile_qm(messages, "zh_CN"), len(messages))
    assert ours.language() == "zh_CN"
    lrelease = _tool("lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not available")
    qm = tmp_path / "huashu_zh_CN.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(qm)], check=True, capture_output=True)
    theirs = QTranslator()
    assert theirs.load(str(qm))
    for (context, source), translation in messages.items():
        assert ours.translate(context, source) == theirs.translate(context, source) == translation
    assert ours.translate("MainWindow", "not a message") == ""
    assert ours.translate("SomeOtherContext", "Copied") == ""


def test_install_and_switch(app) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui.qt import QCoreApplication

    installed = i18n.install_translators(app, "en")
    assert i18n.current_language() == "en" and "source" in installed
    assert QCoreApplication.translate("MainWindow", "Copied") == "Copied"
    installed = i18n.install_translators(app, "zh_CN")
    assert "huashu_zh_CN" in installed and "qtbase_zh_CN" in installed
    assert QCoreApplication.translate("MainWindow", "Copied") == "已复制"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"  # Qt 6 standard buttons
    assert i18n.language_for("zh_TW") == "zh_CN" and i18n.language_for("de_DE") == "en"


def test_a_ts_is_compiled_once_and_a_broken_cache_is_rebuilt(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui.qt import QCoreApplication
    from huashu.paths import user_cache_dir

    ts = Path(__file__).parents[2] / "resources" / "translations" / "huashu_zh_CN.ts"
    stale = user_cache_dir() / "translations" / "huashu_zh_CN-c0-0123456789abcdef.qm"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(i18n.QM_MAGIC)  # built from an older .ts (or by an older compiler)
    first = i18n._translator_from_ts(ts, "zh_CN")
    assert not stale.exists()
    cached = list((user_cache_dir() / "translations").glob("huashu_zh_CN-*.qm"))
    assert len(cached) == 1 and isinstance(first, i18n.CatalogueTranslator)
    again = i18n._translator_from_ts(ts, "zh_CN")
    assert not isinstance(again, i18n.CatalogueTranslator)  # loaded from the cache, not parsed
    assert again.translate("MainWindow", "Copied") == "已复制"
    cached[0].write_bytes(b"not a catalogue")
    rebuilt = i18n._translator_from_ts(ts, "zh_CN")
    assert isinstance(rebuilt, i18n.CatalogueTranslator) and rebuilt.translate("MainWindow", "Copied") == "已复制"
    assert cached[0].read_bytes().startswith(i18n.QM_MAGIC)
    assert QCoreApplication.translate("MainWindow", "Copied")  # the app's own translators are untouched


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="font names are per platform")
def test_chinese_renders_with_a_simplified_chinese_font(app) -> None:  # type: ignore[no-untyped-def]
    i18n.install_translators(app, "zh_CN")
    theme.apply(app, "light", 0)
    families = set(QFontDatabase.families())
    wanted = [f for f in theme.FONT_FAMILIES["linux"] if f in families]
    if not any("CJK SC" in f or "Han Sans" in f or "WenQuanYi" in f for f in wanted):
        pytest.skip("no Simplified Chinese font installed")
    assert QFontInfo(app.font()).family() == wanted[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="font names are per platform")
def test_english_quotes_are_narrow_and_chinese_still_renders(app) -> None:  # type: ignore[no-untyped-def]
    """With the Chinese face first, “wl” in English read as “ wl ” with wide gaps."""
    from huashu.gui.qt import QFontMetrics

    families = set(QFontDatabase.families())
    if "Noto Sans" not in families and "DejaVu Sans" not in families:
        pytest.skip("no Latin UI font installed")
    try:
        i18n.install_translators(app, "zh_CN")
        theme.apply(app, "light", 0)
        chinese = QFontMetrics(app.font())
        i18n.install_translators(app, "en")
        theme.apply(app, "light", 0)
        english = QFontMetrics(app.font())
        assert QFontInfo(app.font()).family() in theme.LATIN_FACES
        assert english.horizontalAdvance("“") < chinese.horizontalAdvance("“")
        # Chinese text in the English UI still comes from a Chinese face behind it, not tofu boxes.
        assert [f for f in app.font().families() if f in families and f not in theme.LATIN_FACES]
    finally:
        i18n.install_translators(app, "zh_CN")
        theme.apply(app, "light", 0)


def test_switching_language_keeps_the_search(qtbot, find, idle, window) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    find(window, "tk")
    rows = window.model.rowCount()
    try:
        qtbot.keySequence(window, QKeySequence("Ctrl+,"))
        dialog = window.settings_dialog
        dialog.tabs.setCurrentIndex(1)
        dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == "&File", timeout=3000)
        idle(window)
        assert window.search_box.text() == "tk" and window.model.rowCount() == rows
    finally:
        window.settings_applied.emit(replace(window.ctx.settings, language="zh_CN"))
    assert window.search_box.text() == "tk"


# -- every language, every place ----------------------------------------------------------------


def _switch(qtbot, app, window, language: str) -> None:  # type: ignore[no-untyped-def]
    """Install a language as Settings does and wait until the window has retranslated itself."""
    i18n.install_translators(app, language)
    file_menu = "&File" if language == "en" else "文件(&F)"
    qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == file_menu, timeout=3000)


def _mnemonic(text: str) -> str | None:
    """The accelerator letter of a menu text ("&&" is a literal ampersand), upper-cased."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].upper()
            i += 1
        i += 1
    return None


def _assert_unique_accelerators(menu_name: str, texts: list[str]) -> None:
    letters = [_mnemonic(t) for t in texts]
    pairs = list(zip(texts, letters, strict=True))
    assert all(letters), f"{menu_name}: no accelerator in {[t for t, k in pairs if not k]}"
    duplicates = {k for k in letters if letters.count(k) > 1}
    assert not duplicates, f"{menu_name}: {[t for t, k in pairs if k in duplicates]}"


def _context_menu_texts(qtbot, open_menu) -> list[str]:  # type: ignore[no-untyped-def]
    """The action texts of the context menu `open_menu()` pops up (exec() blocks, so read it from a timer)."""
    from huashu.gui.qt import QApplication, QMenu, QTimer

    seen: list[str] = []

    def read() -> None:
        popup = QApplication.activePopupWidget()
        if isinstance(popup, QMenu):
            seen.extend(a.text() for a in popup.actions() if not a.isSeparator())
            popup.close()
        else:
            QTimer.singleShot(20, read)

    QTimer.singleShot(20, read)
    open_menu()
    assert seen, "the context menu did not open"
    return seen


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_menu_has_unique_accelerators(qtbot, app, find, window, language) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui.qt import QPoint

    _switch(qtbot, app, window, language)
    bar = window.menuBar()
    _assert_unique_accelerators("menu bar", [a.text() for a in bar.actions()])
    for action in bar.actions():
        menu = action.menu()
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert len(texts) >= 2
        _assert_unique_accelerators(action.text(), texts)
    find(window, "tk")
    rect = window.results.visualRect(window.model.index(0, 0))
    results = _context_menu_texts(qtbot, lambda: window._results_menu(rect.center()))
    _assert_unique_accelerators("results context menu", results)
    item = window.tree.topLevelItem(window.tree.topLevelItemCount() - 1)
    point = window.tree.visualItemRect(item).center() if item is not None else QPoint(5, 5)
    tree = _context_menu_texts(qtbot, lambda: window._tree_menu(point))
    _assert_unique_accelerators("category context menu", tree)


def test_the_edit_menu_names_the_undo_step_in_the_language_switched_to(  # type: ignore[no-untyped-def]
    qtbot, app, find, idle, window
) -> None:
    _switch(qtbot, app, window, "en")
    find(window, "/ddh")
    title = window.selected_item().title
    window.actions_by_name["favorite"].trigger()
    idle(window)
    qtbot.waitUntil(lambda: window.ctx.undo.count() == 1, timeout=3000)
    undo = window.actions_by_name["undo"]
    assert undo.text() == f"&Undo Star “{title}”"
    _switch(qtbot, app, window, "zh_CN")
    assert undo.text() == f"撤销 收藏“{title}”(&U)"
    window.ctx.undo.undo()  # the step undone is now the one Redo names, in Chinese too
    idle(window)
    assert window.actions_by_name["redo"].text() == f"重做 收藏“{title}”(&R)"
    _switch(qtbot, app, window, "en")
    assert window.actions_by_name["redo"].text() == f"&Redo Star “{title}”"


def test_an_ampersand_in_a_title_is_not_an_accelerator_in_the_edit_menu(  # type: ignore[no-untyped-def]
    qtbot, app, window
) -> None:
    from huashu.gui.undo import SetFavorite, Undo

    _switch(qtbot, app, window, "en")
    window.ctx.undo.push(SetFavorite(Undo(window.ctx.undo, window.ops, lambda _e: None), "u", "B&Q", True))
    text = window.actions_by_name["undo"].text()
    assert text == "&Undo Star “B&&Q”" and _mnemonic(text) == "U"


def test_placeholder_problems_are_worded_in_the_ui_language(app) -> None:  # type: ignore[no-untyped-def]
    from huashu.core import placeholders

    samples = ["[订单号", "订单]", "[]", "[=x]", "[称呼:x||y]", "[" + "长" * 41 + "]", "[称呼:先生=老师]"]
    samples.append("[a|b]")
    issues = [placeholders.validate(text)[0] for text in samples]
    assert {i.code for i in issues} == set(placeholders.ISSUE_DETAILS)  # every kind of problem
    i18n.install_translators(app, "zh_CN")
    for issue in issues:  # in Chinese the app says what the command line says
        assert i18n.placeholder_message(issue) == issue.message_zh
    i18n.install_translators(app, "en")
    for issue, text in zip(issues, samples, strict=True):
        message = i18n.placeholder_message(issue)
        for _key, value in issue.details:
            assert value in message, (text, message)
            message = message.replace(value, "")
        # Only the agent's own words and the example field [称呼:先生|女士] stay in Chinese.
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in message.replace("[称呼:先生|女士]", "")), message


def test_the_editor_words_placeholder_problems_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, active, idle, type_, window, shot
) -> None:
    from huashu.gui.qt import QKeySequence as Keys

    _switch(qtbot, app, window, "en")
    active(window)
    qtbot.keySequence(window, Keys("Ctrl+Shift+N"))
    editor = window.editor
    assert editor is not None
    try:
        type_(editor.title_edit, "Order")
        editor.text_edit.setFocus()
        type_(editor.text_edit, "您好[订单号，[称呼:先生=老师]")
        problems = editor.problems.text()
        assert "Character 3: “[” has no closing “]”" in problems, problems
        assert "Character 14: The default “老师” of field “称呼” is not one of its choices" in problems
        assert "没有配对" not in problems and "字符" not in problems
        editor._save()
        assert "Not saved: the “[” at character 3" in editor.banner.text()
        shot(editor, "editor-placeholder-problem-en")
        # Switching language with the editor open rewords the list and the banner.
        _switch(qtbot, app, window, "zh_CN")
        qtbot.waitUntil(lambda: "第 3 个字符：“[”没有配对的“]”" in editor.problems.text(), timeout=3000)
        assert "字段“称呼”的默认值“老师”不在可选项中" in editor.problems.text()
        assert "尚未保存：第 3 个字符处的“[”没有配对的“]”" in editor.banner.text()
        shot(editor, "editor-placeholder-problem-zh")
    finally:
        editor.discard()


def test_the_file_dialog_is_chinese_in_chinese(app, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Qt's own dialog: qtbase_zh_CN lacks the "&Look in:" and "Files of &type:" of Qt 6's form."""
    from huashu.gui.qt import QAbstractItemView, QFileDialog, QLabel

    (tmp_path / "导出").mkdir()
    i18n.install_translators(app, "zh_CN")
    dialog = QFileDialog(None, "导出话术", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(["Excel 表格 (*.xlsx)"])
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel) if label.text()}
    assert labels["lookInLabel"] == "查找范围(&L)："
    assert labels["fileTypeLabel"] == "文件类型(&T)："
    for name, text in labels.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (name, text)
    # The Type column names a folder in Chinese too.
    model = dialog.findChild(QAbstractItemView, "treeView").model()
    qtbot.waitUntil(lambda: model.rowCount(model.index(str(tmp_path))) == 1, timeout=3000)
    folder = model.index(0, 2, model.index(str(tmp_path)))
    assert model.data(folder) == "文件夹"
    # Its size column: Qt's catalogue says 体积 ("volume"), ours says 大小.
    from huashu.gui.qt import Qt

    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "大小" in headers and "体积" not in headers, headers
    dialog.close()
