"""GUI speed budgets, each printed beside a bare PySide6 QMainWindow measured in the same run.

    xvfb-run -a .venv/bin/python tests/benchmarks/bench_gui.py            # the budgets from the issue
    xvfb-run -a .venv/bin/python tests/benchmarks/bench_gui.py --quick    # 20,000 phrases, fewer rounds

1. Cold start: from launching a fresh interpreter to an interactive main window (shown, first results
   and categories loaded, event loop idle) on an existing default library, started the way the
   `huashu` command starts it (through cli.main). Budget: at most 1.5x the bare window's start, and
   jieba never imported on the way. Beside it, the floor: the same first screen built by hand in
   plain PySide6 (the app's font and style sheet, categories and rows read from the library) with
   no app code, to show how much of the budget any real window leaves. And the bare window timed
   the way the issue words it, "shown and closed" (launch to the process's exit), for reference.
2. Keystroke to updated results with 100,000 phrases: key event sent -> the result list shows the
   results of that exact query. Budget: p95 under 16 ms (one frame at 60 Hz). The bare figure is a
   QLineEdit keystroke reaching a QListWidget in the same process.
3. Idle peak RSS of both, for comparison.

The 100,000-phrase library is built once (imported through Library.import_rows) and cached in the
temp folder. Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "desktop"))

BUDGET_START_RATIO = 1.5
BUDGET_KEY_P95_MS = 16.0
CACHE = Path(tempfile.gettempdir()) / "huashu-bench"

# What agents type: pinyin initials and syllables, Chinese words (committed by the IME), /shortcuts.
QUERIES = [
    "tuikuan",
    "退款",
    "wlcx",
    "物流",
    "fapiao",
    "发票抬头",
    "/dh",
    "ddh",
    "tousu",
    "投诉",
    "zhifu",
    "换货",
]

PEAK_KB = """
import resource
def peak_kb():
    # ru_maxrss survives exec on Linux (it would report the benchmark's own peak): VmHWM does not.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

# Both plain windows: ready once shown and the event loop turns, then the idle peak RSS a second later.
SHOWN_THEN_IDLE = """
def ready():
    print("READY", flush=True)
    QTimer.singleShot(1000, idle)
def idle():
    print("RSS", peak_kb(), flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""

BARE_CHILD = PEAK_KB + """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1240, 780)
window.show()
""" + SHOWN_THEN_IDLE

# The words for the baseline, taken whole: a bare window shown and closed, timed from launch
# to the process's exit. Reported beside the stricter baseline above (launch to shown), which the
# budget is checked against.
BARE_CLOSED_CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1240, 780)
window.show()
def done():
    window.close()
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""

# What the budget leaves room for: the first screen's widgets (menus, search box, categories from the
# library, forty result rows, preview, compose box) in the app's font and style sheet, built by hand
# in plain PySide6 with no app code at all. Neither the bare window nor this one can be beaten.
FLOOR_CHILD = PEAK_KB + """
import sqlite3, sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QApplication, QLineEdit, QListWidget, QMainWindow, QPlainTextEdit,
    QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)
app = QApplication(sys.argv)
font = QFont()
font.setFamilies(sys.argv[3].split(","))
app.setFont(font)
db = sqlite3.connect(sys.argv[1])
categories = [name for (name,) in db.execute("SELECT name FROM categories")]
rows = db.execute("SELECT title, text FROM phrases LIMIT 40").fetchall()
window = QMainWindow()
window.resize(1240, 780)
for title in ("文件(&F)", "编辑(&E)", "会话(&C)", "工具(&T)", "帮助(&H)"):
    window.menuBar().addMenu(title)
central = QWidget()
layout = QVBoxLayout(central)
search = QLineEdit()
search.setObjectName("searchBox")
search.setPlaceholderText("搜索话术：关键词、拼音首字母、/快捷编码…   ↑↓ 选择 · Enter 使用 · Esc 清空")
layout.addWidget(search)
split = QSplitter(Qt.Orientation.Horizontal)
tree = QTreeWidget()
tree.setHeaderHidden(True)
for name in categories:
    QTreeWidgetItem(tree, [name])
results = QListWidget()
for title, text in rows:
    results.addItem(title + "\\n" + text[:60])
preview = QTextBrowser()
preview.setPlainText(rows[0][1] if rows else "")
for widget in (tree, results, preview):
    split.addWidget(widget)
