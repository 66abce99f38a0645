"""CSV and XLSX exchange with team leads' spreadsheets: encodings, Chinese headers, formula safety.

An XLSX cell imports as the text the lead sees in Excel: dates, percentages and fixed decimals are
rendered from the cell's number format, and a merged cell's value is read where it shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from huashu.core.models import PhraseRow, normalize_category_path
from huashu.paths import atomic_write_bytes

# A lead's sheet is a few thousand rows; anything far larger is junk or an attack.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_XLSX_RATIO = 200  # zip bombs compress far better than any real sheet
MAX_CELL_CHARS = 20_000
MAX_ROWS = 200_000

PHRASE_COLUMNS: tuple[str, ...] = ("category", "title", "text", "shortcut", "tags", "notes")
PHRASE_REQUIRED: tuple[str, ...] = ("category", "title", "text")
PHRASE_ALIASES: dict[str, str] = {
    "category": "category",
    "分组": "category",
    "分类": "category",
    "类别": "category",
    "目录": "category",
    "title": "title",
    "标题": "title",
    "名称": "title",
    "text": "text",
    "内容": "text",
    "话术": "text",
    "话术内容": "text",
    "正文": "text",
    "shortcut": "shortcut",
    "快捷编码": "shortcut",
    "快捷码": "shortcut",
    "快捷短语": "shortcut",
    "快捷键": "shortcut",
    "缩写": "shortcut",
    "tags": "tags",
    "标签": "tags",
    "notes": "notes",
    "备注": "notes",
    "说明": "notes",
}

# Columns of a phrase sheet whose vertically merged cell applies to every row it spans. Leads
# merge 分类 over a category's rows (and sometimes 标签/备注 over a group); title, text and
# shortcut identify one phrase each, so a merge there is reported instead of copied.
PHRASE_FILL_MERGED: tuple[str, ...] = ("category", "tags", "notes")

# OWASP CSV injection: cells starting with these are formulas to Excel and LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a sheet at all; nothing of it is imported."""


@dataclass(frozen=True)
class TableRow:
    line: int  # 1-based row number as the lead sees it in Excel (header is row 1)
    values: dict[str, str]
    # Columns whose cell lies under a merged cell that was not repeated here, with the merge's
    # range ("C2:C4"): their value is "" and a report can say why.
    merged: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MergedRange:
    """A merged cell of a worksheet; rows and columns are 0-based indices into the sheet's records."""

    ref: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass
class _Sheet:
    name: str
    records: list[list[str]]
    merges: list[MergedRange] = field(default_factory=list)


@dataclass
class Table:
    columns: list[str]
    rows: list[TableRow]
    encoding: str
    format: str
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class PhraseSheet:
    rows: list[tuple[int, PhraseRow]]
    problems: list[tuple[int, str]]
    encoding: str
    format: str
    ignored_columns: list[str]


def _formula_like(value: str) -> bool:
    return value.lstrip("'").startswith(_FORMULA_START)


def neutralize(value: str) -> str:
    """Prefix a formula-looking cell with an apostrophe so spreadsheets show it as text.

    Text that already starts with apostrophes before a formula character gets one more,
    so `unneutralize` is an exact inverse.
    """
    if _formula_like(value) and (value.startswith(_FORMULA_START) or value.startswith("'")):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """Undo `neutralize`, so an exported sheet re-imports to the same text."""
    if value.startswith("'") and _formula_like(value):
        return value[1:]
    return value


def _normalize_header(header: str) -> str:
    return header.strip().lstrip("\ufeff").strip().lower().replace(" ", "")


