"""Sheet, import-report, pack and schema messages stay Chinese for the command line and carry the
code and details a UI in another language words them from."""

from __future__ import annotations

import copy
import json
import pickle
import sqlite3
from pathlib import Path

import pytest

from huashu.core import packs as core
from huashu.core.coded import LIST_SEPARATOR
from huashu.core.models import ImportReport, SheetLine
from huashu.core.packs import PackPhrase
from huashu.core.spreadsheet import CodedText, SpreadsheetError, read_phrase_sheet
from huashu.storage import migrations
from huashu.storage.library import Library, LibraryError

LEAD = core.PrivateKey(seed=b"C" * 32, publisher="总部客服部")


def test_a_coded_line_is_its_chinese_text_everywhere_a_string_goes() -> None:
    line = CodedText("与第 3 行重复（同一分类下同名标题）", code="row_duplicate", details={"row": 3})
    assert line == "与第 3 行重复（同一分类下同名标题）" and isinstance(line, str)
    assert (line.code, line.details) == ("row_duplicate", {"row": "3"})
    report = ImportReport(skipped=[(4, line)])
    plain = ImportReport(skipped=[(4, "与第 3 行重复（同一分类下同名标题）")])
    assert json.dumps(report.to_json(), ensure_ascii=False) == json.dumps(plain.to_json(), ensure_ascii=False)
    for kept in (pickle.loads(pickle.dumps(line)), copy.deepcopy(line)):
        assert kept == line and (kept.code, kept.details) == (line.code, line.details)


def test_a_list_detail_keeps_its_items_apart() -> None:
    line = CodedText("含服务忌语: 甲、乙", code="forbidden_words_imported", details={"words": ["甲", "乙"]})
    assert line.details["words"].split(LIST_SEPARATOR) == ["甲", "乙"]


def test_a_sheet_missing_a_column_says_which_by_code(tmp_path: Path) -> None:
    sheet = tmp_path / "wrong.csv"
    sheet.write_text("分类,名称X,内容\n售后,退款,您好\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError) as caught:
        read_phrase_sheet(sheet)
    error = caught.value
    assert str(error) == "缺少必需的列: 标题（文件表头: 分类、名称X、内容）"
    assert error.code == "columns_missing"
    assert error.details["missing"] == "标题" and error.details["columns"] == "title"
    assert error.details["found"].split(LIST_SEPARATOR) == ["分类", "名称X", "内容"]


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        ('分类,标题,内容\n售后,"退款,您好\n', "csv_unclosed_quote", "CSV 格式错误（第 2 行）: 文件在引号内结束"),
        ("分类,标题,内容,标题\n售后,a,b,c\n", "header_duplicate", "表头中“标题”重复（与“标题”是同一列）"),
        ("\n\n", "sheet_empty", "文件是空的，没有表头行"),
    ],
)
def test_a_sheet_that_cannot_be_read_has_a_code(tmp_path: Path, content: str, code: str, message: str) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text(content, encoding="utf-8")
    with pytest.raises(SpreadsheetError) as caught:
        read_phrase_sheet(sheet)
    assert caught.value.code == code and str(caught.value).startswith(message)


def test_a_badly_encoded_sheet_tells_where_by_code(tmp_path: Path) -> None:
    sheet = tmp_path / "gbk.csv"
    sheet.write_bytes("分类,标题,内容\n售后,退款,1-3天到账。\n售后,坏,".encode("gbk") + b"\xbb\n")
    with pytest.raises(SpreadsheetError) as caught:
        read_phrase_sheet(sheet)
    error = caught.value
    assert error.code == "encoding_bad_bytes"
    assert {k: error.details[k] for k in ("encoding", "row", "column", "line", "bytes")} == {
        "encoding": "GB18030/GBK",
        "row": "3",
        "column": "6",
        "line": "",
        "bytes": "0xBB",
    }
    assert "第 3 行第 6 个字符处" in str(error)


