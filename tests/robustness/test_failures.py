"""Corrupt, read-only, full, locked and vanished libraries; backups, rotation and recovery.

Each failure gives a typed LibraryError with a message in Chinese, loses nothing, and leaves
search and copy working where the file can still be read.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from damage import scribble_pages
from huashu.cli import main
from huashu.storage import library as library_module
from huashu.storage import migrations, recovery
from huashu.storage import packs as store
from huashu.storage.library import (
    Library,
    LibraryBusyError,
    LibraryCorruptError,
    LibraryError,
    LibraryFullError,
    LibraryReadOnlyError,
    LibraryUnavailableError,
)

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"
CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(message: object) -> bool:
    return bool(CJK.search(str(message)))


def content(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id, title, text, use_count, favorite FROM phrases ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def library(default_library_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "lib" / "library.huashu.db"
    target.parent.mkdir()
    shutil.copyfile(default_library_file, target)
    return target


# -- corrupt files and recovery --------------------------------------------------------------------


def test_corrupt_library_is_kept_and_restored_from_the_newest_good_backup(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library.open(library) as lib:  # the first open of the day leaves a daily backup
        assert lib.daily_backup is not None and lib.backup_problem is None
        lib.add_phrase("我的", "第一条", "备份里有的话术")
        good = store.make_backup(lib, reason="manual")
        lib.add_phrase("我的", "第二条", "备份之后的话术")
        newer = store.make_backup(lib, reason="manual")
    scribble_pages(newer)  # the newest backup is itself damaged
    wanted = content(good)
    scribble_pages(library)
    damaged = library.read_bytes()

    with pytest.raises(LibraryCorruptError) as info:
        Library.open(library)
    assert info.value.path == library and chinese(info.value)
    assert library.read_bytes() == damaged  # never overwritten, not even by the daily backup

    found = recovery.find_good_backup(library)
    assert found is not None and found.path == good
    assert recovery.verify_backup(newer) != []

    # huashu db restore passes over the damaged newest backup.
    assert main(["--db", str(library), "db", "restore"]) == 0
    out = capsys.readouterr().out
    assert "恢复" in out
    assert content(library) == wanted
    kept = list(library.parent.glob("library.huashu.db.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    with Library.open(library, create=False) as lib:
        assert lib.integrity_problems(quick=False) == []
        assert [p.title for p in lib.phrases() if p.category == "我的"] == ["第一条"]


def test_recovery_api_for_the_gui(library: Path) -> None:
    with Library.open(library) as lib:
        lib.add_phrase("我的", "留着", "内容")
    scribble_pages(library)
    with pytest.raises(LibraryCorruptError):
        Library.open(library)
    found = recovery.find_good_backup(library)
    assert found is not None and found.reason == "daily"
    result = recovery.restore(library, found.path)
    assert result.saved_current is not None and ".corrupt-" in result.saved_current.name
    with Library.open(library, create=False) as lib:
        assert lib.count_phrases() > 100

    # No good backup at all: restore refuses and leaves the file; set_aside allows a fresh start.
    for b in store.list_backups(library):
        scribble_pages(b.path)
    scribble_pages(library)
    before = library.read_bytes()
    assert recovery.find_good_backup(library) is None
    with pytest.raises(LibraryError, match="没有可用的备份"):
        recovery.restore(library)
    assert library.read_bytes() == before
    aside = recovery.set_aside(library)
    assert aside is not None and aside.read_bytes() == before and not library.exists()
    with Library.open(library) as lib:
        assert lib.count_phrases() > 100


def test_unreadable_junk_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    path.write_bytes(b"\x00" * 10 + b"not sqlite" * 100)
    with pytest.raises(LibraryCorruptError) as info:
        Library.open(path)
    assert chinese(info.value)
    assert path.read_bytes() == b"\x00" * 10 + b"not sqlite" * 100


# -- automatic backups -----------------------------------------------------------------------------


def test_daily_backup_rotation(library: Path) -> None:
    with Library.open(library) as lib:
        first = lib.daily_backup
        assert first is not None and recovery.verify_backup(first) == []
    with Library.open(library) as lib:
        assert lib.daily_backup is None  # once a day
        # Two weeks of earlier daily backups.
        for day in range(1, 15):
            stamp = (datetime.now() - timedelta(days=day)).strftime("%Y%m%d-%H%M%S-%f")
            shutil.copyfile(first, first.with_name(f"{library.stem}-daily-{stamp}.db"))
        for _ in range(3):
            store.make_backup(lib, reason="pre-pack")
        kept = store.list_backups(library)
        assert len(kept) == 10
        assert kept[-4].path == first and [b.reason for b in kept[-3:]] == ["pre-pack"] * 3
        # Tomorrow's first open makes another.
        made, problem = recovery.daily_backup(lib, today=datetime.now() + timedelta(days=1))
        assert made is not None and problem is None
        # A burst of pack updates never pushes out the last daily backup.
        for _ in range(12):
            store.make_backup(lib, reason="pre-pack")
    reasons = [b.reason for b in store.list_backups(library)]
    assert "daily" in reasons and len(reasons) == 10


def test_daily_backup_failure_does_not_stop_the_app(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_a: object, **_k: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recovery, "make_backup", full)
    with Library.open(library) as lib:
        assert lib.daily_backup is None
        assert lib.backup_problem is not None and chinese(lib.backup_problem)
        assert lib.search("退款")


def _old_library(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    first = migrations.known_migrations()[0]
    conn.executescript(
        "PRAGMA journal_mode = WAL;\nBEGIN;\n"
        + first.sql
        + "\n;CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);"
        + f"\nINSERT INTO schema_migrations VALUES ('{first.name}', '2025-01-01T00:00:00+00:00');"
        + "\nPRAGMA user_version = 1;\nCOMMIT;"
    )
    conn.execute("INSERT INTO categories (id, name, position) VALUES (1, '旧', 0)")
    conn.execute(
        "INSERT INTO phrases (uid, category_id, title, text, created, updated) "
        "VALUES ('u1', 1, '退款说明', '退款三个工作日内到账', 'x', 'x')"
    )
    conn.close()


def test_migration_backs_up_first_and_indexes_old_phrases(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_library(path)
    with Library.open(path) as lib:
        assert lib.schema_version() == len(migrations.known_migrations())
        # Phrases saved before the search index existed are found after the upgrade.
        assert [r.title for r in lib.search("退款")] == ["退款说明"]
    backups = [b for b in store.list_backups(path) if b.reason == "pre-migration"]
    assert len(backups) == 1 and recovery.verify_backup(backups[0].path) == []
    conn = sqlite3.connect(backups[0].path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_migration_refused_when_the_backup_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    _old_library(path)
    before = path.read_bytes()

    def full(*_a: object, **_k: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recovery, "make_backup", full)
    with pytest.raises(LibraryError, match="无法备份") as info:
        Library.open(path)
    assert not isinstance(info.value, LibraryCorruptError)
    assert path.read_bytes() == before


# -- read-only, full, locked, vanished -------------------------------------------------------------


def test_read_only_library_searches_and_copies(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Library.open(library) as lib:
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = content(library)
    real_access = os.access
    monkeypatch.setattr(
        library_module.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    with Library.open(library) as lib:
        assert lib.read_only
        hit = lib.phrase(lib.search("退款")[0].phrase_id)
        assert lib.phrase(hit.id).text
        with pytest.raises(LibraryReadOnlyError) as info:
            lib.record_use(hit.id)
        assert chinese(info.value) and "搜索" in str(info.value)
        with pytest.raises(LibraryReadOnlyError):
            lib.add_phrase("我的", "新", "内容")
    assert content(library) == before


def test_full_disk_rolls_back_and_keeps_searching(library: Path) -> None:
    with Library.open(library) as lib:
        before = content(library)
        pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
        lib.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        rows = [("大量/导入", f"标题{i}", "很长的内容" * 400) for i in range(200)]
        with pytest.raises(LibraryFullError) as info, lib.transaction():
            for category, title, text in rows:
                lib.add_phrase(category, title, text)
        assert chinese(info.value) and "磁盘" in str(info.value)
        assert lib.category_by_path("大量/导入") is None
        assert lib.search("退款") and lib.count_phrases() == len(before)
        with pytest.raises(LibraryFullError):
            lib.import_rows(
                [(i, library_module.PhraseRow("导入", f"t{i}", "x" * 5000, None, (), "")) for i in range(300)]
            )
        assert lib.count_phrases() == len(before)
        # Space freed: writing works again on the same connection.
        lib.conn.execute("PRAGMA max_page_count = 1073741823")
        lib.add_phrase("我的", "之后", "空间恢复后")
    assert len(content(library)) == len(before) + 1


def test_locked_library_reads_and_reports_busy(library: Path) -> None:
    with Library.open(library) as lib:
        pid = lib.search("退款")[0].phrase_id
    holder = sqlite3.connect(library, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE phrases SET notes = 'held' WHERE id = ?", (pid,))
    try:
        lib = Library.open(library)  # opening a locked (WAL) library works: never "corrupt"
        try:
            lib.conn.execute("PRAGMA busy_timeout = 150")
            lib.busy_retries = 1
            assert lib.search("退款")
            started = time.monotonic()
            with pytest.raises(LibraryBusyError) as info:
                lib.record_use(pid)
            assert time.monotonic() - started < 5
            assert chinese(info.value) and "占用" in str(info.value)
            holder.execute("COMMIT")
            lib.record_use(pid)
            assert lib.phrase(pid).use_count == 1 and lib.phrase(pid).notes == "held"
        finally:
            lib.close()
    finally:
        holder.close()


@pytest.mark.parametrize("how", ["moved", "deleted"])
def test_vanished_folder_refuses_writes_without_losing_them_silently(library: Path, how: str) -> None:
    lib = Library.open(library)
    try:
        hit = lib.phrase(lib.search("退款")[0].phrase_id)
        lib.record_use(hit.id)
        moved = library.parent.with_name("moved")
        if how == "moved":
            library.parent.rename(moved)
        else:
            shutil.rmtree(library.parent)
        with pytest.raises(LibraryUnavailableError) as info:
            lib.record_use(hit.id)
        assert chinese(info.value) and "未保存" in str(info.value)
        with pytest.raises(LibraryUnavailableError):
            lib.add_phrase("我的", "新", "内容")
        # Search and copy keep working from what was open.
        assert lib.search("退款") and lib.phrase(hit.id).use_count == 1
    finally:
        lib.close()
    if how == "moved":
        assert content(moved / library.name)[0] is not None
        assert dict((r[0], r[3]) for r in content(moved / library.name))[hit.id] == 1


def test_error_classification_never_calls_a_busy_file_corrupt() -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorname = "SQLITE_BUSY"  # type: ignore[attr-defined]
    assert isinstance(library_module.library_error(busy, None), LibraryBusyError)
    io_error = sqlite3.OperationalError("disk I/O error")
    io_error.sqlite_errorname = "SQLITE_IOERR_READ"  # type: ignore[attr-defined]
    assert isinstance(library_module.library_error(io_error, None), LibraryUnavailableError)
    assert library_module.library_error(sqlite3.IntegrityError("UNIQUE"), None) is None
    assert isinstance(
        library_module.library_error(sqlite3.DatabaseError("database disk image is malformed"), None),
        LibraryCorruptError,
    )


# -- the CLI while another process writes ------------------------------------------------------------

_BUSY_WRITER = r"""
import sys, time
from huashu.storage.library import Library
lib = Library.open(sys.argv[1], create=False, backup=False)
ids = [p.id for p in lib.phrases(limit=20)]
print("READY", flush=True)
end = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < end:
    with lib.transaction():            # short write transactions back to back, as the app does
        lib.record_use(ids[n % len(ids)])
        lib.conn.execute("SELECT count(*) FROM phrases").fetchone()
    n += 1
