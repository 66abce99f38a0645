"""Plain data records shared by core, storage, the CLI and the GUI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

# Phrases of the default library and sheet rows without a uid get uuid5(namespace, "category/title"),
# so the same row means the same phrase in a library, a spreadsheet and a team pack.
DEFAULT_NAMESPACE = uuid.UUID("5f0d3c1e-7a52-4c0e-9a57-2f1c8e7b1a90")
MAX_SHORTCUT = 32


def default_uid(category: str, title: str) -> str:
    return str(uuid.uuid5(DEFAULT_NAMESPACE, f"{category}/{title}"))


def normalize_shortcut(value: str | None, error: type[Exception] = ValueError) -> str | None:
    """A shortcut code as stored (trimmed, lower case) or None; `error` is raised for a bad one."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if any(ch.isspace() for ch in value) or len(value) > MAX_SHORTCUT:
        raise error(f"快捷编码不能包含空格且不超过 {MAX_SHORTCUT} 个字符: {value!r}")
    return value.lower()

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
Origin = Literal["personal", "pack"]


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    parent_id: int | None
    position: int
    path: str  # full path joined with "/", e.g. "投诉处理/物流超期"
    pack_id: str | None = None


@dataclass(frozen=True)
class Phrase:
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


@dataclass(frozen=True)
class PhraseRow:
    """One phrase as exchanged with spreadsheets and packs: identified by category path and title."""

    category: str
    title: str
    text: str
    shortcut: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Rule:
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
    updated_rows: list[tuple[int, str]] = field(default_factory=list)  # (row number, "分类 › 标题") overwritten
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
            "skipped": [{"row": line, "reason": reason} for line, reason in self.skipped],
            "warnings": [{"row": line, "message": msg} for line, msg in self.warnings],
            "updated_rows": [{"row": line, "phrase": name} for line, name in self.updated_rows],
            "backup": self.backup,
            "converted": [{"row": line, "message": msg} for line, msg in self.converted],
            "encoding": self.encoding,
            "ignored_columns": self.ignored_columns,
            "dry_run": self.dry_run,
        }


def normalize_category_path(value: str) -> str:
    """`a / b\\c／d` -> `a/b/c/d`: one spelling of a category path, whatever separators a sheet used."""
    parts = [p.strip() for p in value.replace("\\", "/").replace("／", "/").split("/")]
    return "/".join(p for p in parts if p)
