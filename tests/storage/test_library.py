"""The Library: categories, phrases, edits returning changes, imports that are all-or-nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from damage import scribble_pages
from huashu.core.models import PhraseRow, Rule, row_label
from huashu.storage.library import Library, LibraryError, NotFoundError, ValidationError
from workbooks import write_workbook


def logical_hash(lib: Library) -> str:
    """A digest of everything a user would miss, independent of page layout."""
    digest = hashlib.sha256()
    for table in ("categories", "phrases", "profile", "settings", "rules", "synonyms", "packs"):
        for row in lib.conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_new_file_gets_default_library_wal_and_foreign_keys(db_path: Path) -> None:
    with Library.open(db_path) as lib:
        assert lib.count_phrases() >= 150
        assert len({c.path.split("/")[0] for c in lib.categories()}) >= 10
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert len(lib.rules()) > 20
        assert lib.integrity_problems() == []


def test_default_uids_are_stable_across_installs(tmp_path: Path) -> None:
    with Library.open(tmp_path / "a.db") as a, Library.open(tmp_path / "b.db") as b:
        assert [p.uid for p in a.phrases()] == [p.uid for p in b.phrases()]


def test_empty_library(db_path: Path) -> None:
    with Library.open(db_path, empty=True) as lib:
        assert lib.count_phrases() == 0
        assert lib.rules() == []


def test_category_tree_paths_and_counts(lib: Library) -> None:
    lib.add_phrase("投诉处理/物流超期", "安抚", "非常抱歉让您久等了。")
    lib.add_phrase("投诉处理/发错货", "核对订单", "请稍等，我查看一下您的订单[订单号]。")
    lib.add_phrase("问候", "接入", "您好，很高兴为您服务！")
    paths = [c.path for c in lib.categories()]
    assert paths == ["投诉处理", "投诉处理/物流超期", "投诉处理/发错货", "问候"]
    root = lib.category_by_path("投诉处理")
    assert root is not None
    assert lib.category_counts()[root.id] == 2
    assert [p.title for p in lib.phrases(root.id)] == ["安抚", "核对订单"]
    assert [p.title for p in lib.phrases(root.id, recursive=False)] == []


def test_add_returns_change_with_new_id(lib: Library) -> None:
    changes = lib.add_phrase(
        "问候", "接入", "您好，我是[您的名字/工号]。", shortcut="/JR", tags=["开场", "开场", " 问候 "]
    )
    (pid,) = changes.phrases
    phrase = lib.phrase(pid)
    assert phrase.shortcut == "/jr"
    assert phrase.tags == ("开场", "问候")
    assert phrase.origin == "personal"
    assert lib.phrase_by_shortcut("/JR") == phrase


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        ("", "内容", "标题"),
        ("标题", "   ", "内容"),
        ("标题", "您的订单[订单号", "占位符"),
        ("标题", "空字段[]", "占位符"),
    ],
)
def test_invalid_phrases_are_refused_and_nothing_written(
    lib: Library, title: str, text: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        lib.add_phrase("问候", title, text)
    assert lib.count_phrases() == 0
    assert lib.categories() == []  # the category created on the way is rolled back too


def test_shortcuts_are_unique(lib: Library) -> None:
    lib.add_phrase("物流", "查询", "我帮您查询物流。", shortcut="/wl")
    with pytest.raises(ValidationError, match="/wl"):
        lib.add_phrase("物流", "催件", "我帮您催一下。", shortcut="/wl")
    with pytest.raises(ValidationError, match="空格"):
        lib.add_phrase("物流", "催件", "我帮您催一下。", shortcut="/w l")


def test_update_move_delete(lib: Library) -> None:
    (pid,) = lib.add_phrase("问候", "接入", "您好。").phrases
    changes = lib.update_phrase(pid, text="您好，请问有什么可以帮您？", category="开场/电话")
    assert changes.phrases == {pid} and changes.categories
    phrase = lib.phrase(pid)
    assert phrase.category == "开场/电话"
    assert phrase.text.startswith("您好，请问")
    with pytest.raises(TypeError):
        lib.update_phrase(pid, colour="red")
    target = lib.ensure_category("问候")
    lib.move_phrase(pid, target, 0)
    assert lib.phrase(pid).category == "问候"
    assert lib.delete_phrase(pid).deleted_phrases == {pid}
    with pytest.raises(NotFoundError):
        lib.phrase(pid)


def test_move_category_refuses_cycles(lib: Library) -> None:
    lib.add_phrase("甲/乙", "标题", "内容")
    a = lib.category_by_path("甲")
    b = lib.category_by_path("甲/乙")
    assert a and b
    with pytest.raises(ValidationError):
        lib.move_category(a.id, b.id)
    lib.move_category(b.id, None, 0)
    assert [c.path for c in lib.categories()] == ["乙", "甲"]
    assert lib.phrases()[0].category == "乙"


def test_delete_category_with_phrases_needs_consent(lib: Library) -> None:
    lib.add_phrase("甲", "标题", "内容")
    cat = lib.category_by_path("甲")
    assert cat
    with pytest.raises(ValidationError, match="1 条话术"):
        lib.delete_category(cat.id)
    changes = lib.delete_category(cat.id, with_phrases=True)
    assert len(changes.deleted_phrases) == 1
    assert lib.categories() == [] and lib.count_phrases() == 0


def test_favorites_usage_and_recent(lib: Library) -> None:
    a = next(iter(lib.add_phrase("甲", "一", "内容一").phrases))
    b = next(iter(lib.add_phrase("甲", "二", "内容二").phrases))
    lib.set_favorite(b, True)
    lib.record_use(a)
    lib.record_use(a)
    assert lib.phrase(a).use_count == 2 and lib.phrase(a).last_used
    assert [p.id for p in lib.phrases(favorites=True)] == [b]
    assert [p.id for p in lib.recent()] == [a]


def test_pack_phrases_are_read_only_but_can_be_duplicated(lib: Library) -> None:
    (pid,) = lib.add_phrase("团队", "标准开场", "您好！").phrases
    lib.conn.execute("INSERT INTO packs (id, name, version, installed_at) VALUES ('p1', '总部', 1, 'now')")
    lib.conn.execute("UPDATE phrases SET origin = 'pack', pack_id = 'p1' WHERE id = ?", (pid,))
    with pytest.raises(ValidationError, match="只读"):
        lib.update_phrase(pid, text="改了")
    with pytest.raises(ValidationError, match="只读"):
        lib.delete_phrase(pid)
    lib.set_favorite(pid, True)  # favorites are the agent's own, even on pack phrases
    (copy_id,) = lib.duplicate_phrase(pid).phrases
    copy = lib.phrase(copy_id)
    assert copy.origin == "personal" and copy.text == "您好！" and copy.title == "标准开场（副本）"
    (again,) = lib.duplicate_phrase(pid).phrases
    assert lib.phrase(again).title == "标准开场（副本3）"
    # The app words the copy marker in its own language.
    english = lib.duplicate_phrase(pid, copy_title=lambda t, n: f"{t} (copy)" if n == 2 else f"{t} (copy {n})")
    assert lib.phrase(next(iter(english.phrases))).title == "标准开场 (copy)"


def rows(*items: tuple[str, str, str]) -> list[tuple[int, PhraseRow]]:
    return [(i + 2, PhraseRow(category=c, title=t, text=x)) for i, (c, t, x) in enumerate(items)]


def test_import_adds_updates_and_is_idempotent(lib: Library) -> None:
    sheet = rows(("甲", "一", "内容一"), ("甲/乙", "二", "内容二"))
    report = lib.import_rows(sheet)
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    report = lib.import_rows(sheet)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 2)
    report = lib.import_rows(rows(("甲", "一", "内容一改"), ("甲/乙", "二", "内容二")))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert lib.count_phrases() == 2


def test_import_reports_bad_rows_and_keeps_the_good(lib: Library) -> None:
    report = lib.import_rows(
        rows(
            ("甲", "一", "好的"), ("甲", "二", "坏的[订单号"), ("甲", "一", "重复"), ("甲", "三", "编号XXXX")
        )
    )
    assert report.added == 2
    reasons = dict(report.skipped)
    assert "占位符" in reasons[3] and "重复" in reasons[4]
    assert report.converted and report.converted[0][0] == 5
    assert "[" in lib.phrases()[-1].text


def test_import_names_phrases_that_break_the_rules_and_imports_them(lib: Library) -> None:
    from huashu.core.checker import load_default_rules

    lib.replace_rules(load_default_rules())
    sheet = rows(
        ("物流", "催件", "我不知道快递什么时候到，您自己查一下吧。"), ("物流", "催促", "已为您催促快递公司。")
    )
    report = lib.import_rows(sheet)
    assert report.added == 2 and not report.skipped
    ((line, message),) = report.warnings
    assert line == 2 and "我不知道" in message and "已导入" in message
    assert lib.import_rows(sheet).warnings == []  # unchanged rows are not reported again
    lib.replace_rules([])
    assert lib.import_rows(rows(("物流", "催件", "我不知道。"))).warnings == []  # the library's own rules


def test_an_import_that_overwrites_phrases_backs_the_library_up_first(db_path: Path, tmp_path: Path) -> None:
    """A lead's sheet may overwrite an agent's own wording: the file is copied first, and the report
    names every phrase it overwrote."""
    sheet = tmp_path / "组长.csv"
    with Library.open(db_path) as lib:
        lib.add_phrase("售后", "退款时效", "我自己的说法")
        sheet.write_text("分类,标题,内容\n售后,退款时效,组长的说法\n售后,新话术,新的说法\n", encoding="utf-8")
        assert lib.import_file(sheet, dry_run=True).backup == ""
        report = lib.import_file(sheet)
        assert report.updated == 1 and report.updated_rows == [(2, "售后 › 退款时效")]
        assert (
            "pre-import" in Path(report.backup).name
            and Path(report.backup).parent == db_path.parent / "backups"
        )
        assert report.to_json()["updated_rows"] == [{"row": 2, "phrase": "售后 › 退款时效"}]
    copy = sqlite3.connect(report.backup)
    try:
        assert copy.execute("SELECT text FROM phrases WHERE title = '退款时效'").fetchone() == (
            "我自己的说法",
        )
    finally:
        copy.close()


def test_import_dry_run_writes_nothing(lib: Library) -> None:
    before = logical_hash(lib)
    report = lib.import_rows(rows(("甲", "一", "内容一")), dry_run=True)
    assert report.added == 1 and report.dry_run
    assert logical_hash(lib) == before
    assert lib.categories() == []


def test_import_is_all_or_nothing_on_failure(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    lib.add_phrase("甲", "原有", "原有内容")
    before = logical_hash(lib)
    from huashu.storage import search_index

    calls = {"n": 0}
    real = search_index.reindex

    def failing(conn: sqlite3.Connection, ids: object) -> None:
        calls["n"] += 1
        raise OSError("disk full")

    monkeypatch.setattr(search_index, "reindex", failing)
    with pytest.raises(OSError):
        lib.import_rows(rows(("乙", "一", "内容一"), ("乙", "二", "内容二")))
    monkeypatch.setattr(search_index, "reindex", real)
    assert calls["n"] == 1
    assert logical_hash(lib) == before


def test_profile_and_builtins(lib: Library) -> None:
    lib.set_profile({"name": "小李", "工号": "1024", "热线": "400-000"})
    assert lib.profile() == {"名字": "小李", "工号": "1024", "热线": "400-000"}
    values = lib.builtin_values()
    assert values["您的名字/工号"].startswith("小李") and "1024" in values["您的名字/工号"]
    assert values["热线"] == "400-000"
    lib.set_profile({"热线": ""})
    assert "热线" not in lib.profile()
    with pytest.raises(ValidationError):
        lib.set_profile({"坏[键]": "x"})


def test_settings_roundtrip(lib: Library) -> None:
    assert lib.setting("theme", "system") == "system"
    lib.set_setting("theme", {"mode": "dark", "size": 14})
    assert lib.setting("theme") == {"mode": "dark", "size": 14}


def test_rules_replace_save_delete(lib: Library) -> None:
    rule = Rule(
        uid="r1", patterns=("我不知道",), severity="error", category="推诿", suggestions=("我帮您核实",)
    )
    lib.replace_rules([rule])
    assert lib.rules() == [rule]
    lib.save_rule(Rule(uid="r1", patterns=("不知道",), severity="warning"))
    assert lib.rules()[0].patterns == ("不知道",)
    with pytest.raises(ValidationError, match="重复"):
        lib.replace_rules([rule, rule])
    assert [r.uid for r in lib.rules()] == ["r1"]  # the failed replace left the old rules
    lib.delete_rule("r1")
    with pytest.raises(NotFoundError):
        lib.delete_rule("r1")


def test_synonyms(lib: Library) -> None:
    lib.replace_synonyms([["快递", "物流", " 包裹 "], ["孤单"]])
    assert lib.synonym_groups() == [("快递", "物流", "包裹")]


def test_read_only_file_still_searches_but_refuses_writes(db_path: Path, tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    with Library.open(db_path, empty=True) as lib:
        lib.add_phrase("甲", "标题", "内容")
    ro_dir = tmp_path / "ro"
    ro_dir.mkdir()
    shutil.copy(db_path, ro_dir / "lib.db")
    (ro_dir / "lib.db").chmod(0o444)
    ro_dir.chmod(0o555)
    try:
        with Library.open(ro_dir / "lib.db") as lib:
            assert lib.read_only
            assert [p.title for p in lib.phrases()] == ["标题"]
            with pytest.raises(LibraryError, match="只读"):
                lib.add_phrase("甲", "新", "内容")
    finally:
        ro_dir.chmod(0o755)


def test_a_crash_while_creating_leaves_no_half_library(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: Library) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(Library, "load_defaults", boom)
    with pytest.raises(RuntimeError):
        Library.open(db_path)
    assert not db_path.exists()
    assert list(db_path.parent.iterdir()) == []


def test_corrupt_file_is_refused_and_left_alone(db_path: Path) -> None:
    from huashu.storage.library import LibraryCorruptError

    with Library.open(db_path, empty=True) as lib:
        for i in range(300):
            lib.add_phrase("甲", f"标题{i}", "内容" * 50)
    scribble_pages(db_path)
    before = db_path.read_bytes()
    with pytest.raises(LibraryCorruptError) as info:
        Library.open(db_path)
    assert info.value.path == db_path
    assert db_path.read_bytes() == before


def test_backup_is_a_consistent_copy(db_path: Path, tmp_path: Path) -> None:
    with Library.open(db_path, empty=True) as lib:
        lib.add_phrase("甲", "标题", "内容")
        copy = lib.backup_to(tmp_path / "b" / "copy.db")
    with Library.open(copy) as restored:
        assert [p.title for p in restored.phrases()] == ["标题"]


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="不存在"):
        Library.open(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def _lead_workbook(path: Path) -> Path:
    """What the QA lead imported: merged 分类, dates and percentages, markers beside fields."""
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术", "备注"])
    shipped = "您好，我是[您的名字/工号]，您的订单XXXX已发货"
    sheet.append(["售后/发货", "发货通知", shipped, datetime.datetime(2024, 5, 1)])
    sheet.append([None, "物流提醒", "尊敬的{name}，您的订单{订单号}已到[城市]", 0.15])
    sheet.append([None, "坏括号", "您好[订单号 XXXX", None])
    sheet.merge_cells("A2:A4")
    sheet.cell(row=2, column=4).number_format = "yyyy-mm-dd"
    sheet.cell(row=3, column=4).number_format = "0%"
    book.save(path)
    return path


def test_an_xlsx_with_merged_categories_dates_and_mixed_markers_imports_into_a_library_file(
    db_path: Path, tmp_path: Path
) -> None:
    sheet = _lead_workbook(tmp_path / "组长.xlsx")
    with Library.open(db_path, create=True) as lib:
        before = lib.count_phrases()
        report = lib.import_file(sheet)
        assert (report.added, report.updated) == (2, 0)
        ((line, reason),) = report.skipped
        assert line == 4 and "占位符错误" in reason  # a bracket error is reported, not escaped away
        assert report.converted == [
            (2, "旧式占位符已转换: XXXX→[订单号]"),
            (3, "旧式占位符已转换: {name}→[name]、{订单号}→[订单号]"),
        ]
    with Library.open(db_path) as lib:  # what was committed to the file
        assert lib.count_phrases() == before + 2
        stored = {p.title: p for p in lib.phrases() if p.category == "售后/发货"}
        assert stored["发货通知"].text == "您好，我是[您的名字/工号]，您的订单[订单号]已发货"
        assert stored["物流提醒"].text == "尊敬的[name]，您的订单[订单号]已到[城市]"
        assert (stored["发货通知"].notes, stored["物流提醒"].notes) == ("2024-05-01", "15%")
        again = lib.import_file(sheet)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 2)  # idempotent


def test_a_refused_xlsx_leaves_the_library_file_as_it_was(db_path: Path, tmp_path: Path) -> None:
    import openpyxl

    from huashu.core.spreadsheet import SpreadsheetError

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["标题总表"])
    sheet.merge_cells("A1:C1")
    sheet.append(["分组", "名称"])  # no text column anywhere
    sheet.append(["售后", "退款"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    Library.open(db_path, create=True).close()
    before = db_path.read_bytes()
    with Library.open(db_path) as lib, pytest.raises(SpreadsheetError) as refused:
        lib.import_file(path)
    # About the header row, not the merged title above it.
    assert "缺少必需的列: 内容（文件表头: 分组、名称）" in str(refused.value)
    assert db_path.read_bytes() == before


def test_an_import_that_changes_nothing_takes_no_backup(db_path: Path, tmp_path: Path) -> None:
    """Ten backups are kept: re-importing the same sheet must not push out the one with the agent's text."""
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(
        "分类,标题,话术,快捷编码\n售后,退款进度,旧版：退款1-3个工作日到账。,tk\n", encoding="utf-8"
    )
    bad.write_text("分类,标题,话术,快捷编码\n售后,退款进度,错误版本！！,/tk\n", encoding="utf-8")
    with Library.open(db_path, empty=True) as lib:
        added = lib.import_file(good)
        assert added.added == 1 and added.backup  # it writes: a copy of the library before it
        first = lib.import_file(bad)
        assert first.updated == 1 and first.backup
        for _ in range(11):
            again = lib.import_file(bad)
            assert (again.unchanged, again.updated, again.backup) == (1, 0, "")
    backups = sorted((db_path.parent / "backups").glob("*pre-import*.db"))
    assert [str(path) for path in backups] == [added.backup, first.backup]
    copy = sqlite3.connect(first.backup)
    try:
        assert copy.execute("SELECT text FROM phrases").fetchone() == ("旧版：退款1-3个工作日到账。",)
    finally:
        copy.close()


