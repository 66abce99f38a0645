"""Spreadsheet exchange: encodings, Chinese headers, formula safety and broken files."""

from __future__ import annotations

import csv
import datetime
import io
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from huashu.core.models import PhraseRow, row_label
from huashu.core.spreadsheet import (
    MAX_CELL_CHARS,
    SpreadsheetError,
    neutralize,
    read_phrase_sheet,
    split_tags,
    unneutralize,
    write_phrase_sheet,
)
from workbooks import write_workbook

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
    # Named as a lead with Chinese headers knows them, never "category, title, text".
    with pytest.raises(SpreadsheetError, match="缺少必需的列: 分类、标题、内容（文件表头: name、value）"):
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
                cell = cell.replace('<c r="C2"', '<c r="C2" t="str"', 1).replace(
                    "</c>", "<v>您好，请稍等</v></c>"
                )
                data = (xml[:start] + cell + xml[end:]).encode("utf-8")
            dst.writestr(item, data)
    texts = [row.text for _line, row in read_phrase_sheet(saved).rows]
    assert texts == ["您好，请稍等", "=1+1"]


# --- merged cells --------------------------------------------------------------------------------


def _merged_workbook(path: Path) -> Path:
    """A lead's sheet: a merged title row, 分类 merged down each category, 备注 merged over a group."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024 售后话术（内部使用）"])
    sheet.merge_cells("A1:E1")
    sheet.append(["分类", "标题", "话术", "标签", "备注"])
    sheet.append(["售后/退款", "退款进度", "您好，退款已原路退回。", "退款", "电话渠道"])
    sheet.append([None, "退款时效", "一般1-3个工作日到账。", "退款", None])
    sheet.append([None, "退款失败", "请您核对收款账户。", None, None])
    sheet.append([None, None, None, None, None])  # the merge runs one row past the category
    sheet.append(["物流", "催件", "已为您催促快递公司。", None, None])
    sheet.append([None, "改地址", "已为您修改收货地址。", None, None])
    sheet.merge_cells("A3:A6")
    sheet.merge_cells("E3:E4")
    sheet.merge_cells("A7:A8")
    book.save(path)
    return path


def test_a_merged_category_cell_applies_to_every_row_it_spans(tmp_path: Path) -> None:
    parsed = read_phrase_sheet(_merged_workbook(tmp_path / "merged.xlsx"))
    assert parsed.problems == []  # the blank row under the merge is blank, not "标题为空"
    assert [(line, row.category, row.title, row.notes) for line, row in parsed.rows] == [
        (3, "售后/退款", "退款进度", "电话渠道"),
        (4, "售后/退款", "退款时效", "电话渠道"),
        (5, "售后/退款", "退款失败", ""),
        (7, "物流", "催件", ""),
        (8, "物流", "改地址", ""),
    ]


def test_a_merged_text_title_or_shortcut_is_not_copied_and_the_row_says_why(tmp_path: Path) -> None:
    """Title, text and shortcut make each phrase itself: a merge there counts for its first row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术", "快捷编码"])
    sheet.append(["售后", "退款一", "同一段话术", "/tk"])
    sheet.append(["售后", "退款二", None, None])
    sheet.append(["售后", "退款三", "自己的话术", None])
    sheet.merge_cells("C2:C3")
    sheet.merge_cells("D2:D4")
    path = tmp_path / "text.xlsx"
    book.save(path)
    parsed = read_phrase_sheet(path)
    assert [(line, row.text, row.shortcut) for line, row in parsed.rows] == [
        (2, "同一段话术", "/tk"),
        (4, "自己的话术", None),
    ]
    ((line, reason),) = parsed.problems
    assert line == 3 and reason.startswith("内容为空") and "合并单元格 C2:C3" in reason