print(n, flush=True)
"""


def test_cli_add_succeeds_while_the_app_keeps_writing(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Library.open(library).close()
    env = {**os.environ, "PYTHONPATH": str(DESKTOP)}
    child = subprocess.Popen(
        [sys.executable, "-c", _BUSY_WRITER, str(library), "6"], stdout=subprocess.PIPE, env=env, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "READY"
    try:
        for i in range(8):
            code = main(
                ["--db", str(library), "add", "--category", "并发", "--title", f"命令行{i}", "--text", "内容"]
            )
            _, err = capsys.readouterr()
            assert code == 0, err
    finally:
        writes = int(child.stdout.readline().strip() or 0)
        child.wait(timeout=30)
    assert child.returncode == 0 and writes > 10
    with Library.open(library) as lib:
        assert [p.title for p in lib.phrases() if p.category == "并发"] == [f"命令行{i}" for i in range(8)]
        assert lib.integrity_problems(quick=False) == []


def test_a_missing_chosen_folder_is_not_replaced_by_an_empty_library(tmp_path: Path) -> None:
    """A network drive not mounted at start: the agent's real library must not be hidden by a new one."""
    target = tmp_path / "not-mounted" / "huashu" / "library.db"
    with pytest.raises(LibraryUnavailableError) as info:
        Library.open(target)
    assert chinese(info.value) and "文件夹不存在" in str(info.value)
    assert not target.parent.exists()
    # `huashu init` is the explicit way to make a library in a new folder.
    assert main(["--db", str(target), "init", "--empty"]) == 0
    assert target.exists()


def test_backups_of_a_neighbouring_library_are_neither_restored_nor_pruned(tmp_path: Path) -> None:
    """shop-north.db's backups sit in the same backups/ folder as shop.db's: they are not shop.db's."""
    shop, north = tmp_path / "shop.db", tmp_path / "shop-north.db"
    for path, title in ((shop, "本店话术"), (north, "北店话术")):
        with Library.open(path, empty=True) as lib:
            lib.add_phrase("个人", title, title)
            store.make_backup(lib, reason="manual")
    north_backups = store.list_backups(north)
    assert len(north_backups) == 1
    assert [b.reason for b in store.list_backups(shop)] == ["manual"]
    store.prune_backups(shop, keep=0)
    assert store.list_backups(north) == north_backups
    with pytest.raises(ValueError), Library.open(shop) as lib:
        store.make_backup(lib, reason="north-manual")
