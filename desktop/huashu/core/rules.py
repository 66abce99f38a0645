"""Rule files: YAML and spreadsheet rows <-> Rule, and validation of each rule's own examples."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from huashu.core.checker import SEVERITY_LABELS, Checker, RuleProblem, compile_regex, rule_label
from huashu.core.models import SEVERITIES, Rule, Severity
from huashu.core.normalize import normalize_pattern

__all__ = [
    "RULE_COLUMNS",
    "RULE_COLUMN_ALIASES",
    "RULE_COLUMN_LABELS",
    "RULE_EXTRA_COLUMNS",
    "RULE_FILE_VERSION",
    "RULE_FILL_MERGED",
    "SEVERITY_ALIASES",
    "RuleFileError",
    "RuleImport",
    "RuleProblem",
    "dump_rules_yaml",
    "join_list",
    "load_rules_yaml",
    "make_uid",
    "pack_of",
    "parse_severity",
    "rules_from_rows",
    "rules_to_rows",
    "split_list",
    "validate_rules",
]

RULE_FILE_VERSION = 1
# The columns leads edit in Excel, in order; list cells (allow, suggestion) are joined with "|"
# (see split_list for the other separators a lead may type).
RULE_COLUMNS: tuple[str, ...] = ("pattern", "severity", "suggestion", "allow", "category", "note")
# Optional columns that make a sheet round-trip exactly: stable id, regex flag, examples, enabled.
RULE_EXTRA_COLUMNS: tuple[str, ...] = ("id", "regex", "flag", "ok", "enabled")

# Columns whose vertically merged cell applies to every row it spans: a lead merges 级别, 类别,
# 建议 or 说明 over a group of forbidden words; each row's words are its own.
RULE_FILL_MERGED: tuple[str, ...] = ("severity", "category", "suggestion", "note")

RULE_COLUMN_ALIASES: dict[str, str] = {
    "pattern": "pattern",
    "patterns": "pattern",
    "违禁词": "pattern",
    "忌语": "pattern",
    "关键词": "pattern",
    "服务忌语": "pattern",
    "禁用语": "pattern",
    "匹配词": "pattern",
    "severity": "severity",
    "level": "severity",
    "级别": "severity",
    "严重程度": "severity",
    "等级": "severity",
    "suggestion": "suggestion",
    "suggestions": "suggestion",
    "建议": "suggestion",
    "推荐用语": "suggestion",
    "替换": "suggestion",
    "建议用语": "suggestion",
    "规范用语": "suggestion",
    "allow": "allow",
    "例外": "allow",
    "允许": "allow",
    "例外词": "allow",
    "category": "category",
    "分类": "category",
    "类别": "category",
    # The note is what agents see as the rule's explanation when the checker flags a word, so
    # headers that mean an explanation map to it. 备注 is that explanation in a sheet without one
    # of them, and otherwise the lead's own remark ("级别写成'禁止'"), which Rule cannot keep.
    "note": "note",
    "notes": "note",
    "说明": "note",
    "解释": "note",
    "提示说明": "note",
    "remark": "remark",
    "remarks": "remark",
    "备注": "remark",
    "内部备注": "internal",  # never shown to agents, whatever other columns there are
    "id": "id",
    "uid": "id",
    "编号": "id",
    "规则编号": "id",
    "regex": "regex",
    "正则": "regex",
    "flag": "flag",
    "应标记示例": "flag",
    "示例": "flag",
    "ok": "ok",
    "不应标记示例": "ok",
    "正确示例": "ok",
    "enabled": "enabled",
    "启用": "enabled",
}

# How messages name a column when the lead's own header is unknown (rows keyed by the canonical
# English names, as exports write them): its first Chinese alias, as spreadsheet messages do.
RULE_COLUMN_LABELS: dict[str, str] = {}
for _alias, _column in RULE_COLUMN_ALIASES.items():
    if not _alias.isascii():
        RULE_COLUMN_LABELS.setdefault(_column, _alias)

SEVERITY_ALIASES: dict[str, Severity] = {
    "error": "error",
    "禁用": "error",
    "禁止": "error",
    "错误": "error",
    "严重": "error",
    "warning": "warning",
    "warn": "warning",
    "慎用": "warning",
    "警告": "warning",
    "info": "info",
    "提示": "info",
    "提醒": "info",
}

_TRUE = frozenset({"1", "true", "yes", "y", "是", "对", "√", "正则", "regex", "启用", "on"})
_FALSE = frozenset({"", "0", "false", "no", "n", "否", "不", "×", "禁用", "停用", "off"})
_PIPES = "|｜"
# Besides "|", what separates items in a list cell, per column. Forbidden words and exceptions are
# short words, so a lead's 、 ； ; or line break separates them too. Suggestions and examples are
# sentences, which hold 、 and ； as punctuation, so only a line break separates those. A regex
# cell is never split (its characters are regex syntax), see rules_from_rows.
WORD_SEPARATORS = "、；;\n"
SENTENCE_SEPARATORS = "\n"
_SEPARATORS: dict[str, str] = {
    "pattern": WORD_SEPARATORS,
    "allow": WORD_SEPARATORS,
    "suggestion": SENTENCE_SEPARATORS,
    "flag": SENTENCE_SEPARATORS,
    "ok": SENTENCE_SEPARATORS,
}
_PIPE_SPLIT = re.compile(r"[|｜]")
_UID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# A team pack's rule is stored as "<pack id>/<rule id>" (rules export --all writes those ids).
_PACK_UID_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_YAML_KEYS = frozenset(
    {"id", "patterns", "pattern", "regex", "severity", "category", "suggestions", "allow", "note"}
    | {"examples", "enabled"}
)


_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleFileError(ValueError):
    """A rule file that cannot be loaded; `problems` lists every reason (rule id or row, and what)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems) or [message]
        detail = "\n".join(f"  - {p}" for p in self.problems) if problems else ""
        super().__init__(f"{message}\n{detail}" if detail else message)