def test_a_horizontal_merge_gives_its_value_to_its_first_column_only(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术", "标签", "备注"])
    sheet.append(["售后", "长话术", "一段很长的话术，被拉宽到后面几列", None, None])
    sheet.merge_cells("C2:E2")
    path = tmp_path / "wide.xlsx"
    book.save(path)
    ((_line, row),) = read_phrase_sheet(path).rows
    assert (row.text, row.tags, row.notes) == ("一段很长的话术，被拉宽到后面几列", (), "")


def test_pack_build_reads_a_sheet_with_merged_categories(tmp_path: Path) -> None:
    """`pack build --from` refused such sheets: every row under a merged 分类 was 分类为空."""
    from huashu.core.packs import phrases_from_sheet

    phrases, problems = phrases_from_sheet(_merged_workbook(tmp_path / "merged.xlsx"))
    assert problems == []
    assert [(p.category, p.title) for p in phrases][:3] == [
        ("售后/退款", "退款进度"),
        ("售后/退款", "退款时效"),
        ("售后/退款", "退款失败"),
    ]


def _rewrite_sheet_xml(source: Path, target: Path, edit: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return target


def test_merges_are_found_under_a_namespace_prefix(tmp_path: Path) -> None:
    """Some generators write <x:mergeCell>; the scan must not depend on the default namespace."""
    plain = _merged_workbook(tmp_path / "plain.xlsx")

    def prefixed(xml: str) -> str:
        return (
            xml.replace("<mergeCells", '<x:mergeCells xmlns:x="urn:x"')
            .replace("</mergeCells>", "</x:mergeCells>")
            .replace("<mergeCell ", "<x:mergeCell ")
        )

    path = _rewrite_sheet_xml(plain, tmp_path / "prefixed.xlsx", prefixed)
    assert "<x:mergeCell " in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert [row.category for _line, row in read_phrase_sheet(path).rows] == [
        row.category for _line, row in read_phrase_sheet(plain).rows
    ]


def test_the_merge_scan_agrees_with_openpyxl(tmp_path: Path) -> None:
    from huashu.core.spreadsheet import _merges_by_full_load, _scan_merges

    path = _merged_workbook(tmp_path / "merged.xlsx")
    with zipfile.ZipFile(path) as archive:
        scanned = _scan_merges(archive, "xl/worksheets/sheet1.xml")
    assert (
        sorted(scanned) == sorted(_merges_by_full_load(path)["Sheet"]) == ["A1:E1", "A3:A6", "A7:A8", "E3:E4"]
    )


def test_overlapping_merges_cannot_make_reading_slow(tmp_path: Path) -> None:
    """Excel never writes overlapping merges; a crafted file with thousands of them stays linear."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术"])
    for i in range(20_000):
        sheet.append(["售后" if i == 0 else None, f"标题{i}", "内容"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    merges = "".join(f'<mergeCell ref="A{row}:A20001"/>' for row in range(2, 5002))

    def overlapping(xml: str) -> str:
        return xml.replace("</sheetData>", f'</sheetData><mergeCells count="5000">{merges}</mergeCells>', 1)

    path = _rewrite_sheet_xml(plain, tmp_path / "overlap.xlsx", overlapping)
    started = time.perf_counter()
    parsed = read_phrase_sheet(path)
    assert time.perf_counter() - started < 30  # quadratic would be 10^8 cell visits
    assert len(parsed.rows) == 20_000 and {row.category for _line, row in parsed.rows} == {"售后"}


# --- number formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (datetime.datetime(2024, 5, 1), "yyyy-mm-dd", "2024-05-01"),
        (datetime.datetime(2024, 5, 1), "m/d/yy", "2024-05-01"),
        (datetime.datetime(2024, 5, 1), 'yyyy"年"m"月"d"日"', "2024年5月1日"),  # the words are the text
        (datetime.datetime(2024, 5, 1), 'yyyy"年"mm"月"dd"日"', "2024年05月01日"),
        (datetime.datetime(2024, 5, 1), '[$-804]yyyy"年"m"月"', "2024年5月"),
        (datetime.datetime(2024, 5, 1, 9, 30), 'yyyy"年"m"月"d"日" h:mm', "2024-05-01 09:30"),
        (datetime.datetime(2024, 5, 1, 14, 30), "yyyy-mm-dd", "2024-05-01"),  # time not shown
        (datetime.datetime(2024, 5, 1, 14, 30), "yyyy-mm-dd h:mm", "2024-05-01 14:30"),
        (datetime.datetime(2024, 5, 1, 14, 30, 5), "yyyy/m/d h:mm:ss", "2024-05-01 14:30:05"),
        (datetime.time(9, 30), "h:mm", "09:30"),
        (0.15, "0%", "15%"),
        (0.145, "0%", "15%"),  # Excel rounds half away from zero
        (0.1234, "0.00%", "12.34%"),
        (-0.05, "0.0%;[Red]-0.0%", "-5.0%"),
        (3, "0%", "300%"),
        (12.0, "General", "12"),
        (0.1 + 0.2, "General", "0.3"),  # Excel shows 15 significant digits
        (12.5, "0.00", "12.50"),
        (12.5, "0", "13"),
        (1234567.891, "#,##0.00", "1,234,567.89"),
        (1234.5, '#,##0.00"元"', "1,234.50元"),
        (12.5, "[$¥-804]#,##0.00", "¥12.50"),
        (7, '0"件"', "7件"),
        (13812345678, "0", "13812345678"),
        (13812345678, "General", "13812345678"),
        (True, "General", "TRUE"),
        (0.5, "# ?/?", "0.5"),  # formats import does not render fall back to the plain number
    ],
)
def test_xlsx_cells_import_as_the_text_the_lead_sees(
    tmp_path: Path, value: object, number_format: str, shown: str
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术", "备注"])
    sheet.append(["活动", "说明", "活动说明", value])
    sheet.cell(row=2, column=4).number_format = number_format
    path = tmp_path / "formats.xlsx"
    book.save(path)
    ((_line, row),) = read_phrase_sheet(path).rows
    assert row.notes == shown


def test_a_formula_result_is_shown_in_its_cells_format(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术", "备注"])
    sheet.append(["活动", "折扣", "本次折扣", "=1-0.85"])
    sheet.cell(row=2, column=4).number_format = "0%"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)

    def with_result(xml: str) -> str:  # what Excel saves beside the formula
        start = xml.index('<c r="D2"')
        end = xml.index("</c>", start)
        return (
            xml[:start]
            + xml[start:end].replace("<v></v>", "").replace("<v />", "")
            + "<v>0.15</v>"
            + xml[end:]
        )

    path = _rewrite_sheet_xml(plain, tmp_path / "saved.xlsx", with_result)
    ((_line, row),) = read_phrase_sheet(path).rows
    assert row.notes == "15%"


# --- workbooks with several sheets, hidden sheets and rows ----------------------------------------




PER_SHEET = [
    (
        "售前",
        [
            ["分类", "标题", "话术"],
            ["售前/咨询", "尺码推荐", "我帮您推荐。"],
            ["售前/咨询", "发货时间", "48小时内发货。"],
        ],
    ),
    (
        "售后",
        [["分类", "标题", "话术"], ["售后/退款", "退款时效", "1-3个工作日。"], ["售后/退款", "", "没有标题"]],
    ),
    ("物流", [["分类", "标题", "话术"], ["物流/查询", "查询物流", "单号是[快递单号]。"]]),
]


def test_every_visible_sheet_with_the_columns_is_read_and_rows_name_their_sheet(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "per_sheet.xlsx", [*PER_SHEET, ("说明", [["填写说明"], ["每行一条话术"]])])
    assert [row.title for _line, row in read_phrase_sheet(path).rows] == [
        "尺码推荐",
        "发货时间",
    ]  # packs: first
    sheet = read_phrase_sheet(path, all_sheets=True)
    assert [row.title for _line, row in sheet.rows] == ["尺码推荐", "发货时间", "退款时效", "查询物流"]
    assert sheet.sheets == ["售前", "售后", "物流"]
    ((line, reason),) = sheet.problems
    assert (row_label(line), reason) == ("工作表“售后”第 3 行", "标题为空")
    assert [(row_label(line), note) for line, note in sheet.notes] == [
        ("工作表“说明”", "没有所需的列（分类、标题、内容），未读取")
    ]


def test_a_hidden_sheet_is_never_read(tmp_path: Path) -> None:
    template = [["分类", "标题", "话术"], ["示例分类", "示例标题", "示例内容"]]
    real = [["分类", "标题", "话术"], ["售后", "退款时效", "1-3个工作日。"], ["售后", "换货", "申请换货。"]]
    path = write_workbook(tmp_path / "hidden.xlsx", [("模板", template), ("话术库", real)], hidden=("模板",))
    for all_sheets in (False, True):
        sheet = read_phrase_sheet(path, all_sheets=all_sheets)
        assert [row.title for _line, row in sheet.rows] == ["退款时效", "换货"]
        assert [line for line, _row in sheet.rows] == [2, 3] and all(
            type(line) is int for line, _ in sheet.rows
        )
        assert [(row_label(line), note) for line, note in sheet.notes] == [
            ("工作表“模板”", "隐藏的工作表，未读取")
        ]
    only_hidden = write_workbook(
        tmp_path / "only.xlsx", [("模板", template), ("空", [["备注"]])], hidden=("模板",)
    )
    with pytest.raises(SpreadsheetError, match="隐藏的工作表不读取: “模板”"):
        read_phrase_sheet(only_hidden, all_sheets=True)


def test_sheets_without_a_category_column_take_the_sheet_name(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "by_name.xlsx",
        [
            ("售前", [["标题", "话术"], ["尺码推荐", "我帮您推荐。"]]),
            ("售后", [["标题", "话术"], ["退款时效", "1-3天。"]]),
        ],
    )
    sheet = read_phrase_sheet(path, all_sheets=True)
    assert [(row.category, row.title) for _line, row in sheet.rows] == [
        ("售前", "尺码推荐"),
        ("售后", "退款时效"),
    ]
    assert [(row_label(line), note) for line, note in sheet.notes] == [
        ("工作表“售前”第 1 行", "没有“分类”列，本表的话术归入分类“售前”（工作表名）"),
        ("工作表“售后”第 1 行", "没有“分类”列，本表的话术归入分类“售后”（工作表名）"),
    ]
    alone = write_workbook(tmp_path / "alone.xlsx", [("售前", [["标题", "话术"], ["尺码推荐", "我帮您推荐。"]])])
    with pytest.raises(SpreadsheetError, match="缺少必需的列: 分类"):  # one sheet: as a CSV, an error
        read_phrase_sheet(alone, all_sheets=True)


def test_hidden_rows_are_read_and_listed(tmp_path: Path) -> None:
    rows = [["分类", "标题", "话术"]] + [["售后", f"标题{i}", f"内容{i}"] for i in range(2, 9)]
    path = write_workbook(tmp_path / "rows.xlsx", [("话术", rows)])
    book = openpyxl.load_workbook(path)
    for row in (3, 5, 6, 7):
        book.active.row_dimensions[row].hidden = True
    book.save(path)
    sheet = read_phrase_sheet(path)
    assert len(sheet.rows) == 7
    assert sheet.notes == [(3, "以下隐藏的行也已读取: 第 3、5–7 行（Excel 中被隐藏或筛选掉）")]


# --- CSV saved by Excel --------------------------------------------------------------------------


def test_a_csv_row_without_category_under_one_with_it_takes_that_category(tmp_path: Path) -> None:
    rows = [
        ["分类", "标题", "话术"],
        ["售后", "退款", "1-3天到账。"],
        ["", "换货", "申请换货。"],
        ["", "补发", "为您补发。"],
        ["物流", "查询", "单号是。"],
        ["", "催件", "帮您催。"],
    ]
    sheet = read_phrase_sheet(write_csv(tmp_path / "merged.csv", rows, "gb18030"))
    assert [row.category for _line, row in sheet.rows] == ["售后", "售后", "售后", "物流", "物流"]
    assert sheet.problems == []
    assert sheet.notes == [
        (
            3,
            "分类为空，沿用第 2 行的分类“售后”（第 3–4 行；Excel 把合并的分类单元格另存为 CSV 时只在第一行写分类）",
        ),
        (
            6,
            "分类为空，沿用第 5 行的分类“物流”（本行；Excel 把合并的分类单元格另存为 CSV 时只在第一行写分类）",
        ),
    ]
    # No row above to take it from, or a blank row between: still an empty category.
    rows = [
        ["分类", "标题", "话术"],
        ["", "换货", "申请换货。"],
        ["售后", "退款", "1-3天。"],
        ["", "", ""],
        ["", "补发", "补发。"],
    ]
    sheet = read_phrase_sheet(write_csv(tmp_path / "first.csv", rows, "utf-8"))
    assert sheet.problems == [(2, "分类为空"), (5, "分类为空")] and sheet.notes == []


def test_an_xlsx_row_without_category_stays_empty(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "plain.xlsx",
        [("话术", [["分类", "标题", "话术"], ["售后", "退款", "1天。"], [None, "换货", "换。"]])],
    )
    assert read_phrase_sheet(path).problems == [(3, "分类为空")]  # merges are read as merges in XLSX


def test_a_huge_csv_cell_skips_its_row_with_a_chinese_reason(tmp_path: Path) -> None:
    rows = [["分类", "标题", "话术"], ["售后", "超长", "长" * 200_000], ["售后", "正常", "正常内容"]]
    sheet = read_phrase_sheet(write_csv(tmp_path / "huge.csv", rows, "utf-8"))
    assert [row.title for _line, row in sheet.rows] == ["正常"]
    assert sheet.problems == [(2, f"单元格过长（话术 超过 {MAX_CELL_CHARS} 字）")]  # the lead's header


def test_file_errors_are_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError, match="文件不存在") as missing:
        read_phrase_sheet(tmp_path / "nope.csv")
    assert "No such file" not in str(missing.value)
    broken = tmp_path / "quote.csv"
    broken.write_text('分类,标题,话术\n售后,退款,"没有结束的引号\n', encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="CSV 格式错误（第 2 行）: 文件在引号内结束"):
        read_phrase_sheet(broken)


def test_an_excel_file_named_csv_is_read_as_excel(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "real.xlsx", [("话术", [["分类", "标题", "话术"], ["售后", "退款", "1天。"]])]
    )
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(path.read_bytes())
    sheet = read_phrase_sheet(renamed)
    assert sheet.format == "xlsx" and [row.title for _line, row in sheet.rows] == ["退款"]


def test_text_loses_outer_blanks_and_keeps_inner_line_breaks(tmp_path: Path) -> None:
    rows = [["分类", "标题", "话术"], ["售后", " 退款 ", "  您好，\n退款1-3天到账。 \n"]]
    ((_line, row),) = read_phrase_sheet(write_csv(tmp_path / "blanks.csv", rows, "utf-8")).rows
    assert (row.title, row.text) == ("退款", "您好，\n退款1-3天到账。")


# -- exports a lead shares, and files a lead cannot import -----------------------------------------


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """umask(0o027): set the process umask for the test, restored after."""
    import os

    original = os.umask(0o022)
    os.umask(original)
    yield lambda mask: os.umask(mask) and None
    os.umask(original)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_an_export_gets_the_permissions_of_a_new_file(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    """A lead's export on a shared folder is for colleagues: -rw-r--r-- under umask 022, not 0600."""
    import os
    import stat

    umask(mask)
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"导出{suffix}"
        write_phrase_sheet(path, [PhraseRow("问候", "接入", "您好！")])
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~mask, suffix
        os.chmod(path, 0o600)  # one written by an older version: writing over it shares it too
        write_phrase_sheet(path, [PhraseRow("问候", "接入", "您好！")])
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~mask, suffix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["导出.csv", "导出.xlsx"]  # no temporary left


def test_a_failed_export_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    path = tmp_path / "导出.csv"
    write_phrase_sheet(path, [PhraseRow("问候", "接入", "旧的")])
    before = path.read_bytes()

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        write_phrase_sheet(path, [PhraseRow("问候", "接入", "新的")])
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["导出.csv"]


def test_export_headers_are_chinese_unless_english_is_asked_for(tmp_path: Path) -> None:
    rows = [PhraseRow("投诉处理/物流超期", "物流安抚", "您好。", "/wl", ("物流", "安抚"), "备注")]
    for suffix in (".csv", ".xlsx"):
        zh, en = tmp_path / f"zh{suffix}", tmp_path / f"en{suffix}"
        write_phrase_sheet(zh, rows)
        write_phrase_sheet(en, rows, headers="en")
        if suffix == ".csv":
            header = zh.read_text(encoding="utf-8-sig").splitlines()[0]
            assert header == "分类,标题,内容,快捷编码,标签,备注"
            assert en.read_text(encoding="utf-8-sig").splitlines()[0] == "category,title,text,shortcut,tags,notes"
        else:
            first = next(openpyxl.load_workbook(zh).active.iter_rows(max_row=1, values_only=True))
            assert list(first) == ["分类", "标题", "内容", "快捷编码", "标签", "备注"]
        for path in (zh, en):
            sheet = read_phrase_sheet(path)
            assert [r for _, r in sheet.rows] == rows and sheet.ignored_columns == []


def test_pack_phrases_are_marked_in_a_source_column_that_import_knows(tmp_path: Path) -> None:
    rows = [PhraseRow("问候", "接入", "您好！"), PhraseRow("售后", "退款", "1-3天到账。")]
    path = tmp_path / "带来源.csv"
    write_phrase_sheet(path, rows, sources=["", "公司话术"])
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",来源") and lines[1].endswith(",个人")
    assert lines[2].endswith(",团队话术包“公司话术”（只读）")
    sheet = read_phrase_sheet(path)
    assert [r for _, r in sheet.rows] == rows and sheet.ignored_columns == []  # not an unknown column
    plain = tmp_path / "只有个人.csv"
    write_phrase_sheet(plain, rows, sources=["", ""])
    assert plain.read_text(encoding="utf-8-sig").splitlines()[0] == "分类,标题,内容,快捷编码,标签,备注"


def _assert_encoding_message(message: str, where: str, encoding: str) -> None:
    """Chinese only, the place, the encodings that work and how to fix it."""
    import re

    assert where in message and f"按 {encoding} 读取时" in message
    assert "UTF-8" in message and "GB18030" in message and "UTF-16" in message
    assert "另存为" in message and "CSV UTF-8" in message and "整个文件都没有导入" in message
    words = set(re.findall(r"[A-Za-z]{2,}", re.sub(r"0x[0-9A-F]{2}", "", message)))
    assert words <= {"UTF", "GB", "GBK", "BOM", "Excel", "CSV", "csv", "GB18030"}, words


def test_one_bad_byte_after_20000_good_utf8_rows_is_named_by_row_and_character(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    body = "".join(f"售后/组{i // 500},标题{i},您好，这是第{i}条话术。\n" for i in range(20_000))
    path.write_bytes(("分类,标题,话术\n" + body).encode("utf-8") + "售后,最后,坏".encode() + b"\xff\xfe!\n")
    started = time.perf_counter()
    with pytest.raises(SpreadsheetError) as refused:
        read_phrase_sheet(path)
    assert time.perf_counter() - started < 2
    message = str(refused.value)
    _assert_encoding_message(message, "第 20002 行第 8 个字符处", "UTF-8")
    assert "有无法识别的字节 0xFF" in message and "unrecognised" not in message


def test_a_gbk_file_with_one_broken_character_is_named_as_gbk(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    good = "分类,标题,话术\n售后,退款,退款1-3个工作日到账。\n售后,换货,请寄回商品。\n"
    # A lead's sheet cut in the middle of a character: the lead byte of 货 without its trail byte.
    path.write_bytes(good.encode("gbk") + "售后,坏,请".encode("gbk") + b"\xbb,\n")
    with pytest.raises(SpreadsheetError) as refused:
        read_phrase_sheet(path)
    _assert_encoding_message(str(refused.value), "第 4 行第 7 个字符处", "GB18030/GBK")


def test_a_multiline_cell_counts_as_one_row_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_bytes('分类,标题,话术\n售后,多行,"第一行\n第二行"\n售后,坏,x'.encode() + b"\xff\n")
    with pytest.raises(SpreadsheetError) as refused:
        read_phrase_sheet(path)
    assert "第 3 行第 7 个字符处（文本编辑器中的第 4 行，文件第 70 个字节）" in str(refused.value)


def test_a_broken_utf16_file_is_named_as_utf16(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    text = "分类\t标题\t话术\n售后\t退款\t好的\n售后\t坏\t"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le") + b"\x00\xd8A\x00")  # a lone surrogate
    with pytest.raises(SpreadsheetError) as refused:
        read_phrase_sheet(path)
    _assert_encoding_message(str(refused.value), "第 3 行第 6 个字符处", "UTF-16")
