"""Benchmark: read a lead's 50,000-row XLSX (merged 分类 cells, dates, percentages) into phrase rows.

Run: python tests/benchmarks/bench_spreadsheet.py [--rows N] [--repeat N]
Prints the best time of `read_phrase_sheet` beside a baseline measured in the same run: openpyxl's
read-only streaming of the same file with `values_only=True` (what the reader did before it looked
at number formats and merges), and exits 1 if the reader takes more than 1.5x the baseline.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "desktop"))

import openpyxl

from huashu.core.spreadsheet import _scan_merges, read_phrase_sheet

BUDGET_RATIO = 1.5
GROUP = 100  # rows under one merged 分类 cell


def make_sheet(path: Path, rows: int) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术", "快捷编码", "标签", "备注"])
    for i in range(rows):
        note: object = ""
        if i % 10 == 0:
            note = datetime.datetime(2024, 5, 1)
        elif i % 10 == 1:
            note = 0.15
        sheet.append(
            [
                f"售后/组{i // GROUP}" if i % GROUP == 0 else None,
                f"标题{i}",
                f"您好，我是[您的名字/工号]，这是第{i}条话术，您的订单XXXX已发货，请您耐心等待。",
                f"/k{i}",
                "物流;安抚",
                note,
            ]
        )
        if i % 10 == 0:
            sheet.cell(row=i + 2, column=6).number_format = "yyyy-mm-dd"
        elif i % 10 == 1:
            sheet.cell(row=i + 2, column=6).number_format = "0%"
    for start in range(2, rows + 2, GROUP):
        sheet.merge_cells(
            start_row=start, start_column=1, end_row=min(start + GROUP - 1, rows + 1), end_column=1
        )
    book.save(path)


def best_of(repeat: int, func: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lead.xlsx"
        make_sheet(path, args.rows)

        def baseline() -> None:
            book = openpyxl.load_workbook(path, read_only=True)
            for _row in book.worksheets[0].iter_rows(values_only=True):
                pass
            book.close()

        def scan() -> None:
            with zipfile.ZipFile(path) as archive:
                _scan_merges(archive, "xl/worksheets/sheet1.xml")

        sheet = read_phrase_sheet(path)
        assert len(sheet.rows) == args.rows and not sheet.problems, sheet.problems[:3]
        assert sheet.rows[0][1].notes == "2024-05-01" and sheet.rows[1][1].notes == "15%"
        # Alternate the two so a slow spell of the machine hits both alike.
        reader = bare = float("inf")
        for _ in range(args.repeat):
            bare = min(bare, best_of(1, baseline))
            reader = min(reader, best_of(1, lambda: read_phrase_sheet(path)))
        merges = best_of(args.repeat, scan)
    ratio = reader / bare
    print(f"{'what':<48} {'measured':>10}  budget")
    print(
        f"{f'read_phrase_sheet, {args.rows:,} rows (best)':<48} {reader:>9.2f}s  <= {BUDGET_RATIO}x baseline"
    )
    print(f"{'baseline: openpyxl read-only values_only':<48} {bare:>9.2f}s")
    print(f"{'  of which: merged-cell scan of the sheet XML':<48} {merges:>9.3f}s")
    print(f"{'ratio':<48} {ratio:>9.2f}x")
    return 0 if ratio <= BUDGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
