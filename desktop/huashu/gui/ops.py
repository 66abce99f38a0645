"""Background operations on the library: one worker thread, results and friendly errors on the GUI thread."""

from __future__ import annotations

import itertools
import logging
import sqlite3
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from huashu.core.coded import CodedError
from huashu.core.models import ImportReport, OpChanges
from huashu.gui.qt import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
from huashu.storage.library import Library

log = logging.getLogger(__name__)

T = TypeVar("T")

# Initiators let a view skip refreshing for changes it made itself (Anki's `handler` argument).
Initiator = object | None


@dataclass
class OpError:
    """A failed operation: the exception and a message a person understands."""

    exception: BaseException
    message: str
    details: str


def _worded_errors() -> tuple[type[BaseException], ...]:
    """The errors whose text is already worded for people (libraries, sheets, packs)."""
    from huashu.core.packs import PackError
    from huashu.core.spreadsheet import SpreadsheetError
    from huashu.storage.library import LibraryError, ValidationError

    return (LibraryError, ValidationError, SpreadsheetError, PackError)


def expected_error(exc: BaseException) -> bool:
    """A failure the user caused or can fix (a bad file, a refused edit, a busy or read-only library)."""
    from huashu.core.placeholders import PlaceholderError
    from huashu.storage.library import NotFoundError

    return isinstance(exc, (*_worded_errors(), PlaceholderError, NotFoundError, OSError))


def friendly_error(exc: BaseException) -> str:
    """A message for the user, never a traceback; library and spreadsheet errors are already worded for people.

    The library words its errors in Chinese (for the command line); in another UI language those
    with a code are worded here from it.
    """
    from huashu.core.placeholders import PlaceholderError
    from huashu.gui.i18n import speaks_chinese
    from huashu.storage.library import NotFoundError

    if isinstance(exc, CodedError) and exc.code is not None and not speaks_chinese():
        from huashu.gui.errors import storage_message  # the wordings load only for another language

        worded = storage_message(exc)
        if worded is not None:
            return worded
    if isinstance(exc, _worded_errors()):
        return str(exc)
    if isinstance(exc, NotFoundError):
        return QCoreApplication.translate(
            "ops", "It no longer exists (it may have been deleted): {0}"
        ).format(exc)
    if isinstance(exc, PlaceholderError):
        first = exc.issues[0] if exc.issues else None
        if first is None:
            return str(exc)
        from huashu.gui.i18n import placeholder_message

        return placeholder_message(first)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return QCoreApplication.translate(
            "ops", "The phrase library is busy in another program. Please try again in a moment."
        )
    if isinstance(exc, sqlite3.DatabaseError):
        return QCoreApplication.translate(
            "ops", "The phrase library file could not be used ({0}). Your last change was not saved."
        ).format(exc)
    if isinstance(exc, PermissionError):
        return QCoreApplication.translate("ops", "Permission denied: {0}").format(exc.filename or exc)
    if isinstance(exc, FileNotFoundError):
        return QCoreApplication.translate("ops", "File not found: {0}").format(exc.filename or exc)
    if isinstance(exc, OSError):
        return QCoreApplication.translate("ops", "The file could not be read or written: {0}").format(
            exc.strerror or exc
        )
    return QCoreApplication.translate(
        "ops", "Something went wrong ({0}). Please try again; if it keeps happening, tell your team lead."
    ).format(type(exc).__name__)


def changes_of(result: object) -> OpChanges | None:
    """The OpChanges an operation returned, directly, inside a tuple, or in an ImportReport."""
    if isinstance(result, OpChanges):
        return result
    if isinstance(result, ImportReport):
        return None if result.dry_run else result.changes
    if isinstance(result, tuple):
        for item in result:
            if isinstance(item, OpChanges):
                return item
    nested = getattr(result, "changes", None)  # e.g. a pack's ApplyResult
    return nested if isinstance(nested, OpChanges) else None


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from the worker is queued to it."""

    finished = Signal(int, object, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.job_id = job_id
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:
            self.relay.finished.emit(self.job_id, None, exc)
        else:
            self.relay.finished.emit(self.job_id, result, None)


@dataclass
class _Pending:
    success: Callable[[Any], None] | None
    failure: Callable[[OpError], None] | None
    initiator: Initiator


class Ops(QObject):
    """Runs callables on the library one at a time on a worker thread (like Anki's CollectionOp/QueryOp).

    A single worker serialises access to the one SQLite connection, so a long import never races an
    edit, and the GUI thread never waits on the library lock: it only ever receives results.
    """

    changed = Signal(object, object)  # OpChanges, initiator
    failed = Signal(object)  # OpError not handled by the caller
    busy_changed = Signal(bool)

    def __init__(self, lib: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the worker warm: a new thread per keystroke costs latency
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(
        self,
        op: Callable[[Library], T],
        success: Callable[[T], None] | None = None,
        failure: Callable[[OpError], None] | None = None,
        *,
        initiator: Initiator = None,
    ) -> int:
        """Queue `op(lib)`; `success(result)` or `failure(error)` runs later on the GUI thread.

        Any OpChanges the op returns are broadcast through `changed` before `success` runs, so
        views are fresh when the caller reacts. Unhandled failures go to `failed`.
        """
        if self._closed:
            return 0
        job_id = next(self._ids)
        self._pending[job_id] = _Pending(success, failure, initiator)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        lib = self.lib
        self._pool.start(_Job(job_id, lambda: op(lib), self._relay))
        return job_id

    def _deliver(self, job_id: int, result: object, exc: object) -> None:
        pending = self._pending.pop(job_id, None)
        if pending is None or self._closed:
            return
        try:
            if isinstance(exc, BaseException):
                details = "".join(traceback.format_exception(exc))
                if expected_error(exc):
                    # A refused file or edit is an answer the user reads, not a fault to debug.
                    log.info("operation refused: %s: %s", type(exc).__name__, exc)
                    log.debug("%s", details)
                else:
                    log.warning("operation failed:\n%s", details)
                error = OpError(exc, friendly_error(exc), details)
                if pending.failure is not None:
                    pending.failure(error)
                else:
                    self.failed.emit(error)
                return
            changes = changes_of(result)
            if changes:
                self.changed.emit(changes, pending.initiator)
            if pending.success is not None:
                pending.success(result)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (shutdown and tests); results are still delivered by the event loop."""
        return bool(self._pool.waitForDone(msecs))

    def close(self) -> None:
        """Finish queued work, then drop any results: the window they were for is going away."""
        self._pool.waitForDone()
        self._closed = True
        self._pending.clear()
