"""The phrase library file: the one owner of the SQLite connection (like Anki's Collection)."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from huashu.core import models, placeholders
from huashu.core.coded import CodedError
from huashu.core.models import (
    Category,
    ImportReport,
    OpChanges,
    Phrase,
    PhraseRow,
    Rule,
    default_uid,
    normalize_category_path,
    row_label,
    row_order,
)
from huashu.paths import backups_dir, default_db_path, resource
from huashu.storage import migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
# Stable ids for the embedded default library, so every seat agrees on them.
PROFILE_KEYS: tuple[str, ...] = ("名字", "工号", "公司", "门店")
PROFILE_ALIASES: dict[str, str] = {
    "name": "名字",
    "姓名": "名字",
    "employee_id": "工号",
    "id": "工号",
    "company": "公司",
    "store": "门店",
}


class LibraryError(CodedError, RuntimeError):
    """A library file that cannot be opened or used; the message is for the user."""


class LibraryCorruptError(LibraryError):
    """The file is damaged; it is kept as it is so it can be set aside and restored from a backup."""

    def __init__(
        self,
        message: str,
        path: Path,
        *,
        code: str | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, code=code, details=details)
        self.path = path


class LibraryReadOnlyError(LibraryError):
    """The file (or its folder or disk) cannot be written; search and copy still work."""


class LibraryBusyError(LibraryError):
    """Another program (another Huashu, the CLI, a backup tool) holds the write lock for too long."""


class LibraryFullError(LibraryError):
    """The disk (or the file's size limit) is full; the change was rolled back."""


class LibraryUnavailableError(LibraryError):
    """The file or its folder went away (a network drive dropped, a USB stick pulled) or cannot be read."""


# Reindexing this many phrases at once (a new index format, a migrated library) ends with the index
# merged and the file compacted: a 100,000-phrase library would otherwise grow by a fifth.
COMPACT_AFTER_REINDEXED = 2000
READ_ONLY_MESSAGE = "话术库文件是只读的，无法保存修改（可以继续搜索和复制）"


def _new_uid() -> str:
    import uuid  # with platform, ~2 ms of a start that creates no phrase

    return uuid.uuid4().hex


def library_error(exc: BaseException, path: Path | None) -> LibraryError | None:
    """The typed error, with a message for the user, for an SQLite failure that is not a bug.

    Busy, full, I/O, read-only and corruption errors are told apart by SQLite's error name (Python
    3.11+), falling back to the message text. Anything else returns None (re-raise as it is).
    """
    if isinstance(exc, LibraryError):
        return exc
    if not isinstance(exc, sqlite3.Error) or isinstance(exc, sqlite3.IntegrityError):
        return None
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc).lower()
    where = f" ({path})" if path is not None else ""
    # The UI appends the path itself, as the message does, when there is one.
    at = {"path": path} if path is not None else {}
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return LibraryBusyError(
            f"话术库正被其他程序占用（可能是另一个话术助手或命令行正在保存），请稍后再试；这次修改未保存{where}",
            code="busy",
            details=at,
        )
    if name == "SQLITE_FULL" or "disk is full" in text:
        return LibraryFullError(
            f"磁盘空间已满，这次修改未保存；请清理磁盘后重试（搜索和复制不受影响）{where}",
            code="disk_full",
            details=at,
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return LibraryReadOnlyError(f"{READ_ONLY_MESSAGE}{where}", code="read_only", details=at)
    if (
        name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN"))
        or "disk i/o error" in text
        or "unable to open" in text
    ):
        return LibraryUnavailableError(
            f"无法读写话术库文件（文件夹可能被移走、网络盘已断开或磁盘出错），这次修改未保存{where}",
            code="unavailable",
            details=at,
        )
    if (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "not a database" in text
    ):
        where_file = path or Path(":memory:")
        return LibraryCorruptError(
            f"话术库文件已损坏{where}: {exc}", where_file, code="damaged", details={"path": where_file, "reason": exc}
        )
    return None


class NotFoundError(CodedError, LookupError):
    """What an operation names (a phrase, a category, a rule) is not in the library (any more)."""


class ValidationError(CodedError, ValueError):
    """An edit that would store something invalid; nothing was written."""


class ImportCancelled(LibraryError):
    """The import was cancelled before it finished; nothing of it was written."""


# Told as an import goes: (stage, done, total). Stages in order: "read" (the file, no count),
# "check" (rows), "backup" (no count), "write" and "index" (the rows written). The callback may
# raise ImportCancelled to stop; the import's transaction is then rolled back.
ImportProgress = Callable[[str, int, int], None]
PROGRESS_STEP = 250  # rows between two progress calls while checking and writing
INDEX_STEP = 500  # phrases indexed between two progress calls

PACK_PHRASE_CHANGED = (
    "与团队话术包中的同名话术内容不同，话术包的话术是只读的，未导入"
    "（要改它请让组长更新话术包；要留作自己的话术请换一个标题）"
)


@dataclass
class ImportUndo:
    """What one import wrote, kept to take it back as one step (`Library.undo_import`).

    Phrases are named by uid, which stays the same when a later step is undone and redone;
    categories by path.
    """

    added: list[tuple[str, str, str]] = field(default_factory=list)  # (uid, category path, title)
    # Changed phrases as they were: (uid, text, shortcut, tags as stored, notes, updated).
    changed: list[tuple[str, str, str | None, str, str, str]] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)  # (id, path) created, parents first
    rows: list[tuple[int, PhraseRow]] = field(default_factory=list)  # what was imported, to redo it

    @property
    def wrote(self) -> bool:
        return bool(self.added or self.changed)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    loaded = json.loads(value)
    return tuple(str(v) for v in loaded) if isinstance(loaded, list) else ()


