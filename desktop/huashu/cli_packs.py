"""CLI commands for team packs, trusted keys, channels, usage reports and library backups."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from huashu.cli import EXIT_FINDINGS, EXIT_OK, CliError, _json, _out
from huashu.core.models import row_label

Handler = Callable[[argparse.Namespace], int]


def _err(text: str) -> None:
    sys.stderr.write(f"huashu: {text}\n")


def _pack_errors(func: Handler) -> Handler:
    """Turn PackError into a one-line CliError with the contract's exit code."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        from huashu.core.packs import PackError

        try:
            return func(args)
        except PackError as exc:
            raise CliError(str(exc), exc.exit_code) from exc

    return wrapper


def _db_path(args: argparse.Namespace) -> Path:
    from huashu.paths import default_db_path

    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def _open(args: argparse.Namespace, *, create: bool = True) -> Any:
    from huashu.storage.library import Library

    return Library.open(_db_path(args), create=create)


def _open_existing(args: argparse.Namespace) -> Any:
    """The library if its file exists, else None (commands that only read trust or rules)."""
    path = _db_path(args)
    if not path.exists() or path.stat().st_size == 0:
        return None
    return _open(args, create=False)


# -- keys ------------------------------------------------------------------------------------------


@_pack_errors
def cmd_keygen(args: argparse.Namespace) -> int:
    from huashu.core import packs

    key = packs.generate_key(args.publisher or "")
    packs.write_private_key(args.out, key, overwrite=args.force)
    if args.json:
        _json({"public_key": key.public_key, "fingerprint": key.fingerprint, "key_file": str(args.out)})
        return EXIT_OK
    _out(key.public_key)
    sys.stderr.write(
        f"已生成签名私钥 {args.out}（仅本人可读，请妥善保管），公钥指纹 {key.fingerprint}。\n"
        "把上面一行公钥发给各门店：huashu trust add 公钥\n"
    )
    return EXIT_OK


# -- pack ------------------------------------------------------------------------------------------


def _manifest_lines(verified: Any) -> list[str]:
    m = verified.manifest
    counts = verified.pack.counts()
    lines = [
        f"话术包: {m.name}",
        f"编号: {m.id}",
        f"版本: {m.version}",
        f"发布者: {m.publisher}",
        f"公钥: {m.publisher_key}",
        f"指纹: {m.fingerprint}",
        f"创建时间: {m.created}",
        f"最低程序版本: {m.min_app}",
    ]
    if m.description:
        lines.append(f"说明: {m.description}")
    lines += [
        f"内容: {counts['phrases']} 条话术，{counts['categories']} 个分类，{counts['rules']} 条规则，"
        f"{counts['synonyms']} 组同义词",
        f"大小: {verified.size} 字节  SHA-256: {verified.sha256}",
        "签名: 有效",
    ]
    return lines


def _manifest_json(verified: Any) -> dict[str, Any]:
    return {
        **verified.manifest.to_json(),
        "fingerprint": verified.fingerprint,
        "counts": verified.pack.counts(),
        "size": verified.size,
        "sha256": verified.sha256,
        "signature": "valid",
    }