def test_one_import_swaps_shortcuts_between_its_rows(db_path: Path, tmp_path: Path) -> None:
    swap1, swap2 = tmp_path / "swap1.csv", tmp_path / "swap2.csv"
    swap1.write_text("分类,标题,话术,快捷编码\n售后,甲,内容甲,/a\n售后,乙,内容乙,/b\n", encoding="utf-8")
    swap2.write_text("分类,标题,话术,快捷编码\n售后,甲,内容甲,/b\n售后,乙,内容乙,/a\n", encoding="utf-8")
    with Library.open(db_path, empty=True) as lib:
        lib.import_file(swap1)
        report = lib.import_file(swap2)
        assert report.warnings == [] and report.updated == 2
        assert {p.title: p.shortcut for p in lib.phrases()} == {"甲": "/b", "乙": "/a"}
        # Taken by a phrase the sheet leaves alone, or by an earlier row: the message names who.
        lib.add_phrase("售前", "丙", "内容丙", shortcut="/c")
        clash = tmp_path / "clash.csv"
        clash.write_text(
            "分类,标题,话术,快捷编码\n售后,甲,内容甲,/c\n售后,丁,内容丁,/x\n售后,戊,内容戊,/x\n",
            encoding="utf-8",
        )
        report = lib.import_file(clash, dry_run=True)
        assert report.warnings == [
            (2, "快捷编码 /c 已被“丙”使用，已忽略"),
            (4, "快捷编码 /x 已被第 3 行使用，已忽略"),
        ]


