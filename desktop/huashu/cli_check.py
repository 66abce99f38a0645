"""CLI commands for the forbidden-phrase checker: `check` a text or the library, `rules import|export`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from huashu.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, CliError, _json, _out, batch_lines, decode_text

SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}
SEVERITY_LABELS = {"error": "禁用", "warning": "慎用", "info": "提示"}
RULE_FILE_SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")
MAX_TEXT_BYTES = 10 * 1024 * 1024


def _library_rules(args: argparse.Namespace, *, include_disabled: bool = False) -> list[Any]:
    """Rules from the library file; with no library yet, the default rules (nothing is created)."""
    from huashu.core.checker import load_default_rules
    from huashu.paths import default_db_path
    from huashu.storage.library import Library

    path = Path(args.db) if args.db else default_db_path()
    if not path.exists():
        return load_default_rules()
    with Library.open(path, create=False) as lib:
        return list(lib.rules(include_disabled=include_disabled))


def _checker(args: argparse.Namespace) -> Any:
    from huashu.core.checker import Checker

    return Checker(_library_rules(args))


def _read_text(source: str | None) -> str:
    if source in (None, "-"):
        data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
    else:
        try:
            with open(source, "rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
        except OSError as exc:
            raise CliError(f"无法读取 {source}: {exc.strerror or exc}") from exc
    if len(data) > MAX_TEXT_BYTES:
        raise CliError(f"文本太大（超过 {MAX_TEXT_BYTES // 1024 // 1024} MB）")
    return decode_text(data)


def _finding_line(text: str, finding: Any) -> str:
    line = text.count("\n", 0, finding.start) + 1
    column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
    label = SEVERITY_LABELS.get(finding.severity, finding.severity)
    advice = f" → {' / '.join(finding.suggestions)}" if finding.suggestions else ""
    category = f"[{finding.category}] " if finding.category else ""
    return f"{line}:{column}  {label}  “{finding.text}”  {category}{finding.message}{advice}"


def _has_error(findings: list[Any]) -> bool:
    return any(f.severity == "error" for f in findings)


def cmd_check(args: argparse.Namespace) -> int:
    """Findings for a text (exit 1 on an error-level finding), a batch of lines, or the whole library."""
    checker = _checker(args)
    if args.library:
        return _check_library(args, checker)
    if args.batch:
        if args.file not in (None, "-"):
            raise CliError("--batch 从标准输入读取，每行一段文本；不能同时给出文件")
        worst = False
        for line in batch_lines():
            found = checker.check(line)
            worst = worst or _has_error(found)
            _json([f.to_json() for f in found])
            sys.stdout.flush()
        return EXIT_FINDINGS if worst else EXIT_OK
    text = _read_text(args.file)
    findings = checker.check(text)
    if args.json:
        _json([f.to_json() for f in findings])
    elif findings:
        for finding in findings:
            _out(_finding_line(text, finding))
    else:
        _out("未发现服务忌语")
    return EXIT_FINDINGS if _has_error(findings) else EXIT_OK


def _check_library(args: argparse.Namespace, checker: Any) -> int:
    from huashu.core.checker import check_phrases
    from huashu.paths import default_db_path
    from huashu.storage.library import Library

    path = Path(args.db) if args.db else default_db_path()
    if path.exists():
        with Library.open(path, create=False) as lib:
            phrases = lib.phrases()
    else:
        with Library.memory(empty=False) as lib:
            phrases = lib.phrases()
    hits = check_phrases(checker, phrases)
    if args.json:
        _json(
            [
                {"id": p.id, "title": p.title, "category": p.category, "findings": [f.to_json() for f in fs]}
                for p, fs in hits
            ]
        )
    else:
        for phrase, findings in hits:
            _out(f"{phrase.id:>5}  {phrase.category} › {phrase.title}")
            for finding in findings:
                _out(f"       {_finding_line(phrase.text, finding)}")
        _out(_library_summary(len(phrases), hits))
    return EXIT_FINDINGS if any(_has_error(fs) for _p, fs in hits) else EXIT_OK


def _library_summary(total: int, hits: list[tuple[Any, list[Any]]]) -> str:
    """The last line of `check --library`, counting findings by level.

    提示 is itself a level (info), so the line never says "有提示" for findings in general.
    """
    if not hits:
        return f"检查了 {total} 条话术，没有发现服务忌语"
    counts = dict.fromkeys(SEVERITY_LABELS, 0)
    for _phrase, findings in hits:
        for finding in findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
    levels = "，".join(
        f"{label} {counts[level]} 处" for level, label in SEVERITY_LABELS.items() if counts[level]
    )
    return f"检查了 {total} 条话术：{len(hits)} 条含服务忌语（{levels}）"


def _read_rules(path: Path) -> list[Any]:
    from huashu.core import rules as rules_io
    from huashu.core.spreadsheet import read_table

    suffix = path.suffix.lower()
    if suffix not in RULE_FILE_SUFFIXES:
        raise CliError(f"不支持的规则文件类型 {suffix or '(无扩展名)'}，请使用 .csv、.xlsx 或 .yaml")
    if suffix in (".yaml", ".yml"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"无法读取 {path}: {exc}") from exc
        skipped: list[str] = []
        rules = rules_io.load_rules_yaml(text, skipped=skipped)
        for note in _capped(skipped):
            sys.stderr.write(f"huashu: {note}\n")
        return rules
    table = read_table(
        path,
        aliases=rules_io.RULE_COLUMN_ALIASES,
        required=("pattern",),
        fill_merged=rules_io.RULE_FILL_MERGED,
    )
    result = rules_io.rules_from_rows(
        [r.values for r in table.rows],
        lines=[r.line for r in table.rows],
        # The lead's own headers, so messages say 忌语 where the lead wrote 忌语.
        headers=getattr(table, "headers", None),
    )
    if not result.ok:
        raise rules_io.RuleFileError(
            f"{path.name}: {len(result.problems)} 行无法导入，规则未做任何更改",
            _capped([f"第 {line} 行: {reason}" for line, reason in result.problems]),
        )
    for line in _capped([f"第 {line} 行: {message}" for line, message in result.warnings]):
        sys.stderr.write(f"huashu: {line}\n")
    return result.rules


def _capped(lines: list[str], limit: int = 20) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"…… 还有 {len(lines) - limit} 处"]


def cmd_rules_import(args: argparse.Namespace) -> int:
    """Add or update rules from a file, all or nothing (a failing example rejects the whole file)."""
    from huashu.core.rules import RuleFileError
    from huashu.storage.library import Library

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"文件不存在: {path}")
    try:
        rules = _read_rules(path)
    except RuleFileError as exc:
        sys.stderr.write(f"huashu: {exc}\n")
        return EXIT_ERROR
    with Library.open(Path(args.db) if args.db else None) as lib:
        # --replace drops every personal rule the file does not have, the built-in ones included:
        # say which, in the dry run above all, where a lead decides whether to go ahead.
        wanted = {rule.uid for rule in rules}
        dropped = (
            [r for r in lib.rules() if r.origin == "personal" and r.uid not in wanted] if args.replace else []
        )
        if args.dry_run:
            _out(f"将导入 {len(rules)} 条规则（未做更改）")
        elif args.replace:
            lib.replace_rules(rules, origin="personal")
        else:
            # Same id (or same pattern, when the sheet has no id column): the file's version wins.
            with lib.transaction():
                for rule in rules:
                    lib.save_rule(rule)
        total = len(lib.rules())
    if dropped:
        verb = "将删除" if args.dry_run else "已删除"
        _out(f"{verb}文件中没有的 {len(dropped)} 条个人规则:")
        for line in _capped([f"  - {r.uid}: {'、'.join(r.patterns[:3])}" for r in dropped]):
            _out(line)
    if not args.dry_run:
        _out(f"已导入 {len(rules)} 条规则（话术库共 {total} 条规则）")
    return EXIT_OK


def cmd_rules_export(args: argparse.Namespace) -> int:
    from huashu.core import rules as rules_io
    from huashu.core.spreadsheet import write_table

    path = Path(args.file)
    rules = _library_rules(args, include_disabled=args.disabled)
    left_out = 0
    in_packs = sum(r.origin != "personal" for r in rules)
    if not args.all:
        # Team-pack rules come back with their pack; a lead's sheet holds the personal ones.
        left_out = sum(r.origin != "personal" for r in rules)
        rules = [r for r in rules if r.origin == "personal"]
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from huashu.paths import atomic_write_bytes

        atomic_write_bytes(path, rules_io.dump_rules_yaml(rules).encode("utf-8"))
    elif suffix in (".csv", ".xlsx"):
        columns = (*rules_io.RULE_COLUMNS, *rules_io.RULE_EXTRA_COLUMNS)
        write_table(path, columns, rules_io.rules_to_rows(rules))
    else:
        raise CliError(f"不支持的规则文件类型 {suffix or '(无扩展名)'}，请使用 .csv、.xlsx 或 .yaml")
    packs = f"（另有 {left_out} 条团队话术包的规则未导出，加 --all 一并导出）" if left_out else ""
    if args.all and in_packs:
        # Re-importing this file is fine: rules import skips the pack rules, saying so.
        packs = f"（其中 {in_packs} 条是团队话术包的规则，再导入时会跳过）"
    _out(f"已导出 {len(rules)} 条规则到 {path}{packs}")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add `check` and `rules import|export` to cli.py's subparsers."""
    if "check" in sub.choices:
        return
    p = sub.add_parser("check", help="检查文本中的服务忌语（有禁用语时退出码为 1）")
    p.add_argument("file", nargs="?", metavar="FILE", help="文本文件，- 或省略表示标准输入")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--batch", action="store_true", help="每行一段文本，从标准输入读取，每行输出一个 JSON 数组"
    )
    p.add_argument("--library", action="store_true", help="检查话术库中的每一条话术")
    p.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="导入或导出服务忌语规则（CSV/XLSX/YAML）")
    group = rules.add_subparsers(dest="rules_command", parser_class=type(rules))

    def missing(_args: argparse.Namespace) -> int:
        raise CliError("用法错误 / usage: huashu rules import FILE | rules export FILE")

    rules.set_defaults(func=missing)
    p = group.add_parser("import", help="从 CSV/XLSX/YAML 导入规则（示例不通过则整体不导入）")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="只检查文件，不做更改")
    p.add_argument("--replace", action="store_true", help="用文件替换全部个人规则（默认按编号更新或新增）")
    p.set_defaults(func=cmd_rules_import)
    p = group.add_parser("export", help="导出规则")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--disabled", action="store_true", help="也导出停用的规则")
    p.add_argument("--all", action="store_true", help="也导出团队话术包中的规则（再导入时跳过这些规则）")
    p.set_defaults(func=cmd_rules_export)