def _decode(data: bytes) -> tuple[str, str]:
    """Decode what Excel and editors write: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            # Binary junk can decode as GB18030; real sheets never hold NUL.
            continue
        return text, encoding
    raise SpreadsheetError("无法识别文件编码（支持 UTF-8、UTF-8 BOM、GB18030）/ unrecognised text encoding")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件 {path}: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(
            f"文件过大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）: {path}"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件 {path}: {exc.strerror or exc}") from exc


def _csv_records(text: str) -> list[list[str]]:
    sample = text[:8192]
    first_line = sample.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; some European locales use semicolons.
    delimiter = max((",", "\t", ";"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = []
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                raise SpreadsheetError(f"行数过多（上限 {MAX_ROWS} 行）")
        return records
    except csv.Error as exc:
        raise SpreadsheetError(f"CSV 格式错误（第 {reader.line_num} 行）: {exc}") from exc


def _check_xlsx_container(path: Path) -> None:
    try:
        with path.open("rb"):
            pass  # a file that cannot be opened at all is unreadable, not "not an Excel file"
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件 {path}: {exc.strerror or exc}") from exc
    if not zipfile.is_zipfile(path):
        raise SpreadsheetError(f"不是有效的 Excel (.xlsx) 文件: {path.name}")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = 0
            compressed = 0
            for info in infos:
                name = info.filename
                if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                    raise SpreadsheetError(f"Excel 文件包含可疑路径，已拒绝: {name}")
                total += info.file_size
                compressed += info.compress_size
            if total > MAX_XLSX_UNPACKED_BYTES or (compressed and total / compressed > MAX_XLSX_RATIO):
                raise SpreadsheetError("Excel 文件解压后过大（疑似压缩炸弹），已拒绝")
            if "xl/workbook.xml" not in {info.filename for info in infos}:
                raise SpreadsheetError(f"不是有效的 Excel (.xlsx) 文件（缺少工作簿）: {path.name}")
    except SpreadsheetError:
        raise
    except Exception as exc:  # zipfile raises BadZipFile, UnicodeDecodeError, struct.error... on damage
        raise SpreadsheetError(f"Excel 文件已损坏: {exc}") from exc


# --- XLSX cells as the lead sees them ---------------------------------------------------------

# A format code's tokens: quoted text, an escaped character, a bracket ([Red], [$¥-804], [h]),
# `_x` padding or `*x` fill, or one plain character.
_FORMAT_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|.', re.DOTALL)
_FIXED_FORMAT = re.compile(r"[#,]*0+(?:\.(0+))?")
# Plain characters Excel shows as they are around a number ("¥1,234.00", "(12.50)", "15 %").
_LITERAL_CHARS = frozenset(" $-+()¥￥€£:/'")


@dataclass(frozen=True)
class _NumberFormat:
    percent: bool  # the number is shown times 100 (the "%" itself is in the suffix)
    decimals: int | None  # None: Excel's "General" (as many digits as the number needs)
    grouping: bool
    prefix: str  # literal text before and after the number: "¥", "元", "%"
    suffix: str
    shows_date: bool
    shows_time: bool
    shows_seconds: bool


_FORMAT_CACHE: dict[str, _NumberFormat] = {}


def _number_format(code: str) -> _NumberFormat:
    """What a format code does to a number, reduced to what import renders (cached: a sheet has few)."""
    cached = _FORMAT_CACHE.get(code)
    if cached is not None:
        return cached
    pattern: list[str] = []  # the format's digit and date/time characters
    literals: list[tuple[int, str]] = []  # (position in pattern, text shown as it is)
    for token in _FORMAT_TOKEN.findall(code):
        if token == ";":
            break  # only the first section (positive numbers); a negative keeps its minus sign
        if token.startswith('"'):
            literals.append((len(pattern), token[1:-1]))
        elif token.startswith("\\"):
            literals.append((len(pattern), token[1:]))
        elif token.startswith("[$"):
            literals.append((len(pattern), token[2:-1].split("-", 1)[0]))  # [$¥-804] shows ¥
        elif token.startswith(("[", "_", "*")):
            continue
        elif token in _LITERAL_CHARS or token == "%":
            literals.append((len(pattern), token))
        else:
            pattern.append(token)
    digits = "".join(pattern)
    lowered = digits.lower()
    fixed = _FIXED_FORMAT.fullmatch(digits) is not None and all(
        at in (0, len(pattern)) for at, _text in literals
    )
    if fixed:
        point = digits.find(".")
        result = _NumberFormat(
            percent=any("%" in text for _at, text in literals),
            decimals=0 if point < 0 else len(digits) - point - 1,
            grouping="," in digits,
            prefix="".join(text for at, text in literals if at == 0),
            suffix="".join(text for at, text in literals if at > 0),
            shows_date=False,
            shows_time=False,
            shows_seconds=False,
        )
    else:
        result = _NumberFormat(
            percent=False,
            decimals=None,
            grouping=False,
            prefix="",
            suffix="",
            shows_date="y" in lowered or "d" in lowered or "e" in lowered,
            shows_time="h" in lowered or "s" in lowered or "am/pm" in code.lower(),
            shows_seconds="s" in lowered,
        )
    _FORMAT_CACHE[code] = result
    return result


def _general_number(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    # Excel keeps 15 significant digits: a saved 0.1+0.2 shows as 0.3, not 0.30000000000000004.
    text = f"{value:.15g}"
    return text if "e" not in text else repr(value)


def _formatted_number(value: float, fmt: _NumberFormat) -> str:
    if fmt.decimals is None:
        return _general_number(value)
    try:
        number = Decimal(repr(value))
        if fmt.percent:
            number *= 100
        number = number.quantize(Decimal(1).scaleb(-fmt.decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return _general_number(value)
    sign = "-" if number < 0 else ""
    digits = f"{abs(number):,f}" if fmt.grouping else f"{abs(number):f}"
    return f"{sign}{fmt.prefix}{digits}{fmt.suffix}".strip()


def _formatted_moment(value: dt.datetime | dt.date | dt.time | dt.timedelta, fmt: _NumberFormat) -> str:
    clock = "%H:%M:%S" if fmt.shows_seconds else "%H:%M"
    if isinstance(value, dt.timedelta):  # elapsed-time formats such as [h]:mm
        seconds = int(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        hours, rest = divmod(seconds, 3600)
        text = f"{sign}{hours}:{rest // 60:02d}"
        return text + f":{rest % 60:02d}" if fmt.shows_seconds else text
    if isinstance(value, dt.time):
        return value.strftime(clock)
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    if not fmt.shows_date and not fmt.shows_time:
        # An ISO date cell (t="d") under "General": show the time only when there is one.
        has_time = value.time() != dt.time(0)
        return value.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")
    if fmt.shows_time and not fmt.shows_date:
        return value.strftime(clock)
    if fmt.shows_time:
        return value.strftime("%Y-%m-%d " + clock)
    return value.strftime("%Y-%m-%d")


def _cell_text(value: object, number_format: str = "General") -> str:
    """A cell's value as the text Excel shows for it under `number_format`.

    Dates as 2024-05-01 (2024-05-01 14:30 when the format shows the time), percentages with the
    format's decimals (15%, 12.50%), fixed decimals, thousands separators and the text around the
    number as formatted (1,234.50元, ¥12.50), whole numbers stored as floats without ".0". Other
    formats (fractions, scientific, text inside the digits) fall back to the plain number; dates
    are always written YYYY-MM-DD, whatever order or words the format shows them in.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return _formatted_moment(value, _number_format(number_format))
    if isinstance(value, int | float):
        if number_format == "General":
            return _general_number(float(value)) if isinstance(value, float) else str(value)
        return _formatted_number(float(value), _number_format(number_format))
    return str(value)


