"""The shortcut overlay, keyboard reachability, starting the app, and friendly errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from huashu.core.models import OpChanges
from huashu.gui import i18n, theme
from huashu.gui.app import create_main_window, run
from huashu.gui.help_overlay import HelpOverlay
from huashu.gui.ops import Ops, friendly_error
from huashu.gui.qt import QApplication, QKeySequence, QLabel, QMessageBox, QPoint, QRect, QSize, Qt, QTimer
from huashu.gui.settings import FONT_SIZES
from huashu.storage.library import Library, ValidationError


def test_f1_and_question_mark_show_every_shortcut(qtbot, window, shot) -> None:
    qtbot.keyClick(window.search_box, Qt.Key.Key_F1)
    assert window.help.isVisible() and window.help.hasFocus()
    texts = [w.text() for w in window.help.findChildren(QLabel)]
    for expected in ("Ctrl+1 … 9", "Enter", "Esc", "Ctrl+N", "Ctrl+.", "Ctrl+Z", "F1", "Ctrl+R"):
        assert any(expected in t for t in texts), expected
    shot(window, "help-overlay")
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()
    assert window.search_box.hasFocus()
    window.results.setFocus()
    qtbot.keyClick(window.results, "?")
    assert window.help.isVisible()
    qtbot.keyClick(window.help, Qt.Key.Key_F1)
    assert not window.help.isVisible()


def _unfit(overlay: HelpOverlay) -> list[str]:
    """What of the overlay's text is cut off: by its label, by the card, or out of scrolling's reach."""
    problems: list[str] = []
    card, scroll = overlay.card, overlay.body
    body = scroll.widget()
    assert body is not None
    if not overlay.rect().contains(card.geometry()):
        problems.append(f"card {card.geometry()} outside {overlay.rect()}")
    if not card.rect().contains(scroll.geometry()):
        problems.append("body outside the card")
    viewport = scroll.viewport()
    if body.width() > viewport.width():  # there is no horizontal scrolling: wider is cut
        problems.append(f"body {body.width()} wider than its viewport {viewport.width()}")
    if body.height() > viewport.height() + scroll.verticalScrollBar().maximum():
        problems.append("the bottom of the body cannot be scrolled to")
    for label in card.findChildren(QLabel):
        if not label.isVisibleTo(overlay):
            continue
        text, fm, room = label.text(), label.fontMetrics(), label.contentsRect()
        if label.wordWrap():
            width = room.width() - max(0, label.indent())
            wrapped = fm.boundingRect(QRect(0, 0, width, 1 << 20), Qt.TextFlag.TextWordWrap, text)
            if wrapped.width() > width or label.heightForWidth(label.width()) > label.height():
                problems.append(f"wrapped {text!r} {wrapped.size()} in {room.size()}")
        else:
            lines = text.split("\n")
            widest = max(fm.horizontalAdvance(line) for line in lines)
            if widest > room.width() or fm.height() * len(lines) > room.height():
                problems.append(f"{text!r} needs {widest}x{fm.height() * len(lines)} in {room.size()}")
        parent = body if body.isAncestorOf(label) else card
        where = QRect(label.mapTo(parent, QPoint(0, 0)), label.size())
        if not parent.rect().contains(where):
            problems.append(f"{text!r} at {where} outside {parent.rect()}")
    return problems


def _caps(overlay: HelpOverlay) -> list[QLabel]:
    """The key caps shown (the monospace labels)."""
    body = overlay.body.widget()
    assert body is not None
    return [w for w in body.findChildren(QLabel) if "monospace" in w.styleSheet() and w.isVisibleTo(overlay)]


def _whole_keys(overlay: HelpOverlay) -> list[str]:
    """Caps that hold more than one key, or a key broken over lines ("Ctrl+S /" over "Ctrl+Enter")."""
    return [
        cap.text()
        for cap in _caps(overlay)
        if "\n" in cap.text() or " / " in cap.text() or cap.height() >= 2 * cap.fontMetrics().height()
    ]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_at_14_pt_the_default_window_shows_every_shortcut_without_scrolling(
    qtbot, app: QApplication, window, language: str, shot
) -> None:
    from huashu.gui.main_window import DEFAULT_SIZE

    i18n.install_translators(app, language)
    theme.apply(app, "light", 14)
    window.resize(*DEFAULT_SIZE)
    qtbot.waitUntil(lambda: window.size() == QSize(*DEFAULT_SIZE))
    window.toggle_help()
    overlay = window.help
    qtbot.wait(20)
    shot(window, f"help-{language}-14pt-default-size")
    body = overlay.body.widget()
    assert body is not None
    assert overlay.body.verticalScrollBar().maximum() == 0, (body.height(), overlay.body.viewport().height())
    assert body.height() <= overlay.body.viewport().height()
    assert _unfit(overlay) == []
    assert _whole_keys(overlay) == []
    # Alternatives are caps of their own, side by side here: "Ctrl+F" and "Ctrl+L".
    texts = [cap.text() for cap in _caps(overlay)]
    assert {"Ctrl+F", "Ctrl+L", "Ctrl+S", "Ctrl+Enter", "Ctrl+Shift+Z", "Ctrl+Y"} <= set(texts)


@pytest.mark.parametrize(("points", "size"), [(14, QSize(900, 600)), (20, QSize(760, 560))])
def test_in_a_small_window_the_shortcut_overlay_scrolls_with_whole_keys(
    qtbot, app: QApplication, window, points: int, size: QSize, shot
) -> None:
    theme.apply(app, "light", points)
    window.resize(size)  # or the window's least size, where that is larger
    qtbot.waitUntil(lambda: window.width() <= max(size.width(), window.minimumSizeHint().width()) + 2)
    qtbot.wait(50)
    window.toggle_help()
    overlay = window.help
    qtbot.wait(20)
    shot(window, f"help-zh-{points}pt-small")
    bar = overlay.body.verticalScrollBar()
    assert bar.maximum() > 0
    assert _unfit(overlay) == []
    assert _whole_keys(overlay) == []
    qtbot.keyClick(overlay, Qt.Key.Key_End)
    body = overlay.body.widget()
    assert body is not None
    last = max(body.findChildren(QLabel), key=lambda w: w.mapTo(body, QPoint(0, w.height())).y())
    seen = QRect(last.mapTo(overlay.body.viewport(), QPoint(0, 0)), last.size())
    assert overlay.body.viewport().rect().contains(seen), last.text()
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_shortcut_overlay_fits_every_font_size_and_the_smallest_window(
    qtbot, app: QApplication, window, language: str, shot
) -> None:
    i18n.install_translators(app, language)
    sizes = [0, *FONT_SIZES]
    assert 14 in sizes and max(sizes) == 20
    for points in sizes:
        theme.apply(app, "light", points)
        qtbot.wait(20)  # the new font reaches the panes, whose minimums follow it on posted events
        for name, size in (("default", QSize(1280, 800)), ("smallest", None)):

            def reached(s: QSize | None = size) -> bool:
                # The least size may still move as the panes settle: chase it until it holds.
                want = s or window.minimumSizeHint()
                if window.size() != want:
                    window.resize(want)
                    return False
                return True

            qtbot.waitUntil(reached)
            window.toggle_help()
            overlay = window.help
            assert overlay.isVisible() and overlay.hasFocus()
            shown = [w for w in overlay.findChildren(QLabel) if w.isVisibleTo(overlay)]
            assert [w.text() for w in shown if not overlay.card.isAncestorOf(w)] == []  # nothing outside the card
            qtbot.wait(20)  # the scroll area settles its scroll bars on posted layout requests
            assert _unfit(overlay) == [], (points, name)
            assert _whole_keys(overlay) == [], (points, name)
            labels = [w.text() for w in overlay.card.findChildren(QLabel) if w.isVisibleTo(overlay)]
            assert any("Ctrl+Alt+H" in t for t in labels) and any("F1" in t for t in labels)
            if points in (14, 20):
                shot(window, f"help-{language}-{points}pt-{name}")
            # Keyboard only: End reaches the last row, Esc still closes.
            bar = overlay.body.verticalScrollBar()
            qtbot.keyClick(overlay, Qt.Key.Key_End)
            assert bar.value() == bar.maximum()
            body = overlay.body.widget()
            last = max(body.findChildren(QLabel), key=lambda w: w.mapTo(body, QPoint(0, w.height())).y())
            seen = QRect(last.mapTo(overlay.body.viewport(), QPoint(0, 0)), last.size())
            assert overlay.body.viewport().rect().contains(seen), (points, name, last.text())
            qtbot.keyClick(overlay, Qt.Key.Key_Escape)
            assert not overlay.isVisible()


def test_the_shortcut_overlay_uses_the_room_it_has(qtbot, app: QApplication, window) -> None:
    """Several columns side by side where they fit; wrapping only where they do not."""
    i18n.install_translators(app, "en")
    theme.apply(app, "light", 10)
    window.toggle_help()
    wide = window.help.body.widget()
    assert wide is not None and window.help.body.verticalScrollBar().maximum() == 0  # all at once
    assert not any(label.wordWrap() for label in wide.findChildren(QLabel))
    window.help.close_overlay()
    theme.apply(app, "light", 20)
    window.resize(window.minimumSizeHint())
    qtbot.waitUntil(lambda: window.size() == window.minimumSizeHint())
    window.toggle_help()
    narrow = window.help.body.widget()
    assert narrow is not None and any(label.wordWrap() for label in narrow.findChildren(QLabel))
    assert window.help.body.verticalScrollBar().maximum() > 0
    qtbot.keyClick(window.help, Qt.Key.Key_PageDown)
    assert window.help.body.verticalScrollBar().value() > 0
    qtbot.keyClick(window.help, Qt.Key.Key_Home)
    assert window.help.body.verticalScrollBar().value() == 0
    qtbot.keyClick(window.help, Qt.Key.Key_F1)
    assert not window.help.isVisible()


def test_question_mark_in_the_search_box_is_just_text(qtbot, window) -> None:
    qtbot.keyClicks(window.search_box, "?")
    assert window.search_box.text() == "?" and not window.help.isVisible()


def test_f6_cycles_the_panes(qtbot, window) -> None:
    seen = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        seen.append(QApplication.focusWidget())
    assert seen == [window.tree, window.results, window.compose.edit, window.search_box]


def test_every_action_is_in_a_menu(window) -> None:
    in_menus = {a for menu in window.menus.values() for a in menu.actions()}
    missing = [n for n, a in window.actions_by_name.items() if a not in in_menus and n != "previous_pane"]
    assert not missing
    assert window.actions_by_name["new_phrase"].shortcut() == QKeySequence("Ctrl+Shift+N")


def test_run_shows_a_message_for_a_file_that_is_not_a_library(qtbot, tmp_path: Path, on_modal) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("hello", encoding="utf-8")
    seen: list[str] = []

    def close(box: QMessageBox) -> None:
        seen.append(box.text())
        box.accept()

    on_modal(QMessageBox, close)
    assert run(bogus, ["huashu"]) == 1
    assert seen and "不是话术库文件" in seen[0]


def test_run_starts_and_reports_ready(qtbot, lib_path: Path) -> None:
    ready: list[object] = []

    def on_ready(window) -> None:  # type: ignore[no-untyped-def]
        # Ready means interactive: categories and the first results are on screen.
        ready.append((window.windowTitle(), window.model.rowCount() > 0, window.tree_data is not None))
        window.close()

    assert run(lib_path, ["huashu"], ready=on_ready) == 0
    assert ready == [("话术助手", True, True)]


def _run_until_the_companion_starts(lib_path: Path) -> dict[str, object]:
    """Run the app; note what the window showed when ready and the companion once it runs, then close."""
    seen: dict[str, object] = {}

    def on_ready(window) -> None:  # type: ignore[no-untyped-def]
        seen["at_ready"] = window.companion
        seen["results"] = window.controller.last

        def poll() -> None:
            if window.companion is None:
                QTimer.singleShot(5, poll)
                return
            seen["later"] = window.companion
            window.close()

        poll()

    assert run(lib_path, ["huashu"], ready=on_ready) == 0
    return seen


def test_hotkey_and_tray_start_once_the_window_is_interactive(qtbot, lib_path: Path) -> None:
    """The desktop connections (python-xlib: ~60 ms) stay off the start path, and still arrive."""
    seen = _run_until_the_companion_starts(lib_path)
    assert seen["at_ready"] is None and seen["results"] is not None
    assert seen["later"] is not None


def test_hotkey_and_requests_start_even_when_the_first_search_fails(qtbot, lib_path: Path, monkeypatch) -> None:
    """A locked library at start shows its error; the hotkey, tray and other starts must not wait forever."""
    from huashu.gui import search_panel
    from huashu.storage.library import LibraryBusyError

    def locked(*_args: object, **_kwargs: object) -> None:
        raise LibraryBusyError("database is locked")

    monkeypatch.setattr(search_panel, "run_query", locked)
    seen = _run_until_the_companion_starts(lib_path)
    assert seen["results"] is None  # the first search really failed
    assert seen["later"] is not None


def test_the_window_repairs_the_search_index_off_the_start_path(qtbot, lib_path: Path) -> None:
    """A library whose index lost rows (an older version edited it) is found again after start."""
    from huashu.gui.app import open_library
    from huashu.storage import search_index

    with Library.open(lib_path) as lib:
        (phrase_id,) = lib.add_phrase("测试", "索引修复", "这是一条只在正文里有暗号的话术：青鸟七号").phrases
        lib.conn.execute("DELETE FROM phrase_search WHERE phrase_id = ?", (phrase_id,))
        assert search_index.missing(lib.conn) == [phrase_id]
    lib = open_library(lib_path)
    assert lib is not None
    assert search_index.missing(lib.conn) == [phrase_id]  # opening alone leaves it to the window
    window = create_main_window(lib)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.ctx.checker is not None and not window.ops.busy, timeout=10000)
        assert search_index.missing(lib.conn) == []
        assert phrase_id in [r.phrase_id for r in lib.search("青鸟七号")]
    finally:
        window.close()
        window.ops.close()
        lib.close()


def test_rules_and_index_check_wait_for_the_first_screen(qtbot, gui_lib: Library) -> None:
    """Building the checker beside the first paint holds the GIL the painting needs: it is asked for
    once the list and the categories are in, then loads on its own."""
    window = create_main_window(gui_lib, start=False)
    qtbot.addWidget(window)
    loads: list[tuple[bool, bool]] = []
    load = window.ctx.load
    window.ctx.load = lambda: (loads.append((window.controller.last is not None, window.tree_data is not None)), load())
    try:
        window.start()
        assert loads == []  # not on the start path
        qtbot.waitUntil(lambda: window.ctx.checker is not None and not window.ops.busy, timeout=10000)
        assert loads == [(True, True)]
        assert window.ctx.checker.check("我不知道")  # the checker did load, with the default rules
    finally:
        window.close()


def test_typing_right_after_start_does_not_hold_the_rules_back(qtbot, gui_lib) -> None:
    """Each result after the first must not restart the wait: typing faster than it would never end it."""
    import itertools

    from huashu.gui.main_window import REST_AFTER_MS
    from huashu.gui.qt import QElapsedTimer

    window = create_main_window(gui_lib)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.controller.last is not None and window.tree_data is not None)
        clock = QElapsedTimer()
        clock.start()
        queries = itertools.cycle(["t", "tk", "tui", "退", "退款", "退款进", "退款进度"])
        while window.ctx.checker is None and clock.elapsed() < 30 * REST_AFTER_MS:
            window.search_box.setText(next(queries))  # a keystroke every 20 ms
            qtbot.wait(20)
        assert window.ctx.checker is not None, "the rules waited for the typing to stop"
    finally:
        window.close()


def test_selftest_contract(gui_lib) -> None:
    # huashu.selftest builds a window this way in the frozen app.
    window = create_main_window(gui_lib)
    try:
        assert "话术" in window.windowTitle()
    finally:
        window.close()


def test_friendly_errors_never_show_tracebacks() -> None:
    assert friendly_error(ValidationError("标题不能为空")) == "标题不能为空"
    assert "其他程序" in friendly_error(sqlite3.OperationalError("database is locked"))
    assert "没有权限" in friendly_error(PermissionError(13, "denied", "/x/y.csv"))
    message = friendly_error(ZeroDivisionError("division by zero"))
    assert "ZeroDivisionError" in message and "Traceback" not in message
    from huashu.core.placeholders import PlaceholderError, validate

    unbalanced = PlaceholderError(validate("您好[订单号"))
    assert friendly_error(unbalanced) == unbalanced.issues[0].message_zh  # the Chinese UI: the core's words


def test_ops_deliver_changes_before_success_and_errors_as_text(qtbot) -> None:
    lib = Library.memory(empty=True)
    ops = Ops(lib)
    order: list[str] = []
    ops.changed.connect(lambda changes, initiator: order.append(f"changed:{initiator}"))
    ops.run(lambda lib: lib.set_setting("x", 1), lambda _c: order.append("success"), initiator="me")
    errors: list[str] = []
    ops.run(lambda lib: lib.add_phrase("a", "", "x"), None, lambda e: errors.append(e.message))
    unhandled: list[str] = []
    ops.failed.connect(lambda e: unhandled.append(e.message))
    ops.run(lambda lib: lib.delete_rule("nope"))
    qtbot.waitUntil(lambda: not ops.busy, timeout=5000)
    assert order == ["changed:me", "success"]
    assert errors == ["标题不能为空"]
    assert unhandled and "nope" in unhandled[0]
    assert isinstance(OpChanges(), OpChanges)
    ops.close()
    lib.close()


def test_ops_log_a_refused_file_in_one_line_and_a_fault_with_its_traceback(qtbot, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    lib = Library.memory(empty=True)
    ops = Ops(lib)
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")

    def read_broken(_lib: Library) -> object:
        from huashu.core.spreadsheet import read_phrase_sheet

        return read_phrase_sheet(broken)

    def fault(_lib: Library) -> object:
        raise ZeroDivisionError("division by zero")

    failures: list[str] = []
    with caplog.at_level(logging.INFO, logger="huashu.gui.ops"):
        ops.run(read_broken, None, lambda e: failures.append(e.message))
        ops.run(fault, None, lambda e: failures.append(e.message))
        qtbot.waitUntil(lambda: not ops.busy, timeout=5000)
    assert len(failures) == 2
    refused = [r for r in caplog.records if "坏文件" in r.getMessage() or "refused" in r.getMessage()]
    assert refused and all(r.levelno == logging.INFO and "Traceback" not in r.getMessage() for r in refused)
    faults = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(faults) == 1 and "Traceback" in faults[0].getMessage() and "ZeroDivisionError" in faults[0].getMessage()
    ops.close()
    lib.close()


def test_first_start_window_fits_the_screen() -> None:
    from huashu.gui.main_window import DEFAULT_SIZE, TITLE_BAR, default_rect
    from huashu.gui.qt import QRect

    big = QRect(0, 0, 1920, 1040)
    assert default_rect(big).size().toTuple() == DEFAULT_SIZE
    assert big.contains(default_rect(big))
    laptop = QRect(0, 0, 1366, 728)  # 1366x768 less a 40 px taskbar
    fitted = default_rect(laptop)
    assert fitted.width() == 1240 and fitted.height() < 780
    assert fitted.top() - TITLE_BAR >= laptop.top() and fitted.bottom() <= laptop.bottom()  # title bar too
    second = QRect(1920, 0, 1280, 1024)  # a second screen to the right
    assert second.contains(default_rect(second))
