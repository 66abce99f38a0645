"""One running app per library: a QLockFile decides who runs, a QLocalServer takes the others' requests."""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

from huashu.gui.qt import QLocalServer, QLocalSocket, QLockFile, QObject, Signal

log = logging.getLogger(__name__)

CONNECT_MS = 500
REPLY_MS = 3000
WAIT_FOR_PRIMARY_S = 8.0  # a first instance may still be opening its library when the second starts


def instance_key(db_path: Path) -> str:
    """A name shared by every app on the same library file of the same user (the socket name too)."""
    try:
        resolved = str(db_path.expanduser().resolve())
    except OSError:
        resolved = str(db_path)
    try:
        user = getpass.getuser()
    except Exception:  # no login name (some containers): the hash alone still separates libraries
        user = "user"
    digest = hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]
    return f"huashu-{user}-{digest}"


class SingleInstance(QObject):
    """Holds the lock and serves requests (`message` carries each one's dict) while the app runs.

    The lock is what keeps two apps from writing one library; the server only forwards requests.
    A lock left by a crashed app is recovered: QLockFile sees its process is gone. Its stale-age
    rule is switched off, since a live app holds the lock for days.
    """

    message = Signal(dict)

    def __init__(self, db_path: Path, lock_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = instance_key(db_path)
        lock_dir.mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(lock_dir / f"{self.key}.lock"))
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None

    def try_acquire(self) -> bool:
        if not self.lock.tryLock(0):
            return False
        # The lock is ours, so a socket file still there belongs to a crashed app: remove it.
        QLocalServer.removeServer(self.key)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            log.warning("single-instance server could not listen: %s", server.errorString())
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

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
            self.message.emit(request)
        else:
            socket.write(b"error\n")
            socket.flush()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()


def send(key: str, request: dict[str, Any], timeout_ms: int = REPLY_MS) -> bool:
    """Hand `request` to the running app; True once it answered (blocking, used before the event loop)."""
    socket = QLocalSocket()
    socket.connectToServer(key)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
    socket.flush()
    ok = socket.waitForReadyRead(timeout_ms) and bytes(socket.readLine().data()).strip() == b"ok"
    socket.disconnectFromServer()
    return ok


def claim_or_forward(instance: SingleInstance, request: dict[str, Any]) -> bool:
    """True when this process is the one to run; False once the running app took `request`.

    Raises TimeoutError when another app holds the lock but never answers (it hangs).
    """
    deadline = time.monotonic() + WAIT_FOR_PRIMARY_S
    while True:
        if instance.try_acquire():
            return True
        if send(instance.key, request):
            return False
        if time.monotonic() > deadline:
            raise TimeoutError(instance.key)
        time.sleep(0.1)