def test_shortcuts_are_stored_in_one_form(lib: Library) -> None:
    for typed, stored in (("／ＱＪ", "/qj"), (" tk ", "/tk"), ("123", "/123"), ("/Wl", "/wl")):
        (pid,) = lib.add_phrase("测试", f"标题{stored}", "内容", shortcut=typed).phrases
        assert lib.phrase(pid).shortcut == stored
        assert (
            lib.phrase_by_shortcut(stored[1:]) == lib.phrase_by_shortcut(f"／{stored[1:]}") == lib.phrase(pid)
        )
    for bad, reason in (
        ("/", "后面需要字母或数字"),
        ("退款?", "只能由字母、数字、汉字和 - _ . 组成"),
        ("a b", "不能包含空格"),
    ):
        with pytest.raises(ValidationError, match=reason):
            lib.add_phrase("测试", "坏", "内容", shortcut=bad)
    with pytest.raises(ValidationError, match="快捷编码 /qj 已被“标题/qj”使用"):
        lib.add_phrase("测试", "重复", "内容", shortcut="qj")
    # A shortcut stored before the rule (from an old import) still opens and never blocks an edit.
    pid = lib.phrase_by_shortcut("/tk").id
    lib.conn.execute("UPDATE phrases SET shortcut = 'old?' WHERE id = ?", (pid,))
    assert lib.phrase_by_shortcut("old?").id == pid
    lib.update_phrase(pid, title="新标题")
    assert lib.phrase(pid).shortcut == "old?"
    lib.update_phrase(pid, shortcut="ｎｅｗ")
    assert lib.phrase(pid).shortcut == "/new"


