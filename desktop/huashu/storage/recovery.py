"""Backups and recovery without Qt: daily and pre-change backups, finding the newest good backup,
restoring it, and keeping a damaged library aside.

The GUI offers recovery with these calls when `Library.open` raises `LibraryCorruptError`:

    try:
        lib = Library.open(path)
    except LibraryCorruptError as exc:
        found = recovery.find_good_backup(exc.path)      # None: no sound backup exists
        if found is not None and user_agrees(found.when):
            result = recovery.restore(exc.path, found.path)  # damaged file kept as .corrupt-<time>
            lib = Library.open(exc.path, create=False)
        elif user_wants_a_fresh_library:
            recovery.set_aside(exc.path)                  # moved aside, then a new default library
            lib = Library.open(exc.path)

`huashu db restore` does the same from the command line (the newest good backup by default).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from huashu.storage.library import Library
from huashu.storage.packs import (
    BACKUP_KEEP,
    Backup,
    RestoreResult,
    backup_problems,
    keep_damaged,
    library_problems,
    list_backups,
    make_backup,
    restore_file,
)

DAILY = "daily"


def daily_backup(
    lib: Library, *, keep: int = BACKUP_KEEP, today: datetime | None = None
) -> tuple[Path | None, str | None]:
    """Back the library up once a day (on its first open that day), keeping the last `keep`.

    Never raises for a full disk or an unwritable folder: returns (backup written or None, the
    problem to show the user or None). Opening the library must not fail because of a backup.
    """
    if lib.path is None or lib.read_only:
        return None, None
    day = (today or datetime.now()).strftime("%Y%m%d")
    if any(b.reason == DAILY and b.stamp.startswith(day) for b in list_backups(lib.path)):
        return None, None
    try:
        return make_backup(lib, reason=DAILY, keep=keep), None
    except (OSError, sqlite3.Error) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, f"今天的自动备份没有成功（{detail}），请检查磁盘空间"


def backup_before(lib: Library, reason: str, *, keep: int = BACKUP_KEEP) -> Path | None:
    """The backup taken before a migration ("pre-migration") or pack update ("pre-pack"); raises on failure."""
    if lib.path is None:
        return None
    return make_backup(lib, reason=reason, keep=keep)


def verify_backup(path: Path | str) -> list[str]:
    """Why a backup cannot be restored (empty if sound): SQLite header, full integrity check,
    foreign keys, a phrase table, and a schema this version can open. Reads only."""
    source = Path(path)
    header = backup_problems(source)
    if header:
        return header
    try:
        # immutable: no locks, no -shm/-wal side files next to the backup, nothing written.
        conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        return [f"无法打开 {source}: {exc}"]
    try:
        return library_problems(conn)
    except sqlite3.DatabaseError as exc:
        return [f"文件已损坏: {exc}"]
    finally:
        conn.close()


def good_backups(db_path: Path | str) -> list[Backup]:
    """The library's backups that pass `verify_backup`, newest first."""
    return [b for b in reversed(list_backups(db_path)) if not verify_backup(b.path)]


def find_good_backup(db_path: Path | str) -> Backup | None:
    """The newest backup of this library that is sound and can be opened, or None."""
    for backup in reversed(list_backups(db_path)):
        if backup.reason == "pre-restore":
            continue
        if not verify_backup(backup.path):
            return backup
    return None


def restore(db_path: Path | str, backup: Path | str | None = None) -> RestoreResult:
    """Restore the (closed) library from `backup`, or from the newest good backup.

    The current file is kept first: as a `pre-restore` backup if it is readable, or copied aside
    as `<name>.corrupt-<timestamp>` if it is damaged. Raises LibraryError (with a message for the
    user) when no usable backup exists; the library file is then left as it was.
    """
    return restore_file(db_path, backup)


def set_aside(db_path: Path | str) -> Path | None:
    """Move a damaged library (and its -wal) to `<name>.corrupt-<timestamp>`, so a fresh one can be
    created in its place without destroying anything. Returns the new name (None if no file)."""
    return keep_damaged(Path(db_path), move=True)


__all__ = [
    "DAILY",
    "backup_before",
    "daily_backup",
    "find_good_backup",
    "good_backups",
    "restore",
    "set_aside",
    "verify_backup",
]
