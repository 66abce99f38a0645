"""`huashu --self-test`: headless checks of the real app (library, search, checker, GUI, translations)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from huashu import __version__

# Known content of the embedded default library and rules; a fresh library must find these.
SEARCH_QUERY = "退款"
TRADITIONAL_QUERY = "退貨"  # OpenCC t2s: must find the same phrases as 退货
T2S_SAMPLE = str.maketrans("貨", "货")
PINYIN_QUERY = "tuikuan"
SUGGEST_MESSAGE = "我的快递怎么还没到，都一个星期了"
FORBIDDEN_TEXT = "这个我不知道，你自己去问吧"
GUI_TIMEOUT_S = 30


class CheckFailed(Exception):
    """A self-test check did not hold; the message says what was expected."""


class _Context:
    """What the checks share: the library, whether it is our own fresh copy, and the Qt app."""

    def __init__(self, db_path: Path, fresh: bool, scratch: Path) -> None:
        self.db_path = db_path
        self.fresh = fresh
        self.lib: Any = None
        self.extra_libs: list[Any] = []
        self.qt_app: Any = None
        self._scratch = scratch

    def scratch(self) -> Path:
        """A temporary folder for files the checks make (removed afterwards)."""
        return self._scratch

    def library(self) -> Any:
        if self.lib is None:
            raise CheckFailed("话术库未能打开（见 library 检查）")
        return self.lib


def _expect(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def _out(stream: TextIO | None, line: str) -> None:
    if stream is None:  # a windowed Windows build has no console
        return
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


# -- checks --------------------------------------------------------------------------------------


def check_resources(ctx: _Context) -> str:
    from huashu import paths

    names = [
        ("library", "default_library.csv"),
        ("rules", "default_rules.yaml"),
        ("search", "synonyms.txt"),
        ("search", "jieba_user.dict"),
    ]
    missing = [("/".join(n)) for n in names if not paths.resource(*n).is_file()]
    _expect(not missing, f"缺少资源文件: {', '.join(missing)}")
    migrations = [m.name for m in paths.migrations_dir().iterdir() if m.name.endswith(".sql")]
    _expect(migrations, "缺少数据库迁移脚本 huashu/db/migrations/*.sql")
    where = "frozen" if paths.is_frozen() else "python"
    return f"{where}, {len(migrations)} migrations"


def check_library(ctx: _Context) -> str:
    from huashu.storage.library import Library

    ctx.lib = Library.open(ctx.db_path)
    count = ctx.lib.count_phrases()
    if ctx.fresh:
        _expect(count >= 100, f"新建的话术库只有 {count} 条话术（内置话术库应有 180+ 条）")
    return f"{count} phrases in {ctx.db_path}"


def check_migrate(ctx: _Context) -> str:
    from huashu.storage import migrations

    lib = ctx.library()
    pending = migrations.pending(lib.conn)
    _expect(not pending, f"仍有未执行的迁移: {[m.name for m in pending]}")
    problems = lib.integrity_problems(quick=True)
    _expect(not problems, f"完整性检查失败: {problems[:3]}")
    return f"schema v{lib.schema_version()}"


def _titles(results: list[Any]) -> list[str]:
    titles = []
    for item in results:
        phrase = getattr(item, "phrase", item)
        titles.append(str(getattr(phrase, "title", phrase)))
    return titles


def check_search(ctx: _Context) -> str:
    lib = ctx.library()
    results = lib.search(SEARCH_QUERY, limit=10)
    if not ctx.fresh:
        return f"{len(results)} results for {SEARCH_QUERY}"
    _expect(results, f"搜索“{SEARCH_QUERY}”没有结果")
    # Traditional input finds what its simplified spelling finds (OpenCC's table is bundled).
    simplified = _titles(lib.search(TRADITIONAL_QUERY.translate(T2S_SAMPLE), limit=5))
    traditional = _titles(lib.search(TRADITIONAL_QUERY, limit=5))
    _expect(traditional, f"繁体搜索“{TRADITIONAL_QUERY}”没有结果（OpenCC 数据缺失？）")
    _expect(traditional == simplified, f"繁体与简体搜索结果不同: {traditional} / {simplified}")
    # Full pinyin finds the phrases about 退款 (pypinyin's dictionaries are bundled).
    pinyin = lib.search(PINYIN_QUERY, limit=10)
    _expect(
        any(SEARCH_QUERY in str(getattr(r, "title", "")) + str(getattr(r, "text", "")) for r in pinyin),
        f"拼音搜索“{PINYIN_QUERY}”没有找到含“{SEARCH_QUERY}”的话术（pypinyin 数据缺失？）",
    )
    return f"{len(results)}/{len(traditional)}/{len(pinyin)} results (词/繁/拼音), top: {_titles(results)[0]}"


def check_suggest(ctx: _Context) -> str:
    lib = ctx.library()
    results = lib.suggest(SUGGEST_MESSAGE, limit=3)
    if ctx.fresh:
        _expect(results, f"客户消息“{SUGGEST_MESSAGE}”没有推荐话术")
        return f"{len(results)} suggestions, top: {_titles(results)[0]}"
    return f"{len(results)} suggestions"


def check_checker(ctx: _Context) -> str:
    from huashu.core.checker import Checker, load_default_rules

    lib = ctx.library()
    rules = lib.rules()
    if not rules:
        rules = load_default_rules()
    findings = list(Checker(rules).check(FORBIDDEN_TEXT))
    _expect(findings, f"服务忌语“{FORBIDDEN_TEXT}”没有被发现")
    clean = list(Checker(rules).check("您好，很高兴为您服务。"))
    _expect(not clean, f"正常用语被误报: {clean[:2]}")
    return f"{len(rules)} rules, {len(findings)} findings"


def check_fill(ctx: _Context) -> str:
    from huashu.core import placeholders

    lib = ctx.library()
    phrases = lib.phrases()
    templates = [p for p in phrases if placeholders.field_names(p.text)]
    if not templates:
        _expect(not ctx.fresh, "内置话术中没有带字段的话术")
        return "no templates with fields"
    phrase = templates[0]
    names = placeholders.field_names(phrase.text)
    partial = placeholders.fill(phrase.text, {}, builtins={})
    values = {name: f"测试{i}" for i, name in enumerate(names)}
    result = placeholders.fill(phrase.text, values, builtins=lib.builtin_values())
    _expect(result.complete, f"填写后仍缺字段: {result.missing}")
    _expect(all(v in result.text for v in values.values() if v in result.used.values()), "字段值未填入")
    _expect(partial.missing, "未填写时应列出缺少的字段")
    return f"#{phrase.id} {len(names)} fields"


def check_packs(ctx: _Context) -> str:
    """Sign and verify a pack in memory: PyNaCl's libsodium and zlib are in the bundle and work."""
    from huashu.core import packs

    key = packs.generate_key("自检")
    phrase = packs.PackPhrase(uid="selftest-1", category="自检", title="测试", text="您好，我是[名字]。")
    pack = packs.make_pack(name="自检话术包", version=1, key=key, phrases=[phrase])
    data = packs.encode_pack(pack, key)
    verified = packs.decode_pack(data)
    _expect(verified.public_key == key.public_key, "签名公钥不一致")
    _expect(verified.pack.phrases[0].text == phrase.text, "话术包内容不一致")
    tampered = bytearray(data)
    tampered[-1] ^= 0x01
    try:
        packs.decode_pack(bytes(tampered))
    except packs.PackError:
        pass
    else:
        raise CheckFailed("被篡改的话术包没有被拒绝")
    return f"{len(data)} bytes, signed and verified"