def test_import_normalises_shortcuts_and_tells_what_it_changed(lib: Library, tmp_path: Path) -> None:
    sheet = tmp_path / "sc.csv"
    sheet.write_text(
        "分类,标题,话术,快捷编码\n售后,甲,内容,／qj\n售后,乙,内容,tk\n售后,丙,内容,/WL\n售后,丁,内容,退款?\n",
        encoding="utf-8",
    )
    report = lib.import_file(sheet)
    assert {p.title: p.shortcut for p in lib.phrases()} == {"甲": "/qj", "乙": "/tk", "丙": "/wl", "丁": None}
    assert report.warnings == [
        (2, "快捷编码 ／qj 已改为 /qj"),
        (3, "快捷编码 tk 已改为 /tk"),
        (5, "快捷编码只能由字母、数字、汉字和 - _ . 组成，'退款?' 含有 ?；已忽略快捷编码"),
    ]


def test_a_workbook_imports_every_visible_sheet_and_names_sheets_in_the_report(
    lib: Library, tmp_path: Path
) -> None:
    sheets = [
        ("模板", [["分类", "标题", "话术"], ["示例", "示例", "示例内容"]]),
        ("售前", [["分类", "标题", "话术"], ["售前", "尺码推荐", "我帮您推荐。"]]),
        ("售后", [["分类", "标题", "话术"], ["售后", "退款时效", "1-3天。"], ["售后", "退款时效", "重复"]]),
    ]
    path = write_workbook(tmp_path / "per_sheet.xlsx", sheets, hidden=("模板",))
    report = lib.import_file(path)
    assert (report.added, report.encoding) == (2, "")  # an XLSX has no text encoding
    assert [(row_label(line), reason) for line, reason in report.skipped] == [
        ("工作表“售后”第 3 行", "与工作表“售后”第 2 行重复（同一分类下同名标题）")
    ]
    assert [(row_label(line), note) for line, note in report.warnings] == [
        ("工作表“模板”", "隐藏的工作表，未读取")
    ]
    assert report.to_json()["skipped"] == [{"row": 3, "sheet": "售后", "reason": report.skipped[0][1]}]


