"""Starting the desktop app: QApplication, translations, theme, the library, the main window, the event loop."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from huashu.gui import i18n, icons, prefs, theme
from huashu.gui.context import AppContext
from huashu.gui.main_window import GEOMETRY_KEY, MainWindow
from huashu.gui.ops import friendly_error
from huashu.gui.qt import QApplication, QCoreApplication, QElapsedTimer, QTimer
from huashu.gui.single_instance import SingleInstance, claim_or_forward
from huashu.storage.library import Library, LibraryError

if TYPE_CHECKING:
    from huashu.gui.companion import Companion

log = logging.getLogger(__name__)


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists, as under pytest-qt), named and with the app icon."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv or ["huashu"]))
    app.setApplicationName("huashu")
    app.setOrganizationName("Huashu")
    app.setDesktopFileName("huashu")  # Wayland/X11 docks match the window to huashu.desktop and its icon
    app.setWindowIcon(icons.app_icon())
    return app


def apply_settings(app: QApplication, settings: prefs.UiSettings) -> None:
    if i18n.current_language() != settings.language:
        i18n.install_translators(app, settings.language)
    theme.apply(app, settings.theme, settings.font_size)


def create_main_window(lib: Library, *, start: bool = True) -> MainWindow:
    """A main window on `lib` with the library's own settings applied (language, theme, font size)."""
    app = create_app()
    settings = prefs.load(lib)
    with theme.stylesheet_later(app):
        apply_settings(app, settings)
        ctx = AppContext(lib, settings)
        window = MainWindow(ctx)
    ctx.setParent(window)  # one lifetime: the worker, undo stack and caches go with their window

    def changed(new: prefs.UiSettings) -> None:
        apply_settings(app, new)
        ctx.apply_settings(new)

    window.settings_applied.connect(changed)
    window.restore_geometry(lib.setting(GEOMETRY_KEY))
    if start:
        window.start()
    return window


def error_log_path() -> Path:
    from huashu.paths import user_cache_dir

    return user_cache_dir() / "huashu-errors.log"