def _read_cell(cell: Any) -> str:
    """The text of an openpyxl (read-only) cell; the format is looked up only for non-text values."""
    value = cell.value
    if value is None or isinstance(value, str):
        return value or ""
    return _cell_text(value, cell.number_format)


# --- XLSX merged cells -----------------------------------------------------------------------

# openpyxl's read-only mode streams rows and never reports merges; <mergeCells> follows
# <sheetData> in the sheet's XML, so it is found by scanning the decompressed bytes (no XML
# parsing, no entity expansion). Escaped cell text can never look like this tag.
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^<>]*?\bref\s*=\s*[\"']"
    rb"([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)[\"']"
)
_MERGE_SCAN_CHUNK = 1 << 20
_MERGE_SCAN_OVERLAP = 4096  # longer than any mergeCell element, so none is cut in two
MAX_MERGED_RANGES = 4 * MAX_ROWS


def _scan_merges(archive: zipfile.ZipFile, member: str) -> list[str]:
    """Every merged range's reference ("A2:A40") in one worksheet's XML, in order."""
    refs: dict[str, None] = {}
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_MERGE_SCAN_CHUNK):
            buffer = tail + chunk
            for match in _MERGE_CELL.finditer(buffer):
                refs.setdefault(match.group(1).decode("ascii").upper(), None)
            if len(refs) > MAX_MERGED_RANGES:
                raise SpreadsheetError(f"合并单元格过多（上限 {MAX_MERGED_RANGES} 个）")
            tail = buffer[-_MERGE_SCAN_OVERLAP:]
    return list(refs)