def test_titles_match_across_full_and_half_width_forms(lib: Library, tmp_path: Path) -> None:
    lib.add_phrase("售后", "退款进度（新）", "旧的说法")
    lib.add_phrase("售后", "ＡＢＣ", "旧的说法")
    sheet = tmp_path / "titles.csv"
    sheet.write_text("分类,标题,话术\n售后,退款进度(新),新的说法\n售后,ABC,新的说法\n", encoding="utf-8")
    report = lib.import_file(sheet)
    assert (report.added, report.updated) == (0, 2)
    assert [name for _line, name in report.updated_rows] == ["售后 › 退款进度（新）", "售后 › ＡＢＣ"]
    # Both spellings kept apart in the library: each row matches its own spelling only.
    lib.add_phrase("售后", "退款进度(新)", "另一条")
    again = lib.import_file(sheet, dry_run=True)
    assert again.unchanged == 1 and [name for _line, name in again.updated_rows] == ["售后 › 退款进度(新)"]
    both = tmp_path / "both.csv"
    both.write_text("分类,标题,话术\n售前,ＡＢＣ,一\n售前,ABC,二\n", encoding="utf-8")
    assert lib.import_file(both, dry_run=True).skipped == [(3, "与第 2 行重复（标题与“ＡＢＣ”只差全角/半角写法）")]


