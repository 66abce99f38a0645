"""Library errors reach the agent in the UI's language: English when switched to it, Chinese as the CLI says them."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from huashu.gui import errors, i18n
from huashu.gui.errors import storage_message
from huashu.gui.ops import OpError, friendly_error
from huashu.gui.qt import QApplication, QMessageBox, Qt
from huashu.storage import library as library_module
from huashu.storage.library import CodedError, Library, LibraryError, NotFoundError, ValidationError


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def failure_of(qtbot, window, op: Callable[[Any], object]) -> OpError:  # type: ignore[no-untyped-def]
    """Run `op` on the window's library worker, as the app's edits do, and return how it failed."""
    failures: list[OpError] = []
    window.ops.run(op, lambda _result: None, failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=10000)
    return failures[0]


def test_every_coded_library_error_has_an_english_wording(app) -> None:  # type: ignore[no-untyped-def]
    source = Path(library_module.__file__).read_text(encoding="utf-8")
    raised = set(re.findall(r'code="(\w+)"', source)) | set(library_module._UNSTORABLE)
    # Import-report lines are worded with the sheets' (see test_error_wording_packs.py).
    worded = set(errors._ERROR_WORDINGS) | set(errors._CODED_WORDINGS)
    assert raised and raised <= worded, raised - worded
    i18n.install_translators(app, "en")
    for code, (text, keys) in errors._ERROR_WORDINGS.items():
        # Each value named once, in order, so a translation can move it where its language wants it.
        assert re.findall(r"\{(\d+)\}", text) == [str(n) for n in range(len(keys))], code
        details = {key: f"<{key}>" for key in keys}
        if code == "placeholder":
            details = {"position": "<position>", "issue": "bad_default", "name": "<name>", "default": "<default>"}
        message = storage_message(ValidationError("中文原文", code=code, details=details))
        assert message is not None and not has_chinese(message), (code, message)
        for value in details.values():
            if value.startswith("<"):
                assert value in message, (code, message)


def test_in_chinese_the_library_says_what_the_command_line_says(app) -> None:  # type: ignore[no-untyped-def]
    i18n.install_translators(app, "zh_CN")
    taken = ValidationError("快捷编码 /wl 已被“查询”使用", code="shortcut_taken", details={"shortcut": "/wl"})
    assert friendly_error(taken) == "快捷编码 /wl 已被“查询”使用"
    busy = LibraryError("话术库正被其他程序占用", code="busy", details={"path": "/x.db"})
    assert friendly_error(busy) == "话术库正被其他程序占用"
    gone = NotFoundError("话术不存在: 7", code="phrase_not_found", details={"id": "7"})
    assert friendly_error(gone) == "找不到了（可能已被删除）：话术不存在: 7"


def test_in_english_an_unknown_or_missing_code_falls_back_to_the_library_message(app) -> None:  # type: ignore[no-untyped-def]
    i18n.install_translators(app, "en")
    assert friendly_error(ValidationError("规则没有匹配词")) == "规则没有匹配词"
    assert friendly_error(ValidationError("新的错误", code="from_a_newer_library")) == "新的错误"
    newer = ValidationError("占位符错误", code="placeholder", details={"position": "2", "issue": "newer_kind"})
    assert friendly_error(newer) == "占位符错误"
    uncoded = NotFoundError("话术不存在: 7")
    assert friendly_error(uncoded) == "It no longer exists (it may have been deleted): 话术不存在: 7"


def test_a_refused_shortcut_in_the_editor_is_worded_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, idle, type_, window, gui_lib, shot
) -> None:
    owner = gui_lib.phrase_by_shortcut("/dhwh")
    assert owner is not None
    i18n.install_translators(app, "en")
    window.editing.new_phrase()
    editor = window.editor
    assert editor is not None
    try:
        type_(editor.title_edit, "Duplicate")
        editor.category_box.setCurrentText("问候与开场")
        type_(editor.text_edit, "您好")
        editor.shortcut_edit.setText("/w l")
        editor.save_button.click()
        idle(window)
        assert editor.isVisible() and editor.banner.isVisible()
        assert editor.banner.text() == (
            "The shortcut “/w l” cannot be used: a shortcut is “/” followed by letters, digits, Chinese"
            " characters or - _ . (e.g. /tk), without spaces and at most 32 characters long."
        )
        editor.shortcut_edit.setText("/dhwh")
        editor.save_button.click()
        idle(window)
        assert editor.banner.text() == f"The shortcut /dhwh is already used by “{owner.title}”."
        shot(editor, "editor-shortcut-taken-en")

        i18n.install_translators(app, "zh_CN")
        editor.save_button.click()
        idle(window)
        assert editor.banner.text() == f"快捷编码 /dhwh 已被“{owner.title}”使用"
        shot(editor, "editor-shortcut-taken-zh")
        assert not any(p.title == "Duplicate" for p in gui_lib.phrases())
    finally:
        editor.discard()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "The title cannot be empty."), ("zh_CN", "标题不能为空")],
)
def test_an_empty_title_refused_by_the_library_is_worded_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, window, gui_lib, language, expected
) -> None:
    before = gui_lib.count_phrases()
    i18n.install_translators(app, language)
    error = failure_of(qtbot, window, lambda lib: lib.add_phrase("问候与开场", "  ", "您好"))
    assert isinstance(error.exception, ValidationError) and error.exception.code == "title_empty"
    assert error.message == expected
    assert gui_lib.count_phrases() == before


def test_deleting_a_team_phrase_is_refused_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, idle, window, gui_lib, shot
) -> None:
    target = gui_lib.phrase_by_shortcut("/ddh")
    assert target is not None
    gui_lib.conn.execute("UPDATE phrases SET origin = 'pack' WHERE id = ?", (target.id,))  # as a pack install would
    i18n.install_translators(app, "en")
    # Not handled by the caller: the window shows it, as it shows every failed operation.
    window.ops.run(lambda lib: lib.delete_phrase(target.id))
    idle(window)
    qtbot.waitUntil(lambda: window.toast.isVisible(), timeout=3000)
    assert window.toast.text() == "This phrase comes from a team pack and is read-only; it cannot be deleted."
    shot(window, "toast-team-phrase-en")
    i18n.install_translators(app, "zh_CN")
    error = failure_of(qtbot, window, lambda lib: lib.delete_phrase(target.id))
    assert error.message == "团队话术包中的话术为只读，不能删除"
    assert gui_lib.phrase(target.id).title == target.title


def test_a_category_that_exists_is_refused_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, idle, on_modal, window, gui_lib
) -> None:
    from huashu.gui.editor import CategoryNameDialog

    assert gui_lib.category_by_path("发票") is not None
    i18n.install_translators(app, "en")
    shown: list[str] = []

    def name(dialog: CategoryNameDialog) -> None:
        dialog.edit.setText("发票")
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)

    def read(box: QMessageBox) -> None:
        shown.append(box.text())
        box.accept()

    on_modal(CategoryNameDialog, name)
    on_modal(QMessageBox, read)
    window.editing.new_category(None)
    idle(window)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["There is already a category named “发票” at this level."]
    assert QApplication.activeModalWidget() is None


def test_a_busy_library_is_worded_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, window, gui_lib, lib_path
) -> None:
    pid = gui_lib.phrase_by_shortcut("/ddh").id
    holder = sqlite3.connect(lib_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    gui_lib.conn.execute("PRAGMA busy_timeout = 50")
    gui_lib.busy_retries = 0
    try:
        i18n.install_translators(app, "en")
        error = failure_of(qtbot, window, lambda lib: lib.set_favorite(pid, True))
        assert error.message == (
            "The phrase library is in use by another program (another Huashu or the command line may be"
            f" saving); please try again in a moment. This change was not saved ({lib_path})"
        )
        i18n.install_translators(app, "zh_CN")
        error = failure_of(qtbot, window, lambda lib: lib.set_favorite(pid, True))
        assert error.message == str(error.exception) and error.message.startswith("话术库正被其他程序占用")
    finally:
        holder.close()
        gui_lib.conn.execute("PRAGMA busy_timeout = 10000")
        gui_lib.busy_retries = 3


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Phrase 987654321 no longer exists (it may have been deleted)."),
        ("zh_CN", "找不到了（可能已被删除）：话术不存在: 987654321"),
    ],
)
def test_a_phrase_that_is_gone_is_worded_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, window, language, expected
) -> None:
    i18n.install_translators(app, language)
    error = failure_of(qtbot, window, lambda lib: lib.record_use(987654321))
    assert isinstance(error.exception, CodedError) and error.exception.code == "phrase_not_found"
    assert error.message == expected


# -- sheets a lead imports, and a library the app cannot open ------------------------------------------

BAD_ROWS = (
    "分类,标题,内容,快捷编码\n"
    ",无分类,您好，这一行没有分类。,\n"
    "售后,退款进度,您好，退款已提交。,/tkjd2\n"
    "售后,退款进度,您好，这一行重复了。,\n"
    "售后,坏模板,这是[坏的,\n"
    "售后,空格编码,您好，请稍等。,/w l\n"
    "售后,抢编码,您好，马上为您查询。,/dhwh\n"
    "售后,不知道,这个我不知道。,\n"
    "售后,配对,请长按按钮 XX 秒。,\n"
)


def import_report_lines(qtbot, window, sheet: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Import `sheet` as a lead does and return the report as the dialog shows it: each row's
    place and message joined on one line."""
    from huashu.gui.import_export import ImportReportDialog
    from huashu.gui.qt import QTextBrowser

    assert window.import_file(sheet)
    qtbot.waitUntil(lambda: window.import_flow.report_dialog is not None, timeout=10000)
    dialog = window.import_flow.report_dialog
    assert isinstance(dialog, ImportReportDialog)
    # A table's cells come out one per line: a row's place, then its message.
    shown = dialog.findChild(QTextBrowser, "importDetails").toPlainText()
    lines = [" ".join(line.split()) for line in shown.splitlines()]
    place = re.compile(r"^(row \d+|sheet “.*” row \d+|第 \d+ 行|工作表“.*”第 \d+ 行)$")
    joined: list[str] = []
    for line in lines:
        if joined and place.match(joined[-1]):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def test_an_import_report_is_worded_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, idle, window, gui_lib, tmp_path: Path, shot
) -> None:
    owner = gui_lib.phrase_by_shortcut("/dhwh")
    assert owner is not None
    sheet = tmp_path / "team.csv"
    sheet.write_text(BAD_ROWS, encoding="utf-8")
    i18n.install_translators(app, "en")
    lines = import_report_lines(qtbot, window, sheet)
    shot(window.import_flow.report_dialog, "import-report-en")
    expected = [
        "row 2 The category is empty.",
        "row 4 The same as row 3 (the same title in the same category).",
        "row 5 Placeholder error (character 3): “[” has no closing “]” (for a bracket itself, write “[[”)",
        "row 6 The shortcut “/w l” cannot be used and was left out: a shortcut is “/” followed by letters,"
        " digits, Chinese characters or - _ . (e.g. /tk), without spaces and at most 32 characters long.",
        f"row 7 The shortcut /dhwh is already used by “{owner.title}”, so it was left out.",
        "row 8 Contains forbidden phrases: 我不知道 (imported; please change it).",
        "row 9 Old-style blanks turned into fields: XX→[秒数]",
    ]
    missing = [line for line in expected if line not in lines]
    assert not missing, (missing, lines)
    # Only the sheet's own words (titles, fields, forbidden phrases) stay Chinese.
    assert not any(word in text for text in lines for word in ("第", "已忽略", "为空", "重复")), lines
    window.import_flow.report_dialog.accept()
    idle(window)


