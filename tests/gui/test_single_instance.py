"""One app per library: the lock, requests from a second start, crash recovery, `huashu --toggle`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from huashu.gui.single_instance import SingleInstance, instance_key

HAS_X = bool(os.environ.get("DISPLAY")) and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb"


def test_one_lock_per_library(tmp_path: Path) -> None:
    lib_a, lib_b = tmp_path / "a.db", tmp_path / "b.db"
    first = SingleInstance(lib_a, tmp_path / "locks")
    assert first.try_acquire()
    try:
        assert not SingleInstance(lib_a, tmp_path / "locks").try_acquire()
        # The same file spelt another way is the same library.
        assert not SingleInstance(tmp_path / "x" / ".." / "a.db", tmp_path / "locks").try_acquire()
        other = SingleInstance(lib_b, tmp_path / "locks")
        assert other.try_acquire()
        other.release()
    finally:
        first.release()
    again = SingleInstance(lib_a, tmp_path / "locks")
    assert again.try_acquire()
    again.release()
    assert instance_key(lib_a) != instance_key(lib_b)


def test_listening_later_keeps_the_lock_and_takes_requests_once_started(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui import single_instance
    from huashu.gui.single_instance import Delivery

    primary = SingleInstance(tmp_path / "lib.db", tmp_path / "locks", listen_later=True)
    assert primary.try_acquire() and primary.server is None
    try:
        # Still being built: the library is already locked, and a second start is told to retry.
        assert not SingleInstance(tmp_path / "lib.db", tmp_path / "locks").try_acquire()
        assert single_instance.send(primary.key, {"command": "activate"}) is Delivery.UNREACHABLE
        got: list[dict[str, object]] = []
        primary.message.connect(got.append)
        primary.listen()
        assert primary.server is not None and primary.server.isListening()
        proc = _client(tmp_path)
        qtbot.waitUntil(lambda: got == [{"command": "toggle", "files": []}], timeout=15000)
        proc.wait(15)
    finally:
        primary.release()


def test_a_crashed_apps_lock_is_recovered(tmp_path: Path) -> None:
    code = (
        "import os, signal, sys; from pathlib import Path\n"
        "from huashu.gui.single_instance import SingleInstance\n"
        "s = SingleInstance(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "assert s.try_acquire(); print('locked', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "lib.db"), str(tmp_path / "locks")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert "locked" in result.stdout and result.returncode == -9
    assert list((tmp_path / "locks").glob("*.lock")), "the killed process left its lock file"
    recovered = SingleInstance(tmp_path / "lib.db", tmp_path / "locks")
    assert recovered.try_acquire()
    recovered.release()


def test_requests_from_a_second_start_arrive(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    primary = SingleInstance(tmp_path / "lib.db", tmp_path / "locks")
    assert primary.try_acquire()
    code = (
        "import sys; from pathlib import Path\n"
        "from huashu.gui.single_instance import SingleInstance, claim_or_forward\n"
        "s = SingleInstance(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "print('primary' if claim_or_forward(s, {'command': 'toggle', 'files': ['订单.csv']}) else 'forwarded')\n"
    )
    try:
        with qtbot.waitSignal(primary.message, timeout=10000) as got:
            proc = subprocess.Popen(
                [sys.executable, "-c", code, str(tmp_path / "lib.db"), str(tmp_path / "locks")],
                stdout=subprocess.PIPE,
                text=True,
            )
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10000)
        assert proc.stdout is not None and proc.stdout.read().strip() == "forwarded"
        assert got.args == [{"command": "toggle", "files": ["订单.csv"]}]
    finally:
        primary.release()


_CLIENT = (
    "import sys; from pathlib import Path\n"
    "from huashu.gui import single_instance as si\n"
    "si.REPLY_MS = int(sys.argv[3])\n"
    "s = si.SingleInstance(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    "print('sending', flush=True)\n"
    "print('primary' if si.claim_or_forward(s, {'command': 'toggle', 'files': []}) else 'forwarded')\n"
)


def _client(tmp_path: Path, reply_ms: int = 3000) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CLIENT, str(tmp_path / "lib.db"), str(tmp_path / "locks"), str(reply_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_busy_primary_gets_the_request_once(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The running app is busy (its event loop blocked) for longer than one wait for its answer.

    The second start used to give up on its connection and send again on a new one; the app read
    both once it was free and toggled the popup twice. Now it keeps waiting on the one connection.
    """
    primary = SingleInstance(tmp_path / "lib.db", tmp_path / "locks")
    assert primary.try_acquire()
    got: list[dict[str, object]] = []
    primary.message.connect(got.append)
    try:
        proc = _client(tmp_path, reply_ms=500)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "sending"
        time.sleep(3.5)  # busy: no event processing while the client waits (longer than 3 s)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=15000)
        assert proc.stdout.read().strip() == "forwarded"
        qtbot.wait(800)  # a second request, had one been sent, would be read by now
        assert got == [{"command": "toggle", "files": []}]
    finally:
        primary.release()


