"""Library errors: each carries a stable code and the values it names, and keeps its Chinese message."""

from __future__ import annotations

import functools
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from damage import scribble_pages
from huashu.core.models import Rule
from huashu.storage import library as library_module
from huashu.storage.library import (
    CodedError,
    Library,
    LibraryBusyError,
    LibraryCorruptError,
    LibraryError,
    LibraryFullError,
    LibraryReadOnlyError,
    LibraryUnavailableError,
    NotFoundError,
    ValidationError,
)

SOURCE = Path(library_module.__file__).read_text(encoding="utf-8")


def refused(action: Callable[[], object], kind: type[CodedError] = ValidationError) -> CodedError:
    with pytest.raises(kind) as info:
        action()
    return info.value


def pack_phrase(lib: Library) -> int:
    """A phrase as a team pack installs it: read-only for the agent."""
    (pid,) = lib.add_phrase("团队", "标准开场", "您好！").phrases
    lib.conn.execute("INSERT INTO packs (id, name, version, installed_at) VALUES ('p1', '总部', 1, 'now')")
    lib.conn.execute("UPDATE phrases SET origin = 'pack', pack_id = 'p1' WHERE id = ?", (pid,))
    return pid


def test_errors_without_a_code_keep_working_as_before() -> None:
    plain = ValidationError("随便什么")
    assert str(plain) == "随便什么" and plain.code is None and plain.details == {}
    assert isinstance(plain, ValueError) and isinstance(LibraryError("x"), RuntimeError)
    assert isinstance(NotFoundError("x"), LookupError)
    corrupt = LibraryCorruptError("坏了", Path("/x.db"))
    assert corrupt.path == Path("/x.db") and corrupt.code is None
    # Details are the strings the message shows, whatever was passed.
    coded = ValidationError("分类下还有 3 条话术", code="category_not_empty", details={"count": 3})
    assert coded.details == {"count": "3"} and str(coded) == "分类下还有 3 条话术"


@pytest.mark.parametrize(
    ("fields", "code", "details", "message"),
    [
        (("", "内容"), "title_empty", {}, "标题不能为空"),
        (("标题", "   "), "text_empty", {}, "内容不能为空"),
        (("标题", "a\x00b"), "nul_character", {}, "内容包含非法字符 NUL"),
        (("标\ud800题", "内容"), "unpaired_surrogate", {}, "内容包含无效字符（不成对的代理字符），请重新输入或粘贴"),
        (
            ("标题", "您的订单[订单号"),
            "placeholder",
            {"position": "5", "issue": "unclosed"},
            "占位符错误（第 5 个字符）: “[”没有配对的“]”（如需方括号本身，请写“[[”）",
        ),
        (
            ("标题", "您好[称呼:先生=老师]"),
            "placeholder",
            {"position": "9", "issue": "bad_default", "name": "称呼", "default": "老师"},
            "占位符错误（第 9 个字符）: 字段“称呼”的默认值“老师”不在可选项中",
        ),
    ],
)
def test_a_refused_phrase_says_why_by_code(
    lib: Library, fields: tuple[str, str], code: str, details: dict[str, str], message: str
) -> None:
    exc = refused(lambda: lib.add_phrase("问候", *fields))
    assert (exc.code, exc.details, str(exc)) == (code, details, message)
    assert lib.count_phrases() == 0


def test_a_lone_surrogate_outside_title_and_text_is_refused_by_code(lib: Library) -> None:
    exc = refused(lambda: lib.add_phrase("问候", "标题", "内容", notes="备注\udc00"))
    assert (exc.code, str(exc)) == ("unpaired_surrogate", "内容包含无效字符（不成对的代理字符），没有保存")