def test_in_chinese_the_import_report_says_what_the_command_line_says(  # type: ignore[no-untyped-def]
    qtbot, app, idle, window, gui_lib, tmp_path: Path, shot
) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(BAD_ROWS, encoding="utf-8")
    expected = gui_lib.import_file(sheet, dry_run=True)
    i18n.install_translators(app, "zh_CN")
    lines = import_report_lines(qtbot, window, sheet)
    report = window.import_flow.report_dialog.report
    said = [message for _line, message in report.skipped + report.warnings + report.converted]
    assert said == [message for _line, message in expected.skipped + expected.warnings + expected.converted]
    for line, message in report.skipped + report.warnings + report.converted:
        assert f"第 {line} 行 {message}" in lines, (line, message)
    assert "第 4 行 与第 3 行重复（同一分类下同名标题）" in lines
    shot(window.import_flow.report_dialog, "import-report-zh")
    window.import_flow.report_dialog.accept()
    idle(window)


def read_error_box(qtbot, on_modal, start: Callable[[], object]) -> str:  # type: ignore[no-untyped-def]
    """Start something that ends in an error message box and return the box's text."""
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(box.text())
        box.accept()

    on_modal(QMessageBox, read)
    start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    return seen[0]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Required columns are missing: title (标题). The file's header has: 分类, 名称X, 内容."),
        ("zh_CN", "缺少必需的列: 标题（文件表头: 分类、名称X、内容）"),
    ],
)
def test_a_sheet_without_a_title_column_is_refused_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window, gui_lib, tmp_path: Path, language, expected
) -> None:
    sheet = tmp_path / "wrong-header.csv"
    sheet.write_text("分类,名称X,内容\n售后,退款,您好\n", encoding="utf-8")
    before = gui_lib.count_phrases()
    i18n.install_translators(app, language)
    assert read_error_box(qtbot, on_modal, lambda: window.import_file(sheet)) == expected
    assert gui_lib.count_phrases() == before and not window.import_flow.running