@_pack_errors
def cmd_pack_build(args: argparse.Namespace) -> int:
    from huashu.core import packs
    from huashu.storage import packs as store

    if args.version < 1:
        raise CliError("--version 必须是正整数")
    out = Path(args.out)
    if out.suffix.lower() != packs.SUFFIX:
        # Agents double-click, drop and watch for .huashu files; `x.csv` would also pass for a sheet.
        raise CliError(f"话术包文件名必须以 {packs.SUFFIX} 结尾: {args.out}")
    key = packs.read_private_key(args.key)
    if key.insecure_permissions:
        _err(f"警告: 私钥文件 {args.key} 其他用户也能读取，建议 chmod 600")
    categories: list[str] = list(args.category or [])
    rules: list[Any] = []
    synonyms: list[Any] = []
    rows: list[int] | None = None  # the sheet row of each phrase, when built from a sheet
    sheet: Any = None
    if args.source:
        sheet = packs.read_sheet_phrases(args.source)
        if sheet.problems:
            for line, reason in sheet.problems[:20]:
                _err(f"{row_label(line)}: {reason}")
            raise CliError(f"表格中有 {len(sheet.problems)} 行有问题，未生成话术包；请修正后重试")
        phrases, rows = sheet.phrases, sheet.rows
        if categories:
            from huashu.core.models import normalize_category_path

            wanted = [normalize_category_path(c) for c in categories]
            picked = [
                (p, line)
                for p, line in zip(phrases, sheet.rows, strict=True)
                if any(p.category == c or p.category.startswith(c + "/") for c in wanted)
            ]
            phrases, rows = [p for p, _ in picked], [line for _, line in picked]
            categories = []
        lib = _open_existing(args) if not (args.no_rules and args.no_synonyms) else None
        if lib is not None:
            with lib:
                content = store.library_content(
                    lib, (), rules=not args.no_rules, synonyms=not args.no_synonyms
                )
            rules, synonyms = content.rules, content.synonyms
    else:
        lib = _open_existing(args)
        if lib is None:
            raise CliError(f"话术库不存在: {_db_path(args)}（或用 --from 表格.csv 生成）")
        with lib:
            content = store.library_content(
                lib, categories, rules=not args.no_rules, synonyms=not args.no_synonyms
            )
        phrases, categories, rules, synonyms = (
            content.phrases,
            content.categories,
            content.rules,
            content.synonyms,
        )
        # Every phrase a pack cannot carry at once, named as the lead finds it in the library.
        unfit = [(p, problem) for p in phrases if (problem := packs.phrase_problem(p))]
        if unfit:
            for p, problem in unfit[:20]:
                _err(f"话术“{p.title[:40]}”（{p.category}）: {problem}")
            raise CliError(f"话术库中有 {len(unfit)} 条话术不能放进话术包，未生成；请修改后重试")
    if not phrases:
        raise CliError("没有可发布的话术（只发布个人话术，已安装的团队话术不会再次发布）")
    pack = packs.make_pack(
        name=args.name,
        version=args.version,
        key=key,
        phrases=phrases,
        categories=categories,
        rules=rules,
        synonyms=synonyms,
        pack_id=args.id,
        publisher=args.publisher,
        min_app=args.min_app,
        description=args.description or "",
    )
    _refuse_overwrite(out, pack, force=args.force)
    _warn_forbidden(phrases, rules, rows)
    verified = packs.write_pack(args.out, pack, key)
    # How the sheet was read and what its rows became, listed as the import lists it, for the
    # phrases in the pack (a row of another sheet with the same number is another row).
    warnings, converted = sheet.told(rows) if sheet else ([], [])
    if args.json:
        told = sheet.told_json(rows) if sheet else {"warnings": [], "converted": []}
        _json({"file": str(args.out), **_manifest_json(verified), **told})
        return EXIT_OK
    counts = pack.counts()
    _out(
        f"已生成 {args.out}: “{pack.manifest.name}” v{pack.manifest.version}，{counts['phrases']} 条话术，"
        f"{counts['rules']} 条规则，{counts['synonyms']} 组同义词（公钥指纹 {key.fingerprint}）"
    )
    for line, message in warnings:
        _out(f"  {row_label(line)} 提示: {message}")
    for line, message in converted:
        _out(f"  {row_label(line)} {message}")
    return EXIT_OK


def _warn_forbidden(phrases: Sequence[Any], rules: Sequence[Any], rows: Sequence[int] | None = None) -> None:
    """Name the phrases the pack's own rules flag: every seat would get them (built all the same).
    From a sheet, each is named by its row too, as the import names it."""
    from huashu.core.checker import forbidden_words

    for index, words in forbidden_words(rules, (p.text for p in phrases)):
        p = phrases[index]
        where = f"{row_label(rows[index])} " if rows is not None else ""
        _err(f"警告: {where}话术“{p.title}”（{p.category}）含服务忌语: {'、'.join(words)}")