def test_shortcut_errors_carry_the_code_and_whose_it_is(lib: Library) -> None:
    lib.add_phrase("物流", "查询", "我帮您查询物流。", shortcut="/wl")
    taken = refused(lambda: lib.add_phrase("物流", "催件", "我帮您催一下。", shortcut="WL"))
    assert taken.code == "shortcut_taken" and taken.details == {"shortcut": "/wl", "title": "查询"}
    assert str(taken) == "快捷编码 /wl 已被“查询”使用"
    (other,) = lib.add_phrase("物流", "催件", "我帮您催一下。").phrases
    moved = refused(lambda: lib.update_phrase(other, shortcut="/wl"))
    assert moved.code == "shortcut_taken" and moved.details["title"] == "查询"
    for typed, message in [
        (" /w l ", "快捷编码不能包含空格且不超过 32 个字符: '/w l'"),
        ("/", "快捷编码在 / 后面需要字母或数字（例如 /tk）"),
        ("/退款!", "快捷编码只能由字母、数字、汉字和 - _ . 组成，'/退款!' 含有 !"),
    ]:
        bad = refused(functools.partial(lib.update_phrase, other, shortcut=typed))
        assert bad.code == "shortcut_invalid" and str(bad) == message
        assert bad.details == {"shortcut": typed.strip(), "limit": "32"}
    assert lib.phrase(other).shortcut is None


def test_team_pack_phrases_refuse_edits_moves_and_deletes_by_code(lib: Library) -> None:
    pid = pack_phrase(lib)
    elsewhere = lib.ensure_category("别处")
    cases = [
        (lambda: lib.update_phrase(pid, text="改了"), "team_phrase_read_only_edit", "请复制到个人话术后再修改"),
        (lambda: lib.move_phrase(pid, elsewhere), "team_phrase_read_only_move", "请复制到个人话术后再移动"),
        (lambda: lib.delete_phrase(pid), "team_phrase_read_only_delete", "不能删除"),
    ]
    for action, code, tail in cases:
        exc = refused(action)
        assert exc.code == code and exc.details == {}
        assert str(exc) == f"团队话术包中的话术为只读，{tail}"
    assert lib.phrase(pid).text == "您好！"


def test_what_no_longer_exists_is_named_by_code(lib: Library) -> None:
    phrase = refused(lambda: lib.delete_phrase(4242), NotFoundError)
    assert (phrase.code, phrase.details, str(phrase)) == ("phrase_not_found", {"id": "4242"}, "话术不存在: 4242")
    category = refused(lambda: lib.add_phrase(77, "标题", "内容"), NotFoundError)
    assert (category.code, category.details, str(category)) == (
        "category_not_found",
        {"id": "77"},
        "分类不存在: 77",
    )
    rule = refused(lambda: lib.delete_rule("R-404"), NotFoundError)
    assert (rule.code, rule.details, str(rule)) == ("rule_not_found", {"uid": "R-404"}, "规则不存在: R-404")


def test_category_errors_carry_their_codes(lib: Library) -> None:
    lib.add_phrase("甲/乙", "标题", "内容")
    a, b = lib.category_by_path("甲"), lib.category_by_path("甲/乙")
    assert a is not None and b is not None
    (other, _changes) = lib.add_category("丙")
    lib.add_category("乙")  # a top-level namesake of 甲/乙

    empty = refused(lambda: lib.ensure_category(" / "))
    assert (empty.code, str(empty)) == ("category_empty", "分类不能为空")
    blank = refused(lambda: lib.add_category("  "))
    assert (blank.code, blank.details, str(blank)) == (
        "category_name_invalid",
        {"name": ""},
        "分类名称不能为空，也不能包含“/”: ''",
    )
    slash = refused(lambda: lib.rename_category(other, "丙/丁"))
    assert (slash.code, slash.details) == ("category_name_invalid", {"name": "丙/丁"})
    assert str(slash) == "分类名称不能为空，也不能包含“/”"
    twice = refused(lambda: lib.add_category("甲"))
    assert (twice.code, twice.details, str(twice)) == ("category_exists", {"name": "甲"}, "同一层级下已有同名分类: 甲")
    renamed = refused(lambda: lib.rename_category(other, "甲"))
    assert (renamed.code, renamed.details) == ("category_exists", {"name": "甲"})
    cycle = refused(lambda: lib.move_category(a.id, b.id))
    assert (cycle.code, str(cycle)) == ("category_into_own_child", "不能把分类移动到它自己的子分类下")
    clash = refused(lambda: lib.move_category(b.id, None))
    assert (clash.code, clash.details) == ("category_exists_at_target", {"name": "乙"})
    assert str(clash) == "目标位置已有同名分类"
    full = refused(lambda: lib.delete_category(a.id))
    assert (full.code, full.details, str(full)) == (
        "category_not_empty",
        {"count": "1"},
        "分类下还有 1 条话术，请先移走或一并删除",
    )
    assert [c.path for c in lib.categories()] == ["甲", "甲/乙", "丙", "乙"]