# -- undoing, cancelling and re-importing an import ------------------------------------------------


def _sheet(path: Path, rows: list[str]) -> Path:
    path.write_text("分类,标题,内容,快捷编码\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_undo_import_takes_back_what_it_added_and_changed_in_one_step(db_path: Path, tmp_path: Path) -> None:
    from huashu.storage.library import ImportUndo

    with Library.open(db_path, empty=True) as lib:
        lib.add_phrase("售后", "甲", "我自己的甲", shortcut="/a")
        lib.add_phrase("售后", "乙", "我自己的乙", shortcut="/b")
        before = logical_hash(lib)
        sheet = _sheet(
            tmp_path / "组长.csv",
            [
                "售后,甲,组长的甲,/b",
                "售后,乙,我自己的乙,/a",
                "新品/耳机,耳机保修,保修一年。,/ej",
                "新品/耳机,配对,长按XX秒。,",
            ],
        )
        journal = ImportUndo()
        report = lib.import_file(sheet, journal=journal)
        assert (report.added, report.updated, report.unchanged) == (2, 2, 0) and report.backup
        after = logical_hash(lib)
        assert journal.wrote and len(journal.added) == 2 and len(journal.changed) == 2
        assert [path for _id, path in journal.categories] == ["新品", "新品/耳机"]

        changes = lib.undo_import(journal)
        assert len(changes.deleted_phrases) == 2 and len(changes.phrases) == 2
        assert logical_hash(lib) == before  # texts, swapped shortcuts, stamps, categories: all as before
        assert lib.search("耳机") == [] and lib.phrase_by_shortcut("/a").title == "甲"  # type: ignore[union-attr]
        assert lib.search("组长") == [] and lib.integrity_problems() == []

        again = lib.redo_import(journal)
        assert (again.added, again.updated) == (2, 2)
        assert [p.title for p in lib.phrases() if p.category == "新品/耳机"] == ["耳机保修", "配对"]
        # The same phrases as the first time (later undo steps name them by uid).
        assert {uid for uid, _c, _t in journal.added} == {
            p.uid for p in lib.phrases() if p.category == "新品/耳机"
        }
        assert logical_hash(lib) != before and lib.search("耳机")
        lib.undo_import(journal)
        assert logical_hash(lib) == before
    assert after  # the import did change the library


def test_undo_import_keeps_a_category_that_has_gained_phrases(db_path: Path, tmp_path: Path) -> None:
    from huashu.storage.library import ImportUndo

    with Library.open(db_path, empty=True) as lib:
        journal = ImportUndo()
        lib.import_file(_sheet(tmp_path / "a.csv", ["新品/耳机,保修,保修一年。,"]), journal=journal)
        lib.add_phrase("新品/耳机", "我加的", "后来加的话术")
        lib.undo_import(journal)
        assert [p.title for p in lib.phrases()] == ["我加的"]
        assert lib.category_by_path("新品/耳机") is not None


def test_an_import_of_20000_new_rows_is_undone_quickly(db_path: Path, tmp_path: Path) -> None:
    from huashu.storage.library import ImportUndo

    rows = [f"批量/组{i // 1000},标题{i},您好，这是第{i}条话术。," for i in range(20_000)]
    sheet = _sheet(tmp_path / "big20000.csv", rows)
    with Library.open(db_path, empty=True) as lib:
        lib.add_phrase("我的", "自己的", "自己的话术")
        before = logical_hash(lib)
        journal = ImportUndo()
        report = lib.import_file(sheet, journal=journal)
        assert report.added == 20_000 and report.backup
        assert lib.count_phrases() == 20_001 and len(journal.added) == 20_000
        started = time.perf_counter()
        lib.undo_import(journal)
        assert time.perf_counter() - started < 5
        assert logical_hash(lib) == before and lib.count_phrases() == 1
        assert lib.search("标题") == [] and lib.integrity_problems() == []


def test_a_cancelled_import_leaves_the_library_as_it_was(db_path: Path, tmp_path: Path) -> None:
    from huashu.storage.library import ImportCancelled

    rows = [f"批量,标题{i},内容{i}," for i in range(1200)] + ["售后,甲,组长的甲,"]
    sheet = _sheet(tmp_path / "cancel.csv", rows)
    with Library.open(db_path, empty=True) as lib:
        lib.add_phrase("售后", "甲", "我自己的甲")
        before = logical_hash(lib)
        for stop_at in ("check", "backup", "write", "index"):
            seen: list[tuple[str, int, int]] = []

            def progress(
                stage: str, done: int, total: int, stop_at: str = stop_at, seen: list[tuple[str, int, int]] = seen
            ) -> None:
                seen.append((stage, done, total))
                if stage == stop_at and (done > 0 or stage == "backup"):
                    raise ImportCancelled("导入已取消，话术库没有改动")

            with pytest.raises(ImportCancelled):
                lib.import_file(sheet, progress=progress)
            assert logical_hash(lib) == before, stop_at
            assert lib.search("标题") == [] and lib.count_phrases() == 1
            assert seen[0] == ("read", 0, 0) and seen[-1][0] == stop_at
            # The backup taken before the writes would only copy the unchanged library.
            assert not list(db_path.parent.rglob("*pre-import*")), stop_at
        stages: list[str] = []
        report = lib.import_file(sheet, progress=lambda stage, _done, _total: stages.append(stage))
        assert report.added == 1200 and report.updated == 1
        assert [Path(report.backup)] == list(db_path.parent.rglob("*pre-import*"))
        assert list(dict.fromkeys(stages)) == ["read", "check", "backup", "write", "index"]


def test_an_export_with_a_team_pack_reimports_unchanged(db_path: Path, tmp_path: Path) -> None:
    """Pack phrases in an exported sheet are as the pack has them: 未变, never a conflict."""
    from huashu.core.spreadsheet import read_phrase_sheet, write_phrase_sheet
    from huashu.storage.library import PACK_PHRASE_CHANGED

    with Library.open(db_path) as lib:
        lib.conn.execute("INSERT INTO packs (id, name, version, installed_at) VALUES ('p1', '公司话术', 1, 'now')")
        pack_ids = [p.id for p in lib.phrases()[:3]]
        for pid in pack_ids:
            lib.conn.execute("UPDATE phrases SET origin = 'pack', pack_id = 'p1' WHERE id = ?", (pid,))
        # A pack built elsewhere may keep blanks the import strips from every cell.
        lib.conn.execute("UPDATE phrases SET text = text || ' ' WHERE id = ?", (pack_ids[0],))
        exported = lib.export_rows_with_sources()
        assert [pack for _row, pack in exported].count("公司话术") == 3
        path = tmp_path / "导出.xlsx"
        write_phrase_sheet(path, [row for row, _ in exported], sources=[pack for _, pack in exported])
        before = logical_hash(lib)
        report = lib.import_file(path)
        assert report.skipped == [] and report.unchanged == len(exported)
        assert (report.added, report.updated, report.backup) == (0, 0, "")
        assert logical_hash(lib) == before

        # A row that would change a pack phrase is refused, by row, with why.
        rows = read_phrase_sheet(path).rows
        first = next(row for _line, row in rows if row.title == lib.phrase(pack_ids[1]).title)
        changed = tmp_path / "改了.csv"
        write_phrase_sheet(changed, [PhraseRow(first.category, first.title, "组长改过的话术")])
        report = lib.import_file(changed)
        assert report.skipped == [(2, PACK_PHRASE_CHANGED)] and report.backup == ""
        assert lib.phrase(pack_ids[1]).text == first.text


def test_a_change_by_another_program_after_the_check_is_not_overwritten(db_path: Path, tmp_path: Path) -> None:
    """The rows are checked before the backup; another program writing then is checked again."""
    sheet = _sheet(tmp_path / "a.csv", ["售后,退款,组长的退款,"])
    with Library.open(db_path, empty=True) as lib:
        lib.add_phrase("我的", "占位", "x")

        def other_program() -> None:
            with Library.open(db_path, backup=False) as other:
                other.add_phrase("售后", "退款", "同事刚加的")

        report = lib.import_rows(
            [(2, PhraseRow("售后", "退款", "组长的退款"))], before_write=other_program
        )
        assert (report.added, report.updated) == (0, 1)
        assert [p.text for p in lib.phrases() if p.title == "退款"] == ["组长的退款"]
    assert sheet.exists()
