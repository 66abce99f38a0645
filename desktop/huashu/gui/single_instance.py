"""One running app per library: a QLockFile decides who runs, a QLocalServer takes the others' requests."""

from __future__ import annotations

import enum
import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huashu.gui.qt import QLockFile, QObject, QTimer, Signal
from huashu.paths import instance_key

if TYPE_CHECKING:  # QtNetwork loads when the server starts or a request is sent, not at import
    from huashu.gui.qt import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 500
REPLY_MS = 3000  # one wait for the answer; repeated on the same connection until the deadline
WAIT_FOR_PRIMARY_S = 8.0  # a first instance may still be opening its library when the second starts
ANSWER_DEADLINE_S = 20.0  # a connected primary busy with an import may take a while to read us
HANDLER_POLL_MS = 50  # requests wait this long between looks for a receiver of `message`


class Delivery(enum.Enum):
    """How one attempt to hand a request over ended."""

    DELIVERED = "delivered"  # the running app answered "ok"
    UNREACHABLE = "unreachable"  # no connection (no server yet, or it went away unanswered): try again
    REFUSED = "refused"  # the app answered, but not "ok" (a request it could not read)
    NO_ANSWER = "no answer"  # connected and sent, but no answer before the deadline


class SingleInstance(QObject):
    """Holds the lock and serves requests (`message` carries each one's dict) while the app runs.

    The lock is what keeps two apps from writing one library; the server only forwards requests.
    A lock left by a crashed app is recovered: QLockFile sees its process is gone. Its stale-age
    rule is switched off, since a live app holds the lock for days.
    """

    message = Signal(dict)

    def __init__(
        self, db_path: Path, lock_dir: Path, parent: QObject | None = None, *, listen_later: bool = False
    ) -> None:
        super().__init__(parent)
        # The app listens once its window is interactive (QtNetwork costs start ~5 ms); another start
        # meanwhile finds no server and retries for WAIT_FOR_PRIMARY_S, which covers that.
        self.listen_later = listen_later
        self.key = instance_key(db_path)
        lock_dir.mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(lock_dir / f"{self.key}.lock"))
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None
        # Requests are emitted on a later event-loop turn, and only once `message` has a receiver:
        # one that arrives while the app is still being built is kept, not lost.
        self.pending: list[dict[str, Any]] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)

    def try_acquire(self) -> bool:
        if not self.lock.tryLock(0):
            return False
        if not self.listen_later:
            self.listen()
        return True

    def listen(self) -> None:
        """Take requests from other starts; nothing unless the lock is ours (and not yet released)."""
        if self.server is not None or not self.lock.isLocked():
            return
        from huashu.gui.qt import QLocalServer

        # The lock is ours, so a socket file still there belongs to a crashed app: remove it.
        QLocalServer.removeServer(self.key)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            log.warning("single-instance server could not listen: %s", server.errorString())
        server.newConnection.connect(self._accept)
        self.server = server

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # A bound method, not a lambda holding `self`: a connection would keep this object alive
            # until the socket's own deleteLater, whose teardown would then delete this object, its
            # server and so the socket being deleted a second time (a crash).
            socket.readyRead.connect(self._read_sender)
            socket.disconnected.connect(socket.deleteLater)

    def _read_sender(self) -> None:
        from huashu.gui.qt import QLocalSocket

        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        line = bytes(socket.readLine().data()).decode("utf-8", "replace")
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        if isinstance(request, dict):
            socket.write(b"ok\n")
            socket.flush()
            self.pending.append(request)
            if not self._flush_timer.isActive():
                self._flush_timer.start(0)
        else:
            socket.write(b"error\n")
            socket.flush()

    def has_receiver(self) -> bool:
        meta = self.metaObject()
        return self.isSignalConnected(meta.method(meta.indexOfSignal("message(QVariantMap)")))

    def _flush(self) -> None:
        if not self.has_receiver():
            self._flush_timer.start(HANDLER_POLL_MS)
            return
        while self.pending:
            self.message.emit(self.pending.pop(0))

    def release(self) -> None:
        self._flush_timer.stop()
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()


def send(key: str, request: dict[str, Any], deadline: float | None = None) -> Delivery:
    """Hand `request` to the running app (blocking, used before the event loop).

    Once connected and written, the request sits in the app's socket: it will be read whenever
    the app's event loop gets to it. So the answer is awaited on that same connection until
    `deadline` (time.monotonic()); sending again on a new one would deliver the request twice.
    """
    if deadline is None:
        deadline = time.monotonic() + ANSWER_DEADLINE_S
    from huashu.gui.qt import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(key)
    if not socket.waitForConnected(CONNECT_MS):
        return Delivery.UNREACHABLE
    socket.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
    socket.flush()
    try:
        while not socket.canReadLine():
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                return Delivery.NO_ANSWER
            if socket.waitForReadyRead(min(left_ms, REPLY_MS)):
                continue
            if socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                # The app closed the connection without an answer (it ended): it did not take it.
                return Delivery.UNREACHABLE
        answer = bytes(socket.readLine().data()).strip()
        return Delivery.DELIVERED if answer == b"ok" else Delivery.REFUSED
    finally:
        socket.abort()


def allow_foreground_handover() -> None:
    """Windows: let the running app take the foreground (the popup for `--toggle`, the window).

    Windows gives the foreground only to the process the user last started or typed into: that is
    this short-lived one, which passes the right on to any process (ASFW_ANY) before sending.
    """
    if sys.platform != "win32":
        return
    import ctypes
    from ctypes import wintypes

    user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
    user32.AllowSetForegroundWindow.argtypes = (wintypes.DWORD,)
    user32.AllowSetForegroundWindow.restype = wintypes.BOOL
    user32.AllowSetForegroundWindow(0xFFFFFFFF)  # ASFW_ANY, (DWORD)-1


def claim_or_forward(instance: SingleInstance, request: dict[str, Any]) -> bool:
    """True when this process is the one to run; False once the running app took `request`.

    Raises TimeoutError when another app holds the lock but never answers (it hangs). A request
    is sent again only when the connection itself failed, never after it was written.
    """
    deadline = time.monotonic() + WAIT_FOR_PRIMARY_S
    handed_over = False
    while True:
        if instance.try_acquire():
            return True
        if not handed_over:
            allow_foreground_handover()
            handed_over = True
        outcome = send(instance.key, request, max(deadline, time.monotonic() + ANSWER_DEADLINE_S))
        if outcome is Delivery.DELIVERED:
            return False
        if outcome is not Delivery.UNREACHABLE:
            raise TimeoutError(f"{instance.key}: {outcome.value}")
        if time.monotonic() > deadline:
            raise TimeoutError(instance.key)
        time.sleep(0.1)