def test_profile_and_rule_errors_carry_their_codes(lib: Library) -> None:
    key = refused(lambda: lib.set_profile({"名[字]": "张三"}))
    assert (key.code, key.details, str(key)) == ("profile_key_invalid", {"key": "名[字]"}, "资料名称无效: '名[字]'")
    hollow = Rule(uid="R1", patterns=(), severity="error")
    none = refused(lambda: lib.replace_rules([hollow]))
    assert (none.code, none.details, str(none)) == ("rule_without_patterns", {"uid": "R1"}, "规则 R1 没有匹配词")
    rule = Rule(uid="R2", patterns=("不知道",), severity="error")
    twice = refused(lambda: lib.replace_rules([rule, rule]))
    assert (twice.code, twice.details, str(twice)) == ("rule_uid_taken", {"uid": "R2"}, "规则编号重复: R2")
    save = refused(lambda: lib.save_rule(hollow))
    assert (save.code, str(save)) == ("rule_needs_pattern", "规则至少需要一个匹配词")
    assert lib.rules() == [] and lib.profile() == {}


def test_file_errors_when_opening_carry_their_codes(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    exc = refused(lambda: Library.open(missing, create=False), LibraryError)
    assert (exc.code, exc.details, str(exc)) == ("file_missing", {"path": str(missing)}, f"话术库文件不存在: {missing}")

    away = tmp_path / "U盘" / "library.db"
    exc = refused(lambda: Library.open(away), LibraryUnavailableError)
    assert exc.code == "folder_missing" and exc.details == {"path": str(away.parent)}
    assert str(exc).startswith(f"话术库所在的文件夹不存在（网络盘或U盘可能没有连接）: {away.parent}；")

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 not a library at all")
    exc = refused(lambda: Library.open(junk), LibraryCorruptError)
    assert (exc.code, exc.details) == ("not_a_library", {"path": str(junk)})
    assert str(exc) == f"不是话术库文件（文件格式不对或已损坏）: {junk}"

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    inside = blocker / "sub" / "library.db"
    exc = refused(lambda: Library.open(inside, make_dirs=True), LibraryError)
    assert exc.code == "folder_cannot_create" and exc.details["path"] == str(inside.parent)
    assert exc.details["reason"] and str(exc) == f"无法创建话术库目录 {inside.parent}: {exc.details['reason']}"


def test_a_damaged_file_is_named_by_code(db_path: Path) -> None:
    with Library.open(db_path, empty=True) as lib:
        for i in range(300):
            lib.add_phrase("甲", f"标题{i}", "内容" * 50)
    scribble_pages(db_path)
    exc = refused(lambda: Library.open(db_path), LibraryCorruptError)
    assert exc.code == "damaged_or_unusable" and exc.details["reason"]
    assert str(exc) == f"话术库文件已损坏或无法使用: {exc.details['reason']}"


def test_a_read_only_library_refuses_writes_by_code(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Library.open(db_path, empty=True).close()
    real_access = os.access
    monkeypatch.setattr(
        library_module.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    with Library.open(db_path) as lib:
        assert lib.read_only
        for write in (lambda: lib.add_phrase("甲", "新", "内容"), lambda: lib.import_rows([])):
            exc = refused(write, LibraryReadOnlyError)
            assert (exc.code, exc.details, str(exc)) == ("read_only", {}, library_module.READ_ONLY_MESSAGE)


def test_a_busy_library_is_named_by_code_with_its_path(db_path: Path) -> None:
    Library.open(db_path, empty=True).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Library.open(db_path, backup=False) as lib:
            lib.conn.execute("PRAGMA busy_timeout = 50")
            lib.busy_retries = 0
            exc = refused(lambda: lib.add_phrase("甲", "新", "内容"), LibraryBusyError)
    finally:
        holder.close()
    assert exc.code == "busy" and exc.details == {"path": str(db_path)}
    assert str(exc) == (
        f"话术库正被其他程序占用（可能是另一个话术助手或命令行正在保存），请稍后再试；这次修改未保存 ({db_path})"
    )


def test_a_full_disk_is_named_by_code(db_path: Path) -> None:
    with Library.open(db_path, empty=True) as lib:
        pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
        lib.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(LibraryFullError) as info, lib.transaction():
            for i in range(200):
                lib.add_phrase("大量", f"标题{i}", "很长的内容" * 400)
    exc = info.value
    assert exc.code == "disk_full" and exc.details == {"path": str(db_path)}
    assert str(exc) == f"磁盘空间已满，这次修改未保存；请清理磁盘后重试（搜索和复制不受影响） ({db_path})"


def test_a_library_file_that_went_away_is_named_by_code(tmp_path: Path) -> None:
    folder = tmp_path / "网络盘"
    folder.mkdir()
    path = folder / "library.db"
    lib = Library.open(path, empty=True)
    try:
        shutil.rmtree(folder)
        gone = refused(lambda: lib.add_phrase("甲", "新", "内容"), LibraryUnavailableError)
        assert gone.code == "file_gone" and gone.details["path"] == str(path) and gone.details["reason"]
        assert str(gone).startswith("找不到话术库文件（文件夹可能被移走或网络盘已断开），这次修改未保存；")
        folder.mkdir()
        Library.open(path, empty=True).close()  # another file now where the library was
        replaced = refused(lambda: lib.add_phrase("甲", "新", "内容"), LibraryUnavailableError)
        assert (replaced.code, replaced.details) == ("file_replaced", {"path": str(path)})
        assert str(replaced) == f"话术库文件已被替换或移走，这次修改未保存；请重新打开话术助手 ({path})"
    finally:
        lib.close()


def test_sqlite_failures_are_classified_with_codes() -> None:
    def classify(message: str, name: str, path: Path | None = None) -> LibraryError | None:
        exc = sqlite3.OperationalError(message)
        exc.sqlite_errorname = name  # type: ignore[attr-defined]
        return library_module.library_error(exc, path)

    where = Path("/srv/话术/library.db")
    cases = {
        "busy": classify("database is locked", "SQLITE_BUSY", where),
        "disk_full": classify("database or disk is full", "SQLITE_FULL", where),
        "read_only": classify("attempt to write a readonly database", "SQLITE_READONLY", where),
        "unavailable": classify("disk I/O error", "SQLITE_IOERR_WRITE", where),
        "damaged": classify("database disk image is malformed", "SQLITE_CORRUPT", where),
    }
    for code, exc in cases.items():
        assert exc is not None and exc.code == code and exc.details["path"] == str(where)
        assert str(exc).endswith(f" ({where})") or f"{where}" in str(exc)
    assert cases["damaged"].details["reason"] == "database disk image is malformed"
    # Without a file (an in-memory library) nothing names a path; a corrupt one names ":memory:".
    nameless = classify("database is locked", "SQLITE_BUSY")
    assert nameless is not None and nameless.details == {} and not str(nameless).endswith(")")


def test_every_code_raised_is_one_a_test_here_names() -> None:
    """A new coded error should be tested here (and worded by the GUI, see tests/gui/test_error_wording.py)."""
    raised = set(re.findall(r'code="(\w+)"', SOURCE)) | set(library_module._UNSTORABLE)
    named = set(re.findall(r'"(\w+)"', Path(__file__).read_text(encoding="utf-8")))
    # Reached only when SQLite or the file system fails in ways a test cannot provoke portably.
    unprovoked = {
        "file_unreadable",
        "file_cannot_open",
        "file_cannot_create",
        "wal_unavailable",
        "backup_before_upgrade_failed",
        "read_only_needs_upgrade",
    }
    # Lines of an import report, not errors: tests/core/test_coded_messages.py covers their codes.
    report_lines = {
        "cell_nul_character",
        "cell_unpaired_surrogate",
        "forbidden_words_imported",
        "markers_converted",
        "pack_phrase_changed",
        "row_duplicate",
        "row_duplicate_width",
        "shortcut_changed",
        "shortcut_invalid_ignored",
        "shortcut_taken_by_row",
        "shortcut_taken_ignored",
    }
    assert raised - named - unprovoked - report_lines == set()
    assert unprovoked <= raised
