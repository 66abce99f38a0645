"""CSV and XLSX exchange with team leads' spreadsheets: encodings, Chinese headers, formula safety."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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

# OWASP CSV injection: cells starting with these are formulas to Excel and LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a sheet at all; nothing of it is imported."""


@dataclass(frozen=True)
class TableRow:
    line: int  # 1-based row number as the lead sees it in Excel (header is row 1)
    values: dict[str, str]


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


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_sheets(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Every worksheet's name and rows, as text (a lead's workbook may open with a notes sheet)."""
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
        sheets: list[tuple[str, list[list[str]]]] = []
        total = 0
        for sheet in workbook.worksheets:
            records: list[list[str]] = []
            for row in sheet.iter_rows(values_only=True):
                records.append([_cell_text(v) for v in row])
                total += 1
                if total > MAX_ROWS + 1:
                    raise SpreadsheetError(f"行数过多（上限 {MAX_ROWS} 行）")
            sheets.append((str(sheet.title), records))
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(f"Excel 文件读取失败（可能已损坏或被截断）: {exc}") from exc
    finally:
        workbook.close()
    if any(cell.startswith("=") for _name, records in sheets for record in records for cell in record):
        _use_cached_results(path, sheets)
    return sheets


def _use_cached_results(path: Path, sheets: list[tuple[str, list[list[str]]]]) -> None:
    """Formula cells become the result Excel saved with them (what the lead sees in the cell).

    Nothing is evaluated: a file saved by a program that stores no results keeps the formula text.
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # the first pass read it: keep what it found
        return
    try:
        for (_name, records), sheet in zip(sheets, workbook.worksheets, strict=False):
            for record, cached in zip(records, sheet.iter_rows(values_only=True), strict=False):
                for index, value in enumerate(cached[: len(record)]):
                    if record[index].startswith("=") and value is not None:
                        record[index] = _cell_text(value)
    except Exception:
        return
    finally:
        workbook.close()


def _header(
    records: list[list[str]], lookup: Mapping[str, str], required: Sequence[str]
) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header row, column of each known name, ignored headers); raises if unusable."""
    top = 0  # blank rows above the header: row numbers in reports are the sheet's own
    while top < len(records) and not any(cell.strip() for cell in records[top]):
        top += 1
    if top == len(records):
        raise SpreadsheetError("文件是空的，没有表头行")
    header = records[top]
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
    return top, positions, ignored


def read_table(
    path: Path | str,
    *,
    aliases: Mapping[str, str],
    required: Sequence[str],
) -> Table:
    """Read a CSV or XLSX sheet whose first row names the columns (English or Chinese).

    In a workbook, the first worksheet with those columns is read (a notes sheet may come first).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    lookup = {_normalize_header(k): v for k, v in aliases.items()}
    if suffix == ".xlsx":
        encoding, fmt = "xlsx", "xlsx"
        sheets = _xlsx_sheets(path)
        first_error: SpreadsheetError | None = None
        for _name, records in sheets:
            try:
                top, positions, ignored = _header(records, lookup, required)
                break
            except SpreadsheetError as exc:
                first_error = first_error or exc
        else:
            assert first_error is not None
            if len(sheets) == 1:
                raise first_error
            names = "、".join(f"“{name}”" for name, _records in sheets)
            raise SpreadsheetError(f"没有一个工作表有所需的列（{names}）；第一个工作表: {first_error}")
    elif suffix in (".csv", ".txt", ".tsv"):
        text, encoding = _decode(_read_bytes(path))
        records = _csv_records(text)
        fmt = "csv"
        top, positions, ignored = _header(records, lookup, required)
    else:
        raise SpreadsheetError(f"不支持的文件类型 {suffix or '(无扩展名)'}，请使用 .csv 或 .xlsx")

    rows: list[TableRow] = []
    for offset, record in enumerate(records[top + 1 :], start=top + 2):
        if not any(cell.strip() for cell in record):
            continue
        values = {}
        for name, index in positions.items():
            values[name] = unneutralize(record[index]) if index < len(record) else ""
        rows.append(TableRow(line=offset, values=values))
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


def read_phrase_sheet(path: Path | str) -> PhraseSheet:
    """Read phrases, checking each row; bad rows are reported, never silently dropped."""
    table = read_table(path, aliases=PHRASE_ALIASES, required=PHRASE_REQUIRED)
    rows: list[tuple[int, PhraseRow]] = []
    problems: list[tuple[int, str]] = []
    for row in table.rows:
        v = row.values
        category = normalize_category_path(v.get("category", ""))
        title = v.get("title", "").strip()
        text = v.get("text", "").strip("\r\n")
        if not category:
            problems.append((row.line, "分类为空"))
            continue
        if not title:
            problems.append((row.line, "标题为空"))
            continue
        if not text.strip():
            problems.append((row.line, "内容为空"))
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