def test_the_lines_of_an_import_report_carry_codes(tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(
        "分类,标题,内容,快捷编码\n"
        ",无分类,您好。,\n"
        "售后,退款进度,您好，退款已提交。,/tkjd2\n"
        "售后,退款进度,您好，这一行重复了。,\n"
        "售后,坏模板,这是[坏的,\n"
        "售后,空格编码,您好，请稍等。,/w l\n"
        "售后,抢编码,您好，马上为您查询。,/dhwh\n"
        "售后,另一个,您好，稍等。,／tkjd2\n"
        ",接上,您好。,\n",
        encoding="utf-8",
    )
    lib = Library.memory(empty=False)
    report = lib.import_file(sheet, dry_run=True)
    said = {
        (int(line), message.code): (str(message), message.details)
        for line, message in report.skipped + report.warnings + report.converted
        if isinstance(message, CodedText)
    }
    assert len(said) == len(report.skipped + report.warnings + report.converted)
    assert said[(2, "row_category_empty")] == ("分类为空", {})
    assert said[(4, "row_duplicate")] == ("与第 3 行重复（同一分类下同名标题）", {"row": "3"})
    text, details = said[(5, "placeholder")]
    assert text.startswith("占位符错误（第 3 个字符）")
    assert details["issue"] == "unclosed" and details["position"] == "3"
    assert said[(6, "shortcut_invalid_ignored")][1] == {"shortcut": "/w l", "limit": "32"}
    owner = lib.phrase_by_shortcut("/dhwh")
    assert owner is not None
    assert said[(7, "shortcut_taken_ignored")] == (
        f"快捷编码 /dhwh 已被“{owner.title}”使用，已忽略",
        {"shortcut": "/dhwh", "title": owner.title},
    )
    assert said[(8, "shortcut_taken_by_row")] == (
        "快捷编码 /tkjd2 已被第 3 行使用，已忽略",
        {"shortcut": "/tkjd2", "row": "3"},
    )
    assert said[(8, "shortcut_changed")][1] == {"given": "／tkjd2", "shortcut": "/tkjd2"}
    assert said[(9, "category_from_row_above")][1] == {"source": "8", "category": "售后"}


def test_rows_of_several_sheets_name_their_sheet_in_the_details(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "售前"
    first.append(["分类", "标题", "内容"])
    first.append(["通用", "问候", "您好"])
    second = book.create_sheet("售后")
    second.append(["分类", "标题", "内容"])
    second.append(["通用", "问候", "您好呀"])
    hidden = book.create_sheet("模板")
    hidden.sheet_state = "hidden"
    path = tmp_path / "book.xlsx"
    book.save(path)
    report = Library.memory().import_file(path, dry_run=True)
    [(line, duplicate)] = report.skipped
    assert isinstance(line, SheetLine) and isinstance(duplicate, CodedText)
    assert str(duplicate) == "与工作表“售前”第 2 行重复（同一分类下同名标题）"
    assert (duplicate.code, duplicate.details) == ("row_duplicate", {"row": "2", "sheet": "售前"})
    [(_sheet, note)] = report.warnings
    assert isinstance(note, CodedText) and (str(note), note.code) == ("隐藏的工作表，未读取", "sheet_hidden")


def pack_file(tmp: Path) -> Path:
    phrases = [PackPhrase(uid="a", category="团队", title="团队问候", text="您好")]
    out = tmp / "team.huashu"
    core.write_pack(out, core.make_pack(name="公司话术", version=1, key=LEAD, phrases=phrases), LEAD)
    return out


@pytest.mark.parametrize(
    ("mangle", "code", "message"),
    [
        (lambda data: data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:], "pack_signature_invalid", "签名无效，已拒绝"),
        (lambda data: data.replace(b"\n", b"\r\n", 1), "pack_damaged_line_endings", "话术包文件已损坏（换行符被转换"),
        (lambda data: b"\xef\xbb\xbf" + data, "pack_damaged_bom", "话术包文件已损坏（开头被加了不可见的编码标记"),
        (lambda data: data[:-10], "pack_damaged_short", "话术包文件已损坏（内容比文件头记录的少 10 字节"),
        (lambda data: b"", "pack_empty", "文件是空的，不是话术包"),
        (lambda data: b"PK\x03\x04 a zip", "pack_not_a_pack", "不是话术包文件"),
    ],
)
def test_a_pack_that_cannot_be_used_says_why_by_code(tmp_path: Path, mangle, code: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = pack_file(tmp_path)
    path.write_bytes(mangle(path.read_bytes()))
    with pytest.raises(core.PackError) as caught:
        core.read_pack(path)
    assert caught.value.code == code and str(caught.value).startswith(message)
    if code == "pack_damaged_short":
        assert caught.value.details == {"bytes": "10"}


def test_a_pack_error_without_its_own_code_tells_its_kind(tmp_path: Path) -> None:
    error = core.PackFormatError("同义词组格式不对")
    assert (error.code, error.details) == ("pack_invalid", {"problem": "同义词组格式不对"})
    assert core.ChannelError("更新没有文件地址").code == "channel_failed"
    assert core.PackError("话术包中的发布者公钥与签名私钥不一致").code is None
    missing = tmp_path / "gone.huashu"
    with pytest.raises(core.PackError) as caught:
        core.read_pack(missing)
    assert caught.value.code == "pack_file_missing" and caught.value.details == {"path": str(missing)}


def test_a_channel_that_is_not_https_is_refused_by_code() -> None:
    with pytest.raises(core.ChannelError) as caught:
        core.check_url("http://example.invalid/pack.json")
    assert caught.value.code == "channel_https_only"
    assert str(caught.value) == "只支持 https:// 地址（为了防止被篡改）: http://example.invalid/pack.json"


def test_a_library_from_a_newer_version_is_refused_with_a_code(tmp_path: Path) -> None:
    path = tmp_path / "newer.huashu.db"
    Library.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future', 'now')")
    conn.commit()
    with pytest.raises(migrations.SchemaTooNewError) as schema:
        migrations.pending(conn)
    conn.close()
    assert schema.value.code == "schema_too_new" and schema.value.details == {"versions": "9999_future"}
    with pytest.raises(LibraryError) as caught:
        Library.open(path)
    assert str(caught.value) == str(schema.value)
    assert (caught.value.code, caught.value.details) == ("schema_too_new", {"versions": "9999_future"})


def test_rows_checked_by_the_library_carry_codes() -> None:
    from huashu.core.models import PhraseRow

    lib = Library.memory(empty=False)
    team = lib.phrase_by_shortcut("/ddh")
    assert team is not None
    lib.conn.execute("UPDATE phrases SET origin = 'pack' WHERE id = ?", (team.id,))  # as a pack install would
    rows = [
        (2, PhraseRow("售后", "退款进度(新)", "您好。")),
        (3, PhraseRow("售后", "退款进度（新）", "您好呀。")),
        (4, PhraseRow("售后", "空字符", "您\x00好")),
        (5, PhraseRow("售后", "代理字符", "您\ud800好")),
        (6, PhraseRow(team.category, team.title, "组长改过的内容。")),
        (7, PhraseRow("售后", "推脱", "这个我不知道。")),
        (8, PhraseRow("售后", "配对", "请长按按钮 XX 秒。")),
    ]
    report = lib.import_rows(rows, dry_run=True)
    said = {
        (int(line), message.code): message
        for line, message in report.skipped + report.warnings + report.converted
        if isinstance(message, CodedText)
    }
    assert len(said) == len(report.skipped + report.warnings + report.converted)
    width = said[(3, "row_duplicate_width")]
    assert width == "与第 2 行重复（标题与“退款进度(新)”只差全角/半角写法）"
    assert width.details == {"row": "2", "title": "退款进度(新)"}
    assert said[(4, "cell_nul_character")] == "单元格包含非法字符 NUL"
    assert said[(5, "cell_unpaired_surrogate")].startswith("单元格包含无效字符")
    assert said[(6, "pack_phrase_changed")].startswith("与团队话术包中的同名话术内容不同")
    forbidden = said[(7, "forbidden_words_imported")]
    assert forbidden == "含服务忌语: 我不知道（已导入，请修改）" and forbidden.details == {"words": "我不知道"}
    converted = said[(8, "markers_converted")]
    assert converted == "旧式占位符已转换: XX→[秒数]" and converted.details == {"fields": "XX→[秒数]"}