def _refuse_overwrite(out: Path, pack: Any, *, force: bool) -> None:
    """Never replace a published pack silently.

    Writing over an earlier build of the same pack with a version that is not higher reaches no one
    (seats that installed that version refuse the new file as already installed, or older) while
    the old file is gone; a file that is not this pack (another pack, or not a pack) is someone's
    work. Both need --force. A higher version of the same pack over its predecessor is the usual
    release (`--out company.huashu` each time) and goes ahead.
    """
    from huashu.core import packs

    if not out.exists() or force:
        return
    try:
        previous = packs.read_pack(out).manifest
    except packs.PackError:
        raise CliError(f"{out} 已存在且不是可读的话术包，未覆盖（确认要覆盖请加 --force）") from None
    if previous.id != pack.manifest.id:
        raise CliError(f"{out} 是另一个话术包“{previous.name}” v{previous.version}，未覆盖（确认要覆盖请加 --force）")
    if previous.version >= pack.manifest.version:
        raise CliError(
            f"{out} 已是“{previous.name}” v{previous.version}，新版本号 {pack.manifest.version} 不大于它：已安装过"
            f" v{previous.version} 的同事会拒绝新文件。请用更大的 --version（确认要覆盖请加 --force）"
        )


@_pack_errors
def cmd_pack_show(args: argparse.Namespace) -> int:
    from huashu.core import packs

    verified = packs.read_pack(args.file)
    if args.json:
        data = _manifest_json(verified)
        if args.phrases:
            data["phrases"] = [p.to_json() for p in verified.pack.phrases]
        _json(data)
        return EXIT_OK
    for line in _manifest_lines(verified):
        _out(line)
    if args.phrases:
        for p in verified.pack.phrases:
            _out(f"  {p.category} › {p.title}{'  ' + p.shortcut if p.shortcut else ''}")
    return EXIT_OK


@_pack_errors
def cmd_pack_verify(args: argparse.Namespace) -> int:
    from huashu.core import packs
    from huashu.storage import packs as store

    verified = packs.read_pack(args.file)
    key = verified.public_key
    if args.trust:
        trusted = packs.parse_public_key(args.trust) == key
    else:
        lib = _open_existing(args)
        trusted = False
        if lib is not None:
            with lib:
                trusted = store.is_trusted(lib, key)
    m = verified.manifest
    try:
        packs.check_app_version(m, _app_version())
        note = ""
    except packs.PackAppTooOldError as exc:
        note = f"（注意: {exc}）"
    if args.json:
        _json({**_manifest_json(verified), "trusted": trusted})
    elif trusted:
        _out(f"签名有效，发布者受信任: “{m.name}” v{m.version}，{m.publisher}（指纹 {m.fingerprint}）{note}")
    if not trusted:
        _err(f"签名有效，但公钥未受信任: {m.publisher}（指纹 {m.fingerprint}）")
        return EXIT_FINDINGS
    return EXIT_OK


def _app_version() -> str:
    from huashu import __version__

    return __version__


def _listing(
    args: argparse.Namespace,
    items: Sequence[Any],
    as_json: Callable[[Any], Any],
    line: Callable[[Any], str],
    empty: str,
    *,
    newest_first: bool = False,
) -> int:
    """A list command's output: a JSON array with --json, else one line per item (or `empty`)."""
    if args.json:
        _json([as_json(item) for item in items])
        return EXIT_OK
    if not items:
        _out(empty)
    for item in reversed(items) if newest_first else items:
        _out(line(item))
    return EXIT_OK


