"""Plain data records shared by core, storage, the CLI and the GUI."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

# Phrases of the default library and sheet rows without a uid get uuid5(namespace, "category/title"),
# so the same row means the same phrase in a library, a spreadsheet and a team pack.
DEFAULT_NAMESPACE = "5f0d3c1e-7a52-4c0e-9a57-2f1c8e7b1a90"
MAX_SHORTCUT = 32


def default_uid(category: str, title: str) -> str:
    import uuid  # with platform, ~2 ms: imports need it, a start does not

    return str(uuid.uuid5(uuid.UUID(DEFAULT_NAMESPACE), f"{category}/{title}"))


def normalize_shortcut(value: str | None, error: type[Exception] = ValueError) -> str | None:
    """A shortcut code trimmed and in lower case, or None; `error` is raised for a bad one.

    The lenient rule team packs are checked against (a published pack must keep loading); what the
    library stores from now on goes through the stricter `clean_shortcut`.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if any(ch.isspace() for ch in value) or len(value) > MAX_SHORTCUT:
        raise error(f"快捷编码不能包含空格且不超过 {MAX_SHORTCUT} 个字符: {value!r}")
    return value.lower()


# After the leading "/", a shortcut is letters, digits (pinyin, English, Chinese) and a few joiners.
_SHORTCUT_JOINERS = frozenset("-_.")


def clean_shortcut(value: str | None, error: type[Exception] = ValueError) -> str | None:
    """A shortcut code as the library stores it ("/tk"), or None for an empty cell.

    What an agent or a lead's sheet writes is made into the one form the search and `show /tk`
    look up: full-width characters become half-width (NFKC: `／ｔｋ` is `/tk`), surrounding blanks
    go, letters are lower case and a missing leading "/" is added (`tk`, `123` -> `/tk`, `/123`).
    Anything that still cannot be typed as a shortcut raises `error` saying why.
    """
    if value is None:
        return None
    shown = value.strip()
    code = unicodedata.normalize("NFKC", value).strip().lower()
    if not code:
        return None
    if any(ch.isspace() for ch in code) or len(code) > MAX_SHORTCUT:
        raise error(f"快捷编码不能包含空格且不超过 {MAX_SHORTCUT} 个字符: {shown!r}")
    body = code[1:] if code.startswith("/") else code
    if not body:
        raise error("快捷编码在 / 后面需要字母或数字（例如 /tk）")
    bad = "".join(dict.fromkeys(ch for ch in body if not (ch.isalnum() or ch in _SHORTCUT_JOINERS)))
    if bad:
        raise error(f"快捷编码只能由字母、数字、汉字和 - _ . 组成，{shown!r} 含有 {bad}")
    code = "/" + body
    if len(code) > MAX_SHORTCUT:
        raise error(f"快捷编码不能包含空格且不超过 {MAX_SHORTCUT} 个字符: {shown!r}")
    return code


def shortcut_change_note(value: str | None, code: str | None) -> str | None:
    """What a lead is told when `clean_shortcut` changed more than letter case and blanks."""
    if value is None or code is None or value.strip().lower() == code:
        return None
    return f"快捷编码 {value.strip()} 已改为 {code}"


def fold_title(title: str) -> str:
    """The form two titles are compared in: `退款进度(新)` and `退款进度（新）`, `ＡＢＣ` and `ABC` match."""
    return unicodedata.normalize("NFKC", title).strip()


class SheetLine(int):
    """A row number of one worksheet of a workbook whose several sheets were read together.

    It is the row number (an int, so reports sort, compare and serialise as before) and carries
    the sheet's name and order, so a report can say "工作表“售后”第 3 行". Row 0 stands for the
    sheet as a whole (a note about a sheet that was skipped).
    """

    sheet: str
    sheet_index: int

    def __new__(cls, line: int, sheet: str, sheet_index: int = 0) -> SheetLine:
        obj = super().__new__(cls, line)
        obj.sheet = sheet
        obj.sheet_index = sheet_index
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (SheetLine, (int(self), self.sheet, self.sheet_index))


def row_label(line: int) -> str:
    """ "第 3 行", or "工作表“售后”第 3 行" for a row of one of several sheets read together."""
    if isinstance(line, SheetLine):
        if int(line) <= 0:
            return f"工作表“{line.sheet}”"
        return f"工作表“{line.sheet}”第 {int(line)} 行"
    return f"第 {line} 行"