def _merges_by_full_load(path: Path) -> dict[str, list[str]]:
    """Merged ranges by sheet title through a normal (slow, in-memory) load.

    Only used if this openpyxl no longer tells where a read-only sheet's XML is.
    """
    import openpyxl

    workbook = openpyxl.load_workbook(path, data_only=False)
    try:
        return {str(ws.title): [str(r) for r in ws.merged_cells.ranges] for ws in workbook.worksheets}
    finally:
        workbook.close()


def _merged_ranges(refs: Iterable[str]) -> list[MergedRange]:
    from openpyxl.utils.cell import range_boundaries

    ranges: list[MergedRange] = []
    for ref in refs:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue  # a reference Excel would not write: the cells are read as they are
        if min_col is None or min_row is None or max_col is None or max_row is None:
            continue
        if (min_col, min_row) != (max_col, max_row):
            ranges.append(MergedRange(ref, min_row - 1, min_col - 1, max_row - 1, max_col - 1))
    return ranges


def _xlsx_sheets(path: Path) -> list[_Sheet]:
    """Every worksheet's name, rows as text, and merged cells (a lead's workbook may open with a notes sheet)."""
    _check_xlsx_container(path)
    import openpyxl  # deferred: costs ~100 ms and only imports need it

    try:
        # read_only streams rows; formulas come back as their text and are never evaluated.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SpreadsheetError(f"Excel 文件无法打开（可能已损坏或被截断）: {exc}") from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("Excel 文件没有工作表")
        sheets: list[_Sheet] = []
        unlocated = False
        total = 0
        with zipfile.ZipFile(path) as archive:
            for sheet in workbook.worksheets:
                records: list[list[str]] = []
                for row in sheet.iter_rows():
                    # Inlined _read_cell: this loop runs for every cell of the workbook.
                    records.append(
                        [
                            value
                            if (value := cell.value).__class__ is str
                            else ("" if value is None else _cell_text(value, cell.number_format))
                            for cell in row
                        ]
                    )
                    total += 1
                    if total > MAX_ROWS + 1:
                        raise SpreadsheetError(f"行数过多（上限 {MAX_ROWS} 行）")
                member = getattr(sheet, "_worksheet_path", None)
                if isinstance(member, str):
                    refs = _scan_merges(archive, member.lstrip("/"))
                else:
                    refs, unlocated = [], True
                sheets.append(_Sheet(str(sheet.title), records, _merged_ranges(refs)))
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(f"Excel 文件读取失败（可能已损坏或被截断）: {exc}") from exc
    finally:
        workbook.close()
    if unlocated:
        try:
            by_title = _merges_by_full_load(path)
        except Exception as exc:
            raise SpreadsheetError(f"Excel 文件读取失败（可能已损坏或被截断）: {exc}") from exc
        for item in sheets:
            item.merges = _merged_ranges(by_title.get(item.name, []))
    if any(cell.startswith("=") for item in sheets for record in item.records for cell in record):
        _use_cached_results(path, sheets)
    return sheets