@dataclass
class RuleImport:
    """Rules read from spreadsheet rows, with the rows that could not be used and why."""

    rules: list[Rule] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason): not imported
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (row number, message): imported

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "rules": len(self.rules),
            "problems": [{"row": line, "reason": reason} for line, reason in self.problems],
            "warnings": [{"row": line, "message": msg} for line, msg in self.warnings],
        }


# -- shared helpers -----------------------------------------------------------------------------


def parse_severity(value: str) -> Severity:
    """error/warning/info or 禁用/慎用/提示 (and a few synonyms); raises ValueError otherwise."""
    key = str(value).strip().lower()
    if key in SEVERITY_ALIASES:
        return SEVERITY_ALIASES[key]
    raise ValueError(f"级别“{value}”无效，应为 error/禁用、warning/慎用 或 info/提示")


def _parse_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    key = str(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return default if key == "" else False
    raise ValueError(f"“{value}”不是 是/否")


def split_list(value: str, separators: str = "") -> tuple[str, ...]:
    """A spreadsheet list cell: items separated by "|" (or full-width "｜"), blanks dropped.

    `separators` are further characters that separate items, but only in a cell without "|": a
    "|" says the cell is written the way exports write lists, so an item holding "、" comes back
    exactly as it was (join_list ends such a cell in "|" even when it has one item).
    """
    if not value or not value.strip():
        return ()
    items: list[str] = _PIPE_SPLIT.split(value)
    if separators and len(items) == 1:
        for sep in separators:
            items = [part for item in items for part in item.split(sep)]
    return tuple(stripped for item in items if (stripped := item.strip()))


def join_list(items: Sequence[str], separators: str = "") -> str:
    """A list cell that split_list(cell, separators) reads back as `items`.

    When an item holds one of `separators` the cell ends in "|": that makes it split on "|" only
    (and says the lead did not mix separators by mistake).
    """
    text = "|".join(items)
    if any(sep in text for sep in separators):
        text += "|"
    return text


def pack_of(uid: str) -> str | None:
    """The team pack id of a pack rule's uid ("<pack>/<rule>"), else None."""
    match = _PACK_UID_RE.match(uid)
    return match.group(1) if match else None


def make_uid(pattern: str) -> str:
    """A stable ASCII id for a rule a lead wrote without one, from its first pattern."""
    digest = hashlib.sha1(normalize_pattern(pattern).encode("utf-8")).hexdigest()[:10]
    return f"rule-{digest}"


# -- validation ---------------------------------------------------------------------------------


def validate_rules(rules: Iterable[Rule]) -> list[RuleProblem]:
    """Everything wrong with `rules`: unusable patterns, duplicate ids, and failing examples.

    Each rule's must_flag examples must be hit by that rule and its must_not_flag examples must
    not be (allowed contexts applied, other rules ignored). Problems with `fatal=False` (an allow
    word containing none of the patterns) are advice, not a reason to reject the file.
    """
    rules = list(rules)
    problems: list[RuleProblem] = []
    seen: set[str] = set()
    for rule in rules:
        name = rule_label(rule)
        if rule.uid in seen:
            problems.append(RuleProblem(rule.uid, f"规则编号 {rule.uid} 重复", kind="duplicate", name=name))
        seen.add(rule.uid)
        if not rule.patterns:
            problems.append(RuleProblem(rule.uid, "没有匹配词", kind="pattern", name=name))
        if rule.severity not in SEVERITIES:
            problems.append(RuleProblem(rule.uid, f"级别“{rule.severity}”无效", kind="field", name=name))
    checker = Checker(r._replace(enabled=True) for r in rules)
    problems.extend(checker.problems)
    for rule in rules:
        name = rule_label(rule)
        for example in rule.must_flag:
            if rule.uid not in checker.rule_hits(example):
                problems.append(
                    RuleProblem(rule.uid, "应标记的示例没有被标记", example, "must_flag", name=name)
                )
        for example in rule.must_not_flag:
            hits = checker.rule_hits(example).get(rule.uid)
            if hits:
                words = "、".join(example[s:e] for s, e in hits)
                problems.append(
                    RuleProblem(
                        rule.uid, f"不应标记的示例被标记了（{words}）", example, "must_not_flag", name=name
                    )
                )
    return problems


def _reject_if_failing(rules: list[Rule], what: str) -> None:
    fatal = [p for p in validate_rules(rules) if p.fatal]
    if fatal:
        names = list(dict.fromkeys(f"“{p.name}”" if p.name else p.uid for p in fatal))
        raise RuleFileError(f"{what}未加载：规则 {'、'.join(names)} 有错误", [str(p) for p in fatal])


# -- YAML ---------------------------------------------------------------------------------------


def _str_list(value: object, what: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        items: list[str] = []
        for item in value:
            if isinstance(item, (dict, list)) or item is None or isinstance(item, bool):
                problems.append(f"{what}: “{item!r}”不是文字")
                continue
            text = str(item)
            if text.strip():
                items.append(text)
        return tuple(items)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (str(value),)
    problems.append(f"{what} 应为列表")
    return ()


def _rule_from_mapping(item: Mapping[str, Any], where: str, problems: list[str]) -> Rule | None:
    before = len(problems)
    unknown = sorted(str(k) for k in item if k not in _YAML_KEYS)
    if unknown:
        problems.append(f"{where}: 未知字段 {', '.join(unknown)}")
    patterns = _str_list(item.get("patterns", item.get("pattern")), f"{where}.patterns", problems)
    if not patterns:
        problems.append(f"{where}: 没有匹配词 (patterns)")
    raw_id = item.get("id")
    uid = str(raw_id).strip() if raw_id is not None else (make_uid(patterns[0]) if patterns else "")
    if uid and not _UID_RE.match(uid):
        problems.append(f"{where}: 编号“{uid}”只能用英文字母、数字和 - _ .")
    label = f"{where} ({uid})" if uid else where
    try:
        severity: Severity = parse_severity(str(item.get("severity", "")))
    except ValueError as exc:
        problems.append(f"{label}: {exc}")
        severity = "warning"
    try:
        is_regex = _parse_bool(item.get("regex"), False)
        enabled = _parse_bool(item.get("enabled"), True)
    except ValueError as exc:
        problems.append(f"{label}: {exc}")
        is_regex, enabled = False, True
    examples = item.get("examples") or {}
    if not isinstance(examples, dict):
        problems.append(f"{label}: examples 应包含 flag 和 ok 两个列表")
        examples = {}
    extra = sorted(str(k) for k in examples if k not in ("flag", "ok"))
    if extra:
        problems.append(f"{label}: examples 里的未知字段 {', '.join(extra)}")
    rule = Rule(
        uid=uid,
        patterns=patterns,
        severity=severity,
        category=str(item.get("category") or "").strip(),
        suggestions=_str_list(item.get("suggestions"), f"{label}.suggestions", problems),
        allow=_str_list(item.get("allow"), f"{label}.allow", problems),
        note=str(item.get("note") or "").strip(),
        is_regex=is_regex,
        must_flag=_str_list(examples.get("flag"), f"{label}.examples.flag", problems),
        must_not_flag=_str_list(examples.get("ok"), f"{label}.examples.ok", problems),
        enabled=enabled,
    )
    return rule if len(problems) == before else None


def load_rules_yaml(text: str, *, validate: bool = True, skipped: list[str] | None = None) -> list[Rule]:
    """Rules from a YAML rule file (see ARCHITECTURE.md). Raises RuleFileError listing every problem.

    With `validate` (the default) a file whose rules' own examples fail is rejected, naming them.
    Team-pack rules (`rules export --all` writes them with "<pack>/<id>" ids) are left out, each
    described in `skipped` when given: they come and go with their pack.
    """
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (the C one when available)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"规则文件不是有效的 YAML：{exc}") from exc
    if isinstance(data, list):
        items: object = data
    elif isinstance(data, dict):
        version = data.get("version", RULE_FILE_VERSION)
        if not isinstance(version, int) or version > RULE_FILE_VERSION:
            raise RuleFileError(f"规则文件版本 {version} 比本程序支持的 ({RULE_FILE_VERSION}) 新，请升级")
        items = data.get("rules")
    else:
        raise RuleFileError("规则文件应包含 rules 列表")
    if not isinstance(items, list):
        raise RuleFileError("规则文件应包含 rules 列表")
    problems: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for number, item in enumerate(items, start=1):
        where = f"第 {number} 条规则"
        if not isinstance(item, dict):
            problems.append(f"{where}: 应为 id/patterns/severity… 的映射")
            continue
        pack = pack_of(str(item.get("id") or "").strip())
        if pack is not None:
            if skipped is not None:
                words = _str_list(item.get("patterns", item.get("pattern")), where, [])
                skipped.append(_pack_note(pack, "、".join(words[:3]) or str(item.get("id"))))
            continue
        rule = _rule_from_mapping(item, where, problems)
        if rule is None:
            continue
        if rule.uid in seen:
            problems.append(f"{where}: 编号 {rule.uid} 与{seen[rule.uid]}重复")
            continue
        seen[rule.uid] = where
        rules.append(rule)
    if problems:
        raise RuleFileError(f"规则文件有 {len(problems)} 处错误", problems)
    if validate:
        _reject_if_failing(rules, "规则文件")
    return rules


class _RuleDumper(yaml.SafeDumper):
    """Block style for rules, flow style for the short string lists inside them."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, str) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


_RuleDumper.add_representer(list, _represent_list)
_RuleDumper.add_representer(dict, _represent_dict)


def _rule_to_mapping(rule: Rule) -> dict[str, Any]:
    item = rule.to_dict()
    if rule.enabled:
        del item["enabled"]  # rule files name it only when a rule is switched off
    return item


def dump_rules_yaml(rules: Iterable[Rule]) -> str:
    """A readable YAML rule file (UTF-8 text, Chinese as is) that `load_rules_yaml` reads back."""
    data = {"version": RULE_FILE_VERSION, "rules": [_rule_to_mapping(r) for r in rules]}
    body = yaml.dump(data, Dumper=_RuleDumper, allow_unicode=True, sort_keys=False, width=1000, indent=2)
    return body.replace("\n- id:", "\n\n- id:")


# -- spreadsheet rows -------------------------------------------------------------------------


def _pack_note(pack: str, words: str) -> str:
    return f"“{words}”是团队话术包“{pack}”的规则，已跳过（它随话术包安装和更新，不作为个人规则导入）"


def _canonical_row(row: Mapping[str, str], headers: dict[str, str]) -> dict[str, str]:
    """The row keyed by canonical names; `headers` learns the lead's header for each (messages
    name a column the way the lead wrote it; canonical English keys get the Chinese label)."""
    out: dict[str, str] = {}
    for key, value in row.items():
        name = RULE_COLUMN_ALIASES.get(str(key).strip().lower().replace(" ", ""))
        if name is None:
            name = RULE_COLUMN_ALIASES.get(str(key).strip())
        if name is not None and name not in out:
            out[name] = "" if value is None else str(value)
            header = str(key).strip()
            headers.setdefault(name, RULE_COLUMN_LABELS.get(name, name) if header == name else header)
    return out


def _split_cell(
    row: Mapping[str, str], column: str, header: str, line: int, warnings: list[tuple[int, str]]
) -> tuple[str, ...]:
    """A list cell split for its column; says when a lead's separator was taken as part of an item."""
    cell = row.get(column, "")
    separators = _SEPARATORS[column]
    items = split_list(cell, separators)
    if separators != WORD_SEPARATORS:
        return items
    for item in items:
        # Mixed separators ("搞不定；弄不了|没法弄"): with a "|" only "|" separates. A cell ending
        # in "|" is how join_list keeps such items whole, so that says nothing.
        inner = [sep for sep in separators if sep in item]
        if inner and not cell.rstrip().endswith(("|", "｜")):
            shown = "换行" if inner[0] == "\n" else f"“{inner[0]}”"
            warnings.append(
                (
                    line,
                    f"{header}“{item}”按一个词导入：这一格用了“|”分隔，其中的{shown}不再分隔；如要分开，请都用“|”",
                )
            )
    # Commas are no separator: forbidden phrases hold them ("这个很简单，你自己…").
    return items


