"""CSV and XLSX exchange with team leads' spreadsheets: encodings, Chinese headers, formula safety.

An XLSX cell imports as the text the lead sees in Excel: dates, percentages and fixed decimals are
rendered from the cell's number format, and a merged cell's value is read where it shows. Hidden
worksheets are never read; a phrase import reads every visible sheet that has the phrase columns.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import os
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from huashu.core.coded import CodedError, detail_text
from huashu.core.models import PhraseRow, SheetLine, normalize_category_path
from huashu.paths import atomic_write_bytes

# A lead's sheet is a few thousand rows; anything far larger is junk or an attack.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_XLSX_RATIO = 200  # zip bombs compress far better than any real sheet
MAX_CELL_CHARS = 20_000
MAX_ROWS = 200_000

PHRASE_COLUMNS: tuple[str, ...] = ("category", "title", "text", "shortcut", "tags", "notes")
PHRASE_REQUIRED: tuple[str, ...] = ("category", "title", "text")
# The first Chinese name of a column is the one messages use for it (see `_display_names`).
PHRASE_ALIASES: dict[str, str] = {
    "category": "category",
    "分类": "category",
    "分组": "category",
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
    # Written by export beside team-pack phrases; read so a re-import does not call it unknown.
    "source": "source",
    "来源": "source",
}
# Export headers: Chinese as leads' own sheets and the app name the columns; English for scripts.
PHRASE_HEADERS: dict[str, dict[str, str]] = {
    "zh": {
        "category": "分类",
        "title": "标题",
        "text": "内容",
        "shortcut": "快捷编码",
        "tags": "标签",
        "notes": "备注",
        "source": "来源",
    },
    "en": {name: name for name in (*PHRASE_COLUMNS, "source")},
}

# Columns of a phrase sheet whose vertically merged cell applies to every row it spans. Leads
# merge 分类 over a category's rows (and sometimes 标签/备注 over a group); title, text and
# shortcut identify one phrase each, so a merge there is reported instead of copied.
PHRASE_FILL_MERGED: tuple[str, ...] = ("category", "tags", "notes")

# OWASP CSV injection: cells starting with these are formulas to Excel and LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CodedText(str):
    """A line of an import report: the Chinese text the command line and its JSON show, also told
    by a stable `code` and the values in `details` (strings; a list joined by LIST_SEPARATOR), so a
    UI in another language words it itself. It is a str: reports, sorting and JSON are unchanged.
    """

    code: str
    details: dict[str, str]

    def __new__(cls, text: str, *, code: str, details: Mapping[str, object] | None = None) -> CodedText:
        obj = super().__new__(cls, text)
        obj.code = code
        obj.details = {key: detail_text(value) for key, value in (details or {}).items()}
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (_coded_text, (str(self), self.code, self.details))


def _coded_text(text: str, code: str, details: dict[str, str]) -> CodedText:
    return CodedText(text, code=code, details=details)


def row_details(line: int) -> dict[str, object]:
    """A report row's number as details: `row`, and `sheet` when several sheets were read."""
    sheet = getattr(line, "sheet", None)
    return {"row": int(line)} if sheet is None else {"row": int(line), "sheet": sheet}


class SpreadsheetError(CodedError, ValueError):
    """A file that cannot be read as a sheet at all; nothing of it is imported.

    The message is Chinese (the command line's); a UI in another language words it from `code`
    and `details`; `code` is None where there is none.
    """


class EncodingError(SpreadsheetError):
    """A text file that no supported encoding reads whole. The message is one line (the command
    line's errors are); `sentences` lets a window show what, where and how to fix it line by line."""

    def __init__(
        self, sentences: Sequence[str], *, code: str | None = None, details: Mapping[str, object] | None = None
    ) -> None:
        super().__init__("".join(sentences), code=code, details=details)
        self.sentences = tuple(sentences)


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
    hidden: bool = False
    hidden_rows: frozenset[int] = frozenset()  # 0-based indices into records


@dataclass
class Table:
    columns: list[str]
    rows: list[TableRow]
    encoding: str
    format: str
    ignored_columns: list[str] = field(default_factory=list)
    sheet: str = ""  # the worksheet read ("" for a CSV)
    headers: dict[str, str] = field(default_factory=dict)  # column -> its header as the lead wrote it
    header_line: int = 1
    hidden_rows: list[int] = field(default_factory=list)  # lines of rows read although hidden in Excel
    # The column (of `sheet_name_column`) the sheet has not, whose value is the sheet's name.
    from_sheet_name: str = ""
    notes: list[tuple[int, str]] = field(default_factory=list)  # about sheets not read (hidden, no columns)