def _use_cached_results(path: Path, sheets: list[_Sheet]) -> None:
    """Formula cells become the result Excel saved with them (what the lead sees in the cell).

    Nothing is evaluated: a file saved by a program that stores no results keeps the formula text.
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # the first pass read it: keep what it found
        return
    try:
        for item, sheet in zip(sheets, workbook.worksheets, strict=False):
            for record, cached in zip(item.records, sheet.iter_rows(), strict=False):
                for index, cell in enumerate(cached[: len(record)]):
                    if record[index].startswith("=") and cell.value is not None:
                        record[index] = _read_cell(cell)
    except Exception:
        return
    finally:
        workbook.close()


# A lead's sheet may open with a title row (often merged across the columns) or a note above the
# header; the header is searched among this many non-blank rows.
_HEADER_SEARCH_ROWS = 10


def _header_at(
    records: list[list[str]], row: int, lookup: Mapping[str, str], required: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    """(column of each known name, ignored headers) of `records[row]`; raises if unusable."""
    header = records[row]
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, raw in enumerate(header):
        canonical = lookup.get(_normalize_header(raw))
        if canonical is None:
            if raw.strip():
                ignored.append(raw.strip())
            continue
        if canonical in positions:
            raise SpreadsheetError(f"表头中“{raw.strip()}”重复（对应列 {canonical}）")
        positions[canonical] = index
    missing = [name for name in required if name not in positions]
    if missing:
        found = "、".join(h.strip() for h in header if h.strip()) or "(空)"
        raise SpreadsheetError(f"缺少必需的列: {', '.join(missing)}（文件表头: {found}）")
    return positions, ignored


def _header(
    records: list[list[str]], lookup: Mapping[str, str], required: Sequence[str]
) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header row, column of each known name, ignored headers); raises if unusable.

    The header is the first of the first few non-blank rows that names every required column (a
    title row may come first); otherwise the error is about the row most like a header.
    """
    candidates: list[int] = []
    for index, record in enumerate(records):
        if any(cell.strip() for cell in record):
            candidates.append(index)
            if len(candidates) == _HEADER_SEARCH_ROWS:
                break
    if not candidates:
        raise SpreadsheetError("文件是空的，没有表头行")
    errors: list[tuple[int, SpreadsheetError]] = []  # (known column names in the row, error)
    for row in candidates:
        try:
            positions, ignored = _header_at(records, row, lookup, required)
        except SpreadsheetError as exc:
            known = sum(1 for cell in records[row] if _normalize_header(cell) in lookup)
            errors.append((known, exc))
            continue
        return row, positions, ignored
    # Tell about the row that looks most like a header (the first one if none does).
    best = max(range(len(errors)), key=lambda i: (errors[i][0], -i))
    raise errors[best][1]


def _covered_cells(
    merges: Sequence[MergedRange], top: int, columns: Collection[int], height: int
) -> dict[tuple[int, int], MergedRange]:
    """The merge each data cell in `columns` lies under, except each merge's own top-left cell.

    Overlapping merges (which Excel refuses to make) are cut at the first shared cell, so the work
    stays proportional to the cells of the sheet whatever the file claims.
    """
    covered: dict[tuple[int, int], MergedRange] = {}
    for merge in sorted(merges, key=lambda m: (m.min_row, m.min_col)):
        if merge.max_row <= top:
            continue
        cols = [c for c in columns if merge.min_col <= c <= merge.max_col]
        if not cols:
            continue
        overlap = False
        for row in range(max(merge.min_row, top + 1), min(merge.max_row, height - 1) + 1):
            for col in cols:
                if row == merge.min_row and col == merge.min_col:
                    continue
                if (row, col) in covered:
                    overlap = True
                    break
                covered[(row, col)] = merge
            if overlap:
                break
    return covered