@dataclass
class _Draft:
    line: int
    uid: str
    patterns: list[str]
    fields: tuple[Severity, str, tuple[str, ...], tuple[str, ...], str, bool, bool]
    flag: list[str]
    ok: list[str]


def rules_from_rows(
    rows: Iterable[Mapping[str, str]],
    *,
    lines: Sequence[int] | None = None,
    first_line: int = 2,
    headers: Mapping[str, str] | None = None,
) -> RuleImport:
    """Rules from spreadsheet rows (dicts keyed by canonical or alias column names).

    One rule per row; rows sharing an `id` are one rule with several patterns. In a literal row the
    pattern cell may hold several patterns separated by "|" (or, in a cell without "|", by 、 ；
    ; or line breaks, as are exceptions; suggestions and examples only by "|" or line breaks);
    a regex row (regex column 是/true, or a pattern written `re:…`) holds one regex. A row that
    cannot be used is reported with its row number and skipped; a rule whose own examples
    (flag/ok columns) fail is reported and not imported. A team pack's rule (id "<pack>/<id>",
    as `rules export --all` writes it) is skipped with a warning. The 备注 (remark) column is not
    kept: the one warning about it asks for a 说明 column for what agents should read. Row numbers
    come from `lines` (e.g. `[r.line for r in table.rows]` from `spreadsheet.read_table`), else
    count from `first_line` (the header is row 1). `headers` (canonical column -> the lead's
    header, as `Table.headers` has it) lets messages name columns as the lead wrote them.
    """
    result = RuleImport()
    drafts: dict[str, _Draft] = {}
    known = {
        column: RULE_COLUMN_LABELS.get(column, column) if header.strip().lower() == column else header.strip()
        for column, header in (headers or {}).items()
        if header.strip()
    }
    remark_warned = False
    for offset, raw in enumerate(rows):
        line = lines[offset] if lines is not None and offset < len(lines) else first_line + offset
        row = _canonical_row(raw, known)
        if not any(v.strip() for v in row.values()):
            continue
        pattern_header = known.get("pattern", RULE_COLUMN_LABELS["pattern"])
        # A sheet with only 备注 keeps it as the explanation agents read (as before: nothing a lead
        # wrote is dropped); beside a 说明 column, 备注 is the lead's own remark and is not shown.
        if "note" not in row and "remark" in row:
            row["note"] = row["remark"]
        elif row.get("remark", "").strip() and not remark_warned:
            remark_warned = True
            result.warnings.append(
                (
                    line,
                    f"“{known.get('remark', '备注')}”列不显示给客服，也不会保存；"
                    f"客服在忌语提示里看到的是“{known.get('note', '说明')}”列",
                )
            )
        pattern_cell = row.get("pattern", "").strip()
        if not pattern_cell:
            result.problems.append((line, f"“{pattern_header}”列为空"))
            continue
        raw_uid = row.get("id", "").strip()
        pack = pack_of(raw_uid)
        if pack is not None:
            result.warnings.append((line, _pack_note(pack, pattern_cell)))
            continue
        try:
            is_regex = _parse_bool(row.get("regex"), False)
            enabled = _parse_bool(row.get("enabled"), True)
        except ValueError as exc:
            result.problems.append((line, str(exc)))
            continue
        if pattern_cell.lower().startswith("re:"):
            is_regex = True
            pattern_cell = pattern_cell[3:].strip()
        # A regex is one pattern: "|", "、" or ";" inside it are its own syntax or text.
        patterns = (
            [pattern_cell]
            if is_regex
            else list(_split_cell(row, "pattern", pattern_header, line, result.warnings))
        )
        if is_regex:
            try:
                compile_regex(pattern_cell)
            except re.error as exc:
                result.problems.append((line, f"正则表达式有误：{exc}"))
                continue
        else:
            empty = [p for p in patterns if not normalize_pattern(p)]
            if empty:
                result.problems.append((line, f"{pattern_header}“{empty[0]}”只有空白或分隔符号，无法匹配"))
                continue
        severity_cell = row.get("severity", "").strip()
        severity: Severity = "warning"
        if severity_cell:
            try:
                severity = parse_severity(severity_cell)
            except ValueError as exc:
                result.problems.append((line, str(exc)))
                continue
        else:
            result.warnings.append((line, "级别为空，按“慎用 (warning)”导入"))
        uid = raw_uid or make_uid(patterns[0])
        if not _UID_RE.match(uid):
            result.problems.append((line, f"编号“{uid}”只能用英文字母、数字和 - _ ."))
            continue
        fields = (
            severity,
            row.get("category", "").strip(),
            split_list(row.get("suggestion", ""), SENTENCE_SEPARATORS),
            _split_cell(row, "allow", known.get("allow", RULE_COLUMN_LABELS["allow"]), line, result.warnings),
            row.get("note", "").strip(),
            is_regex,
            enabled,
        )
        flag = list(split_list(row.get("flag", ""), SENTENCE_SEPARATORS))
        ok = list(split_list(row.get("ok", ""), SENTENCE_SEPARATORS))
        draft = drafts.get(uid)
        if draft is None:
            drafts[uid] = _Draft(line, uid, patterns, fields, flag, ok)
            continue
        if not row.get("id", "").strip():
            result.problems.append((line, f"{pattern_header}“{patterns[0]}”与第 {draft.line} 行重复"))
            continue
        if fields[0] != draft.fields[0] or fields[5] != draft.fields[5]:
            result.problems.append(
                (line, f"编号 {uid} 与第 {draft.line} 行相同，但级别或正则设置不同（同一编号是同一条规则）")
            )
            continue
        draft.patterns.extend(p for p in patterns if p not in draft.patterns)
        draft.flag.extend(flag)
        draft.ok.extend(ok)
        if any(fields[i] and fields[i] != draft.fields[i] for i in (1, 2, 3, 4)):
            result.warnings.append((line, f"编号 {uid} 的分类/建议/例外/说明以第 {draft.line} 行为准"))
    candidates: list[tuple[_Draft, Rule]] = []
    for draft in drafts.values():
        severity, category, suggestions, allow, note, is_regex, enabled = draft.fields
        rule = Rule(
            uid=draft.uid,
            patterns=tuple(draft.patterns),
            severity=severity,
            category=category,
            suggestions=suggestions,
            allow=allow,
            note=note,
            is_regex=is_regex,
            must_flag=tuple(draft.flag),
            must_not_flag=tuple(draft.ok),
            enabled=enabled,
        )
        candidates.append((draft, rule))
    problems = validate_rules(rule for _, rule in candidates)
    failing: dict[str, list[RuleProblem]] = {}
    for problem in problems:
        failing.setdefault(problem.uid, []).append(problem)
    for draft, rule in candidates:
        own = failing.get(rule.uid, [])
        for problem in own:
            entry = (draft.line, str(problem))
            (result.problems if problem.fatal else result.warnings).append(entry)
        if not any(p.fatal for p in own):
            result.rules.append(rule)
    result.problems.sort()
    result.warnings.sort()
    return result