def _dump(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def normalize_shortcut(value: str | None) -> str | None:
    """A shortcut as the library stores it ("/tk" from "tk", "／ＴＫ"); ValidationError says why not."""
    try:
        return models.clean_shortcut(value, ValidationError)
    except ValidationError as exc:
        # The core says which rule the code breaks, in Chinese only; a UI words the rules as one.
        raise ValidationError(
            str(exc),
            code="shortcut_invalid",
            details={"shortcut": (value or "").strip(), "limit": models.MAX_SHORTCUT},
        ) from None


_UNSTORABLE = {
    "nul_character": "包含非法字符 NUL",
    "unpaired_surrogate": "包含无效字符（不成对的代理字符），请重新输入或粘贴",
}


def _unstorable_code(value: str) -> str | None:
    if "\x00" in value:
        return "nul_character"
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "unpaired_surrogate"
    return None


def unstorable(value: str) -> str | None:
    """Why `value` cannot be stored (NUL, or a lone surrogate from a broken UTF-16 paste), else None."""
    code = _unstorable_code(value)
    return _UNSTORABLE[code] if code is not None else None


def check_template(text: str) -> None:
    """Refuse a template with placeholder problems, naming the first.

    Its details carry the issue's own code and values (`issue`, then ISSUE_DETAILS[issue]) and its
    1-based `position`, so a UI can word the problem as it words placeholder issues.
    """
    issues = placeholders.validate(text)
    if issues:
        first = issues[0]
        raise ValidationError(
            f"占位符错误（第 {first.position + 1} 个字符）: {first.message_zh}",
            code="placeholder",
            details={"position": first.position + 1, "issue": first.code, **dict(first.details)},
        )


def _has_daily_backup(db_path: Path) -> bool:
    """Whether today's daily backup exists, by name (the fast check behind every start)."""
    day = datetime.now().strftime("%Y%m%d")
    return any(backups_dir(db_path).glob(f"{glob_escape(db_path.stem)}-daily-{day}-*.db"))


class Library:
    """Owns the connection; every read and write of the library goes through here."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._categories: dict[int, Category] | None = None
        self.read_only = False
        # (st_dev, st_ino) of the file when opened: a write is refused once the path no longer leads
        # to it (folder moved or deleted, network drive gone), instead of landing in an orphaned file.
        self._file_id: tuple[int, int] | None = None
        self.busy_retries = 3
        # Set by open(): the automatic daily backup written (or why it could not be), for the GUI.
        self.daily_backup: Path | None = None
        self.backup_problem: str | None = None

    @functools.cached_property
    def db(self) -> Any:
        """sqlite-utils over the same connection, for schema work; imported when first used
        (it brings click and pluggy, ~40 ms of every start otherwise)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        empty: bool = False,
        create: bool = True,
        check: bool = True,
        backup: bool = True,
        make_dirs: bool | None = None,
        repair_index: bool = True,
    ) -> Library:
        """Open (creating and filling with the default library if new) and migrate a library file.

        A new file is built under a temporary name and renamed into place, so a crash during
        the first start never leaves a half-filled library behind. A file that fails SQLite's
        quick check raises LibraryCorruptError and is left untouched for recovery (see
        storage/recovery.py); a locked, full or unreachable file raises the matching LibraryError
        subclass instead, never LibraryCorruptError. An existing writable library gets its daily
        backup (`backup=False` skips it; failures are reported in `backup_problem`, not raised).
        Phrases missing from the search index are indexed now, or with `repair_index=False` when the
        caller runs `repair_search_index()` itself (the app does it off the start path).

        The folder is created only for the default location (or with `make_dirs=True`, as `huashu
        init` does): a chosen folder that is missing is most likely a network drive or USB stick that
        is not there, and a fresh empty library in its place would hide the agent's real one.
        """
        target = Path(path) if path is not None else default_db_path()
        is_new = not target.exists() or target.stat().st_size == 0
        if is_new and not create:
            raise LibraryError(f"话术库文件不存在: {target}", code="file_missing", details={"path": target})
        if is_new:
            if make_dirs is None:
                make_dirs = path is None or target == default_db_path()
            if not make_dirs and not target.parent.is_dir():
                raise LibraryUnavailableError(
                    f"话术库所在的文件夹不存在（网络盘或U盘可能没有连接）: {target.parent}；"
                    "连接后重新打开，或运行 huashu init 在这里新建话术库",
                    code="folder_missing",
                    details={"path": target.parent},
                )
            cls._create(target, empty=empty)
        try:
            with target.open("rb") as handle:
                magic = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise LibraryError(
                f"无法读取话术库文件 {target}: {exc.strerror or exc}",
                code="file_unreadable",
                details={"path": target, "reason": exc.strerror or exc},
            ) from exc
        if magic != SQLITE_MAGIC:
            raise LibraryCorruptError(
                f"不是话术库文件（文件格式不对或已损坏）: {target}",
                target,
                code="not_a_library",
                details={"path": target},
            )
        writable = os.access(target, os.W_OK) and os.access(target.parent, os.W_OK)
        try:
            if writable:
                conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=10)
            else:
                # Read-only media or permissions: still usable for search and copy.
                uri = target.resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10
                )
        except sqlite3.Error as exc:
            raise LibraryError(
                f"无法打开话术库文件 {target}: {exc}",
                code="file_cannot_open",
                details={"path": target, "reason": exc},
            ) from exc
        lib = cls(conn, target)
        lib.read_only = not writable
        try:
            lib._configure(wal=writable)
            if check:
                problems = lib.integrity_problems(quick=True)
                if problems:
                    raise LibraryCorruptError(
                        f"话术库文件已损坏: {target}（{problems[0]}）",
                        target,
                        code="damaged",
                        details={"path": target, "reason": problems[0]},
                    )
            if writable:
                lib._migrate()
                lib._remember_file()
                if repair_index:
                    lib.repair_search_index()
            else:
                lib._check_schema_readable()
        except sqlite3.DatabaseError as exc:
            conn.close()
            typed = library_error(exc, target)
            if typed is not None and not isinstance(typed, LibraryCorruptError):
                # Locked, full or unreachable is not damage: never offer to restore over a sound file.
                raise typed from exc
            raise LibraryCorruptError(
                f"话术库文件已损坏: {target}（{exc}）",
                target,
                code="damaged",
                details={"path": target, "reason": exc},
            ) from exc
        except BaseException:
            conn.close()
            raise
        if writable and backup and not is_new and not _has_daily_backup(target):
            # Imported only when a backup is due: the pack code behind it costs every start ~40 ms.
            from huashu.storage import recovery

            lib.daily_backup, lib.backup_problem = recovery.daily_backup(lib)
        return lib

    def repair_search_index(self) -> int:
        """Index phrases that have no (or a stale) search row: a library migrated from before the
        index existed, or one edited by an older version. One transaction; usually nothing to do.
        Returns how many phrases were indexed again.

        It also builds the synonym table every search uses (~30 ms, once per connection), so the
        agent's first keystroke does not pay for it."""
        from huashu.storage import search_index

        try:
            search_index.library_synonyms(self.conn)
            ids = search_index.missing(self.conn)
        except sqlite3.OperationalError:
            return 0  # no index tables (cannot happen after migrating)
        if not ids or self.read_only:
            return 0
        # Busy or full: search falls back on what is indexed; the next open tries again.
        # Rewriting this many rows leaves thousands of small FTS segments (slower searches) and the
        # old ones' pages free inside the file: merge them, then give the space back.
        large = len(ids) >= COMPACT_AFTER_REINDEXED
        with contextlib.suppress(LibraryBusyError, LibraryFullError, LibraryUnavailableError):
            with self.transaction():
                search_index.reindex(self.conn, ids)
                if large:
                    search_index.optimize(self.conn)
            if large:
                self.compact()
            return len(ids)
        return 0

    def compact(self, *, min_free: float = 0.1) -> bool:
        """Give the file's free pages back to the disk (VACUUM) when they are over `min_free` of it.

        Only between transactions, and only when no other connection is reading: otherwise (busy)
        nothing happens and the space is reused by later writes. True when the file was compacted.
        """
        if self.read_only or self.path is None:
            return False
        with self._lock:
            if self._depth:
                return False
            pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
            free = self.conn.execute("PRAGMA freelist_count").fetchone()[0]
            if not pages or free / pages < min_free:
                return False
            self._check_file_still_there()
            try:
                self.conn.execute("VACUUM")
                # In WAL mode VACUUM writes the whole file into the log first: shrink it again.
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                return False
            return True

    def _remember_file(self) -> None:
        if self.path is None:
            return
        try:
            st = os.stat(self.path)
        except OSError:
            self._file_id = None
        else:
            self._file_id = (st.st_dev, st.st_ino)

    def _check_file_still_there(self) -> None:
        """Refuse to write once the library's path no longer leads to the file that was opened."""
        if self._file_id is None or self.path is None:
            return
        try:
            st = os.stat(self.path)
        except OSError as exc:
            raise LibraryUnavailableError(
                f"找不到话术库文件（文件夹可能被移走或网络盘已断开），这次修改未保存；"
                f"可以继续搜索和复制，请恢复文件后重新打开 ({self.path}: {exc.strerror or exc})",
                code="file_gone",
                details={"path": self.path, "reason": exc.strerror or exc},
            ) from exc
        if (st.st_dev, st.st_ino) != self._file_id:
            raise LibraryUnavailableError(
                f"话术库文件已被替换或移走，这次修改未保存；请重新打开话术助手 ({self.path})",
                code="file_replaced",
                details={"path": self.path},
            )

    @classmethod
    def _create(cls, target: Path, *, empty: bool) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"无法创建话术库目录 {target.parent}: {exc.strerror or exc}",
                code="folder_cannot_create",
                details={"path": target.parent, "reason": exc.strerror or exc},
            ) from exc
        staging = target.with_name(f".{target.name}.{os.getpid()}.creating")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(staging) + suffix).unlink(missing_ok=True)
        try:
            conn = sqlite3.connect(staging, isolation_level=None, check_same_thread=False, timeout=10)
            lib = cls(conn, staging)
            try:
                lib._configure(wal=True)
                lib._migrate()
                if not empty:
                    lib.load_defaults()
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            os.replace(staging, target)
        except sqlite3.Error as exc:
            raise LibraryError(
                f"无法创建话术库文件 {target}: {exc}",
                code="file_cannot_create",
                details={"path": target, "reason": exc},
            ) from exc
        except OSError as exc:
            raise LibraryError(
                f"无法创建话术库文件 {target}: {exc.strerror or exc}",
                code="file_cannot_create",
                details={"path": target, "reason": exc.strerror or exc},
            ) from exc
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(staging) + suffix).unlink(missing_ok=True)

    def _check_schema_readable(self) -> None:
        try:
            todo = migrations.pending(self.conn)
        except migrations.SchemaError as exc:
            raise LibraryError(str(exc), code=exc.code, details=exc.details) from exc
        if todo:
            raise LibraryReadOnlyError(
                "话术库文件是只读的，且需要升级数据库版本，请把它复制到可写的位置后再打开",
                code="read_only_needs_upgrade",
            )

    @classmethod
    def memory(cls, *, empty: bool = True) -> Library:
        """An in-memory library for tests and previews."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        lib = cls(conn, None)
        lib._configure(wal=False)
        lib._migrate()
        if not empty:
            lib.load_defaults()
        return lib

    def _configure(self, *, wal: bool) -> None:
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 10000")
            if wal:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise LibraryError(
                        f"无法启用 WAL 模式（{mode}），话术库可能位于只读位置",
                        code="wal_unavailable",
                        details={"mode": mode},
                    )
                # FULL: a branch-store PC that loses power keeps every committed edit.
                self.conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            typed = library_error(exc, self.path)
            if typed is not None and not isinstance(typed, LibraryCorruptError):
                raise typed from exc
            raise LibraryCorruptError(
                f"话术库文件已损坏或无法使用: {exc}",
                self.path or Path(":memory:"),
                code="damaged_or_unusable",
                details={"reason": exc},
            ) from exc

    def _migrate(self) -> None:
        try:
            if self.path is not None and migrations.applied(self.conn) and migrations.pending(self.conn):
                # Never upgrade without a copy of the old file: refuse if the backup cannot be made.
                from huashu.storage import recovery

                try:
                    recovery.backup_before(self, "pre-migration")
                except (OSError, sqlite3.Error) as exc:
                    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                    raise LibraryError(
                        f"升级话术库前无法备份（{detail}），为安全起见没有升级，文件未改动: {self.path}",
                        code="backup_before_upgrade_failed",
                        details={"reason": detail, "path": self.path},
                    ) from exc
            migrations.migrate(self.conn)
        except migrations.SchemaError as exc:
            typed = library_error(exc.__cause__, self.path) if exc.__cause__ is not None else None
            if typed is not None:
                raise typed from exc
            raise LibraryError(str(exc), code=exc.code, details=exc.details) from exc
        except sqlite3.DatabaseError as exc:
            typed = library_error(exc, self.path)
            if typed is not None:
                raise typed from exc
            raise LibraryError(
                f"话术库文件已损坏或无法使用: {exc}", code="damaged_or_unusable", details={"reason": exc}
            ) from exc

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work; nested calls become savepoints.

        SQLite failures that are not bugs (locked, disk full, file gone, read-only) roll the whole
        transaction back and surface as LibraryError subclasses with a message for the user.
        """
        with self._lock:
            if self.read_only:
                raise LibraryReadOnlyError(READ_ONLY_MESSAGE, code="read_only")
            depth = self._depth
            if depth == 0:
                self._check_file_still_there()
                self._begin()
            else:
                self.conn.execute(f"SAVEPOINT sp{depth}")
            self._depth += 1
            try:
                yield
            except BaseException as exc:
                self._depth -= 1
                self._categories = None
                self._rollback(depth)
                if depth == 0:
                    if isinstance(exc, UnicodeEncodeError):
                        raise ValidationError(
                            "内容包含无效字符（不成对的代理字符），没有保存", code="unpaired_surrogate"
                        ) from exc
                    typed = library_error(exc, self.path) if isinstance(exc, sqlite3.Error) else None
                    if typed is not None:
                        raise typed from exc
                raise
            self._depth -= 1
            if depth > 0:
                self.conn.execute(f"RELEASE sp{depth}")
                return
            try:
                # The folder may have gone while the transaction ran: do not commit into a lost file.
                self._check_file_still_there()
                self.conn.execute("COMMIT")
            except BaseException as exc:
                self._categories = None
                self._rollback(0)
                typed = library_error(exc, self.path) if isinstance(exc, sqlite3.Error) else None
                if typed is not None:
                    raise typed from exc
                raise

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, retried a few times on top of the busy timeout when another writer holds on."""
        for attempt in range(self.busy_retries + 1):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                typed = library_error(exc, self.path)
                if isinstance(typed, LibraryBusyError) and attempt < self.busy_retries:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                if typed is not None:
                    raise typed from exc
                raise

    def _rollback(self, depth: int) -> None:
        """Undo to the start of this level; SQLite may already have rolled back (disk full, I/O error)."""
        if not self.conn.in_transaction:
            return
        try:
            if depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{depth}")
                self.conn.execute(f"RELEASE sp{depth}")
        except sqlite3.Error:
            if depth == 0 and self.conn.in_transaction:
                raise

    def _rows(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self.conn.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def _one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Row | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    # -- categories --------------------------------------------------------------------------

    def _category_map(self) -> dict[int, Category]:
        with self._lock:
            if self._categories is None:
                rows = self._rows(
                    "SELECT id, name, parent_id, position, pack_id FROM categories ORDER BY position, id"
                )
                by_id = {r["id"]: r for r in rows}
                paths: dict[int, str] = {}

                def path_of(cid: int) -> str:
                    if cid not in paths:
                        row = by_id[cid]
                        parent = row["parent_id"]
                        paths[cid] = row["name"] if parent is None else path_of(parent) + "/" + row["name"]
                    return paths[cid]

                self._categories = {
                    r["id"]: Category(
                        id=r["id"],
                        name=r["name"],
                        parent_id=r["parent_id"],
                        position=r["position"],
                        path=path_of(r["id"]),
                        pack_id=r["pack_id"],
                    )
                    for r in rows
                }
            return self._categories

    def categories(self) -> list[Category]:
        """All categories in tree order (parents before children, siblings by position)."""
        cmap = self._category_map()
        children: dict[int | None, list[Category]] = {}
        for cat in cmap.values():
            children.setdefault(cat.parent_id, []).append(cat)
        ordered: list[Category] = []

        def walk(parent: int | None) -> None:
            for cat in sorted(children.get(parent, []), key=lambda c: (c.position, c.id)):
                ordered.append(cat)
                walk(cat.id)

        walk(None)
        return ordered

    def category(self, category_id: int) -> Category:
        try:
            return self._category_map()[category_id]
        except KeyError:
            raise NotFoundError(
                f"分类不存在: {category_id}", code="category_not_found", details={"id": category_id}
            ) from None

    def category_by_path(self, path: str) -> Category | None:
        path = normalize_category_path(path)
        for cat in self._category_map().values():
            if cat.path == path:
                return cat
        return None

    def descendant_ids(self, category_id: int) -> list[int]:
        cmap = self._category_map()
        result = [category_id]
        frontier = [category_id]
        while frontier:
            parent = frontier.pop()
            kids = [c.id for c in cmap.values() if c.parent_id == parent]
            result.extend(kids)
            frontier.extend(kids)
        return result

    def ensure_category(self, path: str) -> int:
        """The id of the category at `path`, creating missing levels."""
        clean = normalize_category_path(path)
        if not clean:
            raise ValidationError("分类不能为空", code="category_empty")
        existing = self.category_by_path(clean)
        if existing is not None:
            return existing.id
        with self.transaction():
            parent: int | None = None
            built = ""
            for name in clean.split("/"):
                built = f"{built}/{name}" if built else name
                found = self.category_by_path(built)
                parent = self._insert_category(name, parent) if found is None else found.id
            assert parent is not None
            return parent

    def _insert_category(self, name: str, parent_id: int | None) -> int:
        name = name.strip()
        if not name or "/" in name:
            raise ValidationError(
                f"分类名称不能为空，也不能包含“/”: {name!r}", code="category_name_invalid", details={"name": name}
            )
        position = self.conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM categories WHERE parent_id IS ?", (parent_id,)
        ).fetchone()[0]
        try:
            cursor = self.conn.execute(
                "INSERT INTO categories (name, parent_id, position) VALUES (?, ?, ?)",
                (name, parent_id, position),
            )
        except sqlite3.IntegrityError as exc:
            raise ValidationError(
                f"同一层级下已有同名分类: {name}", code="category_exists", details={"name": name}
            ) from exc
        self._categories = None
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def add_category(self, name: str, parent_id: int | None = None) -> tuple[int, OpChanges]:
        with self.transaction():
            if parent_id is not None:
                self.category(parent_id)
            cid = self._insert_category(name, parent_id)
        return cid, OpChanges(categories=True)

    def rename_category(self, category_id: int, name: str) -> OpChanges:
        name = name.strip()
        if not name or "/" in name:
            raise ValidationError(
                "分类名称不能为空，也不能包含“/”", code="category_name_invalid", details={"name": name}
            )
        with self.transaction():
            self.category(category_id)
            try:
                self.conn.execute("UPDATE categories SET name = ? WHERE id = ?", (name, category_id))
            except sqlite3.IntegrityError as exc:
                raise ValidationError(
                    f"同一层级下已有同名分类: {name}", code="category_exists", details={"name": name}
                ) from exc
            self._categories = None
            ids = self._phrase_ids_in(self.descendant_ids(category_id))
            self._reindex(ids)
        return OpChanges(categories=True, phrases=set(ids))

    def move_category(
        self, category_id: int, parent_id: int | None, position: int | None = None
    ) -> OpChanges:
        """Move a category under another (None: top level) at a sibling position."""
        with self.transaction():
            moved = self.category(category_id)
            if parent_id is not None and parent_id in self.descendant_ids(category_id):
                raise ValidationError("不能把分类移动到它自己的子分类下", code="category_into_own_child")
            siblings = [
                c.id
                for c in sorted(self._category_map().values(), key=lambda c: (c.position, c.id))
                if c.parent_id == parent_id and c.id != category_id
            ]
            index = len(siblings) if position is None else max(0, min(position, len(siblings)))
            siblings.insert(index, category_id)
            try:
                self.conn.execute(
                    "UPDATE categories SET parent_id = ? WHERE id = ?", (parent_id, category_id)
                )
            except sqlite3.IntegrityError as exc:
                raise ValidationError(
                    "目标位置已有同名分类", code="category_exists_at_target", details={"name": moved.name}
                ) from exc
            for pos, cid in enumerate(siblings):
                self.conn.execute("UPDATE categories SET position = ? WHERE id = ?", (pos, cid))
            self._categories = None
            ids = self._phrase_ids_in(self.descendant_ids(category_id))
            self._reindex(ids)
        return OpChanges(categories=True, phrases=set(ids))

    def delete_category(self, category_id: int, *, with_phrases: bool = False) -> OpChanges:
        with self.transaction():
            ids = self._phrase_ids_in(self.descendant_ids(category_id))
            if ids and not with_phrases:
                raise ValidationError(
                    f"分类下还有 {len(ids)} 条话术，请先移走或一并删除",
                    code="category_not_empty",
                    details={"count": len(ids)},
                )
            if ids:
                self._remove_from_index(ids)
                self.conn.executemany("DELETE FROM phrases WHERE id = ?", [(i,) for i in ids])
            self.conn.execute("DELETE FROM categories WHERE id = ?", (category_id,))
            self._categories = None
        return OpChanges(categories=True, deleted_phrases=set(ids))

    def category_counts(self) -> dict[int, int]:
        """Phrases per category, including those in sub-categories."""
        direct = {
            r[0]: r[1] for r in self._rows("SELECT category_id, count(*) FROM phrases GROUP BY category_id")
        }
        cmap = self._category_map()
        totals = dict.fromkeys(cmap, 0)
        for cid, count in direct.items():
            node: int | None = cid
            while node is not None and node in cmap:
                totals[node] += count
                node = cmap[node].parent_id
        return totals

    def _phrase_ids_in(self, category_ids: Sequence[int]) -> list[int]:
        if not category_ids:
            return []
        marks = ",".join("?" * len(category_ids))
        return [
            r[0] for r in self._rows(f"SELECT id FROM phrases WHERE category_id IN ({marks})", category_ids)
        ]

    # -- phrases -----------------------------------------------------------------------------

    _PHRASE_COLS = (
        "id, uid, category_id, title, text, shortcut, tags, notes, favorite, use_count, last_used, "
        "position, origin, pack_id, pack_version, edited, created, updated"
    )

    def _phrase(self, row: sqlite3.Row) -> Phrase:
        cmap = self._category_map()
        cat = cmap.get(row["category_id"])
        return Phrase(
            id=row["id"],
            uid=row["uid"],
            category_id=row["category_id"],
            category=cat.path if cat else "",
            title=row["title"],
            text=row["text"],
            shortcut=row["shortcut"],
            tags=_json_list(row["tags"]),
            notes=row["notes"],
            favorite=bool(row["favorite"]),
            use_count=row["use_count"],
            last_used=row["last_used"],
            position=row["position"],
            origin=row["origin"],
            pack_id=row["pack_id"],
            pack_version=row["pack_version"],
            edited=bool(row["edited"]),
            created=row["created"],
            updated=row["updated"],
        )

    def phrase(self, phrase_id: int) -> Phrase:
        row = self._one(f"SELECT {self._PHRASE_COLS} FROM phrases WHERE id = ?", (phrase_id,))
        if row is None:
            raise NotFoundError(f"话术不存在: {phrase_id}", code="phrase_not_found", details={"id": phrase_id})
        return self._phrase(row)

    def phrase_by_uid(self, uid: str) -> Phrase | None:
        row = self._one(f"SELECT {self._PHRASE_COLS} FROM phrases WHERE uid = ?", (uid,))
        return self._phrase(row) if row else None

    def phrase_by_shortcut(self, shortcut: str) -> Phrase | None:
        """The phrase `shortcut` opens, however it is typed: `/qj`, `qj`, `／ｑｊ`.

        A shortcut stored before they were normalised (`qj`, from an older import or a pack) is
        found by its own spelling too.
        """
        raw = shortcut.strip().lower()
        if not raw:
            return None
        try:
            code = models.clean_shortcut(shortcut)
        except ValueError:
            code = None
        spellings = list(dict.fromkeys(c for c in (code, raw, code[1:] if code else None) if c))
        marks = ",".join("?" * len(spellings))
        row = self._one(
            f"SELECT {self._PHRASE_COLS} FROM phrases WHERE shortcut IN ({marks}) "
            "ORDER BY shortcut != ?, origin = 'pack', id LIMIT 1",
            (*spellings, spellings[0]),
        )
        return self._phrase(row) if row else None

    def phrases_by_ids(self, ids: Sequence[int]) -> list[Phrase]:
        """Phrases in the order of `ids` (missing ids are left out)."""
        if not ids:
            return []
        found: dict[int, Phrase] = {}
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f"SELECT {self._PHRASE_COLS} FROM phrases WHERE id IN ({marks})", chunk):
                found[row["id"]] = self._phrase(row)
        return [found[i] for i in ids if i in found]

    def phrases(
        self,
        category_id: int | None = None,
        *,
        recursive: bool = True,
        favorites: bool = False,
        limit: int | None = None,
    ) -> list[Phrase]:
        """Phrases in library order: category tree order, then position within the category."""
        order = {cat.id: index for index, cat in enumerate(self.categories())}
        where = []
        params: list[Any] = []
        if category_id is not None:
            ids = self.descendant_ids(category_id) if recursive else [category_id]
            where.append(f"category_id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if favorites:
            where.append("favorite = 1")
        sql = f"SELECT {self._PHRASE_COLS} FROM phrases"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._rows(sql, params)
        rows.sort(key=lambda r: (order.get(r["category_id"], 1 << 30), r["position"], r["id"]))
        result = [self._phrase(r) for r in rows]
        return result[:limit] if limit is not None else result

    def recent(self, limit: int = 30) -> list[Phrase]:
        rows = self._rows(
            f"SELECT {self._PHRASE_COLS} FROM phrases WHERE last_used IS NOT NULL "
            "ORDER BY last_used DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [self._phrase(r) for r in rows]

    def count_phrases(self) -> int:
        row = self._one("SELECT count(*) FROM phrases")
        return int(row[0]) if row else 0

    def _shortcut_owner(self, shortcut: str, exclude_id: int | None = None) -> sqlite3.Row | None:
        return self._one(
            "SELECT id, title FROM phrases WHERE shortcut = ? AND id IS NOT ? LIMIT 1", (shortcut, exclude_id)
        )

    def _next_position(self, category_id: int) -> int:
        row = self.conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM phrases WHERE category_id = ?", (category_id,)
        ).fetchone()
        return int(row[0])

    def _insert_phrase(
        self,
        category_id: int,
        title: str,
        text: str,
        *,
        shortcut: str | None,
        tags: Sequence[str],
        notes: str,
        favorite: bool = False,
        uid: str | None = None,
    ) -> int:
        stamp = now_iso()
        cursor = self.conn.execute(
            "INSERT INTO phrases (uid, category_id, title, text, shortcut, tags, notes, favorite, position, "
            "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid or _new_uid(),
                category_id,
                title,
                text,
                shortcut,
                _dump(tags),
                notes,
                int(favorite),
                self._next_position(category_id),
                stamp,
                stamp,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _validate_phrase(
        self, title: str, text: str, shortcut: str | None, exclude_id: int | None
    ) -> tuple[str, str, str | None]:
        title = title.strip()
        if not title:
            raise ValidationError("标题不能为空", code="title_empty")
        if not text.strip():
            raise ValidationError("内容不能为空", code="text_empty")
        for value in (title, text):
            problem = _unstorable_code(value)
            if problem:
                raise ValidationError(f"内容{_UNSTORABLE[problem]}", code=problem)
        check_template(text)
        code = normalize_shortcut(shortcut)
        if code is not None:
            owner = self._shortcut_owner(code, exclude_id)
            if owner is not None:
                raise ValidationError(
                    f"快捷编码 {code} 已被“{owner['title']}”使用",
                    code="shortcut_taken",
                    details={"shortcut": code, "title": owner["title"]},
                )
        return title, text, code

    def add_phrase(
        self,
        category: str | int,
        title: str,
        text: str,
        *,
        shortcut: str | None = None,
        tags: Sequence[str] = (),
        notes: str = "",
        favorite: bool = False,
    ) -> OpChanges:
        """Add a personal phrase; the new id is the only member of the returned `phrases`."""
        with self.transaction():
            title, text, code = self._validate_phrase(title, text, shortcut, None)
            cid = self.category(category).id if isinstance(category, int) else self.ensure_category(category)
            pid = self._insert_phrase(
                cid,
                title,
                text,
                shortcut=code,
                tags=_clean_tags(tags),
                notes=notes.strip(),
                favorite=favorite,
            )
            self._reindex([pid])
        return OpChanges(phrases={pid}, categories=isinstance(category, str))

    def update_phrase(self, phrase_id: int, **fields: Any) -> OpChanges:
        """Change title, text, shortcut, tags, notes, favorite or category (path or id)."""
        allowed = {"title", "text", "shortcut", "tags", "notes", "favorite", "category"}
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"unknown phrase fields: {sorted(unknown)}")
        with self.transaction():
            current = self.phrase(phrase_id)
            content_fields = {"title", "text", "shortcut", "tags", "notes", "category"}
            if current.read_only and content_fields & set(fields):
                raise ValidationError(
                    "团队话术包中的话术为只读，请复制到个人话术后再修改", code="team_phrase_read_only_edit"
                )
            title, text, code = self._validate_phrase(
                fields.get("title", current.title),
                fields.get("text", current.text),
                fields.get("shortcut"),
                phrase_id,
            )
            if "shortcut" not in fields:
                # Left as stored: a shortcut from before the stricter rule must not block an edit.
                code = current.shortcut
            changes = OpChanges(phrases={phrase_id})
            category_id = current.category_id
            if "category" in fields:
                target = fields["category"]
                category_id = (
                    self.category(target).id if isinstance(target, int) else self.ensure_category(target)
                )
                changes.categories = True
            position = current.position
            if category_id != current.category_id:
                position = self._next_position(category_id)
            self.conn.execute(
                "UPDATE phrases SET category_id = ?, title = ?, text = ?, shortcut = ?, tags = ?, notes = ?, "
                "favorite = ?, position = ?, updated = ? WHERE id = ?",
                (
                    category_id,
                    title,
                    text,
                    code,
                    _dump(_clean_tags(fields.get("tags", current.tags))),
                    str(fields.get("notes", current.notes)).strip(),
                    int(bool(fields.get("favorite", current.favorite))),
                    position,
                    now_iso(),
                    phrase_id,
                ),
            )
            self._reindex([phrase_id])
        return changes

    def move_phrase(self, phrase_id: int, category_id: int, position: int | None = None) -> OpChanges:
        """Drag and drop: put a phrase in a category at a position among its siblings."""
        with self.transaction():
            current = self.phrase(phrase_id)
            if current.read_only and category_id != current.category_id:
                raise ValidationError(
                    "团队话术包中的话术为只读，请复制到个人话术后再移动", code="team_phrase_read_only_move"
                )
            self.category(category_id)
            siblings = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM phrases WHERE category_id = ? AND id != ? ORDER BY position, id",
                    (category_id, phrase_id),
                )
            ]
            index = len(siblings) if position is None else max(0, min(position, len(siblings)))
            siblings.insert(index, phrase_id)
            self.conn.execute("UPDATE phrases SET category_id = ? WHERE id = ?", (category_id, phrase_id))
            self.conn.executemany(
                "UPDATE phrases SET position = ? WHERE id = ?",
                [(pos, pid) for pos, pid in enumerate(siblings)],
            )
            self._reindex([phrase_id])
        return OpChanges(phrases={phrase_id})

    def delete_phrase(self, phrase_id: int) -> OpChanges:
        with self.transaction():
            current = self.phrase(phrase_id)
            if current.read_only:
                raise ValidationError("团队话术包中的话术为只读，不能删除", code="team_phrase_read_only_delete")
            self._remove_from_index([phrase_id])
            self.conn.execute("DELETE FROM phrases WHERE id = ?", (phrase_id,))
        return OpChanges(deleted_phrases={phrase_id})

    def duplicate_phrase(
        self,
        phrase_id: int,
        category: str | int | None = None,
        *,
        copy_title: Callable[[str, int], str] | None = None,
    ) -> OpChanges:
        """Copy a phrase (typically a read-only pack phrase) into the agent's personal library.

        A title already taken gets a copy marker: copy_title(title, n) for the n-th copy (n >= 2),
        so the app can word it in its own language; by default "标题（副本）", "标题（副本3）".
        """
        with self.transaction():
            source = self.phrase(phrase_id)
            if category is None:
                cid = source.category_id
            elif isinstance(category, int):
                cid = self.category(category).id
            else:
                cid = self.ensure_category(category)
            title = source.title
            existing = {
                r[0] for r in self.conn.execute("SELECT title FROM phrases WHERE category_id = ?", (cid,))
            }
            suffix = 1
            while title in existing:
                suffix += 1
                if copy_title is not None:
                    title = copy_title(source.title, suffix)
                else:
                    title = f"{source.title}（副本{suffix if suffix > 2 else ''}）"
            pid = self._insert_phrase(
                cid, title, source.text, shortcut=None, tags=source.tags, notes=source.notes
            )
            self._reindex([pid])
        return OpChanges(phrases={pid})

    def set_favorite(self, phrase_id: int, favorite: bool) -> OpChanges:
        with self.transaction():
            self.phrase(phrase_id)
            self.conn.execute("UPDATE phrases SET favorite = ? WHERE id = ?", (int(favorite), phrase_id))
            self._reindex([phrase_id])
        return OpChanges(phrases={phrase_id})

    def record_use(self, phrase_id: int, when: datetime | None = None) -> OpChanges:
        """Count a copy of the phrase: search ranks what each agent reaches for."""
        stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        with self.transaction():
            self.phrase(phrase_id)
            self.conn.execute(
                "UPDATE phrases SET use_count = use_count + 1, last_used = ? WHERE id = ?", (stamp, phrase_id)
            )
            self._reindex([phrase_id])
        return OpChanges(phrases={phrase_id})

    def restore_usage(self, phrase_id: int, use_count: int, last_used: str | None) -> OpChanges:
        """Put back how often and when a phrase was used (undoing its delete must keep its ranking)."""
        with self.transaction():
            self.phrase(phrase_id)
            self.conn.execute(
                "UPDATE phrases SET use_count = ?, last_used = ? WHERE id = ?",
                (max(0, int(use_count)), last_used, phrase_id),
            )
            self._reindex([phrase_id])
        return OpChanges(phrases={phrase_id})

    # -- search index ------------------------------------------------------------------------

    def _reindex(self, ids: Sequence[int]) -> None:
        from huashu.storage import search_index

        search_index.reindex(self.conn, ids)

    def _remove_from_index(self, ids: Sequence[int]) -> None:
        from huashu.storage import search_index

        search_index.remove(self.conn, ids)

    def search(self, query: str, *, limit: int = 20, category_ids: Sequence[int] | None = None) -> list[Any]:
        """Ranked phrases for what the agent typed (keywords, pinyin, shortcut, traditional)."""
        from huashu.storage import search_index

        with self._lock:
            return list(search_index.search(self.conn, query, limit=limit, category_ids=category_ids))

    def suggest(self, text: str, *, limit: int = 5) -> list[Any]:
        """The best replies for a customer's message, with the words that matched."""
        from huashu.storage import search_index

        with self._lock:
            return list(search_index.suggest(self.conn, text, limit=limit))

    # -- import and export -------------------------------------------------------------------

    def import_file(
        self,
        path: Path | str,
        *,
        dry_run: bool = False,
        backup: bool = True,
        progress: ImportProgress | None = None,
        journal: ImportUndo | None = None,
    ) -> ImportReport:
        """Import a CSV/XLSX sheet; a file that cannot be read raises SpreadsheetError, writing nothing.

        Every visible worksheet of a workbook with the phrase columns is imported; rows are then
        told by sheet and row ("工作表“售后”第 3 行"). An import that will write anything (adds or
        changes phrases) first backs the library up ("pre-import"), so a lead's sheet can always
        be taken back; a re-import of the same sheet ("未变") takes none, so the ten kept backups
        are not pushed out by imports that wrote nothing.

        `progress` is told each stage (see `ImportProgress`) and may cancel; `journal` is filled
        with what the import wrote, for `undo_import`.
        """
        from huashu.core.spreadsheet import read_phrase_sheet  # csv/zip readers: not on the start path

        if progress is not None:
            progress("read", 0, 0)
        sheet = read_phrase_sheet(path, all_sheets=True)
        taken = ""

        def back_up() -> None:
            nonlocal taken
            from huashu.storage.packs import make_backup

            if progress is not None:
                progress("backup", 0, 0)
            taken = str(make_backup(self, reason="pre-import"))

        wants_backup = backup and not dry_run and self.path is not None
        try:
            report = self.import_rows(
                sheet.rows,
                dry_run=dry_run,
                progress=progress,
                journal=journal,
                before_write=back_up if wants_backup else None,
            )
        except BaseException:
            # Cancelled or failed after the backup: the transaction left the library as it was,
            # so that backup only copies it and would push a useful older one out later.
            if taken:
                with contextlib.suppress(OSError):
                    Path(taken).unlink()
            raise
        report.backup = taken
        report.skipped = sorted(sheet.problems + report.skipped, key=_report_order)
        report.warnings = sorted(sheet.notes + report.warnings, key=_report_order)
        # An XLSX has no text encoding to tell (the report said "编码 xlsx").
        report.encoding = sheet.encoding if sheet.format == "csv" else ""
        report.ignored_columns = sheet.ignored_columns
        return report

    def _phrases_by_key(self) -> dict[tuple[str, str], sqlite3.Row]:
        """The columns an import compares, by (category path, title): the key a sheet row matches."""
        cmap = self._category_map()
        existing: dict[tuple[str, str], sqlite3.Row] = {}
        for row in self.conn.execute(
            "SELECT id, category_id, title, text, shortcut, tags, notes, origin, uid, updated FROM phrases"
        ).fetchall():
            cat = cmap.get(row[1])
            if cat is not None:
                existing[(cat.path, row[2])] = row
        return existing

    def import_rows(
        self,
        rows: Sequence[tuple[int, PhraseRow]],
        *,
        dry_run: bool = False,
        uid_for: Any = None,
        progress: ImportProgress | None = None,
        journal: ImportUndo | None = None,
        before_write: Callable[[], None] | None = None,
    ) -> ImportReport:
        """Add new phrases and update changed ones, matched by (category path, title).

        All or nothing: either every accepted row is written in one transaction or none is (a
        cancel from `progress` included). The rows are checked first, reading only; a dry run
        stops there, and so does an import that would write nothing. Otherwise `before_write`
        runs (the backup), then the writes, in one transaction.
        """
        if not dry_run and self.read_only:
            raise LibraryReadOnlyError(READ_ONLY_MESSAGE, code="read_only")
        with self._lock:
            version = self._data_version()
            self._categories = None  # another program may have added some since they were read
            report, planned = self._plan_import(rows, progress, dry_run=dry_run)
            if dry_run or not planned:
                return report
            if before_write is not None:
                before_write()
            with self.transaction():
                if self._data_version() != version:
                    # Another program wrote since the rows were checked: check them against what is there now.
                    self._categories = None
                    report, planned = self._plan_import(rows, progress, dry_run=dry_run)
                self._apply_import(planned, report, uid_for, progress, journal)
        if journal is not None:
            journal.rows = list(rows)
        return report

    def redo_import(self, journal: ImportUndo, progress: ImportProgress | None = None) -> ImportReport:
        """Import the rows of an import taken back by `undo_import` again, each added phrase under
        the uid it had; `journal` then records this import (its categories may have new ids)."""
        uids = {(category, title): uid for uid, category, title in journal.added}
        journal.added, journal.changed, journal.categories = [], [], []
        return self.import_rows(
            journal.rows,
            uid_for=lambda row: uids.get((row.category, row.title)),
            progress=progress,
            journal=journal,
        )

    def _data_version(self) -> int:
        """Changes when another connection commits to the file (never for this one's own writes)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _plan_import(
        self, rows: Sequence[tuple[int, PhraseRow]], progress: ImportProgress | None, *, dry_run: bool
    ) -> tuple[ImportReport, list[_Planned]]:
        """Check every row against the library, reading only: the report, and the rows to write.

        Each report line is also told by a code and details (CodedText), for a UI in another language.
        """
        from huashu.core.spreadsheet import CodedText, row_details  # imports only

        report = ImportReport(dry_run=dry_run)
        existing = _PhraseKeys(self._phrases_by_key())
        titles = {r[0]: r[1] for r in self.conn.execute("SELECT id, title FROM phrases")}
        shortcuts: dict[str, int] = {
            r[0]: r[1]
            for r in self.conn.execute("SELECT shortcut, id FROM phrases WHERE shortcut IS NOT NULL")
        }
        claimed: dict[str, int] = {}  # shortcut -> the row of this import that took it
        seen: dict[tuple[str, str], tuple[int, str]] = {}  # (category, folded title) -> (row, title)
        written: list[tuple[int, str]] = []  # (row number, text) of what is added or changed
        prepared: list[tuple[int, PhraseRow, str, str | None, sqlite3.Row | None]] = []
        total = len(rows)
        for index, (line, item) in enumerate(rows):
            if progress is not None and index % PROGRESS_STEP == 0:
                progress("check", index, total)
            key = (item.category, models.fold_title(item.title))
            if key in seen:
                first_line, first_title = seen[key]
                if first_title == item.title:
                    duplicate = CodedText(
                        f"与{row_label(first_line)}重复（同一分类下同名标题）",
                        code="row_duplicate",
                        details=row_details(first_line),
                    )
                else:
                    duplicate = CodedText(
                        f"与{row_label(first_line)}重复（标题与“{first_title}”只差全角/半角写法）",
                        code="row_duplicate_width",
                        details={**row_details(first_line), "title": first_title},
                    )
                report.skipped.append((line, duplicate))
                continue
            seen[key] = (line, item.title)
            problem = next(
                (
                    p
                    for p in map(_unstorable_code, (item.category, item.title, item.text, item.notes, *item.tags))
                    if p
                ),
                None,
            )
            if problem:
                text = f"单元格{_UNSTORABLE[problem]}"
                if problem == "nul_character":
                    report.skipped.append((line, CodedText(text, code="cell_nul_character")))
                else:
                    report.skipped.append((line, CodedText(text, code="cell_unpaired_surrogate")))
                continue
            if not normalize_category_path(item.category):
                report.skipped.append((line, CodedText("分类不能为空", code="category_empty")))
                continue
            # Markers are converted around the fields a text already has; a text with a bracket
            # error is left for validate() to report rather than have its brackets escaped.
            converted = placeholders.convert_markers(item.text)
            text = item.text
            if converted.fields:
                text = converted.text
                names = [f"{f.marker}→[{f.name}]" for f in converted.fields]
                report.converted.append(
                    (
                        line,
                        CodedText(
                            f"旧式占位符已转换: {'、'.join(names)}", code="markers_converted", details={"fields": names}
                        ),
                    )
                )
            issues = placeholders.validate(text)
            if issues:
                first = issues[0]
                # Told as the library tells a phrase it refuses (check_template), so it is worded alike.
                wrong = CodedText(
                    f"占位符错误（第 {first.position + 1} 个字符）: {first.message_zh}",
                    code="placeholder",
                    details={"position": first.position + 1, "issue": first.code, **dict(first.details)},
                )
                report.skipped.append((line, wrong))
                continue
            current = existing.get(item.category, item.title)
            shortcut_problem: str | None = None
            try:
                code = normalize_shortcut(item.shortcut)
            except ValidationError as exc:
                shortcut_problem = CodedText(
                    f"{exc}；已忽略快捷编码", code="shortcut_invalid_ignored", details=exc.details
                )
                code = None
            if current is not None and current[7] == "pack":
                # An exported sheet carries the team pack's phrases: as they are, they are simply
                # unchanged; only a row that would change one (read-only) is refused.
                if _same_content(current, text, code, _clean_tags(item.tags), item.notes, pack=True):
                    report.unchanged += 1
                else:
                    report.skipped.append((line, CodedText(PACK_PHRASE_CHANGED, code="pack_phrase_changed")))
                continue
            if shortcut_problem:
                report.warnings.append((line, shortcut_problem))
            note = models.shortcut_change_note(item.shortcut, code)
            if note:
                changed = {"given": (item.shortcut or "").strip(), "shortcut": code}
                report.warnings.append((line, CodedText(note, code="shortcut_changed", details=changed)))
            prepared.append((line, item, text, code, current))
        # Shortcuts the phrases of this import give up are free for its other rows: one import
        # swaps /a and /b between two phrases (in row order, the second would find it taken).
        releasing = {
            current[4]: current[0]
            for _line, _item, _text, code, current in prepared
            if current is not None and current[4] and current[4] != code
        }
        for code_released, pid in releasing.items():
            if shortcuts.get(code_released) == pid:
                del shortcuts[code_released]
        planned: list[_Planned] = []
        for line, item, text, code, current in prepared:
            own = current[0] if current is not None else None
            if code is not None and code in claimed:
                taken = CodedText(
                    f"快捷编码 {code} 已被{row_label(claimed[code])}使用，已忽略",
                    code="shortcut_taken_by_row",
                    details={"shortcut": code, **row_details(claimed[code])},
                )
                report.warnings.append((line, taken))
                code = None
            elif code is not None and shortcuts.get(code) not in (None, own):
                owner = titles.get(shortcuts[code], "")
                taken = CodedText(
                    f"快捷编码 {code} 已被“{owner}”使用，已忽略",
                    code="shortcut_taken_ignored",
                    details={"shortcut": code, "title": owner},
                )
                report.warnings.append((line, taken))
                code = None
            tags = _clean_tags(item.tags)
            if current is not None:
                if _same_content(current, text, code, tags, item.notes):
                    report.unchanged += 1
                    if code is not None:
                        claimed[code] = line
                    continue
                report.updated += 1
                # The library's title: a sheet's `(新)` updates the phrase whose title is `（新）`.
                report.updated_rows.append((line, f"{item.category} › {current[2]}"))
            else:
                report.added += 1
            if code is not None:
                claimed[code] = line
            planned.append(_Planned(item, text, code, tags, current))
            written.append((line, text))
        if progress is not None:
            progress("check", total, total)
        report.skipped.sort(key=_report_order)
        report.warnings.sort(key=_report_order)
        self._warn_forbidden(written, report)
        return report, planned

    def _apply_import(
        self,
        planned: Sequence[_Planned],
        report: ImportReport,
        uid_for: Any,
        progress: ImportProgress | None,
        journal: ImportUndo | None,
    ) -> None:
        """Write the checked rows; inside the import's transaction."""
        before = {c.path for c in self._category_map().values()} if journal is not None else set()
        touched: list[int] = []
        total = len(planned)
        for index, row in enumerate(planned):
            if progress is not None and index % PROGRESS_STEP == 0:
                progress("write", index, total)
            current = row.current
            if current is not None:
                self.conn.execute(
                    "UPDATE phrases SET text = ?, shortcut = ?, tags = ?, notes = ?, updated = ? "
                    "WHERE id = ?",
                    (row.text, row.code, _dump(row.tags), row.item.notes, now_iso(), current[0]),
                )
                if journal is not None:
                    journal.changed.append((current[8], current[3], current[4], current[5], current[6], current[9]))
                touched.append(current[0])
                continue
            cid = self.ensure_category(row.item.category)
            uid = (uid_for(row.item) if uid_for is not None else None) or _new_uid()
            pid = self._insert_phrase(
                cid, row.item.title, row.text, shortcut=row.code, tags=row.tags, notes=row.item.notes, uid=uid
            )
            if journal is not None:
                journal.added.append((uid, row.item.category, row.item.title))
            touched.append(pid)
        if journal is not None:
            journal.categories = [(c.id, c.path) for c in self.categories() if c.path not in before]
        # Indexing (segmenting, pinyin) is most of an import's time: in steps, so progress moves.
        for start in range(0, len(touched), INDEX_STEP):
            if progress is not None:
                progress("index", start, total)
            self._reindex(touched[start : start + INDEX_STEP])
        if progress is not None:
            progress("index", total, total)
        report.changes = OpChanges(phrases=set(touched), categories=bool(report.added))

    def undo_import(self, journal: ImportUndo) -> OpChanges:
        """Take an import back as one step: delete the phrases it added, put back the text,
        shortcut, tags and notes of those it changed, and remove the categories it created once
        they are empty again. One transaction; phrases no longer there are passed over."""
        with self.transaction():
            added = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM phrases WHERE origin = 'personal' AND uid IN (SELECT value FROM json_each(?))",
                    (json.dumps([uid for uid, _category, _title in journal.added]),),
                )
            ]
            if added:
                self._remove_from_index(added)
                self.conn.execute(
                    "DELETE FROM phrases WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(added),)
                )
            by_uid = {
                r[0]: r[1]
                for r in self.conn.execute(
                    "SELECT uid, id FROM phrases WHERE uid IN (SELECT value FROM json_each(?))",
                    (json.dumps([item[0] for item in journal.changed]),),
                )
            }
            self.conn.executemany(
                "UPDATE phrases SET text = ?, shortcut = ?, tags = ?, notes = ?, updated = ? WHERE uid = ?",
                [(text, code, tags, notes, updated, uid) for uid, text, code, tags, notes, updated in journal.changed],
            )
            changed = [by_uid[item[0]] for item in journal.changed if item[0] in by_uid]
            self._reindex(changed)
            for _old_id, path in reversed(journal.categories):  # children before their parents
                cat = self.category_by_path(path)
                if cat is None:
                    continue
                busy = self.conn.execute(
                    "SELECT EXISTS (SELECT 1 FROM phrases WHERE category_id = ?) "
                    "OR EXISTS (SELECT 1 FROM categories WHERE parent_id = ?)",
                    (cat.id, cat.id),
                ).fetchone()[0]
                if not busy:
                    self.conn.execute("DELETE FROM categories WHERE id = ?", (cat.id,))
                    self._categories = None
        return OpChanges(phrases=set(changed), deleted_phrases=set(added), categories=True)

    def _warn_forbidden(self, rows: Sequence[tuple[int, str]], report: ImportReport) -> None:
        """Name the imported phrases that break the library's own rules (they are imported all the same).

        A lead's sheet is the team's approved wording: a 服务忌语 in it would reach every seat, and
        the editor would only show it to whoever opens that phrase.
        """
        if not rows:
            return
        from huashu.core.checker import forbidden_words
        from huashu.core.spreadsheet import CodedText

        for index, words in forbidden_words(self.rules(include_disabled=False), (text for _, text in rows)):
            warning = CodedText(
                f"含服务忌语: {'、'.join(words)}（已导入，请修改）",
                code="forbidden_words_imported",
                details={"words": list(words)},
            )
            report.warnings.append((rows[index][0], warning))
        report.warnings.sort(key=_report_order)

    def export_rows(self, category_id: int | None = None) -> list[PhraseRow]:
        return [row for row, _pack in self.export_rows_with_sources(category_id)]

    def export_rows_with_sources(self, category_id: int | None = None) -> list[tuple[PhraseRow, str]]:
        """Every phrase as a sheet row, with the name of the team pack it belongs to ("" for the
        agent's own): an export marks pack phrases so a lead editing it knows they are read-only."""
        packs = {r[0]: r[1] for r in self._rows("SELECT id, name FROM packs")}
        return [
            (
                PhraseRow(
                    category=p.category,
                    title=p.title,
                    text=p.text,
                    shortcut=p.shortcut,
                    tags=p.tags,
                    notes=p.notes,
                ),
                (packs.get(p.pack_id or "") or p.pack_id or "团队话术包") if p.read_only else "",
            )
            for p in self.phrases(category_id)
        ]

    # -- defaults ----------------------------------------------------------------------------

    def load_defaults(self) -> ImportReport:
        """Fill a new library with the embedded default phrases and rules."""
        from huashu.core.spreadsheet import read_phrase_sheet

        sheet = read_phrase_sheet(resource("library", "default_library.csv"))
        if sheet.problems:
            raise LibraryError(f"内置话术库有错误: {sheet.problems[:3]}")
        with self.transaction():
            report = self.import_rows(sheet.rows, uid_for=lambda row: default_uid(row.category, row.title))
            if report.skipped:
                raise LibraryError(f"内置话术库有错误: {report.skipped[:3]}")
            from huashu.core.checker import load_default_rules

            self.replace_rules(load_default_rules())
        return report

    # -- profile and settings ----------------------------------------------------------------

    def profile(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._rows("SELECT key, value FROM profile ORDER BY key")}

    def set_profile(self, values: Mapping[str, str | None]) -> OpChanges:
        """Set (or, with an empty value, clear) profile values such as 名字 and 工号."""
        with self.transaction():
            for raw_key, value in values.items():
                key = PROFILE_ALIASES.get(raw_key.strip().lower(), raw_key.strip())
                if not key or any(ch in key for ch in "[]:=|\n"):
                    raise ValidationError(
                        f"资料名称无效: {raw_key!r}", code="profile_key_invalid", details={"key": raw_key}
                    )
                if value is None or not value.strip():
                    self.conn.execute("DELETE FROM profile WHERE key = ?", (key,))
                else:
                    self.conn.execute(
                        "INSERT INTO profile (key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value.strip()),
                    )
        return OpChanges(profile=True)

    def builtin_values(self, now: datetime | None = None) -> dict[str, str]:
        """Values for built-in fields: profile entries (under their own names too) and the clock."""
        profile = self.profile()
        values = dict(profile)
        values.update(placeholders.builtin_values(profile, now or datetime.now().astimezone()))
        return values

    def setting(self, key: str, default: Any = None) -> Any:
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> OpChanges:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )
        return OpChanges(settings=True)

    # -- rules -------------------------------------------------------------------------------

    def rules(self, *, include_disabled: bool = True) -> list[Rule]:
        sql = (
            "SELECT uid, patterns, is_regex, severity, category, suggestions, allow, note, must_flag, "
            "must_not_flag, enabled, origin, pack_id FROM rules"
        )
        if not include_disabled:
            sql += " WHERE enabled = 1"
        return [
            Rule(
                uid=r["uid"],
                patterns=_json_list(r["patterns"]),
                is_regex=bool(r["is_regex"]),
                severity=r["severity"],
                category=r["category"],
                suggestions=_json_list(r["suggestions"]),
                allow=_json_list(r["allow"]),
                note=r["note"],
                must_flag=_json_list(r["must_flag"]),
                must_not_flag=_json_list(r["must_not_flag"]),
                enabled=bool(r["enabled"]),
                origin=r["origin"],
                pack_id=r["pack_id"],
            )
            for r in self._rows(sql + " ORDER BY position, id")
        ]

    def _insert_rule(self, rule: Rule, position: int) -> None:
        self.conn.execute(
            "INSERT INTO rules (uid, patterns, is_regex, severity, category, suggestions, allow, note, "
            "must_flag, must_not_flag, enabled, origin, pack_id, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rule.uid,
                _dump(rule.patterns),
                int(rule.is_regex),
                rule.severity,
                rule.category,
                _dump(rule.suggestions),
                _dump(rule.allow),
                rule.note,
                _dump(rule.must_flag),
                _dump(rule.must_not_flag),
                int(rule.enabled),
                rule.origin,
                rule.pack_id,
                position,
            ),
        )

    def replace_rules(
        self, rules: Iterable[Rule], *, origin: str = "personal", pack_id: str | None = None
    ) -> OpChanges:
        """Replace every rule of one origin (personal, or one pack) in one transaction."""
        with self.transaction():
            self.conn.execute("DELETE FROM rules WHERE origin = ? AND pack_id IS ?", (origin, pack_id))
            base = self.conn.execute("SELECT coalesce(max(position) + 1, 0) FROM rules").fetchone()[0]
            for offset, rule in enumerate(rules):
                if not rule.patterns:
                    raise ValidationError(
                        f"规则 {rule.uid} 没有匹配词", code="rule_without_patterns", details={"uid": rule.uid}
                    )
                try:
                    self._insert_rule(rule, base + offset)
                except sqlite3.IntegrityError as exc:
                    raise ValidationError(
                        f"规则编号重复: {rule.uid}", code="rule_uid_taken", details={"uid": rule.uid}
                    ) from exc
        return OpChanges(rules=True)

    def save_rule(self, rule: Rule) -> OpChanges:
        """Insert or replace one rule by uid."""
        with self.transaction():
            row = self.conn.execute("SELECT position FROM rules WHERE uid = ?", (rule.uid,)).fetchone()
            if row is not None:
                self.conn.execute("DELETE FROM rules WHERE uid = ?", (rule.uid,))
                position = row[0]
            else:
                position = self.conn.execute("SELECT coalesce(max(position) + 1, 0) FROM rules").fetchone()[0]
            if not rule.patterns:
                raise ValidationError("规则至少需要一个匹配词", code="rule_needs_pattern")
            self._insert_rule(rule, position)
        return OpChanges(rules=True)

    def delete_rule(self, uid: str) -> OpChanges:
        with self.transaction():
            cursor = self.conn.execute("DELETE FROM rules WHERE uid = ?", (uid,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"规则不存在: {uid}", code="rule_not_found", details={"uid": uid})
        return OpChanges(rules=True)

    # -- synonyms ----------------------------------------------------------------------------

    def synonym_groups(self) -> list[tuple[str, ...]]:
        return [_json_list(r[0]) for r in self._rows("SELECT terms FROM synonyms ORDER BY id")]

    def replace_synonyms(
        self, groups: Iterable[Sequence[str]], *, origin: str = "personal", pack_id: str | None = None
    ) -> OpChanges:
        with self.transaction():
            self.conn.execute("DELETE FROM synonyms WHERE origin = ? AND pack_id IS ?", (origin, pack_id))
            for group in groups:
                terms = [t.strip() for t in group if t.strip()]
                if len(terms) >= 2:
                    self.conn.execute(
                        "INSERT INTO synonyms (terms, origin, pack_id) VALUES (?, ?, ?)",
                        (_dump(terms), origin, pack_id),
                    )
        return OpChanges(synonyms=True)

    # -- maintenance -------------------------------------------------------------------------

    def backup_to(self, target: Path) -> Path:
        """A consistent copy of the library (SQLite's online backup), written then renamed into place."""
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{target.name}.partial")
        staging.unlink(missing_ok=True)
        with self._lock:
            dest = sqlite3.connect(staging)
            try:
                self.conn.backup(dest)
            finally:
                dest.close()
        os.replace(staging, target)
        return target

    def integrity_problems(self, *, quick: bool = True) -> list[str]:
        pragma = "quick_check" if quick else "integrity_check"
        rows = self._rows(f"PRAGMA {pragma}")
        problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
        problems += [f"foreign key: {tuple(r)}" for r in self._rows("PRAGMA foreign_key_check")]
        return problems

    def schema_version(self) -> int:
        row = self._one("PRAGMA user_version")
        return int(row[0]) if row else 0


def _clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for tag in tags:
        tag = str(tag).strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def _report_order(item: tuple[int, str]) -> tuple[int, int, str]:
    """Report rows sheet by sheet, then by row (a row's own messages keep their order)."""
    sheet, line = row_order(item[0])
    return (sheet, line, "")


class _PhraseKeys:
    """The library's phrases by (category path, title) as an imported row finds its phrase.

    The exact title first; otherwise the title compared with full-width and half-width forms
    folded (`退款进度(新)` finds `退款进度（新）`) when exactly one phrase of the category folds to it.
    """

    def __init__(self, exact: dict[tuple[str, str], sqlite3.Row]) -> None:
        self.exact = exact
        self.folded: dict[tuple[str, str], sqlite3.Row | None] = {}
        for (category, title), row in exact.items():
            key = (category, models.fold_title(title))
            # Two phrases folding alike (both spellings kept apart on purpose): match exactly only.
            self.folded[key] = None if key in self.folded else row

    def get(self, category: str, title: str) -> sqlite3.Row | None:
        found = self.exact.get((category, title))
        if found is None:
            found = self.folded.get((category, models.fold_title(title)))
        return found


def _same_content(
    current: sqlite3.Row, text: str, code: str | None, tags: tuple[str, ...], notes: str, *, pack: bool = False
) -> bool:
    """Whether a sheet row says what a phrase (a `_phrases_by_key` row) already says.

    For a team pack's phrase, outer blanks do not count: the import strips every cell, and a pack
    built elsewhere may keep them, so its own exported row would otherwise read as a change.
    """
    stored_text, stored_notes = str(current[3]), str(current[6])
    if pack:
        stored_text, text = stored_text.strip(), text.strip()
        stored_notes, notes = stored_notes.strip(), notes.strip()
    same_fields = current[4] == code and _json_list(current[5]) == tags
    return same_fields and stored_text == text and stored_notes == notes


@dataclass(frozen=True)
class _Planned:
    """A checked row that will be written: added (no `current`) or changing the phrase `current`."""

    item: PhraseRow
    text: str
    code: str | None
    tags: tuple[str, ...]
    current: sqlite3.Row | None