@dataclass
class PhraseSheet:
    rows: list[tuple[int, PhraseRow]]
    problems: list[tuple[int, str]]
    encoding: str
    format: str
    ignored_columns: list[str]
    # Told to the lead, nothing dropped: sheets not read, rows read although hidden, categories
    # taken from a sheet name or from the row above.
    notes: list[tuple[int, str]] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # worksheets read, in order (empty for a CSV)


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


# What a CSV may be written in, as a lead is told when a file is none of them.
SUPPORTED_ENCODINGS = "UTF-8（带或不带 BOM）、GB18030（含 GBK、GB2312）、UTF-16（带 BOM）"
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030/GBK", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class _DecodeFailure:
    start: int  # byte offset of the first byte that could not be read
    end: int
    encoding: str
    nul: bool = False  # it decoded, but holds a NUL (binary junk, or UTF-16 without its BOM)


def _decode(data: bytes) -> tuple[str, str]:
    """Decode what Excel and editors write: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030.

    A file none of them reads whole is refused (never imported in part), naming the row and
    character where the most likely encoding stopped, and how to save the file so it reads.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    failures: list[_DecodeFailure] = []
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append(_DecodeFailure(exc.start, exc.end, encoding))
            continue
        nul = text.find("\x00")
        if nul >= 0:
            # Binary junk can decode as GB18030; real sheets never hold NUL.
            at = len(text[:nul].encode(encoding))
            failures.append(_DecodeFailure(at, at + 1, encoding, nul=True))
            continue
        return text, encoding
    raise _encoding_error(data, failures)


def _row_of(prefix: str) -> int:
    """The sheet row (as Excel numbers it) that the end of `prefix` lies in; quoted cells may span lines."""
    try:
        # The sentinel makes the row being read count even when the text stops at its start.
        return sum(1 for _record in csv.reader(io.StringIO(prefix + "x", newline=""), strict=False))
    except csv.Error:
        return prefix.count("\n") + 1


def _encoding_error(data: bytes, failures: Sequence[_DecodeFailure]) -> EncodingError:
    # The encoding that read furthest is the one the file is in, but for this one spot: a UTF-8
    # file with one bad byte on its last row fails at once as GB18030, and a GBK file at once as UTF-8.
    failure = max(failures, key=lambda f: f.start)  # on a tie, the first tried (UTF-8)
    prefix = data[: failure.start].decode(failure.encoding, errors="replace")
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + 1
    row = _row_of(prefix)
    bad = " ".join(f"0x{byte:02X}" for byte in data[failure.start : min(failure.end, failure.start + 4)])
    located = [f"文件第 {failure.start + 1} 个字节"]
    if row != line:
        located.insert(0, f"文本编辑器中的第 {line} 行")  # a quoted cell above spans several lines
    where = f"第 {row} 行第 {column} 个字符处（{'，'.join(located)}）"
    what = "有空字符 0x00（不是文本表格，或是不带 BOM 的 UTF-16）" if failure.nul else f"有无法识别的字节 {bad}"
    name = _ENCODING_NAMES.get(failure.encoding, failure.encoding)
    return EncodingError(
        [
            f"文件编码有误，整个文件都没有导入：按 {name} 读取时，{where}{what}。",
            f"支持的编码: {SUPPORTED_ENCODINGS}。",
            "修正方法: 用 Excel 或记事本打开文件，改正这一处（通常显示为乱码或问号），"
            "然后“另存为”，文件类型选“CSV UTF-8（逗号分隔）(*.csv)”，再重新导入。",
        ],
        code="encoding_nul" if failure.nul else "encoding_bad_bytes",
        # `line` (in a text editor) only where a quoted cell above spans several lines, as above.
        details={
            "encoding": name,
            "row": row,
            "column": column,
            "offset": failure.start + 1,
            "bytes": bad,
            "line": line if row != line else "",
        },
    )


_OS_ERRORS_ZH = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EBUSY: "文件正被其他程序占用",
    errno.EIO: "读取磁盘出错",
    errno.ENAMETOOLONG: "文件名过长",
}


def _os_error(path: Path, exc: OSError) -> SpreadsheetError:
    """A file error in Chinese: the OS's own strerror is English on most systems."""
    reason = _OS_ERRORS_ZH.get(exc.errno or 0) or f"系统错误（{exc.errno or '未知'}）"
    # The OS's own words for another UI language (English on most systems, the system's on Windows).
    said = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    return SpreadsheetError(
        f"无法读取文件 {path}: {reason}", code="sheet_unreadable", details={"path": path, "reason": said}
    )


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(
            f"文件过大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）: {path}",
            code="sheet_too_large",
            details={"size": size // (1024 * 1024), "limit": MAX_FILE_BYTES // (1024 * 1024), "path": path},
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _os_error(path, exc) from exc


# Python's csv module says what went wrong in English; a lead gets it in Chinese (and a code).
_CSV_ERRORS_ZH: tuple[tuple[str, str, str], ...] = (
    ("unexpected end of data", "文件在引号内结束（有一个引号没有配对）", "csv_unclosed_quote"),
    ("expected after", '引号后面应是分隔符（单元格里的引号要写成两个 ""）', "csv_text_after_quote"),
    ("new-line character seen in unquoted field", "未加引号的单元格里有换行", "csv_newline_unquoted"),
    ("line contains nul", "包含非法字符 NUL", "csv_nul"),
)


def _csv_records(text: str) -> list[list[str]]:
    sample = text[:8192]
    first_line = sample.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; some European locales use semicolons.
    delimiter = max((",", "\t", ";"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    # The module's default cell limit (128 KiB) rejects a whole file for one huge cell; a cell is
    # only ever as big as the file, and an oversized one is then skipped row by row like in XLSX.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = []
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                raise SpreadsheetError(
                    f"行数过多（上限 {MAX_ROWS} 行）", code="sheet_too_many_rows", details={"limit": MAX_ROWS}
                )
        return records
    except csv.Error as exc:
        detail = str(exc)
        reason, code = next(
            ((zh, code) for en, zh, code in _CSV_ERRORS_ZH if en in detail.lower()),
            (f"无法解析（{detail}）", "csv_malformed"),
        )
        raise SpreadsheetError(
            f"CSV 格式错误（第 {reader.line_num} 行）: {reason}",
            code=code,
            details={"row": reader.line_num, "reason": detail},
        ) from exc


def _check_xlsx_container(path: Path) -> None:
    try:
        with path.open("rb"):
            pass  # a file that cannot be opened at all is unreadable, not "not an Excel file"
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if not zipfile.is_zipfile(path):
        raise SpreadsheetError(
            f"不是有效的 Excel (.xlsx) 文件: {path.name}", code="xlsx_invalid", details={"name": path.name}
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = 0
            compressed = 0
            for info in infos:
                name = info.filename
                if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                    raise SpreadsheetError(
                        f"Excel 文件包含可疑路径，已拒绝: {name}", code="xlsx_suspicious_path", details={"name": name}
                    )
                total += info.file_size
                compressed += info.compress_size
            if total > MAX_XLSX_UNPACKED_BYTES or (compressed and total / compressed > MAX_XLSX_RATIO):
                raise SpreadsheetError("Excel 文件解压后过大（疑似压缩炸弹），已拒绝", code="xlsx_too_large_unpacked")
            if "xl/workbook.xml" not in {info.filename for info in infos}:
                raise SpreadsheetError(
                    f"不是有效的 Excel (.xlsx) 文件（缺少工作簿）: {path.name}",
                    code="xlsx_invalid",
                    details={"name": path.name},
                )
    except SpreadsheetError:
        raise
    except Exception as exc:  # zipfile raises BadZipFile, UnicodeDecodeError, struct.error... on damage
        raise SpreadsheetError(f"Excel 文件已损坏: {exc}", code="xlsx_damaged", details={"reason": exc}) from exc


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
    # A date format spelled with 年/月/日 (yyyy"年"m"月"d"日"), as (kind, value) parts: kind "y", "m"
    # or "d" with the letter count, or "" with literal text. None for every other format.
    date_words: tuple[tuple[str, str], ...] | None = None


_DATE_WORDS = frozenset("年月日")


def _date_words(code: str) -> tuple[tuple[str, str], ...] | None:
    """The parts of a Chinese date format (`yyyy"年"m"月"d"日"`), or None if it is anything else."""
    parts: list[tuple[str, str]] = []
    for token in _FORMAT_TOKEN.findall(code):
        if token == ";":
            break
        if token.startswith('"'):
            parts.append(("", token[1:-1]))
        elif token.startswith("\\"):
            parts.append(("", token[1:]))
        elif token.startswith(("[", "_", "*")):
            continue  # [$-804] locale, [DBNum1] (Chinese numerals are shown as digits)
        elif token.isalpha() and token.isascii():
            letter = token.lower()
            if letter not in "ymde":
                return None  # a time, a weekday (aaaa) or a number: not a plain date
            kind = "y" if letter == "e" else letter
            if parts and parts[-1][0] == kind:
                parts[-1] = (kind, parts[-1][1] + letter)
            else:
                parts.append((kind, letter))
        else:
            parts.append(("", token))
    text = "".join(value for kind, value in parts if not kind)
    kinds = {kind for kind, _value in parts if kind}
    if not _DATE_WORDS & set(text) or not kinds or any(len(v) > 2 for k, v in parts if k in ("m", "d")):
        return None
    return tuple(parts)


def _date_in_words(value: dt.date, parts: tuple[tuple[str, str], ...]) -> str:
    out: list[str] = []
    for kind, letters in parts:
        if kind == "y":
            out.append(f"{value.year:04d}" if len(letters) > 2 else f"{value.year % 100:02d}")
        elif kind in ("m", "d"):
            number = value.month if kind == "m" else value.day
            out.append(f"{number:02d}" if len(letters) == 2 else str(number))
        else:
            out.append(letters)
    return "".join(out)


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
        shows_date = "y" in lowered or "d" in lowered or "e" in lowered
        result = _NumberFormat(
            percent=False,
            decimals=None,
            grouping=False,
            prefix="",
            suffix="",
            shows_date=shows_date,
            shows_time="h" in lowered or "s" in lowered or "am/pm" in code.lower(),
            shows_seconds="s" in lowered,
            date_words=_date_words(code) if shows_date else None,
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
    if fmt.date_words is not None:
        return _date_in_words(value, fmt.date_words)  # 2024年5月1日, as the lead's format shows it
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
    are written YYYY-MM-DD whatever order the format shows them in, except a format spelled with
    年/月/日, which is followed (2024年5月1日: the words are part of the phrase's text).
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


# A hidden row (hidden by hand or by a filter): <row r="7" ... hidden="1">. Found in the same pass.
_HIDDEN_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^<>]*?\bhidden\s*=\s*[\"'](?:1|true)[\"'][^<>]*>")
_ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"']([0-9]{1,7})[\"']")


def _scan_sheet_xml(archive: zipfile.ZipFile, member: str) -> tuple[list[str], frozenset[int]]:
    """Merged ranges ("A2:A40", in order) and hidden rows (0-based) of one worksheet's XML."""
    refs: dict[str, None] = {}
    hidden: set[int] = set()
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_MERGE_SCAN_CHUNK):
            buffer = tail + chunk
            for match in _MERGE_CELL.finditer(buffer):
                refs.setdefault(match.group(1).decode("ascii").upper(), None)
            if len(refs) > MAX_MERGED_RANGES:
                raise SpreadsheetError(
                    f"合并单元格过多（上限 {MAX_MERGED_RANGES} 个）",
                    code="xlsx_too_many_merged",
                    details={"limit": MAX_MERGED_RANGES},
                )
            if b"hidden" in buffer:  # most sheets hide nothing: skip the row scan
                for match in _HIDDEN_ROW.finditer(buffer):
                    number = _ROW_NUMBER.search(match.group(0))
                    if number is not None and len(hidden) <= MAX_ROWS:
                        hidden.add(int(number.group(1)) - 1)
            tail = buffer[-_MERGE_SCAN_OVERLAP:]
    return list(refs), frozenset(hidden)


def _scan_merges(archive: zipfile.ZipFile, member: str) -> list[str]:
    """Every merged range's reference ("A2:A40") in one worksheet's XML, in order."""
    return _scan_sheet_xml(archive, member)[0]


def _workbook_source(path: Path) -> Path | io.BytesIO:
    """What openpyxl opens: the path, or the bytes of a workbook named .csv (it goes by the name)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return path
    return io.BytesIO(_read_bytes(path))


def _merges_by_full_load(path: Path) -> dict[str, list[str]]:
    """Merged ranges by sheet title through a normal (slow, in-memory) load.

    Only used if this openpyxl no longer tells where a read-only sheet's XML is.
    """
    import openpyxl

    workbook = openpyxl.load_workbook(_workbook_source(path), data_only=False)
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
        workbook = openpyxl.load_workbook(_workbook_source(path), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SpreadsheetError(
            f"Excel 文件无法打开（可能已损坏或被截断）: {exc}", code="xlsx_damaged", details={"reason": exc}
        ) from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("Excel 文件没有工作表", code="xlsx_no_sheets")
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
                        raise SpreadsheetError(
                            f"行数过多（上限 {MAX_ROWS} 行）",
                            code="sheet_too_many_rows",
                            details={"limit": MAX_ROWS},
                        )
                member = getattr(sheet, "_worksheet_path", None)
                hidden_rows: frozenset[int] = frozenset()
                if isinstance(member, str):
                    refs, hidden_rows = _scan_sheet_xml(archive, member.lstrip("/"))
                else:
                    refs, unlocated = [], True
                sheets.append(
                    _Sheet(
                        str(sheet.title),
                        records,
                        _merged_ranges(refs),
                        hidden=getattr(sheet, "sheet_state", "visible") != "visible",
                        hidden_rows=hidden_rows,
                    )
                )
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            f"Excel 文件读取失败（可能已损坏或被截断）: {exc}", code="xlsx_damaged", details={"reason": exc}
        ) from exc
    finally:
        workbook.close()
    if unlocated:
        try:
            by_title = _merges_by_full_load(path)
        except Exception as exc:
            raise SpreadsheetError(
                f"Excel 文件读取失败（可能已损坏或被截断）: {exc}", code="xlsx_damaged", details={"reason": exc}
            ) from exc
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
        workbook = openpyxl.load_workbook(_workbook_source(path), read_only=True, data_only=True)
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


class _EmptySheet(SpreadsheetError):
    """A sheet with nothing in it (Excel's untouched Sheet2): passed over without a word."""


def _display_names(aliases: Mapping[str, str]) -> dict[str, str]:
    """What messages call each column: its first Chinese name (分类, 标题...), else its own name.

    A lead who wrote Chinese headers is never told about "category" or "text".
    """
    names: dict[str, str] = {}
    for alias, canonical in aliases.items():
        if not alias.isascii():
            names.setdefault(canonical, alias)
    for canonical in aliases.values():
        names.setdefault(canonical, canonical)
    return names


def _header_at(
    records: list[list[str]],
    row: int,
    lookup: Mapping[str, str],
    required: Sequence[str],
    names: Mapping[str, str] | None = None,
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
            first = header[positions[canonical]].strip()
            raise SpreadsheetError(
                f"表头中“{raw.strip()}”重复（与“{first}”是同一列）",
                code="header_duplicate",
                details={"header": raw.strip(), "first": first},
            )
        positions[canonical] = index
    missing = [name for name in required if name not in positions]
    if missing:
        headers = [h.strip() for h in header if h.strip()]
        wanted = [(names or {}).get(name, name) for name in missing]
        raise SpreadsheetError(
            f"缺少必需的列: {'、'.join(wanted)}（文件表头: {'、'.join(headers) or '(空)'}）",
            code="columns_missing",
            # Also the columns' own (English) names: a UI in another language names both.
            details={"missing": wanted, "found": headers, "columns": missing},
        )
    return positions, ignored


def _header(
    records: list[list[str]],
    lookup: Mapping[str, str],
    required: Sequence[str],
    names: Mapping[str, str] | None = None,
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
        raise _EmptySheet("文件是空的，没有表头行", code="sheet_empty")
    errors: list[tuple[int, SpreadsheetError]] = []  # (known column names in the row, error)
    for row in candidates:
        try:
            positions, ignored = _header_at(records, row, lookup, required, names)
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


def _table(
    sheet: _Sheet,
    header: tuple[int, dict[str, int], list[str]],
    fill_merged: Collection[str],
    *,
    encoding: str,
    fmt: str,
) -> Table:
    top, positions, ignored = header
    rows = _table_rows(sheet.records, top, positions, sheet.merges, fill_merged)
    hidden = [row.line for row in rows if row.line - 1 in sheet.hidden_rows] if sheet.hidden_rows else []
    return Table(
        columns=list(positions),
        rows=rows,
        encoding=encoding,
        format=fmt,
        ignored_columns=ignored,
        sheet=sheet.name,
        headers={name: sheet.records[top][col].strip() for name, col in positions.items()},
        header_line=top + 1,
        hidden_rows=hidden,
    )


def _numbered(table: Table, index: int) -> Table:
    """The table with every row number naming its sheet (several sheets of a workbook are read)."""
    name = table.sheet
    table.rows = [TableRow(SheetLine(row.line, name, index), row.values, row.merged) for row in table.rows]
    table.hidden_rows = [SheetLine(line, name, index) for line in table.hidden_rows]
    table.header_line = SheetLine(table.header_line, name, index)
    return table


def read_tables(
    path: Path | str,
    *,
    aliases: Mapping[str, str],
    required: Sequence[str],
    fill_merged: Collection[str] = (),
    all_sheets: bool = False,
    sheet_name_column: str | None = None,
) -> list[Table]:
    """Read a CSV or XLSX sheet whose first row names the columns (English or Chinese).

    Hidden worksheets are never read (a hidden template sheet is not the lead's list). With
    `all_sheets`, every visible worksheet with the columns is read, in the workbook's order, and
    when more than one is, each row's number is a `SheetLine` naming its sheet; otherwise only
    the first such worksheet is (a notes sheet may come first). When several sheets are read, a
    sheet without the `sheet_name_column` column but with the others takes its name as that
    column's value (a workbook with one sheet per category). The first table's `notes` say which
    sheets were not read and why.

    A vertically merged cell in a column named in `fill_merged` gives its value to every row it
    spans; any other merged cell counts for its top-left row only and the rows below it carry the
    merge's range in `TableRow.merged`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    lookup = {_normalize_header(k): v for k, v in aliases.items()}
    names = _display_names(aliases)
    if suffix in (".csv", ".txt", ".tsv"):
        data = _read_bytes(path)
        if not data.startswith(b"PK\x03\x04"):
            text, encoding = _decode(data)
            sheet = _Sheet("", _csv_records(text))
            header = _header(sheet.records, lookup, required, names)
            return [_table(sheet, header, fill_merged, encoding=encoding, fmt="csv")]
        # An Excel workbook saved or renamed with a .csv name: read it as what it is.
    elif suffix != ".xlsx":
        raise SpreadsheetError(
            f"不支持的文件类型 {suffix or '(无扩展名)'}，请使用 .csv 或 .xlsx",
            code="file_type_unsupported",
            details={"suffix": suffix},
        )

    sheets = _xlsx_sheets(path)
    notes: list[tuple[int, str]] = []
    visible: list[tuple[int, _Sheet]] = []
    for index, sheet in enumerate(sheets):
        if sheet.hidden:
            notes.append((SheetLine(0, sheet.name, index), CodedText("隐藏的工作表，未读取", code="sheet_hidden")))
        else:
            visible.append((index, sheet))
    partial_required = [name for name in required if name != sheet_name_column]
    found: list[tuple[int, _Sheet, tuple[int, dict[str, int], list[str]], bool]] = []
    errors: list[tuple[int, _Sheet, SpreadsheetError]] = []
    for index, sheet in visible:
        try:
            found.append((index, sheet, _header(sheet.records, lookup, required, names), False))
        except SpreadsheetError as exc:
            errors.append((index, sheet, exc))
            if all_sheets and sheet_name_column in required and not isinstance(exc, _EmptySheet):
                with contextlib.suppress(SpreadsheetError):
                    found.append(
                        (index, sheet, _header(sheet.records, lookup, partial_required, names), True)
                    )
            continue
        if not all_sheets:
            break
    complete = [item for item in found if not item[3]]
    if len(found) < 2:
        found = complete[:1]  # a lone sheet without the column is an error, as in a CSV
    if not found:
        if not visible:
            raise SpreadsheetError("Excel 文件没有可见的工作表（隐藏的工作表不读取）", code="xlsx_no_visible_sheets")
        first_error = errors[0][2]
        hidden = "、".join(f"“{sheet.name}”" for sheet in sheets if sheet.hidden)
        hidden_note = f"；隐藏的工作表不读取: {hidden}" if hidden else ""
        if len(visible) == 1:
            if hidden:
                # Worded as the sheet's own error in another language: the hidden sheets only add to it.
                raise SpreadsheetError(
                    f"{first_error}{hidden_note}", code=first_error.code, details=first_error.details
                ) from first_error
            raise first_error
        shown = "、".join(f"“{sheet.name}”" for _index, sheet in visible)
        raise SpreadsheetError(
            f"没有一个工作表有所需的列（{shown}）；第一个工作表: {first_error}{hidden_note}",
            code="no_sheet_has_columns",
            details={
                "sheets": [sheet.name for _index, sheet in visible],
                "columns": [names.get(name, name) for name in required],
            },
        )
    read = {index for index, _sheet, _header_found, _partial in found}
    if all_sheets:
        columns = [names.get(name, name) for name in required]
        for index, sheet, error in errors:
            if index not in read and not isinstance(error, _EmptySheet):
                note = CodedText(
                    f"没有所需的列（{'、'.join(columns)}），未读取",
                    code="sheet_without_columns",
                    details={"columns": columns},
                )
                notes.append((SheetLine(0, sheet.name, index), note))
    tables: list[Table] = []
    for index, sheet, header, partial in found:
        table = _table(sheet, header, fill_merged, encoding="xlsx", fmt="xlsx")
        if partial:
            table.from_sheet_name = sheet_name_column or ""
        tables.append(_numbered(table, index) if len(found) > 1 else table)
    notes.sort(key=lambda note: note[0].sheet_index if isinstance(note[0], SheetLine) else 0)
    tables[0].notes = notes
    return tables


def read_table(
    path: Path | str,
    *,
    aliases: Mapping[str, str],
    required: Sequence[str],
    fill_merged: Collection[str] = (),
) -> Table:
    """Read a CSV or XLSX sheet whose first row names the columns (English or Chinese).

    In a workbook, the first visible worksheet with those columns is read (a notes sheet may come
    first; hidden sheets are never read). See `read_tables` for merged cells.
    """
    return read_tables(path, aliases=aliases, required=required, fill_merged=fill_merged)[0]


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


def _empty(reason: str, column: str, row: TableRow) -> CodedText:
    """Why a cell is empty, naming the merge it is under so the lead knows what to unmerge."""
    code = f"row_{column}_empty"  # row_category_empty, row_title_empty, row_text_empty
    ref = row.merged.get(column)
    if ref is None:
        return CodedText(reason, code=code)
    return CodedText(
        f"{reason}（位于合并单元格 {ref} 中，合并单元格的内容只算第一行；请取消合并并逐行填写）",
        code=f"{code}_merged",
        details={"cell": ref},
    )


def _line_ranges(lines: Sequence[int]) -> str:
    """3、5–7、12: row numbers (sorted, of one sheet) as a lead reads them."""
    parts: list[str] = []
    start = prev = int(lines[0])
    for line in [int(n) for n in lines[1:]] + [-1]:
        if line == prev + 1:
            prev = line
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = line
    return "、".join(parts)


def _inherited_category_note(first: int, last: int, source: int, category: str) -> CodedText:
    rows = "本行" if first == last else f"第 {int(first)}–{int(last)} 行"
    text = (
        f"分类为空，沿用第 {int(source)} 行的分类“{category}”"
        f"（{rows}；Excel 把合并的分类单元格另存为 CSV 时只在第一行写分类）"
    )
    if first == last:
        return CodedText(
            text, code="category_from_row_above", details={"source": int(source), "category": category}
        )
    return CodedText(
        text,
        code="category_from_row_above_rows",
        details={"source": int(source), "category": category, "first": int(first), "last": int(last)},
    )


def read_phrase_sheet(path: Path | str, *, all_sheets: bool = False) -> PhraseSheet:
    """Read phrases, checking each row; bad rows are reported, never silently dropped.

    `all_sheets` reads every visible worksheet of a workbook that has the phrase columns (see
    `read_tables`); by default only the first one is, as team packs expect. In a CSV, a row whose
    分类 is empty right under a row that has one takes that category: Excel saves a merged 分类
    cell as its first row only. (An XLSX keeps its merges, which are read as merges.)
    """
    tables = read_tables(
        path,
        aliases=PHRASE_ALIASES,
        required=PHRASE_REQUIRED,
        fill_merged=PHRASE_FILL_MERGED,
        all_sheets=all_sheets,
        sheet_name_column="category",
    )
    names = _display_names(PHRASE_ALIASES)
    rows: list[tuple[int, PhraseRow]] = []
    problems: list[tuple[int, str]] = []
    notes: list[tuple[int, str]] = list(tables[0].notes)
    for table in tables:
        shown = {**names, **table.headers}
        fixed_category = ""
        if table.from_sheet_name:
            fixed_category = normalize_category_path(table.sheet)
            note = CodedText(
                f"没有“分类”列，本表的话术归入分类“{fixed_category}”（工作表名）",
                code="category_from_sheet_name",
                details={"category": fixed_category},
            )
            notes.append((table.header_line, note))
        if table.hidden_rows:
            ranges = _line_ranges(table.hidden_rows)
            note = CodedText(
                f"以下隐藏的行也已读取: 第 {ranges} 行（Excel 中被隐藏或筛选掉）",
                code="hidden_rows_read",
                details={"rows": ranges.split("、")},
            )
            notes.append((table.hidden_rows[0], note))
        fill_down = table.format == "csv"
        above_line, above_category = -1, ""  # the previous row and the category it had
        block: list[Any] = []  # [first, last, source line, category] of rows given the category above
        for row in table.rows:
            v = row.values
            category = fixed_category or normalize_category_path(v.get("category", ""))
            if fill_down:
                if category:
                    if block:
                        notes.append((block[0], _inherited_category_note(*block)))
                        block = []
                    above_line, above_category = row.line, category
                elif above_category and int(row.line) == int(above_line) + 1:
                    category = above_category
                    if block:
                        block[1] = row.line
                    else:
                        block = [row.line, row.line, above_line, category]
                    above_line = row.line
            title = v.get("title", "").strip()
            # Outer blanks are typing slips (and break matching); line breaks inside are wording.
            text = v.get("text", "").strip()
            if not category:
                problems.append((row.line, _empty("分类为空", "category", row)))
                continue
            if not title:
                problems.append((row.line, _empty("标题为空", "title", row)))
                continue
            if not text:
                problems.append((row.line, _empty("内容为空", "text", row)))
                continue
            too_long = [shown.get(name, name) for name, value in v.items() if len(value) > MAX_CELL_CHARS]
            if too_long:
                problem = CodedText(
                    f"单元格过长（{'、'.join(too_long)} 超过 {MAX_CELL_CHARS} 字）",
                    code="cells_too_long",
                    details={"columns": too_long, "limit": MAX_CELL_CHARS},
                )
                problems.append((row.line, problem))
                continue
            if any("\x00" in value for value in v.values()):
                problems.append((row.line, CodedText("包含非法字符 NUL", code="nul_character")))
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
        if block:
            notes.append((block[0], _inherited_category_note(*block)))
    first = tables[0]
    return PhraseSheet(
        rows=rows,
        problems=problems,
        encoding=first.encoding,
        format=first.format,
        ignored_columns=list(dict.fromkeys(col for table in tables for col in table.ignored_columns)),
        notes=notes,
        sheets=[table.sheet for table in tables if table.sheet],
    )


def write_table(
    path: Path | str,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    *,
    headers: Mapping[str, str] | None = None,
) -> int:
    """Write a CSV (UTF-8 with BOM so Excel opens it correctly) or XLSX; cells are formula-neutralised.

    `headers` names the columns in the header row (a column's own name otherwise). The file is
    written atomically with the permissions a new file gets (see `atomic_write_bytes`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    titles = [(headers or {}).get(c, c) for c in columns]
    matrix = [[neutralize(str(row.get(c, "") or "")) for c in columns] for row in rows]
    if suffix in (".csv", ".txt"):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(titles)
        writer.writerows(matrix)
        atomic_write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("huashu")
        sheet.append(titles)
        for values in matrix:
            sheet.append(values)
        buffer_bytes = io.BytesIO()
        workbook.save(buffer_bytes)
        atomic_write_bytes(path, buffer_bytes.getvalue())
    else:
        raise SpreadsheetError(
            f"不支持的导出类型 {suffix or '(无扩展名)'}，请使用 .csv 或 .xlsx",
            code="export_type_unsupported",
            details={"suffix": suffix},
        )
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


def source_label(pack_name: str, headers: str = "zh") -> str:
    """The 来源 cell of an exported phrase: 个人, or the team pack it came from (read-only there)."""
    if headers == "en":
        return f"pack: {pack_name}" if pack_name else "personal"
    return f"团队话术包“{pack_name}”（只读）" if pack_name else "个人"


def write_phrase_sheet(
    path: Path | str,
    rows: Sequence[PhraseRow],
    *,
    headers: str = "zh",
    sources: Sequence[str] | None = None,
) -> int:
    """Write phrases with Chinese headers (分类、标题、内容…; `headers="en"`: category, title, text…).

    `sources` gives, row by row, the name of the team pack a phrase belongs to ("" for the
    agent's own); when any row has one, a 来源 column marks them, so a lead editing the sheet sees
    which rows are read-only. The import reads every form back.
    """
    if headers not in PHRASE_HEADERS:
        raise ValueError(f"unknown header language {headers!r}")
    columns: tuple[str, ...] = PHRASE_COLUMNS
    values = [phrase_row_to_dict(r) for r in rows]
    if sources is not None and any(sources):
        if len(sources) != len(values):
            raise ValueError("one source per row")
        columns = (*PHRASE_COLUMNS, "source")
        for value, pack in zip(values, sources, strict=True):
            value["source"] = source_label(pack, headers)
    return write_table(path, columns, values, headers=PHRASE_HEADERS[headers])