def rules_to_rows(rules: Iterable[Rule], *, labels: bool = False) -> list[dict[str, str]]:
    """Rows for a spreadsheet: RULE_COLUMNS then RULE_EXTRA_COLUMNS, lists joined by join_list.

    One row per rule (a literal rule's patterns joined with "|"); a regex rule with several
    patterns takes one row per pattern, sharing its id. `labels` writes severities as 禁用/慎用/提示.
    """
    out: list[dict[str, str]] = []
    for rule in rules:
        base = {
            "severity": SEVERITY_LABELS[rule.severity] if labels else rule.severity,
            "suggestion": join_list(rule.suggestions, _SEPARATORS["suggestion"]),
            "allow": join_list(rule.allow, _SEPARATORS["allow"]),
            "category": rule.category,
            "note": rule.note,
            "id": rule.uid,
            "regex": "true" if rule.is_regex else "",
            "flag": join_list(rule.must_flag, _SEPARATORS["flag"]),
            "ok": join_list(rule.must_not_flag, _SEPARATORS["ok"]),
            "enabled": "" if rule.enabled else "false",
        }
        cells = list(rule.patterns) if rule.is_regex else [join_list(rule.patterns, _SEPARATORS["pattern"])]
        for index, pattern in enumerate(cells):
            row = {"pattern": pattern, **base}
            if index:  # later rows of a multi-regex rule carry only what identifies them
                row.update(flag="", ok="")
            out.append({col: row[col] for col in (*RULE_COLUMNS, *RULE_EXTRA_COLUMNS)})
    return out