def _table_rows(
    records: list[list[str]],
    top: int,
    positions: Mapping[str, int],
    merges: Sequence[MergedRange],
    fill_merged: Collection[str],
) -> list[TableRow]:
    columns = list(positions.items())
    covered = _covered_cells(merges, top, positions.values(), len(records)) if merges else {}
    covered_rows = {row for row, _col in covered}
    rows: list[TableRow] = []
    for index in range(top + 1, len(records)):
        record = records[index]
        width = len(record)
        if index not in covered_rows:
            if not any(cell.strip() for cell in record):
                continue
            values = {name: unneutralize(record[col]) if col < width else "" for name, col in columns}
            rows.append(TableRow(line=index + 1, values=values))
            continue
        # Excel shows only the top-left cell's value across a merge: a covered cell's own value
        # (LibreOffice can keep one) is invisible to the lead, so it is not read. A row whose
        # only content would be a repeated merged value (rows under a tall 分类 cell) is blank.
        if not any(cell.strip() for col, cell in enumerate(record) if (index, col) not in covered):
            continue
        values = {}
        merged: dict[str, str] = {}
        for name, col in columns:
            merge = covered.get((index, col))
            if merge is None:
                values[name] = unneutralize(record[col]) if col < width else ""
            elif name in fill_merged and col == merge.min_col and merge.min_row > top:
                values[name] = unneutralize(_merge_value(records, merge))
            else:
                values[name] = ""
                merged[name] = merge.ref
        rows.append(TableRow(line=index + 1, values=values, merged=merged))
    return rows


def _merge_value(records: list[list[str]], merge: MergedRange) -> str:
    record = records[merge.min_row] if merge.min_row < len(records) else []
    return record[merge.min_col] if merge.min_col < len(record) else ""