def check_preload(ctx: _Context) -> str:
    from huashu.preload import load_preload_config

    config = load_preload_config()
    _expect(not config.problems, "预置配置有问题: " + "；".join(config.problems))
    if config.source is None:
        return "none"
    return f"{config.source}: {len(config.trusted_keys)} keys, {len(config.channels)} channels"


def _qt_app(ctx: _Context) -> Any:
    if ctx.qt_app is None:
        from huashu.gui.qt import QApplication

        ctx.qt_app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "huashu"])
    return ctx.qt_app


def check_translations(ctx: _Context) -> str:
    from huashu.gui.qt import QLibraryInfo, QLocale, QTranslator

    _qt_app(ctx)
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator()
    _expect(
        qtbase.load(locale, "qtbase", "_", qt_dir),
        f"无法加载 Qt 中文翻译 qtbase_zh_CN.qm（{qt_dir}）",
    )
    _expect(qtbase.translate("QPlatformTheme", "Cancel") == "取消", "qtbase_zh_CN 翻译内容不对")
    from huashu.gui import i18n
    from huashu.paths import resource

    previous = i18n.current_language() or "en"
    try:
        installed = i18n.install_translators(ctx.qt_app, locale)
    finally:
        i18n.install_translators(ctx.qt_app, previous)  # leave an in-process caller's app as it was
    folder = resource("translations")
    shipped = folder.is_dir() and any(f.name.startswith("huashu_zh_CN.") for f in folder.iterdir())
    _expect(not shipped or "huashu_zh_CN" in installed, f"界面翻译未能加载（{installed}）")
    _expect("qtbase_zh_CN" in installed, f"Qt 中文翻译未能安装（{installed}）")
    return installed


def _gui_library(ctx: _Context) -> Any:
    """The library the window runs on: ours when fresh, else a copy (closing the window saves settings)."""
    lib = ctx.library()
    if ctx.fresh:
        return lib
    from huashu.storage.library import Library

    copy = ctx.scratch() / "gui-copy.huashu.db"
    shutil.copyfile(ctx.db_path, copy)
    ctx.extra_libs.append(Library.open(copy, create=False))
    return ctx.extra_libs[-1]


