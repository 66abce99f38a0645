"""Benchmark: a lead's 20,000-row CSV imported with progress, undo journal and backup, then undone.

Run: python tests/benchmarks/bench_import.py [--rows N] [--repeat N]
Prints the best time of `Library.import_file` as the app runs it (progress callback, undo journal,
pre-import backup) beside a baseline measured in the same run: the same rows through
`Library.import_rows` bare (no progress, no journal, no backup), each into a fresh library file.
Then the undo of that import (one transaction), its redo, and how long a cancel takes to leave the
library as it was. Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "desktop"))

from huashu.core import textproc
from huashu.core.spreadsheet import read_phrase_sheet
from huashu.storage.library import ImportCancelled, ImportUndo, Library

BUDGET_RATIO = 1.2  # progress, journal and backup together cost at most a fifth more
BUDGET_UNDO_S = 3.0
BUDGET_CANCEL_S = 0.5  # from the cancel to the library as it was


def make_sheet(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["分类", "标题", "内容", "快捷编码", "标签", "备注"])
        for i in range(rows):
            writer.writerow(
                [
                    f"批量/组{i // 500}",
                    f"标题{i}",
                    f"您好，我是[您的名字/工号]，这是第{i}条话术，您的订单[订单号]已发货，请您耐心等待。",
                    f"/k{i}" if i % 10 == 0 else "",
                    "物流;安抚",
                    "",
                ]
            )


def fresh(folder: Path, name: str) -> Library:
    return Library.open(folder / f"{name}.db", empty=True)


def timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    textproc.wait_jieba(60)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sheet = folder / "big.csv"
        make_sheet(sheet, args.rows)
        with fresh(folder, "warm") as lib:  # pypinyin and the checker load once, outside the timings
            lib.import_rows(read_phrase_sheet(sheet).rows[:200])

        calls = [0]

        def progress(_stage: str, _done: int, _total: int) -> None:
            calls[0] += 1

        measured = bare = float("inf")
        journal = ImportUndo()
        for attempt in range(args.repeat):
            with fresh(folder, f"bare{attempt}") as lib:
                bare = min(
                    bare, timed(lambda lib=lib: lib.import_rows(read_phrase_sheet(sheet, all_sheets=True).rows))
                )
            with fresh(folder, f"app{attempt}") as lib:
                lib.add_phrase("我的", "自己的", "自己的话术")  # a library with something to back up
                journal = ImportUndo()
                measured = min(
                    measured,
                    timed(lambda lib=lib, journal=journal: lib.import_file(sheet, progress=progress, journal=journal)),
                )
                undo = timed(lambda lib=lib, journal=journal: lib.undo_import(journal))
                assert lib.count_phrases() == 1
                redo = timed(lambda lib=lib, journal=journal: lib.redo_import(journal))
                assert lib.count_phrases() == args.rows + 1

        cancel_after = [0.0]

        def cancelling(stage: str, done: int, total: int) -> None:
            if stage == "index" and done >= total // 2:
                if not cancel_after[0]:
                    cancel_after[0] = time.perf_counter()
                raise ImportCancelled("cancelled")

        with fresh(folder, "cancel") as lib:
            with contextlib.suppress(ImportCancelled):
                lib.import_file(sheet, progress=cancelling)
            cancel = time.perf_counter() - cancel_after[0]
            assert lib.count_phrases() == 0
    ratio = measured / bare
    rows = [
        (f"import_file, {args.rows:,} rows, as the app runs it (best)", f"{measured:.2f} s", f"<= {BUDGET_RATIO}x"),
        ("baseline: import_rows bare (same rows, same run)", f"{bare:.2f} s", ""),
        ("ratio", f"{ratio:.2f}x", ""),
        ("  progress calls", f"{calls[0] // args.repeat}", ""),
        (f"undo the import ({args.rows:,} phrases removed)", f"{undo:.2f} s", f"< {BUDGET_UNDO_S} s"),
        ("redo it", f"{redo:.2f} s", ""),
        ("cancel at half the indexing -> library as it was", f"{cancel * 1000:.0f} ms", f"< {BUDGET_CANCEL_S} s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'measured':>9}  budget")
    for what, value, budget in rows:
        print(f"{what:<{width}}  {value:>9}  {budget}")
    return 0 if ratio <= BUDGET_RATIO and undo < BUDGET_UNDO_S and cancel < BUDGET_CANCEL_S else 1


if __name__ == "__main__":
    sys.exit(main())