def read_table(
    path: Path | str,
    *,
    aliases: Mapping[str, str],
    required: Sequence[str],
    fill_merged: Collection[str] = (),
) -> Table:
    """Read a CSV or XLSX sheet whose first row names the columns (English or Chinese).

    In a workbook, the first worksheet with those columns is read (a notes sheet may come first).
    A vertically merged cell in a column named in `fill_merged` gives its value to every row it
    spans; any other merged cell counts for its top-left row only and the rows below it carry the
    merge's range in `TableRow.merged`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    lookup = {_normalize_header(k): v for k, v in aliases.items()}
    merges: list[MergedRange] = []
    if suffix == ".xlsx":
        encoding, fmt = "xlsx", "xlsx"
        sheets = _xlsx_sheets(path)
        first_error: SpreadsheetError | None = None
        for sheet in sheets:
            try:
                top, positions, ignored = _header(sheet.records, lookup, required)
                records, merges = sheet.records, sheet.merges
                break
            except SpreadsheetError as exc:
                first_error = first_error or exc
        else:
            assert first_error is not None
            if len(sheets) == 1:
                raise first_error
            names = "、".join(f"“{sheet.name}”" for sheet in sheets)
            raise SpreadsheetError(f"没有一个工作表有所需的列（{names}）；第一个工作表: {first_error}")
    elif suffix in (".csv", ".txt", ".tsv"):
        text, encoding = _decode(_read_bytes(path))
        records = _csv_records(text)
        fmt = "csv"
        top, positions, ignored = _header(records, lookup, required)
    else:
        raise SpreadsheetError(f"不支持的文件类型 {suffix or '(无扩展名)'}，请使用 .csv 或 .xlsx")

    rows = _table_rows(records, top, positions, merges, fill_merged)
    return Table(columns=list(positions), rows=rows, encoding=encoding, format=fmt, ignored_columns=ignored)


def split_tags(value: str) -> tuple[str, ...]:
    """Tags are `;`-separated; Chinese sheets often use the full-width `；` or `、`."""
    for sep in ("；", "、", ","):
        value = value.replace(sep, ";")
    seen: dict[str, None] = {}
    for tag in value.split(";"):
        tag = tag.strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def _empty(reason: str, column: str, row: TableRow) -> str:
    """Why a cell is empty, naming the merge it is under so the lead knows what to unmerge."""
    ref = row.merged.get(column)
    if ref is None:
        return reason
    return f"{reason}（位于合并单元格 {ref} 中，合并单元格的内容只算第一行；请取消合并并逐行填写）"


def read_phrase_sheet(path: Path | str) -> PhraseSheet:
    """Read phrases, checking each row; bad rows are reported, never silently dropped."""
    table = read_table(path, aliases=PHRASE_ALIASES, required=PHRASE_REQUIRED, fill_merged=PHRASE_FILL_MERGED)
    rows: list[tuple[int, PhraseRow]] = []
    problems: list[tuple[int, str]] = []
    for row in table.rows:
        v = row.values
        category = normalize_category_path(v.get("category", ""))
        title = v.get("title", "").strip()
        text = v.get("text", "").strip("\r\n")
        if not category:
            problems.append((row.line, _empty("分类为空", "category", row)))
            continue
        if not title:
            problems.append((row.line, _empty("标题为空", "title", row)))
            continue
        if not text.strip():
            problems.append((row.line, _empty("内容为空", "text", row)))
            continue
        too_long = [name for name, value in v.items() if len(value) > MAX_CELL_CHARS]
        if too_long:
            problems.append((row.line, f"单元格过长（{', '.join(too_long)} 超过 {MAX_CELL_CHARS} 字）"))
            continue
        if any("\x00" in value for value in v.values()):
            problems.append((row.line, "包含非法字符 NUL"))
            continue
        shortcut = v.get("shortcut", "").strip() or None
        rows.append(
            (
                row.line,
                PhraseRow(
                    category=category,
                    title=title,
                    text=text,
                    shortcut=shortcut,
                    tags=split_tags(v.get("tags", "")),
                    notes=v.get("notes", "").strip(),
                ),
            )
        )
    return PhraseSheet(
        rows=rows,
        problems=problems,
        encoding=table.encoding,
        format=table.format,
        ignored_columns=table.ignored_columns,
    )


def write_table(path: Path | str, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> int:
    """Write a CSV (UTF-8 with BOM so Excel opens it correctly) or XLSX; cells are formula-neutralised."""
    path = Path(path)
    suffix = path.suffix.lower()
    matrix = [[neutralize(str(row.get(c, "") or "")) for c in columns] for row in rows]
    if suffix in (".csv", ".txt"):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(matrix)
        atomic_write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("huashu")
        sheet.append(list(columns))
        for values in matrix:
            sheet.append(values)
        buffer_bytes = io.BytesIO()
        workbook.save(buffer_bytes)
        atomic_write_bytes(path, buffer_bytes.getvalue())
    else:
        raise SpreadsheetError(f"不支持的导出类型 {suffix or '(无扩展名)'}，请使用 .csv 或 .xlsx")
    return len(matrix)


def phrase_row_to_dict(row: PhraseRow) -> dict[str, str]:
    return {
        "category": row.category,
        "title": row.title,
        "text": row.text,
        "shortcut": row.shortcut or "",
        "tags": ";".join(row.tags),
        "notes": row.notes,
    }


def write_phrase_sheet(path: Path | str, rows: Iterable[PhraseRow]) -> int:
    return write_table(path, PHRASE_COLUMNS, (phrase_row_to_dict(r) for r in rows))