@_pack_errors
def cmd_pack_list(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        installed = store.installed_packs(lib)
    return _listing(
        args,
        installed,
        lambda p: p.to_json(),
        lambda p: f"{p.name}  v{p.version}  {p.publisher}（指纹 {p.fingerprint}）  {p.phrases} 条话术  {p.id}",
        "没有安装团队话术包",
    )


@_pack_errors
def cmd_pack_remove(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        matches = [p for p in store.installed_packs(lib) if args.pack in (p.id, p.name)]
        if not matches:
            raise CliError(f"没有安装这个话术包: {args.pack}", EXIT_FINDINGS)
        if len(matches) > 1:
            raise CliError(f"有多个话术包叫“{args.pack}”，请用编号: " + ", ".join(p.id for p in matches))
        pack = matches[0]
        changes = store.uninstall_pack(lib, pack.id)
    _out(
        f"已移除话术包“{pack.name}” v{pack.version}: 删除 {len(changes.deleted_phrases)} 条，"
        f"{len(changes.phrases)} 条收藏的话术已移到个人话术"
    )
    return EXIT_OK


@_pack_errors
def cmd_pack_manifest(args: argparse.Namespace) -> int:
    from huashu.core import packs
    from huashu.paths import atomic_write_bytes

    verified = packs.read_pack(args.file)
    url = args.url
    packs._require_https(url)
    text = json.dumps(packs.manifest_for(verified, url), ensure_ascii=False, indent=2) + "\n"
    if args.out:
        atomic_write_bytes(args.out, text.encode("utf-8"))
        _out(f"已写入更新清单 {args.out}（v{verified.manifest.version}，sha256 {verified.sha256[:16]}…）")
    else:
        sys.stdout.write(text)
    return EXIT_OK


# -- import ----------------------------------------------------------------------------------------


def _print_preview(preview: Any, *, verbose: bool) -> None:
    for line in preview.lines(limit=None if verbose else 50):
        _out(line)


@_pack_errors
def cmd_import_pack(args: argparse.Namespace) -> int:
    """`huashu import FILE.huashu [--dry-run] [--trust PUBKEY]`: preview, then install in one go."""
    from huashu.storage import packs as store

    path = Path(args.file)
    trust = getattr(args, "trust", None)
    as_json = bool(getattr(args, "json", False))
    with _open(args) as lib:
        pending = store.preview_file(lib, path, trust=trust)
        if args.dry_run:
            if as_json:
                _json({"dry_run": True, "applied": False, **pending.preview.to_json()})
            else:
                _print_preview(pending.preview, verbose=bool(getattr(args, "verbose", False)))
                _out("试导入（未写入）")
            return EXIT_OK
        result = store.apply_install(lib, pending)
    if as_json:
        _json(
            {
                "dry_run": False,
                "applied": True,
                "backup": str(result.backup) if result.backup else None,
                **result.preview.to_json(),
            }
        )
        return EXIT_OK
    _print_preview(result.preview, verbose=bool(getattr(args, "verbose", False)))
    m = result.preview.manifest
    backup = f"（导入前的备份: {result.backup}）" if result.backup else ""
    _out(f"已安装话术包“{m.name}” v{m.version}{backup}")
    return EXIT_OK


def _wrap_import(parser: argparse.ArgumentParser) -> None:
    """Teach the existing `import` command about .huashu packs (and --trust)."""
    with contextlib.suppress(argparse.ArgumentError):  # cli.py may already declare it
        parser.add_argument("--trust", metavar="PUBKEY", help="接受此公钥签名的话术包（.huashu）")
    original: Handler | None = parser.get_default("func")

    def dispatch(args: argparse.Namespace) -> int:
        from huashu.core.packs import is_pack_file  # signing and network code: only when importing

        if is_pack_file(args.file):
            return cmd_import_pack(args)
        if getattr(args, "trust", None):
            raise CliError("--trust 只用于 .huashu 话术包")
        if original is None:
            raise CliError("不支持的导入类型")
        return original(args)

    parser.set_defaults(func=dispatch)


# -- trust -----------------------------------------------------------------------------------------


@_pack_errors
def cmd_trust_add(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        key = store.trust_key(lib, args.pubkey, args.name or "")
    _out(f"已信任公钥 {key.fingerprint}" + (f"（{key.name}）" if key.name else ""))
    return EXIT_OK


@_pack_errors
def cmd_trust_list(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        keys = store.trusted_keys(lib)
        # Keys trusted before any pack named them: the publisher of what they signed, if installed.
        publishers = {p.publisher_key: p.publisher for p in store.installed_packs(lib)}

    def name(k: Any) -> str:
        return str(k.name or publishers.get(k.public_key, ""))

    return _listing(
        args,
        keys,
        lambda k: {"public_key": k.public_key, "fingerprint": k.fingerprint, "name": name(k), "added_at": k.added_at},
        lambda k: f"{k.fingerprint}  {name(k) or '（未命名）'}  {k.public_key}  {k.added_at}",
        "信任列表是空的（huashu trust add 公钥 --name 发布者）",
    )


@_pack_errors
def cmd_trust_remove(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        names = store.untrust_key(lib, args.pubkey)
    _out("已从信任列表移除")
    if names:
        _out(f"已安装的话术包 {'、'.join(names)} 将不再接受这个公钥的更新")
    return EXIT_OK


# -- db --------------------------------------------------------------------------------------------


def cmd_db_check(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store
    from huashu.storage.library import LibraryError

    path = _db_path(args)
    if not path.exists():
        raise CliError(f"话术库文件不存在: {path}")
    try:
        lib = _open(args, create=False)
    except LibraryError as exc:
        _out(f"话术库有问题: {exc}")
        backups = store.list_backups(path)
        if backups:
            _out(f"可用 huashu db restore 从最近的备份恢复（{backups[-1].path.name}）")
        return EXIT_FINDINGS
    with lib:
        repair = store.repair_shortcuts(lib) if args.repair else None
        problems = store.check_library(lib)
        clashes = bool(store.shortcut_clashes(lib))
        count = lib.count_phrases()
    if repair is not None and repair.fixed:
        for clash in repair.fixed:
            _out(f"已修复: {clash.repaired()}")
        if repair.backup:
            _out(f"修复前的话术库已备份到 {repair.backup}")
    if problems:
        for problem in problems:
            _out(f"问题: {problem}")
        if clashes:
            _out(
                "输入重复的快捷编码只会打开第一条话术。运行 huashu db check --repair："
                "每个快捷编码只留给现在输入它时打开的那条，其余的不再使用它（修复前自动备份）"
            )
        elif args.repair:
            _out("--repair 只修复重复的快捷编码；其他问题请用 huashu db restore 从备份恢复")
        return EXIT_FINDINGS
    _out(f"话术库完好: {path}（{count} 条话术）")
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args, create=False) as lib:
        target = store.make_backup(lib, args.file, reason="manual")
    _out(f"已备份到 {target}")
    return EXIT_OK


def cmd_db_backups(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    backups = store.list_backups(_db_path(args))
    return _listing(
        args,
        backups,
        lambda b: {"path": str(b.path), "reason": b.reason, "time": b.when.isoformat()},
        lambda b: f"{b.when:%Y-%m-%d %H:%M:%S}  {b.reason:<14} {b.path}",
        "没有备份",
        newest_first=True,
    )


def cmd_db_restore(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    path = _db_path(args)
    if args.file and not Path(args.file).exists():
        raise CliError(f"备份文件不存在: {args.file}")
    # The app keeps its connection to the file a restore replaces: it would go on showing (and
    # writing to) the old library. Not overridable: close the app first.
    pid = store.app_holding(path)
    if pid is not None:
        raise CliError(
            f"话术助手正在使用这个话术库（进程 {pid}），请先退出话术助手（托盘菜单 › 退出）再恢复；话术库未改动"
        )
    owner = store.foreign_backup(path, args.file) if args.file else None
    if owner is not None and not args.force:
        raise CliError(
            f"{Path(args.file).name} 看名字是话术库“{owner}”的备份，不是“{path.stem}”的；"
            "确认要用它覆盖本话术库，请加 --force（话术库未改动）"
        )
    result = store.restore_file(path, args.file)
    _out(f"已从 {result.restored_from} 恢复话术库 {path}")
    if result.saved_current:
        _out(f"恢复前的话术库已保存为 {result.saved_current}")
    return EXIT_OK


# -- usage -----------------------------------------------------------------------------------------


@_pack_errors
def cmd_usage_export(args: argparse.Namespace) -> int:
    from huashu.core import packs
    from huashu.storage import packs as store

    with _open(args) as lib:
        rows = store.usage_rows(lib, include_personal=args.all)
    count = packs.write_usage_csv(args.file, rows)
    _out(f"已导出 {count} 条话术的使用次数到 {args.file}（不含个人信息）")
    return EXIT_OK


@_pack_errors
def cmd_usage_merge(args: argparse.Namespace) -> int:
    from huashu.core import packs

    out = Path(args.out)
    for name in args.inputs:
        # The report must never replace a seat's export (the old form took the output first).
        if _same_file(Path(name), out):
            raise CliError(f"--out {args.out} 是输入文件之一，不能覆盖它；请给报告另起一个文件名")
    reports = [packs.read_usage_csv(path) for path in args.inputs]
    summaries = packs.merge_usage(reports)
    packs.write_usage_report(args.out, summaries)
    status = {"used": 0, "never_used": 0, "often_edited": 0}
    for s in summaries:
        status[s.status] += 1
    _out(
        f"已合并 {len(reports)} 份使用统计到 {args.out}: {len(summaries)} 条话术，常用 {status['used']}，"
        f"从未使用 {status['never_used']}，常被改动 {status['often_edited']}"
    )
    return EXIT_OK


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
        return a.resolve() == b.resolve()
    except OSError:
        return a.absolute() == b.absolute()


# -- channels --------------------------------------------------------------------------------------


@_pack_errors
def cmd_channel_add(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        channel = store.add_channel(lib, args.location)
    kind = "文件夹" if channel.kind == "folder" else "网址"
    _out(f"已添加更新渠道 #{channel.id}（{kind}）: {channel.location}")
    if channel.kind == "folder" and not Path(channel.location).is_dir():
        # Added all the same: a network share or USB stick may simply be offline right now.
        _err(f"警告: 文件夹现在不存在或无法访问: {channel.location}（请检查路径；共享盘或U盘未连接时可以忽略）")
    return EXIT_OK


@_pack_errors
def cmd_channel_list(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        found = store.channels(lib)
    def line(c: Any) -> str:
        status = f"  上次检查 {c.last_checked}" if c.last_checked else ""
        error = f"  错误: {c.last_error}" if c.last_error else ""
        return f"#{c.id}  {c.kind}  {c.location}{status}{error}"

    return _listing(
        args,
        found,
        lambda c: c.__dict__,
        line,
        "没有更新渠道（huashu channel add 共享文件夹 或 https://…/manifest.json）",
    )


@_pack_errors
def cmd_channel_remove(args: argparse.Namespace) -> int:
    from huashu.storage import packs as store

    with _open(args) as lib:
        store.remove_channel(lib, args.ref)
    _out("已移除更新渠道")
    return EXIT_OK


@_pack_errors
def cmd_channel_check(args: argparse.Namespace) -> int:
    from huashu.core.packs import PackError
    from huashu.storage import packs as store

    failures = 0
    problems = 0
    report: list[dict[str, Any]] = []
    with _open(args) as lib:
        for check in store.check_channels(lib):
            if check.error:
                failures += 1
                _err(f"渠道 {check.channel.location}: {check.error}")
            for problem in check.problems:
                # Damaged, spoofed or untrusted files are not offered; the lead must hear of them.
                problems += 1
                _err(f"渠道 {check.channel.location} 中的文件有问题，未提供: {problem}")
            for update in check.updates:
                entry = update.to_json()
                old = f"v{update.installed_version}" if update.installed_version else "未安装"
                if not args.json:
                    name = update.name or update.pack_id
                    _out(f"有更新: “{name}” {old} → v{update.version}（{update.channel.location}）")
                if args.install:
                    try:
                        path = store.fetch_update(update)
                        result = store.install_file(lib, path)
                        entry["installed"] = True
                        if not args.json:
                            _out(f"  已安装（{result.preview.summary()}）")
                    except PackError as exc:
                        failures += 1
                        entry["installed"] = False
                        entry["error"] = str(exc)
                        _err(f"  未安装: {exc}")
                report.append(entry)
    if args.json:
        _json(report)
    elif not report and not failures:
        _out("没有新的话术包" + (f"（但有 {problems} 个文件有问题，见上）" if problems else ""))
    return EXIT_FINDINGS if failures or problems else EXIT_OK


# -- registration ----------------------------------------------------------------------------------


def _group(sub: Any, name: str, helptext: str) -> Any:
    parser = sub.add_parser(name, help=helptext)
    group = parser.add_subparsers(dest=f"{name}_command", parser_class=type(parser))

    def missing(_args: argparse.Namespace) -> int:
        raise CliError(f"用法错误: huashu {name} 需要子命令（运行 huashu {name} --help 查看）")

    parser.set_defaults(func=missing)
    return group


def register(sub: Any) -> None:
    """Add keygen, pack, trust, db, usage and channel commands to cli.py's subparsers; extend import."""
    if "keygen" in sub.choices:
        return  # registered already (idempotent, so tests and cli.py can both call it)
    p = sub.add_parser("keygen", help="生成组长的签名密钥（打印公钥）")
    p.add_argument("--out", required=True, metavar="KEYFILE", help="私钥文件（仅本人可读）")
    p.add_argument("--publisher", metavar="NAME", help="发布者名称，如“总部客服部”")
    p.add_argument("--force", action="store_true", help="覆盖已有的密钥文件")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_keygen)

    pack = _group(sub, "pack", "团队话术包：生成、查看、校验、列出、移除")
    p = pack.add_parser("build", help="从话术库或表格生成签名的话术包")
    p.add_argument("--out", required=True, metavar="FILE.huashu")
    p.add_argument("--key", required=True, metavar="KEYFILE")
    p.add_argument("--name", required=True, metavar="NAME")
    p.add_argument("--version", required=True, type=int, metavar="N", help="版本号，每次发布必须增大")
    p.add_argument("--from", dest="source", metavar="FILE.csv|FILE.xlsx", help="从表格生成（默认从话术库）")
    p.add_argument("--category", action="append", metavar="C", help="只发布这些分类（可重复）")
    p.add_argument("--id", metavar="ID", help="话术包编号（默认由公钥和名称生成，保持不变）")
    p.add_argument("--publisher", metavar="NAME")
    p.add_argument("--min-app", default="0.1.0", metavar="VERSION", help="需要的最低程序版本")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--no-rules", action="store_true", help="不包含忌语规则")
    p.add_argument("--no-synonyms", action="store_true", help="不包含同义词")
    p.add_argument("--force", action="store_true", help="覆盖已有的同版本或旧版本话术包文件")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pack_build)

    p = pack.add_parser("show", help="显示话术包的清单和数量")
    p.add_argument("file", metavar="FILE.huashu")
    p.add_argument("--phrases", action="store_true", help="同时列出话术")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pack_show)

    p = pack.add_parser("verify", help="校验签名和发布者（0 有效，1 签名无效或不受信任，2 文件格式错误）")
    p.add_argument("file", metavar="FILE.huashu")
    p.add_argument("--trust", metavar="PUBKEY", help="用这个公钥校验（不查信任列表）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pack_verify)

    p = pack.add_parser("list", help="列出已安装的话术包")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pack_list)

    p = pack.add_parser("remove", help="移除已安装的话术包（收藏的话术移到个人话术）")
    p.add_argument("pack", metavar="ID|NAME")
    p.set_defaults(func=cmd_pack_remove)

    p = pack.add_parser("manifest", help="为 HTTPS 渠道生成更新清单 JSON")
    p.add_argument("file", metavar="FILE.huashu")
    p.add_argument("--url", required=True, metavar="URL", help="话术包文件的 https:// 地址")
    p.add_argument("--out", metavar="manifest.json")
    p.set_defaults(func=cmd_pack_manifest)

    trust = _group(sub, "trust", "信任的发布者公钥")
    p = trust.add_parser("add", help="信任一个发布者公钥")
    p.add_argument("pubkey", metavar="PUBKEY")
    p.add_argument("--name", metavar="N")
    p.set_defaults(func=cmd_trust_add)
    p = trust.add_parser("list", help="列出信任的公钥")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trust_list)
    p = trust.add_parser("remove", help="不再信任一个公钥（公钥或 trust list 显示的指纹）")
    p.add_argument("pubkey", metavar="PUBKEY|FINGERPRINT")
    p.set_defaults(func=cmd_trust_remove)

    db = _group(sub, "db", "话术库文件：检查、备份、恢复")
    p = db.add_parser("check", help="检查话术库是否完好（1 = 有问题）")
    p.add_argument(
        "--repair", action="store_true", help="修复重复的快捷编码：只留给输入它时打开的那条（先自动备份）"
    )
    p.set_defaults(func=cmd_db_check)
    p = db.add_parser("backup", help="备份话术库（默认到 backups/ 文件夹，保留最近 10 份）")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.set_defaults(func=cmd_db_backup)
    p = db.add_parser("backups", help="列出备份")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_db_backups)
    p = db.add_parser("restore", help="从备份恢复（默认最近的一份；请先关闭话术助手）")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("--force", action="store_true", help="备份看名字属于另一个话术库时也恢复")
    p.set_defaults(func=cmd_db_restore)

    usage = _group(sub, "usage", "匿名使用统计（给组长）")
    p = usage.add_parser("export", help="导出每条团队话术的使用次数（CSV，不含个人信息）")
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--all", action="store_true", help="也包括个人话术")
    p.set_defaults(func=cmd_usage_export)
    p = usage.add_parser("merge", help="合并多份使用统计为一份报告: usage merge 文件... --out 报告.csv")
    p.add_argument("inputs", nargs="+", metavar="FILE.csv", help="各门店 usage export 导出的文件")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="合并后的报告（不能是输入文件之一）")
    p.set_defaults(func=cmd_usage_merge)

    channel = _group(sub, "channel", "话术包更新渠道：共享文件夹或 HTTPS 清单")
    p = channel.add_parser("add", help="添加渠道（文件夹路径或 https:// 清单地址）")
    p.add_argument("location", metavar="FOLDER|URL")
    p.set_defaults(func=cmd_channel_add)
    p = channel.add_parser("list", help="列出渠道")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_channel_list)
    p = channel.add_parser("remove", help="移除渠道")
    p.add_argument("ref", metavar="ID|LOCATION")
    p.set_defaults(func=cmd_channel_remove)
    p = channel.add_parser("check", help="检查渠道中有没有更新（--install 安装受信任的更新）")
    p.add_argument("--install", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_channel_check)

    importer = sub.choices.get("import")
    if importer is not None:
        _wrap_import(importer)


__all__: Sequence[str] = ["cmd_import_pack", "register"]
