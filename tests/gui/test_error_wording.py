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
from huashu.storage.library import CodedError, LibraryError, NotFoundError, ValidationError


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
    assert raised and raised <= set(errors._ERROR_WORDINGS), raised - set(errors._ERROR_WORDINGS)
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