def _install_excepthook() -> None:
    """An unexpected error in a slot shows a message and is logged; the app keeps running."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        from huashu.gui.qt import QMessageBox

        details = "".join(traceback.format_exception(kind, exc, tb))
        path = error_log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(details + "\n")
        except OSError:
            pass
        if sys.stderr is not None:  # a windowed build (Windows, console=False) has none
            sys.stderr.write(details)
        if QApplication.instance() is not None:
            QMessageBox.warning(
                None,
                QCoreApplication.translate("app", "Huashu"),
                QCoreApplication.translate("app", "{0}\n\nThe details were saved to {1}.").format(
                    friendly_error(exc), path
                ),
            )

    sys.excepthook = hook


READY_LIMIT_MS = 1500  # what waits for the first results runs by then anyway (a failed first search)
LISTEN_FALLBACK_MS = 500  # other starts are heard by then even if the window is slow or a dialog waits


def _when_ready(window: MainWindow, ready: Callable[[MainWindow], None], limit_ms: int = READY_LIMIT_MS) -> None:
    """Call `ready` once the window shows its categories and first results and the event loop is idle,
    or after `limit_ms` if they never come (a locked or damaged library: the error is shown meanwhile).

    The checker's rules may still be loading in the background then: the agent can already search.
    Timers are tied to the window, so nothing fires into a window that is gone.
    """
    clock = QElapsedTimer()
    clock.start()

    def poll() -> None:
        if (window.controller.last is None or window.tree_data is None) and clock.elapsed() < limit_ms:
            QTimer.singleShot(1, window, poll)
        else:
            QTimer.singleShot(0, window, lambda: ready(window))

    poll()


def run(
    db_path: Path | None,
    argv: list[str],
    *,
    ready: Callable[[MainWindow], None] | None = None,
    open_files: Sequence[Path] = (),
    toggle: bool = False,
    minimized: bool = False,
) -> int:
    """Run the app until it quits; returns the exit code (1 if the library cannot be opened).

    `open_files` (spreadsheets or packs given on the command line) go through the same import flow
    as a file dropped on the window, once it is ready. If an app already runs on the same library,
    the request (show the window, `toggle` the quick popup, open the files) goes to it instead and
    this process ends: two apps never write one library.
    """
    app = create_app(argv)
    i18n.install_translators(app, i18n.DEFAULT_LANGUAGE)
    from huashu.paths import default_db_path, user_cache_dir

    instance = SingleInstance(
        Path(db_path) if db_path is not None else default_db_path(), user_cache_dir(), listen_later=True
    )
    request = {"command": "toggle" if toggle else "activate", "files": [str(p) for p in open_files]}
    try:
        if not claim_or_forward(instance, request):
            return 0
        # Normally the server starts with the hotkey, once the window is interactive; this catches a
        # slow start (a big library, a recovery question) so other starts never wait in vain.
        QTimer.singleShot(LISTEN_FALLBACK_MS, instance, instance.listen)
    except TimeoutError:
        _critical(
            QCoreApplication.translate(
                "app",
                "Huashu is already running on this library but does not answer. Close it and try again.",
            )
        )
        return 1
    try:
        return _run_primary(app, db_path, instance, ready=ready, open_files=open_files, minimized=minimized)
    finally:
        instance.release()


def _critical(text: str) -> None:
    from huashu.gui.qt import QMessageBox  # built when first shown (~1 ms), not on every start

    QMessageBox.critical(None, QCoreApplication.translate("app", "Huashu"), text)


def _ask(text: str, informative: str, yes: str, no: str) -> bool:
    from huashu.gui.qt import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("app", "Huashu"), text)
    box.setInformativeText(informative)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(accept)
    box.exec()
    return box.clickedButton() is accept


def open_library(db_path: Path | None) -> Library | None:
    """The library, or None after telling the user why not.

    A damaged file is never overwritten: the agent is offered the newest backup that passes its
    integrity check (the damaged file is kept beside it), or else a fresh library with the damaged
    one moved aside. Saying no leaves every file as it was.
    """
    from huashu.storage.library import LibraryCorruptError

    try:
        try:
            return Library.open(db_path, repair_index=False)  # the window repairs it off the start path
        except LibraryCorruptError as exc:
            return _recover(exc, own_file=db_path is None)
    except (LibraryError, OSError) as exc:  # OSError: a restore or set-aside the disk refused
        _speak_system_language()
        _critical(
            QCoreApplication.translate("app", "The phrase library could not be opened.\n\n{0}").format(
                friendly_error(exc)
            )
        )
        return None


def _looks_like_sqlite(path: Path) -> bool:
    from huashu.storage.library import SQLITE_MAGIC

    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _speak_system_language() -> None:
    """Before a library is open its language setting cannot be read: speak the system's language.

    Once one opens, create_main_window installs the library's own language again.
    """
    from huashu.gui.errors import system_language

    app = QCoreApplication.instance()
    language = system_language()
    if app is not None and i18n.current_language() != language:
        i18n.install_translators(app, language)


def _recover(exc: Any, *, own_file: bool) -> Library | None:
    from huashu.storage import recovery

    _speak_system_language()
    damaged: Path = exc.path
    found = recovery.find_good_backup(damaged)
    if found is not None:
        if not _ask(
            QCoreApplication.translate("app", "The phrase library is damaged and cannot be opened."),
            QCoreApplication.translate(
                "app", "{0}\n\nRestore the backup from {1}? The damaged file is kept beside it."
            ).format(friendly_error(exc), found.when.strftime("%Y-%m-%d %H:%M")),
            QCoreApplication.translate("app", "Restore backup"),
            QCoreApplication.translate("app", "Quit"),
        ):
            return None
        recovery.restore(damaged, found.path)
        return Library.open(damaged, create=False, repair_index=False)
    if not own_file and not _looks_like_sqlite(damaged):
        # Not a library at all and not the app's own file (a wrong --db): say so, and never move
        # someone's file away. The app's own file with a wrecked header is offered a fresh start.
        raise exc
    if not _ask(
        QCoreApplication.translate("app", "The phrase library is damaged and there is no good backup."),
        QCoreApplication.translate(
            "app", "{0}\n\nStart again with the default library? The damaged file is kept as {1}."
        ).format(friendly_error(exc), damaged.name + ".corrupt-…"),
        QCoreApplication.translate("app", "Start again"),
        QCoreApplication.translate("app", "Quit"),
    ):
        return None
    recovery.set_aside(damaged)
    return Library.open(damaged, repair_index=False)


def _run_primary(
    app: QApplication,
    db_path: Path | None,
    instance: SingleInstance,
    *,
    ready: Callable[[MainWindow], None] | None,
    open_files: Sequence[Path],
    minimized: bool,
) -> int:
    theme.apply(app)
    previous_hook = sys.excepthook
    _install_excepthook()
    try:
        return _run_window(app, db_path, instance, ready=ready, open_files=open_files, minimized=minimized)
    finally:
        sys.excepthook = previous_hook  # the hook belongs to this run (tests run the app many times)


def _tray_available() -> bool:
    from huashu.gui.tray import Tray  # its module and Qt's tray class: only for a start in the tray

    return Tray.available()


def _run_window(
    app: QApplication,
    db_path: Path | None,
    instance: SingleInstance,
    *,
    ready: Callable[[MainWindow], None] | None,
    open_files: Sequence[Path],
    minimized: bool,
) -> int:
    lib = open_library(db_path)
    if lib is None:
        return 1
    window: MainWindow | None = None
    companion: Companion | None = None
    try:
        window = create_main_window(lib)
        if lib.backup_problem:
            problem = lib.backup_problem
            shown_window = window
            QTimer.singleShot(
                1500,
                lambda: shown_window.notify(
                    QCoreApplication.translate("app", "Today's backup failed: {0}").format(problem), "warning"
                ),
            )
        in_tray = minimized and _tray_available()
        shown_window = window

        def start_companion(_w: MainWindow | None = None) -> None:
            # The hotkey, paste and tray connect to the desktop (python-xlib on X11 costs ~60 ms):
            # that waits until the window is interactive, unless the app starts hidden in the tray.
            nonlocal companion
            if companion is not None or not (in_tray or shown_window.isVisible()):
                return  # already running, or the window was closed (the app is quitting)
            from huashu.gui.companion import Companion  # with hotkeys, paste and tray: ~6 ms to import

            try:
                companion = Companion(shown_window)
                instance.message.connect(companion.handle_request)  # requests wait for a receiver
            finally:
                instance.listen()

        window.compact.load()
        if in_tray:
            start_companion()  # started with the system: in the tray until the hotkey or the tray icon is used
        elif minimized:
            window.showMinimized()
        else:
            window.show()
        if not in_tray:
            QTimer.singleShot(
                0, window, lambda: _when_ready(shown_window, lambda w: QTimer.singleShot(0, w, start_companion))
            )
        if open_files:
            shown = window

            def import_all(_w: MainWindow) -> None:
                for path in open_files:
                    shown.import_file(Path(path))

            QTimer.singleShot(0, window, lambda: _when_ready(shown, import_all))
        if ready is not None:
            ready_window = window
            QTimer.singleShot(0, window, lambda: _when_ready(ready_window, ready))
        return int(app.exec())
    finally:
        if companion is not None:
            companion.close()
        if window is not None:
            window.ops.close()
        lib.close()
