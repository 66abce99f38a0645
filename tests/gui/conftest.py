"""GUI fixtures: a real library file with the default content and a main window on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Offscreen only without a display: CI runs the suite under xvfb-run, where clipboard readback works.
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from huashu.gui import i18n, theme
from huashu.gui.app import create_app, create_main_window
from huashu.gui.main_window import MainWindow
from huashu.gui.qt import QApplication, QTimer, QWidget
from huashu.storage.library import Library

HAS_DISPLAY = bool(os.environ.get("DISPLAY")) and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="needs a real X server (run under xvfb-run)")
    for item in items:
        if "x11" in item.keywords and not HAS_DISPLAY:
            item.add_marker(skip)


@pytest.fixture
def lib_path(default_library_file: Path, tmp_path: Path) -> Path:
    """A private copy of the default library file."""
    target = tmp_path / "library.huashu.db"
    shutil.copyfile(default_library_file, target)
    return target


@pytest.fixture
def gui_lib(lib_path: Path) -> Iterator[Library]:
    library = Library.open(lib_path)
    yield library
    library.close()


@pytest.fixture
def app() -> QApplication:
    return create_app(["huashu-tests"])


@pytest.fixture(autouse=True)
def _reset_look(app: QApplication) -> Iterator[None]:
    """Each test starts in Chinese and the light theme, whatever the previous one switched to."""
    yield
    i18n.install_translators(app, i18n.DEFAULT_LANGUAGE)
    theme.apply(app, "light", 0)


def _wait_idle(qtbot, window: MainWindow, timeout: int = 10000) -> None:  # type: ignore[no-untyped-def]
    """Until the library worker has delivered every result and the search shows the latest query."""

    def settled() -> bool:
        ctl = window.controller
        last = ctl.last
        return not window.ops.busy and last is not None and last.query == ctl.query

    qtbot.waitUntil(settled, timeout=timeout)


@pytest.fixture
def window(qtbot, gui_lib: Library, app: QApplication) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = create_main_window(gui_lib)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    with qtbot.waitExposed(win):
        win.show()
    activate(qtbot, win)
    qtbot.waitUntil(lambda: win.ctx.checker is not None and win.tree_data is not None, timeout=10000)
    _wait_idle(qtbot, win)
    yield win
    win.close()


@pytest.fixture
def shot() -> Callable[[QWidget, str], Path | None]:
    """Save a screenshot of a widget to $HUASHU_SCREENSHOTS/<name>.png when that variable is set."""
    folder = os.environ.get("HUASHU_SCREENSHOTS")

    def save(widget: QWidget, name: str) -> Path | None:
        if not folder:
            return None
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()
        target = path / f"{name}.png"
        widget.grab().save(str(target))
        return target

    return save


@pytest.fixture
def idle(qtbot) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """idle(window): wait until the worker is done and the shown results are for the current query."""
    return lambda window, timeout=10000: _wait_idle(qtbot, window, timeout)


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type like an agent: ASCII as key presses, Chinese as input-method commits (one per run of CJK)."""
    import itertools

    from huashu.gui.qt import QInputMethodEvent

    for is_ascii, run in itertools.groupby(text, key=str.isascii):
        chunk = "".join(run)
        if is_ascii:
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


@pytest.fixture
def type_(qtbot) -> Callable[[QWidget, str], None]:  # type: ignore[no-untyped-def]
    return lambda widget, text: type_text(qtbot, widget, text)


def activate(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Make a window active, as the window manager does when it opens or a dialog on top closes.

    Shortcuts and focus only work in the active window; the offscreen platform and a bare Xvfb
    without a window manager do not activate windows by themselves.
    """
    with qtbot.waitActive(widget):  # a context manager: it waits on exit
        widget.activateWindow()


@pytest.fixture
def active(qtbot) -> Callable[[QWidget], None]:  # type: ignore[no-untyped-def]
    return lambda widget: activate(qtbot, widget)


@pytest.fixture
def find(qtbot) -> Callable[[MainWindow, str], None]:  # type: ignore[no-untyped-def]
    """find(window, query): replace the search text as an agent would and wait for the results."""

    def run(window: MainWindow, query: str) -> None:
        activate(qtbot, window)
        window.focus_search()
        window.search_box.clear()
        type_text(qtbot, window.search_box, query)
        _wait_idle(qtbot, window)

    return run


def _on_next_modal(kind: type, act: Callable[[Any], None], *, delay: int = 30) -> None:
    """Run `act(dialog)` on the next modal dialog of type `kind` once it is open (exec() blocks the test)."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            act(widget)
        else:
            QTimer.singleShot(delay, poll)

    QTimer.singleShot(delay, poll)


@pytest.fixture
def on_modal() -> Callable[..., None]:
    """on_modal(DialogClass, act): act on the next modal dialog of that class when it opens."""
    return _on_next_modal


@pytest.fixture
def answer() -> Callable[..., None]:
    """answer(accept): click OK (True) or Cancel (False) in the next message box that opens."""
    return _answer_next_dialog


def _answer_next_dialog(accept: bool, *, delay: int = 50) -> None:
    """Click the accept or reject button of the next modal message box (confirmations in tests)."""
    from huashu.gui.qt import QMessageBox

    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            for button in box.buttons():
                role = box.buttonRole(button)
                wanted = QMessageBox.ButtonRole.AcceptRole if accept else QMessageBox.ButtonRole.RejectRole
                if role == wanted:
                    button.click()
                    return
            box.reject()
        else:
            QTimer.singleShot(delay, click)

    QTimer.singleShot(delay, click)


# -- a desktop for tests that involve other programs (X11) --------------------------------------


def has_wm() -> bool:
    """A window manager runs: the root names its check window, and that window still exists."""
    out = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], capture_output=True, text=True, check=False
    ).stdout
    if "window id" not in out:
        return False  # a WM that ended leaves the property behind, pointing at a window that is gone
    wid = out.rsplit(" ", 1)[-1].strip()
    return subprocess.run(["xprop", "-id", wid], capture_output=True, check=False).returncode == 0


@contextmanager
def window_manager() -> Iterator[None]:
    """Openbox, unless a window manager already runs (focus rules are the WM's: test with one)."""
    if has_wm() or shutil.which("openbox") is None:
        yield
        return
    proc = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 5
    while not has_wm() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.fixture(scope="module")
def desktop() -> Iterator[None]:
    if not HAS_DISPLAY:
        yield
        return
    with window_manager():
        yield


def _drop_files(window, paths: list[Path]) -> Any:  # type: ignore[no-untyped-def]
    """Files dragged onto the window and dropped, as the platform's drag manager sends it; returns the enter event."""
    from huashu.gui.qt import QDragEnterEvent, QDropEvent, QMimeData, QPointF, Qt, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    center = window.rect().center()

    enter = QDragEnterEvent(  # PySide6 < 6.12 takes a QPoint here, a QPointF for the drop
        center, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    event = QDropEvent(
        QPointF(center), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    event.setAccepted(enter.isAccepted())
    QApplication.sendEvent(window, event)
    return enter


@pytest.fixture
def drop_files() -> Callable[..., Any]:
    """drop_files(window, paths): drag files onto the window and drop them."""
    return _drop_files
