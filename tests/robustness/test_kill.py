"""Crash safety: SIGKILL a writer at random moments during every kind of write, then check the file.

For each kind of write (phrase edits, use counts and favorites, CSV import, rule edits, pack
updates, schema migrations) a child process (writer.py) performs deterministic steps and logs each
step number only after its transaction committed. The parent kills it at a random moment and then
checks that:

- `PRAGMA integrity_check` and `foreign_key_check` are clean and the schema version is right;
- the library is exactly the state after the last logged step, or after the one being committed
  when the kill landed (replayed in-process on a copy): never a half-applied step;
- the search index matches the phrases, the library opens normally, every backup is sound.

Quick mode (CI): HUASHU_KILL_ROUNDS kills in all (default 42), bounded in time. Long mode:
HUASHU_LONG=1 (default 600 kills), or set HUASHU_KILL_ROUNDS yourself.
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from huashu.core import packs as core
from huashu.core import textproc
from huashu.core.models import Rule
from huashu.storage import migrations, recovery, search_index
from huashu.storage import packs as store
from huashu.storage.library import Library

HERE = Path(__file__).resolve().parent
DESKTOP = HERE.parents[1] / "desktop"
LONG = "1" in (os.environ.get("HUASHU_LONG"), os.environ.get("HUASHU_LONG_TESTS"))
TOTAL_ROUNDS = int(os.environ.get("HUASHU_KILL_ROUNDS", "600" if LONG else "42"))
# Seconds of killing per mode; quick mode keeps the whole file near a minute on 2 cores.
MODE_BUDGET = float(os.environ.get("HUASHU_KILL_SECONDS", "900" if LONG else "9"))
SEED = int(os.environ.get("HUASHU_KILL_SEED", str(random.randrange(1 << 30))))
LEAD = core.PrivateKey(seed=b"K" * 32, publisher="总部")


def _load_writer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("huashu_kill_writer", HERE / "writer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


writer = _load_writer()
RESULTS: dict[str, dict[str, Any]] = {}


# -- starting libraries ---------------------------------------------------------------------------


def _pack_phrases(version: int) -> list[core.PackPhrase]:
    phrases = []
    for i in range(writer.PACK_PHRASES):
        if (i + version) % 11 == 0:
            continue  # removed in this version
        category = f"团队/组{(i + version // 2) % 9}"
        phrases.append(
            core.PackPhrase(
                uid=f"p{i}",
                category=category,
                title=f"团队话术{i}",
                text=f"第{version}版：您好，这是团队话术{i}",
            )
        )
    phrases += [
        core.PackPhrase(
            uid=f"new{version}-{j}", category="团队/新增", title=f"v{version}新增{j}", text="新增的话术"
        )
        for j in range(20)
    ]
    return phrases


def _build_packs(work: Path) -> None:
    for version in range(1, writer.STEPS["pack"] + 2):
        pack = core.make_pack(
            name="团队话术",
            version=version,
            key=LEAD,
            phrases=_pack_phrases(version),
            rules=[
                Rule(uid=f"r{i}", patterns=(f"团队忌语{version}-{i}",), severity="warning") for i in range(30)
            ],
            synonyms=[("退款", f"退钱{version}")],
        )
        core.write_pack(work / f"pack-v{version}.huashu", pack, LEAD)


def _old_schema_library(path: Path) -> None:
    """A library as the first release wrote it (migration 0001 only), with phrases in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    first = migrations.known_migrations()[0]
    conn.executescript(
        "PRAGMA journal_mode = WAL;\nBEGIN;\n"
        + first.sql
        + "\n;CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);"
        + f"\nINSERT INTO schema_migrations VALUES ('{first.name}', '2025-01-01T00:00:00+00:00');"
        + "\nPRAGMA user_version = 1;\nCOMMIT;"
    )
    conn.execute("INSERT INTO categories (id, name, position) VALUES (1, '旧分类', 0)")
    rows = [
        (
            f"uid{i}",
            1,
            f"旧话术{i}",
            f"您好，这是旧版本保存的第{i}条话术，退款三天到账",
            i,
            "2025-01-01",
            "2025-01-01",
        )
        for i in range(1500)
    ]
    conn.executemany(
        "INSERT INTO phrases (uid, category_id, title, text, position, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One starting library per mode (and the files the writer reads), built once."""
    textproc.wait_jieba(60)
    root = tmp_path_factory.mktemp("kill-bases")
    work = root / "work"
    work.mkdir()
    _build_packs(work)
    found: dict[str, Path] = {"work": work}
    for mode in writer.MODES:
        path = root / mode / "lib.db"
        path.parent.mkdir()
        if mode == "migrate":
            _old_schema_library(path)
        else:
            with Library.open(path, empty=mode in ("import", "pack")) as lib:
                if mode == "phrases":
                    lib.add_phrase("锚点", "锚点", "锚点原文", shortcut="/anchor")
                if mode == "pack":
                    store.apply_install(
                        lib, store.preview_file(lib, work / "pack-v1.huashu", trust=LEAD.public_key)
                    )
            shutil.rmtree(path.parent / "backups", ignore_errors=True)
        found[mode] = path
    return found


def _fresh(base: Path, folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    target = folder / base.name
    shutil.copyfile(base, target)
    return target


def _oracle(base: Path, mode: str, work: Path, folder: Path) -> list[str]:
    """The state after each step, replayed in this process on a copy of the starting file."""
    target = _fresh(base, folder)
    states = []
    with Library.open(target, create=False) as lib:
        states.append(writer.snapshot(lib.conn))
        for _ in writer.run_steps(lib, mode, work):
            states.append(writer.snapshot(lib.conn))
    return states


# -- one kill --------------------------------------------------------------------------------------


def _spawn(mode: str, db: Path, log: Path, work: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(DESKTOP), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [sys.executable, str(HERE / "writer.py"), mode, str(db), str(log), str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def _logged(log: Path) -> list[str]:
    try:
        return log.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return []


def _wait_for(log: Path, word: str, child: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while word not in _logged(log):
        if child.poll() is not None and word not in _logged(log):
            err = child.stderr.read().decode(errors="replace") if child.stderr else ""
            raise AssertionError(f"writer exited ({child.returncode}) before {word}: {err[-2000:]}")
        assert time.monotonic() < deadline, f"writer never logged {word}"
        time.sleep(0.003)


def _run(mode: str, db: Path, work: Path, kill_after: float | None) -> tuple[int, float]:
    """Run the writer; kill it `kill_after` s after READY (None: let it finish).
    Returns (last committed step logged, seconds from READY to DONE or to the kill)."""
    log = db.parent / "log.txt"
    log.unlink(missing_ok=True)
    child = _spawn(mode, db, log, work)
    try:
        _wait_for(log, "READY", child)
        started = time.monotonic()
        if kill_after is None:
            _wait_for(log, "DONE", child, timeout=300)
            elapsed = time.monotonic() - started
            assert child.wait(timeout=60) == 0
        else:
            time.sleep(kill_after)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            elapsed = kill_after
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr:
            child.stderr.close()
    steps = [int(w) for w in _logged(log) if w.isdigit()]
    return (max(steps) if steps else 0), elapsed


# -- the checks ------------------------------------------------------------------------------------


def _check_file(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)  # read-write: recovers the WAL as the app does
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


def _check_backups(db: Path) -> int:
    backups = store.list_backups(db)
    for b in backups:
        assert recovery.verify_backup(b.path) == [], f"unsound backup {b.path.name}"
    return len(backups)


def _check_opens(db: Path) -> None:
    with Library.open(db, create=False) as lib:
        assert store.check_library(lib) == []
        assert search_index.missing(lib.conn) == []
        lib.conn.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('integrity-check')")
        assert lib.schema_version() == len(migrations.known_migrations())
        # Still writable after the crash.
        lib.set_setting("after-kill", True)


def _verify_step_mode(db: Path, last: int, states: list[str]) -> str:
    conn = _check_file(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.known_migrations())
        state = writer.snapshot(conn)
        assert search_index.missing(conn) == [], "search index out of step with the phrases"
    finally:
        conn.close()
    allowed = {states[last]: "logged"}
    if last + 1 < len(states):
        allowed.setdefault(states[last + 1], "in-flight")
    assert state in allowed, (
        f"after the kill the library is neither the state after step {last} nor after step {last + 1}"
        " (a half-applied write)"
    )
    return allowed[state]


def _verify_migrate(db: Path, base_rows: list[tuple[Any, ...]]) -> str:
    conn = _check_file(db)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        applied = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        assert version == applied, f"user_version {version} but {applied} migrations recorded"
        assert 1 <= version <= len(migrations.known_migrations())
        rows = conn.execute("SELECT uid, category_id, title, text FROM phrases ORDER BY id").fetchall()
        assert rows == base_rows, "phrases changed or lost by an interrupted migration"
    finally:
        conn.close()
    return f"v{version}"


@pytest.mark.parametrize("mode", writer.MODES)
def test_kill_during_writes(mode: str, bases: dict[str, Path], tmp_path: Path) -> None:
    work = bases["work"]
    base = bases[mode]
    rounds = max(3, TOTAL_ROUNDS // len(writer.MODES))
    rng = random.Random(f"{SEED}-{mode}")
    if mode == "migrate":
        conn = sqlite3.connect(base)
        base_rows = conn.execute("SELECT uid, category_id, title, text FROM phrases ORDER BY id").fetchall()
        conn.close()
        states: list[str] = []
    else:
        states = _oracle(base, mode, work, tmp_path / "oracle")

    # One full run: how long the writes take, and that the child agrees with the replay.
    db = _fresh(base, tmp_path / "full")
    last, duration = _run(mode, db, work, None)
    assert last == writer.STEPS[mode]
    if mode == "migrate":
        assert _verify_migrate(db, base_rows) == f"v{len(migrations.known_migrations())}"
    else:
        assert _verify_step_mode(db, last, states) == "logged"
    _check_opens(db)

    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + MODE_BUDGET
    done = 0
    backups_seen = 0
    while done < rounds and (done < 3 or time.monotonic() < deadline):
        db = _fresh(base, tmp_path / f"round{done % 2}")
        kill_after = rng.uniform(0, duration * 1.05)
        last, _ = _run(mode, db, work, kill_after)
        outcome = _verify_migrate(db, base_rows) if mode == "migrate" else _verify_step_mode(db, last, states)
        backups_seen += _check_backups(db)
        _check_opens(db)
        if mode == "migrate":
            conn = sqlite3.connect(db)
            assert (
                conn.execute("SELECT uid, category_id, title, text FROM phrases ORDER BY id").fetchall()
                == base_rows
            )
            conn.close()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        done += 1
    RESULTS[mode] = {
        "kills": done,
        "outcomes": outcomes,
        "run_s": round(duration, 2),
        "backups": backups_seen,
    }
    print(
        f"\nkill test [{mode}] seed {SEED}: {done} kills over {duration:.2f} s of writes, outcomes {outcomes}"
    )
    assert done >= 3


def test_kill_summary() -> None:
    """Prints the figures of the kill tests above (run in the same session)."""
    total = sum(r["kills"] for r in RESULTS.values())
    print(f"\nkill tests: {total} kills in all (seed {SEED}): {RESULTS}")
