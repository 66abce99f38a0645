"""The `huashu` command line, a scriptable contract over core/ and storage/ (exit 0, 1 findings, 2 errors)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn

from huashu import __version__
from huashu.core.models import ImportReport, Phrase, row_label

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class CliError(Exception):
    """A user-facing failure: one line on stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage block; a script wants one clear line and exit 2.
        raise CliError(f"用法错误 / usage: {message}（运行 huashu --help 查看帮助）")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=None) + "\n")


def _parse_assignments(items: Sequence[str] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items or ():
        if "=" not in item:
            raise CliError(f"--set 需要 名称=值 的形式: {item!r}")
        name, value = item.split("=", 1)
        if not name.strip():
            raise CliError(f"--set 的名称为空: {item!r}")
        values[name.strip()] = value
    return values


def phrase_json(p: Phrase) -> dict[str, Any]:
    return {
        "id": p.id,
        "uid": p.uid,
        "category": p.category,
        "title": p.title,
        "text": p.text,
        "shortcut": p.shortcut or "",
        "tags": list(p.tags),
        "notes": p.notes,
        "favorite": p.favorite,
        "use_count": p.use_count,
        "last_used": p.last_used,
        "origin": p.origin,
        "pack_id": p.pack_id,
        "pack_version": p.pack_version,
    }


def _db_path(args: argparse.Namespace) -> Path | None:
    return Path(args.db) if args.db else None


def _open(args: argparse.Namespace) -> Any:
    from huashu.storage.library import Library

    return Library.open(_db_path(args))


def _resolve_phrase(lib: Any, ref: str) -> Phrase:
    import unicodedata

    from huashu.storage.library import NotFoundError

    # Typed as the library stores it: a full-width ／ or digits from a Chinese input method count.
    ref = unicodedata.normalize("NFKC", ref).strip()
    if ref.isdigit() and ref.isascii():
        try:
            return lib.phrase(int(ref))  # type: ignore[no-any-return]
        except NotFoundError:
            raise CliError(f"话术不存在: {ref}", EXIT_FINDINGS) from None
    if not ref:
        raise CliError("话术编号应为数字或快捷编码（如 /tk）")
    # Anything else is a shortcut, with or without its "/" (`show qj` finds /qj).
    from huashu.core.models import clean_shortcut

    try:
        shown = clean_shortcut(ref) or ref
    except ValueError as exc:
        raise CliError(f"话术编号应为数字或快捷编码（如 /tk）: {exc}") from None
    found = lib.phrase_by_shortcut(ref)
    if found is None:
        raise CliError(f"没有快捷编码为 {shown} 的话术", EXIT_FINDINGS)
    return found  # type: ignore[no-any-return]


# -- a library named by --db that is not there -------------------------------------------------

LibraryUse = Literal["creates", "reads", "none"]


def _dry_run_reads(args: argparse.Namespace) -> LibraryUse:
    # A dry run writes nothing, and a brand-new library file would be something.
    return "reads" if args.dry_run else "creates"


# What each command does with a library file named by --db that does not exist (or is empty):
# "creates" it, as a command that writes does (what it writes needs a library to go to);
# "reads": refused, since a typo in the path would otherwise leave a new library there and answer
# from the default phrases as if they were the agent's; "none": it never opens the library. A
# callable decides from the arguments. Without --db, the default library is created on first use
# by any command, as the app's first start creates it. tests/test_cli.py checks every command
# is listed, so a new one is decided here too.
LIBRARY_USE: dict[str, LibraryUse | Callable[[argparse.Namespace], LibraryUse]] = {
    "init": "creates",
    "list": "reads",
    "show": "reads",
    "fill": "reads",  # it counts the use, but of a phrase the library must already have
    "add": "creates",
    "import": _dry_run_reads,
    "export": "reads",
    "profile": lambda args: "creates" if args.set else "reads",
    "search": "reads",
    "suggest": "reads",
    "check": "reads",  # the library's rules; without --db and a library, the default rules
    "rules import": _dry_run_reads,
    "rules export": "reads",
    "keygen": "none",
    # From a sheet, the library gives only its rules and synonyms: none wanted, none read.
    "pack build": lambda args: "none" if args.source and args.no_rules and args.no_synonyms else "reads",
    "pack show": "none",
    "pack verify": lambda args: "none" if args.trust else "reads",
    "pack list": "reads",
    "pack remove": "reads",  # nothing to remove from a library that is not there
    "pack manifest": "none",
    "trust add": "creates",  # a lead's key set up before the agent's first start
    "trust list": "reads",
    "trust remove": "reads",
    "db check": "reads",
    "db backup": "reads",
    "db backups": "none",  # lists the backups folder: where one looks when the library is lost
    "db restore": "creates",  # puts a lost library back from its backup
    "usage export": "reads",
    "usage merge": "none",
    "channel add": "creates",
    "channel list": "reads",
    "channel remove": "reads",
    "channel check": "reads",  # a new library has no channel to check
}


def command_name(args: argparse.Namespace) -> str:
    """`list`, `pack build`: the command as typed, "" for none (the window)."""
    command = getattr(args, "command", None)
    if not command:
        return ""
    sub = getattr(args, f"{command}_command", None)
    return f"{command} {sub}" if sub else str(command)


def _require_library(args: argparse.Namespace) -> None:
    """Refuse a command that only reads when the library file --db names is not there."""
    if not getattr(args, "db", None):
        return
    use = LIBRARY_USE.get(command_name(args), "none")
    if callable(use):
        use = use(args)
    if use != "reads":
        return
    path = Path(args.db)
    try:
        empty = path.is_file() and path.stat().st_size == 0
    except OSError:
        return  # unreadable: opening it reports why
    if path.exists() and not empty:
        return
    shown = f'"{path}"' if any(ch.isspace() for ch in str(path)) else str(path)
    what = "话术库文件是空的" if empty else "话术库文件不存在"
    raise CliError(
        f"{what}: {path}（未创建任何文件；请检查路径，要在这里新建话术库请运行 huashu init --db {shown}）"
    )


# -- commands ------------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    if getattr(args, "self_test", False):
        from huashu import selftest

        return selftest.run(_db_path(args))
    try:
        from huashu.gui.app import run
    except ImportError as exc:
        raise CliError(f"无法启动桌面界面（缺少 PySide6 或图形组件）: {exc}") from exc
    files = [Path(f) for f in getattr(args, "open_files", [])]
    return run(
        db_path=_db_path(args),
        argv=[sys.argv[0]],
        open_files=files,
        toggle=bool(getattr(args, "toggle", False)),
        minimized=bool(getattr(args, "minimized", False)),
    )


def cmd_init(args: argparse.Namespace) -> int:
    from huashu.paths import default_db_path
    from huashu.storage.library import Library

    path = _db_path(args) or default_db_path()
    if path.exists() and path.stat().st_size > 0:
        raise CliError(f"话术库已存在，未做任何更改: {path}")
    with Library.open(path, empty=args.empty, make_dirs=True) as lib:
        count = lib.count_phrases()
    _out(f"已创建话术库 {path}（{count} 条话术）")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with _open(args) as lib:
        category_id = None
        if args.category:
            cat = lib.category_by_path(args.category)
            if cat is None:
                raise CliError(f"分类不存在: {args.category}", EXIT_FINDINGS)
            category_id = cat.id
        phrases = lib.phrases(category_id)
    if args.json:
        _json([phrase_json(p) for p in phrases])
        return EXIT_OK
    for p in phrases:
        shortcut = f"  {p.shortcut}" if p.shortcut else ""
        _out(f"{p.id:>5}  {p.category} › {p.title}{shortcut}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from huashu.core import placeholders

    with _open(args) as lib:
        p = _resolve_phrase(lib, args.id)
    if args.json:
        data = phrase_json(p)
        data["fields"] = list(placeholders.field_names(p.text))
        _json(data)
        return EXIT_OK
    _out(f"#{p.id} {p.title}")
    _out(f"分类: {p.category}")
    if p.shortcut:
        _out(f"快捷编码: {p.shortcut}")
    if p.tags:
        _out(f"标签: {'; '.join(p.tags)}")
    fields = placeholders.field_names(p.text)
    if fields:
        _out(f"字段: {', '.join(fields)}")
    if p.notes:
        _out(f"备注: {p.notes}")
    _out("")
    _out(p.text)
    return EXIT_OK


def _copy_to_clipboard(text: str) -> None:
    import pyperclip

    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException as exc:
        raise CliError(f"无法访问剪贴板: {exc}") from exc


def cmd_fill(args: argparse.Namespace) -> int:
    from huashu.core import placeholders

    values = _parse_assignments(args.set)
    with _open(args) as lib:
        p = _resolve_phrase(lib, args.id)
        try:
            result = placeholders.fill(p.text, values, builtins=lib.builtin_values())
        except placeholders.PlaceholderError as exc:
            raise CliError(f"话术 #{p.id} 的占位符有错误: {exc}") from exc
        if not result.complete:
            raise CliError(
                "缺少字段 / missing fields: " + ", ".join(result.missing) + "（用 --set 名称=值 填写）",
                EXIT_ERROR,
            )
        if args.copy:
            _copy_to_clipboard(result.text)
        lib.record_use(p.id)
    _out(result.text)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from huashu.core.spreadsheet import split_tags

    with _open(args) as lib:
        changes = lib.add_phrase(
            args.category,
            args.title,
            args.text,
            shortcut=args.shortcut,
            tags=split_tags(args.tags or ""),
            notes=args.notes or "",
        )
        (pid,) = changes.phrases
        stored = lib.phrase(pid).shortcut
    _out(f"已添加话术 #{pid}")
    if args.shortcut and stored and args.shortcut.strip().lower() != stored:
        _out(f"快捷编码已改为 {stored}")
    return EXIT_OK


def _print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        _json(report.to_json())
        return
    prefix = "试导入（未写入）" if report.dry_run else "导入完成"
    # A workbook has no text encoding to tell.
    encoding = f"（编码 {report.encoding}）" if report.encoding and report.encoding != "xlsx" else ""
    _out(
        f"{prefix}: 新增 {report.added}，更新 {report.updated}，未变 {report.unchanged}，"
        f"跳过 {len(report.skipped)}{encoding}"
    )
    if report.ignored_columns:
        _out(f"未识别的列已忽略: {', '.join(report.ignored_columns)}")
    # "第 3 行", or "工作表“售后”第 3 行" when several sheets of a workbook were imported.
    for line, reason in report.skipped:
        _out(f"  {row_label(line)} 跳过: {reason}")
    for line, message in report.warnings:
        _out(f"  {row_label(line)} 提示: {message}")
    for line, message in report.converted:
        _out(f"  {row_label(line)} {message}")
    for line, name in report.updated_rows:
        _out(f"  {row_label(line)} {'将更新' if report.dry_run else '已更新'}: {name}")
    if report.backup:
        _out(f"导入前的话术库已备份到 {report.backup}")


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        raise CliError(f"文件不存在: {path}")
    with _open(args) as lib:
        report = lib.import_file(path, dry_run=args.dry_run)
    _print_report(report, args.json)
    return EXIT_FINDINGS if report.skipped else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from huashu.core.spreadsheet import write_phrase_sheet

    with _open(args) as lib:
        category_id = None
        if args.category:
            cat = lib.category_by_path(args.category)
            if cat is None:
                raise CliError(f"分类不存在: {args.category}", EXIT_FINDINGS)
            category_id = cat.id
        exported = lib.export_rows_with_sources(category_id)
    rows = [row for row, _pack in exported]
    packs = [pack for _row, pack in exported]
    count = write_phrase_sheet(args.file, rows, headers=args.headers, sources=packs)
    from_packs = sum(1 for pack in packs if pack)
    _out(f"已导出 {count} 条话术到 {args.file}")
    if from_packs:
        # Told, so a lead editing the sheet knows these rows go back to the pack's author, not here.
        _out(f"其中 {from_packs} 条来自团队话术包（“来源”列已标明，只读：重新导入时原样的算未变，改过的会被跳过）")
    return EXIT_OK


def cmd_profile(args: argparse.Namespace) -> int:
    values = _parse_assignments(args.set)
    with _open(args) as lib:
        if values:
            lib.set_profile(values)
        profile = lib.profile()
    if args.json:
        _json(profile)
    elif not profile:
        _out("尚未设置个人资料（huashu profile --set 名字=小李 --set 工号=1024）")
    else:
        for key, value in profile.items():
            _out(f"{key}={value}")
    return EXIT_OK


def decode_text(data: bytes) -> str:
    """Bytes from a file or a pipe: UTF-8 (BOM stripped) or GB18030, whatever the locale says.

    Chinese Windows pipes GBK; a script may pipe UTF-8 under any locale. Reading stdin as text in
    the locale's encoding would quietly garble one of them and miss what a check should catch.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CliError("无法识别文本编码（请使用 UTF-8 或 GBK）")


def batch_lines() -> Iterator[str]:
    """One query per stdin line, decoded line by line (so a long pipe streams)."""
    for number, raw in enumerate(sys.stdin.buffer):
        line = raw.rstrip(b"\r\n")
        if number == 0 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield decode_text(line)


def _wait_for_words(query: str | None, *, batch: bool) -> None:
    """Load jieba before a Chinese sentence is searched (0.4-1.2 s once per process).

    The app searches by substring until jieba has loaded in the background, which is fine for a
    window that stays open; a one-shot command would answer a pasted sentence (快递三天了还没到)
    with nothing, having exited before jieba was ready. Short keywords and pinyin do not wait.
    """
    from huashu.core import textproc

    if batch or sum(textproc.is_cjk(ch) for ch in query or "") >= 3:
        textproc.ensure_jieba_loading()
        textproc.wait_jieba(20)


def _ranked(args: argparse.Namespace, kind: str) -> int:
    if args.limit < 1:
        raise CliError("--limit 必须大于 0")
    with _open(args) as lib:
        run_one = lib.search if kind == "search" else lib.suggest
        _wait_for_words(args.query, batch=args.batch)
        if args.batch:
            for line in batch_lines():
                _json([r.to_json() for r in run_one(line, limit=args.limit)])
            return EXIT_OK
        if args.query is None:
            raise CliError(f"{kind} 需要查询文字，或使用 --batch 从标准输入读取")
        results = run_one(args.query, limit=args.limit)
    if args.json:
        _json([r.to_json() for r in results])
    else:
        for r in results:
            matched = f"  [{'、'.join(r.matched)}]" if getattr(r, "matched", ()) else ""
            shortcut = f"  {r.shortcut}" if r.shortcut else ""
            _out(f"{r.phrase_id:>5}  {r.category} › {r.title}{shortcut}{matched}")
            _out(f"       {r.text[:80]}")
    return EXIT_OK if results else EXIT_FINDINGS


def cmd_search(args: argparse.Namespace) -> int:
    return _ranked(args, "search")


def cmd_suggest(args: argparse.Namespace) -> int:
    return _ranked(args, "suggest")


# -- parser --------------------------------------------------------------------------------------


GUI_FLAGS = ("--toggle", "--minimized", "--self-test")


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line, or (`commands=False`) only the options that start the window."""
    parser = _Parser(prog="huashu", description="话术助手 Huashu — 客服规范用语助手")
    parser.add_argument("--db", metavar="PATH", help="话术库文件（默认在用户数据目录，或环境变量 HUASHU_DB）")
    parser.add_argument("--version", action="version", version=f"huashu {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="检查安装是否完整（资源、话术库、搜索、界面）"
    )
    parser.add_argument(
        "--toggle", action="store_true", help="显示/隐藏正在运行的快速搜索窗口（可绑定到桌面快捷键）"
    )
    parser.add_argument("--minimized", action="store_true", help="启动到托盘（开机自启时使用）")
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("init", help="创建话术库文件")
    p.add_argument("--empty", action="store_true", help="不导入内置话术")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("list", help="列出话术")
    p.add_argument("--category", metavar="C")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="查看一条话术")
    p.add_argument("id", help="话术编号或快捷编码（如 /wl）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("fill", help="填写字段并输出话术")
    p.add_argument("id", help="话术编号或快捷编码（如 /wl）")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="字段值，可重复")
    p.add_argument("--copy", action="store_true", help="复制到剪贴板")
    p.set_defaults(func=cmd_fill)

    p = sub.add_parser("add", help="添加个人话术")
    p.add_argument("--category", required=True, metavar="C")
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--text", required=True, metavar="X")
    p.add_argument("--shortcut", metavar="S")
    p.add_argument("--tags", metavar="A;B")
    p.add_argument("--notes", metavar="N")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("import", help="从 CSV/XLSX 导入话术")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="只显示将会发生的变化")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="导出话术到 CSV/XLSX")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--category", metavar="C")
    p.add_argument(
        "--headers",
        choices=("zh", "en"),
        default="zh",
        help="表头语言: zh 分类、标题、内容…（默认），en category,title,text…（供脚本使用）",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("profile", help="查看或设置个人资料（名字、工号、公司、门店）")
    p.add_argument("--set", action="append", metavar="NAME=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profile)

    for name, func, helptext, argname in (
        ("search", cmd_search, "搜索话术（关键词、拼音、简拼、快捷编码、繁体）", "query"),
        ("suggest", cmd_suggest, "根据客户的消息推荐回复", "query"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument(argname, nargs="?", metavar="TEXT")
        p.add_argument("--limit", type=int, default=10 if name == "search" else 5, metavar="N")
        p.add_argument("--json", action="store_true")
        p.add_argument(
            "--batch", action="store_true", help="每行一个查询，从标准输入读取，每行输出一个 JSON 数组"
        )
        p.set_defaults(func=func)

    # Imported here, not at the top: they import this module's names (CliError, exit codes).
    from huashu import cli_check, cli_packs

    for register in (cli_check.register, cli_packs.register, *_EXTRA_COMMANDS):
        register(sub)
    return parser


_EXTRA_COMMANDS: list[Callable[[Any], None]] = []
OPEN_SUFFIXES = (".huashu", ".csv", ".xlsx")


def _starts_gui(args_list: Sequence[str]) -> bool:
    """True when the arguments only start the window: no command, no help, nothing unknown.

    Then the forty-odd command parsers (and what they import) are not built: every start of the
    app would pay for them, and argparse needs none of them to read `--db`, `--toggle` or a file.
    """
    after_db = False
    for arg in args_list:
        if after_db:
            after_db = False
        elif arg == "--db":
            after_db = True
        elif not (
            arg.startswith("--db=")
            or arg in GUI_FLAGS
            or (not arg.startswith("-") and arg.lower().endswith(OPEN_SUFFIXES))
        ):
            return False
    return True


def _split_open_files(args_list: list[str], parser: argparse.ArgumentParser) -> tuple[list[str], list[str]]:
    """`huashu FILE.huashu` (a double-click in the file manager) opens the app with that file.

    Only when no command is named: then every existing file argument with a known suffix is taken
    out of the argument list and handed to the window, which previews it before anything changes.
    """
    commands: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    if any(arg in commands for arg in args_list):
        return args_list, []
    kept: list[str] = []
    files: list[str] = []
    skip_next = False
    for arg in args_list:
        if skip_next:
            kept.append(arg)
            skip_next = False
            continue
        if arg == "--db":
            kept.append(arg)
            skip_next = True
        elif not arg.startswith("-") and arg.lower().endswith(OPEN_SUFFIXES):
            if not Path(arg).is_file():
                raise CliError(f"文件不存在: {arg}")
            files.append(str(Path(arg).resolve()))
        else:
            kept.append(arg)
    return kept, files


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(commands=not _starts_gui(args_list))
        args_list, open_files = _split_open_files(args_list, parser)
        args = parser.parse_args(args_list)
        args.open_files = open_files
        func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
        _require_library(args)
        return func(args)
    except CliError as exc:
        sys.stderr.write(f"huashu: {exc}\n")
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write("huashu: 已取消\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("HUASHU_DEBUG"):
            raise
        return _report_exception(exc)


def _report_exception(exc: Exception) -> int:
    from huashu.core.spreadsheet import SpreadsheetError
    from huashu.storage.library import LibraryCorruptError, LibraryError, NotFoundError, ValidationError

    if isinstance(exc, NotFoundError):
        sys.stderr.write(f"huashu: {exc}\n")
        return EXIT_FINDINGS
    if isinstance(exc, LibraryCorruptError):
        sys.stderr.write(f"huashu: {exc}。文件未被改动；可运行 huashu db restore 从最近的备份恢复\n")
        return EXIT_ERROR
    if isinstance(exc, SpreadsheetError | LibraryError | ValidationError):
        sys.stderr.write(f"huashu: {exc}\n")
        return EXIT_ERROR
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        sys.stderr.write("huashu: 话术库正被其他程序占用，请稍后再试 / library is locked\n")
        return EXIT_ERROR
    if isinstance(exc, sqlite3.Error):
        sys.stderr.write(f"huashu: 话术库操作失败: {exc}\n")
        return EXIT_ERROR
    if isinstance(exc, OSError):
        sys.stderr.write(f"huashu: 文件操作失败: {exc.strerror or exc} ({getattr(exc, 'filename', '')})\n")
        return EXIT_ERROR
    sys.stderr.write(f"huashu: 内部错误 {type(exc).__name__}: {exc}（设置 HUASHU_DEBUG=1 查看详情）\n")
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
