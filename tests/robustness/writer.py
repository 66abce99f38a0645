"""The child process of the kill tests: performs one kind of write, step after step, and appends
"<step>\n" to a log file only after the step's transaction committed.

    python writer.py MODE LIBRARY LOG WORKDIR

The parent (test_kill.py) SIGKILLs it at a random moment and then checks the library file. The
steps are deterministic: the parent replays them in-process on a copy of the same starting file
(`run_steps`) to know what the library must look like after each step.

Modes: phrases, usage, import, rules, pack, migrate.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from huashu.core.models import Rule
from huashu.storage.library import Library

MODES = ("phrases", "usage", "import", "rules", "pack", "migrate")
STEPS = {"phrases": 40, "usage": 150, "import": 6, "rules": 30, "pack": 5, "migrate": 1}
IMPORT_ROWS = 400
PACK_PHRASES = 300


# -- the steps of each mode ------------------------------------------------------------------------


def _phrases(lib: Library, step: int, work: Path) -> None:
    """A multi-part edit in one transaction, and single edits, alternately."""
    anchor = lib.phrase_by_shortcut("/anchor")
    assert anchor is not None
    if step % 2:
        with lib.transaction():
            lib.add_phrase(f"批次/第{step}批", f"甲{step}", f"您好，[称呼=先生]，这是第{step}批的话术甲")
            lib.add_phrase(f"批次/第{step}批", f"乙{step}", "内容乙" * (step % 7 + 1), tags=[f"t{step}"])
            lib.update_phrase(anchor.id, text=f"锚点第{step}版", tags=[f"v{step}", "锚点"])
            previous = lib.category_by_path(f"批次/第{step - 2}批")
            if previous is not None:
                lib.delete_category(previous.id, with_phrases=True)
    else:
        lib.update_phrase(anchor.id, title=f"锚点{step}", text=f"单独修改第{step}版", notes=f"n{step}")


def _usage(lib: Library, step: int, work: Path) -> None:
    """Copies (use counts), favorites and edited-copy counts, one short transaction each."""
    from huashu.storage import packs as store

    ids = [p.id for p in lib.phrases(limit=12)]
    pid = ids[step % len(ids)]
    if step % 5 == 0:
        lib.set_favorite(pid, step % 10 == 0)
    elif step % 7 == 0:
        store.record_edited_copy(lib, pid)
    else:
        lib.record_use(pid)


def import_sheet(step: int) -> bytes:
    """The CSV imported at `step`: new rows plus changed copies of the previous step's rows."""
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer)
    out.writerow(["category", "title", "text", "shortcut", "tags", "notes"])
    for i in range(IMPORT_ROWS):
        out.writerow(
            [
                f"导入/批{step}/组{i % 8}",
                f"话术{step}-{i}",
                f"第{step}批第{i}条：您好，[订单号]已处理",
                "",
                "导入",
                "",
            ]
        )
    if step > 1:
        for i in range(0, IMPORT_ROWS, 4):
            out.writerow(
                [
                    f"导入/批{step - 1}/组{i % 8}",
                    f"话术{step - 1}-{i}",
                    f"第{step}批更新了第{i}条",
                    "",
                    "更新",
                    "",
                ]
            )
    return buffer.getvalue().encode("utf-8-sig")


def _import(lib: Library, step: int, work: Path) -> None:
    sheet = work / f"import-{step}.csv"
    if not sheet.exists():
        tmp = sheet.with_suffix(".tmp")
        tmp.write_bytes(import_sheet(step))
        os.replace(tmp, sheet)
    report = lib.import_file(sheet)
    assert not report.skipped, report.skipped


def _rules(lib: Library, step: int, work: Path) -> None:
    if step % 3 == 0:
        lib.save_rule(Rule(uid=f"single-{step % 4}", patterns=(f"单条{step}",), severity="warning"))
        return
    rules = [
        Rule(
            uid=f"s{step}-r{i}",
            patterns=(f"忌语{step}-{i}", f"禁词{i}"),
            severity=("error", "warning", "info")[i % 3],
            suggestions=(f"建议{step}",),
        )
        for i in range(60)
    ]
    lib.replace_rules(rules)


def pack_paths(work: Path) -> list[Path]:
    return sorted(work.glob("pack-v*.huashu"), key=lambda p: int(p.stem.split("-v")[1]))


def _pack(lib: Library, step: int, work: Path) -> None:
    from huashu.storage import packs as store

    path = work / f"pack-v{step + 1}.huashu"
    store.apply_install(lib, store.preview_file(lib, path))


def _noop(lib: Library, step: int, work: Path) -> None:
    return None


STEP_FUNCS: dict[str, Callable[[Library, int, Path], None]] = {
    "phrases": _phrases,
    "usage": _usage,
    "import": _import,
    "rules": _rules,
    "pack": _pack,
    "migrate": _noop,
}


def run_steps(lib: Library, mode: str, work: Path) -> Iterator[int]:
    """Perform the steps of `mode`, yielding each step number after it committed."""
    func = STEP_FUNCS[mode]
    for step in range(1, STEPS[mode] + 1):
        func(lib, step, work)
        yield step


# -- what the parent compares ----------------------------------------------------------------------

_SNAPSHOT = (
    "SELECT c.id, c.name, c.parent_id, c.pack_id FROM categories c ORDER BY c.id",
    "SELECT id, category_id, title, text, shortcut, tags, notes, favorite, use_count, origin, pack_id, "
    "pack_version, edited FROM phrases ORDER BY id",
    "SELECT uid, patterns, severity, suggestions, origin, pack_id, position FROM rules ORDER BY uid",
    "SELECT id, version FROM packs ORDER BY id",
    "SELECT terms, origin, pack_id FROM synonyms ORDER BY id",
    "SELECT key, value FROM profile ORDER BY key",
    "SELECT phrase_id FROM phrase_search ORDER BY phrase_id",
)
_SNAPSHOT_V3 = ("SELECT pack_uid, edit_count FROM phrases ORDER BY id",)


def snapshot(conn: sqlite3.Connection) -> str:
    """A digest of the user-visible state (timestamps and random uids left out)."""
    digest = hashlib.sha256()
    has_v3 = any(r[1] == "edit_count" for r in conn.execute("PRAGMA table_info(phrases)"))
    for sql in _SNAPSHOT + (_SNAPSHOT_V3 if has_v3 else ()):
        digest.update(json.dumps(conn.execute(sql).fetchall(), ensure_ascii=False).encode())
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    mode, db, log, work = argv[1], Path(argv[2]), Path(argv[3]), Path(argv[4])
    from huashu.core import textproc

    textproc.wait_jieba(60)  # every index row is then built the same way as in the parent's replay
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, b"READY\n")
    lib = Library.open(db, create=False)  # migrate: the migration happens here
    if mode == "migrate":
        os.write(fd, b"1\n")
    else:
        for step in run_steps(lib, mode, work):
            os.write(fd, f"{step}\n".encode())
    lib.close()
    os.write(fd, b"DONE\n")
    os.close(fd)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