def test_a_badly_encoded_sheet_is_explained_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window, tmp_path: Path
) -> None:
    sheet = tmp_path / "gbk.csv"
    sheet.write_bytes("分类,标题,内容\n售后,退款,1-3天到账。\n售后,坏,".encode("gbk") + b"\xbb\n")
    i18n.install_translators(app, "en")
    text = read_error_box(qtbot, on_modal, lambda: window.import_file(sheet))
    assert text.splitlines() == [
        "The file's encoding is wrong, so none of it was imported: read as GB18030/GBK, at row 3,"
        " character 6 (byte 46 of the file) there are bytes that cannot be read: 0xBB.",
        "Supported encodings: UTF-8 (with or without BOM), GB18030 (including GBK and GB2312), UTF-16 (with BOM).",
        "To fix it: open the file in Excel or Notepad, correct this spot (it usually shows as garbled"
        " characters or question marks), then use “Save As” with the file type “CSV UTF-8 (Comma"
        " delimited) (*.csv)” and import it again.",
    ]


def newer_library(path: Path) -> Path:
    """A library file as a newer Huashu leaves it: a migration this version does not know."""
    Library.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_from_the_future', 'now')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "This phrase library was written by a newer version of Huashu (unknown database version:"
            " 9999_from_the_future); update Huashu to open it.",
        ),
        (
            "zh_CN",
            "话术库文件来自更新版本的话术助手（未知的数据库版本: 9999_from_the_future），请升级本程序后再打开。"
            " / The library was written by a newer Huashu; upgrade to open it.",
        ),
    ],
)
def test_a_library_from_a_newer_version_is_refused_at_start_in_the_system_language(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, tmp_path: Path, monkeypatch, language, expected
) -> None:
    # Before a library opens its language setting cannot be read: the system's is spoken, whatever
    # the app spoke before.
    from huashu.gui import errors
    from huashu.gui.app import open_library

    path = newer_library(tmp_path / "newer.huashu.db")
    i18n.install_translators(app, "zh_CN" if language == "en" else "en")
    monkeypatch.setattr(errors, "system_language", lambda: language)
    opened: list[object] = []
    text = read_error_box(qtbot, on_modal, lambda: opened.append(open_library(path)))
    assert opened == [None]
    assert text.split("\n\n")[1] == expected
    if language == "en":
        assert text.split("\n\n")[0] == "The phrase library could not be opened."


def test_the_language_before_the_library_is_read_follows_the_system_locale(tmp_path: Path) -> None:
    """What app.py shows before the library's language setting is known: LANG (or LC_ALL,
    LC_MESSAGES) on Linux, as Qt reads it when the process starts."""
    import os
    import subprocess
    import sys

    script = "from huashu.gui.errors import system_language; print(system_language())"
    said = {}
    for lang in ("en_US.UTF-8", "en_GB.UTF-8", "zh_CN.UTF-8", "zh_TW.UTF-8", "de_DE.UTF-8", "C"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")} | {
            "LANG": lang,
            "QT_QPA_PLATFORM": "offscreen",
        }
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
        said[lang] = done.stdout.strip()
    assert said == {
        "en_US.UTF-8": "en",
        "en_GB.UTF-8": "en",
        "zh_CN.UTF-8": "zh_CN",
        "zh_TW.UTF-8": "zh_CN",
        "de_DE.UTF-8": "en",
        "C": "zh_CN",  # no locale at all: the app's own default
    }