def row_order(line: int) -> tuple[int, int]:
    """Sort key of report rows: sheet by sheet in the workbook's order, then row by row."""
    return (line.sheet_index if isinstance(line, SheetLine) else 0, int(line))


Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
Origin = Literal["personal", "pack"]


class Category(NamedTuple):
    id: int
    name: str
    parent_id: int | None
    position: int
    path: str  # full path joined with "/", e.g. "投诉处理/物流超期"
    pack_id: str | None = None


class Phrase(NamedTuple):
    id: int
    uid: str
    category_id: int
    category: str  # full category path
    title: str
    text: str
    shortcut: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    favorite: bool = False
    use_count: int = 0
    last_used: str | None = None
    position: int = 0
    origin: Origin = "personal"
    pack_id: str | None = None
    pack_version: int | None = None
    edited: bool = False
    created: str = ""
    updated: str = ""

    @property
    def read_only(self) -> bool:
        """Pack phrases belong to the team lead; agents duplicate them to change them."""
        return self.origin == "pack"


class PhraseRow(NamedTuple):
    """One phrase as exchanged with spreadsheets and packs: identified by category path and title."""

    category: str
    title: str
    text: str
    shortcut: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""


class Rule(NamedTuple):
    """A forbidden-phrase rule: patterns to catch and what to say instead."""

    uid: str
    patterns: tuple[str, ...]
    severity: Severity
    category: str = ""
    suggestions: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()  # longer words containing a pattern that are fine (亲 allows 亲自)
    note: str = ""
    is_regex: bool = False
    must_flag: tuple[str, ...] = ()  # examples the rule must catch
    must_not_flag: tuple[str, ...] = ()  # examples the rule must leave alone
    enabled: bool = True
    origin: Origin = "personal"
    pack_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as rule files (YAML) and team packs store them."""
        return {
            "id": self.uid,
            "patterns": list(self.patterns),
            "regex": self.is_regex,
            "severity": self.severity,
            "category": self.category,
            "suggestions": list(self.suggestions),
            "allow": list(self.allow),
            "note": self.note,
            "examples": {"flag": list(self.must_flag), "ok": list(self.must_not_flag)},
            "enabled": self.enabled,
        }


@dataclass
class OpChanges:
    """What an edit changed, so views refresh only what they must (like Anki's OpChanges)."""

    phrases: set[int] = field(default_factory=set)
    deleted_phrases: set[int] = field(default_factory=set)
    categories: bool = False
    rules: bool = False
    profile: bool = False
    synonyms: bool = False
    settings: bool = False

    def merge(self, other: OpChanges) -> OpChanges:
        self.phrases |= other.phrases
        self.deleted_phrases |= other.deleted_phrases
        self.categories |= other.categories
        self.rules |= other.rules
        self.profile |= other.profile
        self.synonyms |= other.synonyms
        self.settings |= other.settings
        return self

    def __bool__(self) -> bool:
        return bool(
            self.phrases
            or self.deleted_phrases
            or self.categories
            or self.rules
            or self.profile
            or self.synonyms
            or self.settings
        )


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), row by row."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    updated_rows: list[tuple[int, str]] = field(
        default_factory=list
    )  # (row number, "分类 › 标题") overwritten
    backup: str = ""  # the copy of the library taken before existing phrases were overwritten
    converted: list[tuple[int, str]] = field(default_factory=list)  # legacy markers turned into fields
    encoding: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    changes: OpChanges = field(default_factory=OpChanges)

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [_located(line, reason=reason) for line, reason in self.skipped],
            "warnings": [_located(line, message=msg) for line, msg in self.warnings],
            "updated_rows": [_located(line, phrase=name) for line, name in self.updated_rows],
            "backup": self.backup,
            "converted": [_located(line, message=msg) for line, msg in self.converted],
            "encoding": self.encoding,
            "ignored_columns": self.ignored_columns,
            "dry_run": self.dry_run,
        }


def _located(line: int, **item: str) -> dict[str, object]:
    """A report row as JSON: its row number, and its sheet when several sheets were read."""
    located: dict[str, object] = {"row": int(line)}
    if isinstance(line, SheetLine):
        located["sheet"] = line.sheet
    located.update(item)
    return located


def normalize_category_path(value: str) -> str:
    """`a / b\\c／d` -> `a/b/c/d`: one spelling of a category path, whatever separators a sheet used."""
    parts = [p.strip() for p in value.replace("\\", "/").replace("／", "/").split("/")]
    return "/".join(p for p in parts if p)
