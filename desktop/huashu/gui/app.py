"""Starting the desktop app: QApplication, translations, theme, the library, the main window, the event loop."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from huashu.gui import i18n, icons, prefs, theme
from huashu.gui.context import AppContext
from huashu.gui.main_window import GEOMETRY_KEY, MainWindow
from huashu.gui.ops import friendly_error
from huashu.gui.qt import QApplication, QCoreApplication, QMessageBox, QTimer
from huashu.storage.library import Library, LibraryError

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
        details = "".join(traceback.format_exception(kind, exc, tb))
        path = error_log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(details + "\n")
        except OSError:
            pass
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


def _when_ready(window: MainWindow, ready: Callable[[MainWindow], None]) -> None:
    """Call `ready` once the window shows its categories and first results and the event loop is idle.

    The checker's rules may still be loading in the background then: the agent can already search.
    """
    if window.controller.last is None or window.tree_data is None:
        QTimer.singleShot(1, lambda: _when_ready(window, ready))
    else:
        QTimer.singleShot(0, lambda: ready(window))


def run(
    db_path: Path | None,
    argv: list[str],
    *,
    ready: Callable[[MainWindow], None] | None = None,
    open_files: Sequence[Path] = (),
) -> int:
    """Run the app until the window closes; returns the exit code (1 if the library cannot be opened).

    `open_files` (spreadsheets or packs given on the command line) go through the same import flow
    as a file dropped on the window, once it is ready.
    """
    app = create_app(argv)
    i18n.install_translators(app, i18n.DEFAULT_LANGUAGE)
    theme.apply(app)
    _install_excepthook()
    try:
        lib = Library.open(db_path)
    except LibraryError as exc:
        QMessageBox.critical(
            None,
            QCoreApplication.translate("app", "Huashu"),
            QCoreApplication.translate("app", "The phrase library could not be opened.\n\n{0}").format(exc),
        )
        return 1
    window: MainWindow | None = None
    try:
        window = create_main_window(lib)
        window.show()
        if open_files:
            shown = window

            def import_all(_w: MainWindow) -> None:
                for path in open_files:
                    shown.import_file(Path(path))

            QTimer.singleShot(0, lambda: _when_ready(shown, import_all))
        if ready is not None:
            QTimer.singleShot(0, lambda: _when_ready(window, ready) if window is not None else None)
        return int(app.exec())
    finally:
        if window is not None:
            window.ops.close()
        lib.close()
