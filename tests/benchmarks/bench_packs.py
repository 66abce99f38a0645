"""Benchmark: build, verify, preview and apply a team pack of 10,000 phrases (budgets: 5 s, 2 s preview).

Run: python tests/benchmarks/bench_packs.py [--phrases N]
Prints each figure beside its budget and a baseline measured in the same run (a plain CSV import of
the same phrases), and exits 1 if a budget is exceeded.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "desktop"))

from huashu.core import packs as core
from huashu.core.models import PhraseRow, Rule
from huashu.core.packs import PackPhrase
from huashu.storage import packs as store
from huashu.storage.library import Library

T = TypeVar("T")

BUDGETS = {"build": 5.0, "verify": 5.0, "preview": 2.0, "apply": 5.0, "update": 5.0}
CATEGORIES = [
    "问候与开场",
    "投诉处理/物流超期",
    "售后/退款",
    "售后/换货",
    "结束语",
    "活动/双十一",
    "会员/积分",
]


def phrases(count: int, revision: int = 0) -> list[PackPhrase]:
    out = []
    for i in range(count):
        text = (
            f"您好，我是[您的名字/工号]，关于您的订单[订单号]，第{i}条说明：物流预计[天数=3]天内送达，"
            "如有问题请随时联系我们，我们会第一时间为您处理，感谢您的耐心等待。"
        )
        if revision and i % 10 == 0:
            text += f"（第{revision}版修订）"
        out.append(
            PackPhrase(
                uid=f"bench-{i:06d}",
                category=CATEGORIES[i % len(CATEGORIES)] + f"/组{i % 40}",
                title=f"话术{i:05d}",
                text=text,
                shortcut=f"/b{i}" if i % 5 == 0 else None,
                tags=("物流", "催单") if i % 3 == 0 else (),
                notes="备注" if i % 7 == 0 else "",
            )
        )
    if revision:
        out = [p for i, p in enumerate(out) if i % 50 != 1]  # remove 2 %
        out += [
            PackPhrase(f"bench-new-{revision}-{i}", "新增/话术", f"新话术{i}", f"新内容{i}")
            for i in range(count // 50)
        ]
    return out


def rules() -> list[Rule]:
    return [
        Rule(uid=f"r{i}", patterns=(f"忌语{i}",), severity="warning", suggestions=("请换个说法",))
        for i in range(200)
    ]


def timed(label: str, func: Callable[[], T], results: dict[str, float]) -> T:
    start = time.perf_counter()
    value = func()
    results[label] = time.perf_counter() - start
    return value


class _IndexClock:
    """Time spent in search_index.reindex (the search index, not pack code), reported beside apply."""

    def __init__(self) -> None:
        from huashu.storage import search_index

        self.seconds = 0.0
        self._module = search_index
        self._original = search_index.reindex

        def reindex(*args: object, **kwargs: object) -> None:
            start = time.perf_counter()
            try:
                self._original(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                self.seconds += time.perf_counter() - start

        search_index.reindex = reindex  # type: ignore[assignment]

    def take(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phrases", type=int, default=10_000)
    args = parser.parse_args()
    n = args.phrases
    results: dict[str, float] = {}
    index: dict[str, float] = {}
    clock = _IndexClock()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("HUASHU_DATA_DIR", str(Path(tmp) / "data"))
        folder = Path(tmp)
        key = core.generate_key("总部客服部")
        v1 = phrases(n)

        def build(version: int, items: list[PackPhrase]) -> Path:
            pack = core.make_pack(name="基准话术包", version=version, key=key, phrases=items, rules=rules())
            out = folder / f"v{version}.huashu"
            core.write_pack(out, pack, key)
            return out

        # The app loads jieba's dictionary at start-up, long before a pack arrives; load it first so
        # the figures below are of the work a pack does, and report the load itself separately.
        from huashu.core import textproc

        started = time.perf_counter()
        textproc.wait_jieba(120)
        jieba_load = time.perf_counter() - started

        file1 = timed("build", lambda: build(1, v1), results)
        verified = timed("verify", lambda: core.read_pack(file1), results)
        size = file1.stat().st_size

        with Library.open(folder / "agent.db", empty=True) as lib:
            pending = timed(
                "preview", lambda: store.prepare_install(lib, verified, trust=key.public_key), results
            )
            clock.take()
            timed("apply", lambda: store.apply_install(lib, pending), results)
            index["apply"] = clock.take()
            # The agent uses the library, then an update edits 10 %, removes 2 % and adds 2 %.
            ids = [p.id for p in lib.phrases()[:300]]
            for pid in ids[:100]:
                lib.set_favorite(pid, True)
            file2 = build(2, phrases(n, revision=2))
            verified2 = core.read_pack(file2)
            pending2 = timed("preview_update", lambda: store.prepare_install(lib, verified2), results)
            counts = pending2.preview.counts()
            clock.take()
            timed("update", lambda: store.apply_install(lib, pending2), results)
            index["update"] = clock.take()
            assert lib.count_phrases() >= n

        # Baseline, measured last so that no cache it warms helps the pack figures: the same
        # phrases through the ordinary spreadsheet row import.
        with Library.open(folder / "baseline.db", empty=True) as base:
            rows = [
                (i + 2, PhraseRow(p.category, p.title, p.text, p.shortcut, p.tags, p.notes))
                for i, p in enumerate(v1)
            ]
            clock.take()
            timed("baseline_import_rows", lambda: base.import_rows(rows), results)
            index["baseline_import_rows"] = clock.take()

    print(f"team pack benchmark: {n} phrases, pack file {size / 1024:.0f} KiB")
    print(f"(jieba dictionary load at app start, not counted below: {jieba_load:.2f} s)")
    print(
        f"update preview: {counts['added']} new, {counts['changed']} changed, {counts['removed']} removed "
        f"({counts['kept_as_personal']} kept as personal)"
    )
    failed = False
    for label, seconds in results.items():
        budget = BUDGETS.get("preview" if label == "preview_update" else label)
        mark = ""
        if budget is not None:
            ok = seconds <= budget
            failed |= not ok
            mark = f"  budget {budget:.1f} s  {'ok' if ok else 'OVER BUDGET'}"
        else:
            mark = "  (baseline)"
        if label in index:
            mark += f"  (search indexing {index[label]:.3f} s, pack code {seconds - index[label]:.3f} s)"
        print(f"  {label:<22} {seconds:7.3f} s{mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
