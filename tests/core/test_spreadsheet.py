"""Spreadsheet exchange: encodings, Chinese headers, formula safety and broken files."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from huashu.core.models import PhraseRow
from huashu.core.spreadsheet import (
    SpreadsheetError,
    neutralize,
    read_phrase_sheet,
    split_tags,
    unneutralize,
    write_phrase_sheet,
)

ROWS = [
    ["category", "title", "text", "shortcut", "tags", "notes"],
    ["投诉处理/物流超期", "物流安抚", "您好，您的订单[订单号]已过中转站。", "/wl", "物流;安抚", ""],
    ["问候", "接入", "您好，我是[您的名字/工号]，很高兴为您服务！", "", "", "电话接入时"],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_reads_every_encoding_excel_writes(tmp_path: Path, encoding: str) -> None:
    sheet = read_phrase_sheet(write_csv(tmp_path / "a.csv", ROWS, encoding))
    assert [r.title for _, r in sheet.rows] == ["物流安抚", "接入"]
    assert sheet.rows[0][1].tags == ("物流", "安抚")
    assert sheet.rows[0][1].category == "投诉处理/物流超期"
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030", "utf-16": "utf-16"}
    assert sheet.encoding == expected[encoding]


def test_chinese_headers_and_unknown_columns(tmp_path: Path) -> None:
    rows = [
        ["分组", "标题", "话术", "快捷编码", "标签", "备注", "负责人"],
        ["问候", "接入", "您好！", "/jr", "开场；问候", "", "张三"],
    ]
    sheet = read_phrase_sheet(write_csv(tmp_path / "zh.csv", rows, "gb18030"))
    ((line, row),) = sheet.rows
    assert line == 2
    assert row == PhraseRow("问候", "接入", "您好！", "/jr", ("开场", "问候"), "")
    assert sheet.ignored_columns == ["负责人"]


def test_missing_columns_is_a_clear_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [["name", "value"], ["a", "b"]], "utf-8")
    with pytest.raises(SpreadsheetError, match="缺少必需的列: category, title, text"):
        read_phrase_sheet(path)


def test_rows_with_problems_are_reported(tmp_path: Path) -> None:
    rows = [
        ROWS[0],
        ["", "无分类", "内容", "", "", ""],
        ["问候", "", "内容", "", "", ""],
        ["问候", "空", " ", "", "", ""],
    ]
    sheet = read_phrase_sheet(write_csv(tmp_path / "p.csv", rows, "utf-8"))
    assert sheet.rows == []
    assert [line for line, _ in sheet.problems] == [2, 3, 4]


def test_broken_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(b"category,title,text\n" + bytes(range(128, 256)) * 10)
    with pytest.raises(SpreadsheetError, match="编码"):
        read_phrase_sheet(path)


def test_fifty_megabytes_of_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    import os

    path.write_bytes(os.urandom(50 * 1024 * 1024))
    with pytest.raises(SpreadsheetError):
        read_phrase_sheet(path)
    xlsx = tmp_path / "junk.xlsx"
    xlsx.write_bytes(os.urandom(1024 * 1024))
    with pytest.raises(SpreadsheetError, match="Excel"):
        read_phrase_sheet(xlsx)


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.doc"
    path.write_text("x")
    with pytest.raises(SpreadsheetError, match="不支持"):
        read_phrase_sheet(path)


def test_formulas_are_neutralised_on_export_and_restored_on_import(tmp_path: Path) -> None:
    dangerous = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "普通文本", "'=已经带引号"]
    assert [unneutralize(neutralize(v)) for v in dangerous] == dangerous
    rows = [PhraseRow("测试", f"标题{i}", value) for i, value in enumerate(dangerous)]
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"out{suffix}"
        write_phrase_sheet(path, rows)
        if suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path)
            cells = [row[2].value for row in workbook.active.iter_rows(min_row=2)]
            assert all(not str(c).startswith(("=", "+", "-", "@")) for c in cells)
            assert all(row[2].data_type == "s" for row in workbook.active.iter_rows(min_row=2))
        else:
            raw = path.read_text(encoding="utf-8-sig")
            assert "\n=" not in raw and ",=" not in raw
        assert [r for _, r in read_phrase_sheet(path).rows] == rows


def test_import_never_evaluates_xlsx_formulas(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["category", "title", "text"])
    sheet.append(["测试", "公式", "=1+1"])
    path = tmp_path / "formula.xlsx"
    workbook.save(path)
    ((_, row),) = read_phrase_sheet(path).rows
    assert row.text == "=1+1"


def test_truncated_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "good.xlsx"
    write_phrase_sheet(path, [PhraseRow("测试", "标题", "内容")])
    data = path.read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(SpreadsheetError):
        read_phrase_sheet(truncated)


def test_an_unreadable_xlsx_is_called_unreadable_not_damaged(tmp_path: Path) -> None:
    folder = tmp_path / "话术.xlsx"
    folder.mkdir()  # cannot be opened as a file (a permission problem reads the same way)
    for path in (folder, tmp_path / "missing.xlsx"):
        with pytest.raises(SpreadsheetError, match="无法读取文件"):
            read_phrase_sheet(path)


def test_a_non_utf8_name_in_the_zip_directory_is_damage(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    at = data.rfind(b"xl/workbook.xml")  # the central directory's copy of the name
    data[at : at + 2] = b"\xc2\x28"  # invalid UTF-8 ...
    flags = data.rfind(b"PK\x01\x02") + 9  # the high byte of the general-purpose flags
    data[flags] |= 0x08  # ... under the "name is UTF-8" flag (bit 11)
    path.write_bytes(bytes(data))
    with pytest.raises(SpreadsheetError, match="损坏"):
        read_phrase_sheet(path)


def test_zip_bomb_and_path_traversal_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(SpreadsheetError, match="压缩炸弹"):
        read_phrase_sheet(bomb)
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("../../etc/passwd", "x")
    with pytest.raises(SpreadsheetError, match="可疑路径"):
        read_phrase_sheet(evil)


def test_xlsx_roundtrip_keeps_multiline_text(tmp_path: Path) -> None:
    rows = [PhraseRow("甲/乙", "多行", '第一行\n第二行，含逗号, 和"引号"', "/dh", ("a", "b"), "备注")]
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"x{suffix}"
        write_phrase_sheet(path, rows)
        assert [r for _, r in read_phrase_sheet(path).rows] == rows


def test_split_tags() -> None:
    assert split_tags("物流；安抚、催件, 物流") == ("物流", "安抚", "催件")
    assert split_tags("") == ()


def test_row_numbers_count_the_blank_rows_above_the_header(tmp_path: Path) -> None:
    """A lead's sheet often starts with a title or blank rows: 第 N 行 must be the row Excel shows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append([])
    sheet.append(["分类", "标题", "话术"])
    sheet.append(["售后", "一", "内容一"])
    sheet.append(["售后", "", "缺标题"])
    path = tmp_path / "top.xlsx"
    book.save(path)
    parsed = read_phrase_sheet(path)
    assert [line for line, _row in parsed.rows] == [4]
    assert parsed.problems == [(5, "标题为空")]
    csv_path = tmp_path / "top.csv"
    csv_path.write_text("\n\n分类,标题,话术\n售后,一,内容一\n售后,,缺标题\n", encoding="utf-8")
    assert read_phrase_sheet(csv_path).problems == [(5, "标题为空")]