layout.addWidget(split, 1)
layout.addWidget(QPlainTextEdit())
window.setCentralWidget(central)
app.setStyleSheet(sys.argv[2])
window.show()
search.setFocus()
""" + SHOWN_THEN_IDLE

# The real `huashu` command: cli.main reads the arguments and starts the window, the run only
# gains the hook that reports readiness.
APP_CHILD = PEAK_KB + """
import sys
import huashu.cli
import huashu.gui.app
from huashu.gui.qt import QApplication, QTimer
def ready(window):
    print("READY", flush=True)
    print("JIEBA", int("jieba" in sys.modules), flush=True)
    companion(window)
def companion(window):
    # The hotkey, paste and tray start once the window is interactive: report when they are live.
    if window.companion is None:
        QTimer.singleShot(1, lambda: companion(window))
        return
    print("COMPANION", flush=True)
    QTimer.singleShot(1000, lambda: idle(window))
def idle(window):
    print("RSS", peak_kb(), flush=True)
    window.close()
    QApplication.quit()  # closing the window alone keeps the app in the tray
run = huashu.gui.app.run
huashu.gui.app.run = lambda *args, **kwargs: run(*args, ready=ready, **kwargs)
sys.exit(huashu.cli.main(["--db", sys.argv[1]]))
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


# -- cold start and memory (fresh interpreters) -------------------------------------------------------