def _wait(app: Any, done: Callable[[], bool], what: str, timeout_s: float = GUI_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise CheckFailed(f"{timeout_s:.0f} 秒内{what}")
        app.processEvents()
        time.sleep(0.005)


def check_gui(ctx: _Context) -> str:
    from huashu.gui.app import create_main_window
    from huashu.gui.qt import QApplication

    app = _qt_app(ctx)
    lib = _gui_library(ctx)
    window = create_main_window(lib)
    try:
        window.show()
        _wait(app, lambda: window.controller.last is not None and not window.ops.busy, "主窗口没有显示话术")
        _expect(window.isVisible(), "主窗口没有显示")
        window.search_box.setText(SEARCH_QUERY)
        _wait(
            app,
            lambda: window.controller.last is not None and window.controller.last.query == SEARCH_QUERY,
            f"搜索“{SEARCH_QUERY}”没有结果返回到窗口",
        )
        outcome = window.controller.last
        found = len(outcome.items) if outcome is not None else 0
        if ctx.fresh:
            _expect(found, f"窗口中搜索“{SEARCH_QUERY}”没有结果")
        title = window.windowTitle()
        platform = QApplication.platformName()
    finally:
        window.close()  # saves the geometry and waits for the worker
        window.deleteLater()
        app.processEvents()
    return f"{platform}, “{title}”, {found} results for {SEARCH_QUERY}"


CHECKS: list[tuple[str, Callable[[_Context], str]]] = [
    ("resources", check_resources),
    ("library", check_library),
    ("migrate", check_migrate),
    ("search", check_search),
    ("suggest", check_suggest),
    ("check", check_checker),
    ("fill", check_fill),
    ("packs", check_packs),
    ("preload", check_preload),
    ("translations", check_translations),
    ("gui", check_gui),
]


# -- runner --------------------------------------------------------------------------------------


@contextmanager
def _environment(db_path: Path | None) -> Iterator[tuple[Path, bool, Path]]:
    """A scratch folder (plus library and data dir unless `db_path` is given); offscreen Qt if no display."""
    saved = {key: os.environ.get(key) for key in ("QT_QPA_PLATFORM", "HUASHU_DATA_DIR")}
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if no_display and not os.environ.get("QT_QPA_PLATFORM"):
        # Also on Windows and macOS: a check run from an installer must not flash a window.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        with tempfile.TemporaryDirectory(prefix="huashu-selftest-") as tmp:
            scratch = Path(tmp)
            if db_path is not None:
                yield db_path, False, scratch
            else:
                os.environ["HUASHU_DATA_DIR"] = str(scratch / "data")
                yield scratch / "data" / "library.huashu.db", True, scratch
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(db_path: Path | None = None, *, stream: TextIO | None = None) -> int:
    """Run every check (each isolated), print one line per check, return 0 when all pass, else 1."""
    out = stream if stream is not None else sys.stdout
    started = time.perf_counter()
    failed: list[str] = []
    with _environment(db_path) as (path, fresh, scratch):
        ctx = _Context(path, fresh, scratch)
        _out(out, f"huashu {__version__} self-test ({sys.platform}, Python {sys.version.split()[0]})")
        try:
            for name, check in CHECKS:
                t0 = time.perf_counter()
                try:
                    detail = check(ctx)
                except CheckFailed as exc:
                    failed.append(name)
                    _out(out, f"FAIL {name}: {exc}")
                except Exception as exc:
                    failed.append(name)
                    _out(out, f"FAIL {name}: {type(exc).__name__}: {exc}")
                    if os.environ.get("HUASHU_DEBUG"):
                        _out(out, traceback.format_exc().rstrip())
                else:
                    ms = (time.perf_counter() - t0) * 1000
                    _out(out, f"ok  {name:<13}{ms:6.0f} ms  {detail}")
        finally:
            for lib in [*ctx.extra_libs, ctx.lib]:
                if lib is not None:
                    lib.close()
    total = (time.perf_counter() - started) * 1000
    if failed:
        _out(out, f"self-test FAILED: {', '.join(failed)} ({total:.0f} ms)")
        return 1
    _out(out, f"self-test passed: {len(CHECKS)} checks ({total:.0f} ms)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m huashu.selftest [--db PATH]`."""
    args = list(sys.argv[1:] if argv is None else argv)
    db: Path | None = None
    if args[:1] == ["--db"] and len(args) == 2:
        db = Path(args[1])
    elif args:
        sys.stderr.write("usage: python -m huashu.selftest [--db PATH]\n")
        return 2
    return run(db)


if __name__ == "__main__":
    raise SystemExit(main())