def test_the_first_worksheet_with_the_columns_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["这是说明页：话术在第二个工作表"])
    phrases = book.create_sheet("话术")
    phrases.append(["分类", "标题", "话术"])
    phrases.append(["售后", "退款", "您好，退款已原路退回。"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    parsed = read_phrase_sheet(path)
    assert [(row.title, row.text) for _line, row in parsed.rows] == [("退款", "您好，退款已原路退回。")]
    book.remove(phrases)
    book.save(path)
    with pytest.raises(SpreadsheetError, match="缺少必需的列"):
        read_phrase_sheet(path)
    other = book.create_sheet("备注")
    other.append(["随便", "什么"])
    book.save(path)
    with pytest.raises(SpreadsheetError, match="“说明”、“备注”"):
        read_phrase_sheet(path)


def test_a_formula_cell_imports_the_result_excel_saved(tmp_path: Path) -> None:
    """What the lead sees in the cell, not its formula; nothing is evaluated here."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["category", "title", "text"])
    sheet.append(["测试", "拼接", '=CONCATENATE("您好，","请稍等")'])
    sheet.append(["测试", "未计算", "=1+1"])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    # Excel stores each formula's last result beside it (<v>); openpyxl writes none: add one.
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode("utf-8")
                start = xml.index('<c r="C2"')
                end = xml.index("</c>", start) + len("</c>")
                cell = xml[start:end].replace("<v></v>", "").replace("<v />", "")
                cell = cell.replace('<c r="C2"', '<c r="C2" t="str"', 1).replace("</c>", "<v>您好，请稍等</v></c>")
                data = (xml[:start] + cell + xml[end:]).encode("utf-8")
            dst.writestr(item, data)
    texts = [row.text for _line, row in read_phrase_sheet(saved).rows]
    assert texts == ["您好，请稍等", "=1+1"]