def launch(code: str, *args: str) -> dict[str, float]:
    """Start a child, time until it prints READY, then read its idle peak RSS."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "desktop") + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    figures: dict[str, float] = {}
    for line in proc.stdout:
        if line.startswith("READY"):
            figures["start_ms"] = (time.perf_counter() - start) * 1000
        elif line.startswith("COMPANION"):
            figures["companion_ms"] = (time.perf_counter() - start) * 1000
        elif line.startswith("RSS"):
            figures["rss_mb"] = int(line.split()[1]) / 1024
        elif line.startswith("JIEBA"):
            figures["jieba"] = float(line.split()[1])
    proc.wait(timeout=60)
    figures["exit_ms"] = (time.perf_counter() - start) * 1000
    if code is BARE_CLOSED_CHILD:
        return figures
    if "start_ms" not in figures:
        raise RuntimeError(f"the child exited ({proc.returncode}) without becoming ready")
    return figures


def measure_start(rounds: int) -> dict[str, Any]:
    # An installed app starts from bytecode (pip compiles at install, PyInstaller bundles .pyc); a
    # checkout under PYTHONDONTWRITEBYTECODE=1 would compile every module on every start instead.
    import compileall

    from huashu.storage.library import Library

    compileall.compile_dir(str(ROOT / "desktop"), quiet=1)
    data = Path(tempfile.mkdtemp(prefix="huashu-bench-start-"))
    os.environ["HUASHU_DATA_DIR"] = str(data)
    db = data / "library.huashu.db"
    Library.open(db).close()  # the default library exists: this is a normal start, not the first run
    from huashu.gui import theme  # the floor window's style sheet and fonts are the app's

    floor_args = (
        str(db),
        theme.stylesheet(theme.LIGHT, 10.0),
        ",".join(theme.FONT_FAMILIES.get(sys.platform, theme.FONT_FAMILIES["linux"])),
    )
    bare: list[dict[str, float]] = []
    bare_closed: list[dict[str, float]] = []
    floor: list[dict[str, float]] = []
    app: list[dict[str, float]] = []
    launch(BARE_CHILD)  # warm the OS file cache for all three
    launch(FLOOR_CHILD, *floor_args)
    launch(APP_CHILD, str(db))
    for _ in range(rounds):
        bare.append(launch(BARE_CHILD))
        bare_closed.append(launch(BARE_CLOSED_CHILD))
        floor.append(launch(FLOOR_CHILD, *floor_args))
        app.append(launch(APP_CHILD, str(db)))
    return {
        "bare_ms": statistics.median(r["start_ms"] for r in bare),
        "bare_closed_ms": statistics.median(r["exit_ms"] for r in bare_closed),
        "floor_ms": statistics.median(r["start_ms"] for r in floor),
        "app_ms": statistics.median(r["start_ms"] for r in app),
        "bare_rss": statistics.median(r["rss_mb"] for r in bare),
        "app_rss": statistics.median(r["rss_mb"] for r in app),
        "jieba": max(r.get("jieba", 0) for r in app),
        "companion_ms": statistics.median(r["companion_ms"] for r in app),
    }


# -- the large library ----------------------------------------------------------------------------------


def build_library(size: int) -> Path:
    """A library of the default phrases plus generated ones, `size` in all; built once and cached."""
    from huashu.core.models import PhraseRow
    from huashu.core.spreadsheet import read_phrase_sheet
    from huashu.storage.library import Library

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"gui-{size}-v1.db"
    if path.exists():
        return path
    log(f"building a {size:,}-phrase library in {path} (once; cached for later runs)…")
    started = time.perf_counter()
    seed_rows = read_phrase_sheet(ROOT / "resources" / "library" / "default_library.csv").rows
    rng = random.Random(7)
    stores = [
        "旗舰店",
        "京东店",
        "抖音店",
        "线下门店",
        "企业客户",
        "会员中心",
        "海外购",
        "售后中心",
        "华东仓",
        "母婴专营",
    ]
    products = [
        "空气炸锅",
        "蓝牙耳机",
        "羽绒服",
        "扫地机器人",
        "保温杯",
        "运动鞋",
        "加湿器",
        "行李箱",
        "投影仪",
        "净水器",
    ]
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    with Library.open(tmp) as lib:
        rows: list[tuple[int, PhraseRow]] = []
        total = lib.count_phrases()
        n = 0
        while total + len(rows) < size:
            _line, seed = rng.choice(seed_rows)
            n += 1
            store = stores[n % len(stores)]
            product = rng.choice(products)
            text = f"{seed.text}（{product}）" if n % 3 else f"{product}：{seed.text}"
            row = PhraseRow(
                category=f"{store}/{seed.category}",
                title=f"{seed.title}·{product}{n}",
                text=text,
                shortcut=None,
                tags=(*seed.tags, product),
                notes=seed.notes,
            )
            rows.append((n, row))
        for start in range(0, len(rows), 20_000):
            lib.import_rows(rows[start : start + 20_000])
            log(f"  {min(start + 20_000, len(rows)):,} / {len(rows):,}")
        assert lib.count_phrases() >= size
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    log(f"built in {time.perf_counter() - started:.0f} s")
    return path


# -- keystrokes (in process) -------------------------------------------------------------------------


def _press(widget: Any, text: str) -> None:
    from PySide6.QtTest import QTest

    from huashu.gui.qt import QApplication, QInputMethodEvent

    if text.isascii():
        QTest.keyClick(widget, text)
    else:  # Chinese arrives as an input method commit
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)


def measure_keystrokes(db: Path, rounds: int) -> dict[str, Any]:
    from huashu.gui.app import create_app, create_main_window
    from huashu.gui.qt import (
        QApplication,
        QEventLoop,
        QLineEdit,
        QListWidget,
        QMainWindow,
        QTimer,
        QVBoxLayout,
        QWidget,
    )
    from huashu.storage.library import Library

    app = create_app(["bench"])
    lib = Library.open(db)
    window = create_main_window(lib)
    window.resize(1240, 780)
    window.show()
    deadline = time.perf_counter() + 30
    while (window.controller.last is None or window.ops.busy) and time.perf_counter() < deadline:
        app.processEvents()
    phrases = lib.count_phrases()

    # Wait in a real event loop (as the app does between keystrokes), not a busy loop that would
    # compete with the library worker for the GIL and inflate the figures.
    loop = QEventLoop()
    wanted = [""]
    done = [False]

    def arrived(outcome: Any) -> None:
        # Results may arrive while the key event is still being delivered (a cached query):
        # remember it, so the loop below is not entered to wait for a quit that already happened.
        if outcome.query == wanted[0]:
            done[0] = True
            loop.quit()

    window.controller.results_ready.connect(arrived)
    latencies: list[float] = []
    box = window.search_box
    for round_index in range(rounds):
        for query in QUERIES:
            box.clear()
            while window.ops.busy:
                app.processEvents()
            # Chinese words are committed whole by the input method; pinyin is typed key by key.
            keys = [query] if not query.isascii() else list(query)
            for key in keys:
                wanted[0] += key
                done[0] = False
                start = time.perf_counter()
                _press(box, key)
                if not done[0]:
                    QTimer.singleShot(10_000, loop.quit)  # never hang the benchmark on a lost result
                    loop.exec()
                if not done[0]:
                    raise RuntimeError(f"no results for {wanted[0]!r} within 10 s")
                app.processEvents()  # the repaint of the list and preview with the new results
                if round_index > 0 or rounds == 1:  # the first round warms caches
                    latencies.append((time.perf_counter() - start) * 1000)
            wanted[0] = ""
    window.close()
    lib.close()

    # Baseline: a bare line edit whose keystroke updates a bare list in the same process.
    bare = QMainWindow()
    host = QWidget()
    layout = QVBoxLayout(host)
    edit = QLineEdit()
    items = QListWidget()
    layout.addWidget(edit)
    layout.addWidget(items)
    bare.setCentralWidget(host)
    edit.textChanged.connect(lambda text: (items.clear(), items.addItems([text] * 20)))
    bare.show()
    app.processEvents()
    bare_latencies: list[float] = []
    for _ in range(rounds):
        for query in QUERIES:
            edit.clear()
            for key in [query] if not query.isascii() else list(query):
                start = time.perf_counter()
                _press(edit, key)
                app.processEvents()
                bare_latencies.append((time.perf_counter() - start) * 1000)
    bare.close()
    QApplication.processEvents()
    return {
        "phrases": phrases,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "max": max(latencies),
        "n": len(latencies),
        "bare_p50": statistics.median(bare_latencies),
        "bare_p95": percentile(bare_latencies, 95),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 phrases and fewer rounds")
    parser.add_argument("--size", type=int, default=0, help="phrases in the large library")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        log("no DISPLAY: measuring offscreen (run under xvfb-run for figures like a desktop's)")
    size = args.size or (20_000 if args.quick else 100_000)
    rounds = 3 if args.quick else 7

    start = measure_start(rounds)
    db = build_library(size)
    keys = measure_keystrokes(db, 2 if args.quick else 4)

    ratio = start["app_ms"] / start["bare_ms"]
    ok_start = ratio <= BUDGET_START_RATIO and not start["jieba"]
    ok_keys = keys["p95"] < BUDGET_KEY_P95_MS
    platform = os.environ.get("QT_QPA_PLATFORM") or "xcb"
    print(f"Huashu GUI benchmark ({platform}, Python {sys.version.split()[0]})")
    print(f"{'':34}{'huashu':>12}{'bare Qt':>12}   budget")
    print(
        f"{'cold start to interactive window':34}{start['app_ms']:>10.0f}ms{start['bare_ms']:>10.0f}ms"
        f"   <= {BUDGET_START_RATIO}x bare: {ratio:.2f}x {'OK' if ok_start else 'MISSED'}"
    )
    print(
        f"{'  same first screen, plain PySide6':34}{start['floor_ms']:>10.0f}ms{start['bare_ms']:>10.0f}ms"
        f"   (no app code: {start['floor_ms'] / start['bare_ms']:.2f}x bare)"
    )
    print(
        f"{'  vs bare shown and closed (exit)':34}{start['app_ms']:>10.0f}ms{start['bare_closed_ms']:>10.0f}ms"
        f"   (the issue's wording taken whole: {start['app_ms'] / start['bare_closed_ms']:.2f}x)"
    )
    print(f"{'... hotkey, paste and tray live':34}{start['companion_ms']:>10.0f}ms")
    print(f"{'jieba imported during start':34}{'yes' if start['jieba'] else 'no':>12}{'':>12}   must be no")
    print(
        f"{'keystroke -> results p50':34}{keys['p50']:>10.1f}ms{keys['bare_p50']:>10.1f}ms"
        f"   ({keys['phrases']:,} phrases, {keys['n']} keystrokes)"
    )
    print(
        f"{'keystroke -> results p95':34}{keys['p95']:>10.1f}ms{keys['bare_p95']:>10.1f}ms"
        f"   < {BUDGET_KEY_P95_MS:.0f} ms {'OK' if ok_keys else 'MISSED'}"
    )
    print(f"{'keystroke -> results max':34}{keys['max']:>10.1f}ms")
    print(f"{'idle peak RSS (default library)':34}{start['app_rss']:>10.0f}MB{start['bare_rss']:>10.0f}MB")
    if args.json:
        print(json.dumps({"start": start, "keys": keys}, ensure_ascii=False))
    return 0 if ok_start and ok_keys else 1


if __name__ == "__main__":
    raise SystemExit(main())