def test_requests_wait_for_a_receiver(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A request that arrives before the app has connected `message` is kept until it has."""
    primary = SingleInstance(tmp_path / "lib.db", tmp_path / "locks")
    assert primary.try_acquire()
    try:
        proc = _client(tmp_path)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=15000)
        assert proc.stdout is not None and proc.stdout.read().strip() == "sending\nforwarded"
        qtbot.wait(200)
        assert primary.pending == [{"command": "toggle", "files": []}]
        got: list[dict[str, object]] = []
        primary.message.connect(got.append)
        qtbot.waitUntil(lambda: got == [{"command": "toggle", "files": []}], timeout=2000)
        assert primary.pending == []
    finally:
        primary.release()


def test_no_running_app_is_unreachable_and_retried(tmp_path: Path) -> None:
    from huashu.gui import single_instance

    assert single_instance.send("huashu-test-nobody-listens", {"command": "activate"}) is (
        single_instance.Delivery.UNREACHABLE
    )


def _xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=False, timeout=15).stdout


def _visible(name: str) -> list[str]:
    return _xdotool("search", "--onlyvisible", "--name", name).split()


@pytest.mark.x11
@pytest.mark.skipif(shutil.which("xdotool") is None, reason="needs xdotool")
def test_toggle_and_second_start_talk_to_the_running_app(lib_path: Path, desktop: None) -> None:
    if not HAS_X:
        pytest.skip("needs X")
    script = Path(sys.executable).with_name("huashu")
    entry = (
        [str(script)] if script.exists() else [sys.executable, "-c", "from huashu.cli import main; main()"]
    )
    huashu = [*entry, "--db", str(lib_path)]
    first = subprocess.Popen(huashu, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 40  # a loaded CI machine may take a while to start the app
        found = _visible("^话术助手$")
        while not found and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            found = _visible("^话术助手$")
        if not found:
            first.terminate()
            _out, err = first.communicate(timeout=10)
            pytest.fail(f"the first app did not show its window (exit {first.returncode}): {err.decode()[-2000:]}")
        main = found[0]

        started = time.monotonic()
        toggled = subprocess.run([*huashu, "--toggle"], capture_output=True, timeout=30, check=False)
        assert toggled.returncode == 0, toggled.stderr
        assert time.monotonic() - started < 15
        deadline = time.monotonic() + 5
        while not _visible("快速搜索") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _visible("快速搜索"), "--toggle did not show the quick popup"
        assert subprocess.run([*huashu, "--toggle"], timeout=30, check=False).returncode == 0
        deadline = time.monotonic() + 5
        while _visible("快速搜索") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _visible("快速搜索"), "a second --toggle did not hide it"

        _xdotool("windowminimize", "--sync", main)
        second = subprocess.run(huashu, capture_output=True, timeout=30, check=False)
        assert second.returncode == 0, second.stderr
        deadline = time.monotonic() + 5
        while _xdotool("getactivewindow").strip() != main and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _xdotool("getactivewindow").strip() == main, "the running app was not brought forward"
        windows = _xdotool("search", "--onlyvisible", "--name", "^话术助手$").split()
        assert windows == [main], "a second app window opened"
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(10)


def test_an_owner_dropped_while_a_connection_closes_is_freed_once(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The owner's last reference goes while a served connection is still closing.

    The connection's handler used to hold the owner, so the socket's own deferred delete freed the
    owner, its server and with it the socket being deleted: a crash at random test teardowns.
    """
    import gc

    primary = SingleInstance(tmp_path / "lib.db", tmp_path / "locks")
    assert primary.try_acquire()
    got: list[dict[str, object]] = []
    primary.message.connect(got.append)
    proc = _client(tmp_path)
    qtbot.waitUntil(lambda: got == [{"command": "toggle", "files": []}], timeout=15000)
    proc.wait(15)
    primary.release()
    del primary
    gc.collect()
    qtbot.wait(300)  # the closed connection's deferred delete runs here
    assert got == [{"command": "toggle", "files": []}]
