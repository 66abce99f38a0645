"""The compact strip's height: beside a short chat window the list and the fill panel come first, the
strip stays on the screen while a phrase is filled in and returns to its docked size after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from huashu.gui import hotkeys, i18n, theme
from huashu.gui.compact import COMPACT_WIDTH, beside_rect, fitted_rect, near
from huashu.gui.companion import Companion
from huashu.gui.main_window import MainWindow
from huashu.gui.paste import Paster
from huashu.gui.qt import QApplication, QPushButton, QRect, Qt

CHAT = 4242
STANDIN = Path(__file__).with_name("chat_standin.py")
# The QA setup: a 600x400 chat window near the bottom of a 1600x1000 screen.
LOW_CHAT = (100, 560, 600, 400)
WL_FIELDS = 4  # /wl 查询物流进度: 快递公司, 物流单号, 当前位置, 日期


class ShortChat(Paster):
    """A chat window at a fixed frame; the strip docks beside it."""

    name = "fake"

    def __init__(self, frame: tuple[int, int, int, int]) -> None:
        super().__init__()
        self.frame = frame

    def recent_window(self) -> int:
        return CHAT

    def window_frame(self, window: int) -> tuple[int, int, int, int] | None:
        return self.frame if window == CHAT else None


@pytest.fixture
def beside(window: MainWindow, desktop: None) -> Iterator[ShortChat]:
    area = window.screen().availableGeometry()
    if area.width() < 1600 or area.height() < 900:
        pytest.skip("needs a desktop-size screen (run under xvfb-run)")
    paster = ShortChat(LOW_CHAT)
    c = Companion(window, backend=hotkeys.NullBackend("test"), paster=paster, use_paster=False, tray=False)
    yield paster
    window.compact.set_active(False, save=False)
    c.close()


def docked(qtbot, window: MainWindow) -> QRect:  # type: ignore[no-untyped-def]
    """Dock beside the chat window; the strip's frame once the window system has put it there."""
    window.actions_by_name["dock_beside"].trigger()
    area = window.screen().availableGeometry()
    wanted = beside_rect(QRect(*LOW_CHAT), area)
    assert wanted is not None
    qtbot.waitUntil(
        lambda: not window.compact.settling and near(window.frameGeometry(), wanted), timeout=5000
    )
    return window.frameGeometry()


def visible_copy_buttons(window: MainWindow) -> list[QPushButton]:
    return [b for b in window.findChildren(QPushButton) if b.isVisible() and "Ctrl+⏎" in b.text()]


def open_wl(qtbot, window: MainWindow, find) -> None:  # type: ignore[no-untyped-def]
    find(window, "wl")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.side.currentWidget() is window.fill and window.fill.isVisible())
    assert len(window.fill.inputs) == WL_FIELDS


def settled(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: not window.compact.settling and not window.compact._refit.isActive(), timeout=5000
    )
    qtbot.wait(50)


def test_fitted_rect_grows_to_the_content_and_moves_up_at_the_screen_bottom() -> None:
    area = QRect(0, 0, 1600, 1000)
    frame = QRect(700, 560, COMPACT_WIDTH, 420)
    assert fitted_rect(frame, 300, area) == frame  # tall enough already
    grown = fitted_rect(frame, 600, area)
    assert grown.height() == 600 and grown.bottom() == area.bottom() and grown.left() == frame.left()
    assert fitted_rect(frame, 1400, area) == QRect(700, 0, COMPACT_WIDTH, 1000)  # never past the screen


@pytest.mark.parametrize(
    ("language", "mode", "points"), [("zh_CN", "light", 0), ("en", "dark", 0), ("zh_CN", "light", 14)]
)
def test_filling_in_beside_a_short_chat_window_keeps_the_strip_on_screen(
    qtbot, app, window, beside, find, type_, shot, language: str, mode: str, points: int
) -> None:
    i18n.install_translators(app, language)
    theme.apply(app, mode, points)
    area = window.screen().availableGeometry()
    rest = docked(qtbot, window)
    assert rest.width() == COMPACT_WIDTH
    settled(qtbot, window)
    shot(window, f"strip-{language}-{mode}-{points}-1-docked")
    assert len(visible_copy_buttons(window)) == 1  # the compose box's

    open_wl(qtbot, window, find)
    settled(qtbot, window)
    frame = window.frameGeometry()
    assert area.contains(frame), (frame, area)
    if window.minimumSizeHint().height() <= window.geometry().height():
        assert near(frame, rest), (frame, rest)  # it fits: not a pixel taller
    # One Copy: the fill panel's; the compose box makes way while the strip fills in a phrase.
    assert visible_copy_buttons(window) == [window.fill.copy_button]
    assert not window.compose.isVisible()
    assert window.fill.copy_button.geometry().bottom() < window.fill.height()
    # Typing on field by field: the field being typed in is always in view, the last one too.
    fields = list(window.fill.inputs.values())
    for n, field in enumerate(fields[:-1]):
        qtbot.waitUntil(field.hasFocus)
        type_(field, f"v{n}")
        qtbot.keyClick(field, Qt.Key.Key_Tab)
    last = fields[-1]
    qtbot.waitUntil(last.hasFocus)
    qtbot.wait(50)
    scroll = window.fill._scroll.viewport()
    seen = QRect(last.mapTo(scroll, last.rect().topLeft()), last.size())
    assert scroll.rect().contains(seen), (seen, scroll.rect())
    shot(window, f"strip-{language}-{mode}-{points}-2-filling")

    qtbot.keyClick(last, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.side.currentWidget() is not window.fill)
    settled(qtbot, window)
    qtbot.waitUntil(lambda: near(window.frameGeometry(), rest), timeout=3000)
    assert window.compose.isVisible() and len(visible_copy_buttons(window)) == 1
    shot(window, f"strip-{language}-{mode}-{points}-3-after-esc")


def test_a_short_strip_gives_the_results_their_rows_before_the_compose_box(
    qtbot, window, beside, find
) -> None:
    docked(qtbot, window)
    find(window, "wl")
    settled(qtbot, window)
    compose = window.compose
    # Beside a 400-pixel chat window the compose box keeps its least height; the list has the rest.
    assert compose.height() <= compose.minimumSizeHint().height() + 2, compose.height()
    rows = window.results.viewport().height() / window.results.sizeHintForRow(0)
    assert rows >= 3, rows
    # Docked at a screen edge the strip is tall: the compose box gets its full height there.
    window.actions_by_name["dock_right"].trigger()
    qtbot.waitUntil(
        lambda: window.frameGeometry().height() > 800 and not window.compact.settling, timeout=5000
    )
    settled(qtbot, window)
    assert compose.height() >= compose.sizeHint().height() - 2


def test_leaving_the_strip_gives_the_full_window_its_panes_back(qtbot, window, find) -> None:
    before = window.tree.width(), window.side.width(), window.compose.height()
    window.compact.set_active(True, save=False)
    open_wl(qtbot, window, find)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    window.compact.set_active(False, save=False)
    qtbot.waitUntil(lambda: window.tree.isVisible() and window.compose.isVisible())
    qtbot.wait(100)
    after = window.tree.width(), window.side.width(), window.compose.height()
    assert all(abs(a - b) <= 8 for a, b in zip(after, before, strict=True)), (before, after)
    # The full window keeps both copies: the fill panel beside the compose box.
    open_wl(qtbot, window, find)
    assert window.compose.isVisible() and len(visible_copy_buttons(window)) == 2
    assert window.fill.hint.text() == window.fill.tr(
        "Enter: next field, then copy  ·  Ctrl+Enter: copy  ·  Esc: back to the list"
    )


def test_the_strip_fill_hint_is_whole_and_survives_a_language_change(qtbot, app, window, find, shot) -> None:
    window.compact.set_active(True, save=False)
    qtbot.waitUntil(lambda: window.width() <= COMPACT_WIDTH + 2)
    window.resize(window.width(), 900)  # room for the hint: the panel shows it where it has the height
    open_wl(qtbot, window, find)
    qtbot.waitUntil(lambda: window.fill.hint.isVisible())
    hint = window.fill.hint

    def whole() -> bool:
        return hint.fontMetrics().horizontalAdvance(hint.text()) <= hint.contentsRect().width()

    assert whole(), hint.text()
    assert "Esc" in hint.text()
    shot(window, "strip-fill-hint-zh")
    i18n.install_translators(app, "en")
    qtbot.waitUntil(lambda: "Search phrases" in window.search_box.placeholderText())
    qtbot.waitUntil(lambda: hint.text().endswith("Esc: back"))
    assert whole(), hint.text()
    # A phrase opened over the one being filled in (Ctrl+2) sets the panel's texts anew: still short.
    first = next(iter(window.fill.inputs.values()))
    qtbot.keyClick(first, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.fill.inputs and first not in window.fill.inputs.values())
    hint.repaint()
    assert whole(), hint.text()
    window.compact.set_active(False, save=False)


def test_f6_from_the_fill_panel_skips_the_hidden_compose_box(qtbot, window, find) -> None:
    window.compact.set_active(True, save=False)
    open_wl(qtbot, window, find)
    field = next(iter(window.fill.inputs.values()))
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: window.search_box.hasFocus())
    assert not window.compose.edit.hasFocus()
    window.compact.set_active(False, save=False)


def test_compose_asked_for_while_filling_in_the_strip_takes_its_place(qtbot, window, find) -> None:
    window.compact.set_active(True, save=False)
    open_wl(qtbot, window, find)
    assert not window.compose.isVisible()
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # or from the menu
    qtbot.waitUntil(lambda: window.compose.edit.hasFocus())
    assert window.side.currentWidget() is not window.fill and window.compose.isVisible()
    window.compact.set_active(False, save=False)


# -- a real X desktop: the chat stand-in and the window manager's frame -----------------------------


@pytest.mark.x11
@pytest.mark.skipif(shutil.which("xdotool") is None, reason="needs xdotool")
@pytest.mark.parametrize("points", [0, 14])
def test_beside_the_real_short_chat_window_the_strip_stays_on_screen(
    qtbot, app, window, desktop, tmp_path, find, shot, points: int
) -> None:
    x, y, width, height = LOW_CHAT
    proc = subprocess.Popen(
        [sys.executable, str(STANDIN), str(tmp_path / "chat.txt"), f"{x},{y},{width},{height}"]
    )
    c = None
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--name", "^Chat stand-in$"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.split()
        assert found, "the chat stand-in did not open"
        subprocess.run(["xdotool", "windowactivate", "--sync", found[0]], check=False, timeout=10)
        c = Companion(window, backend=hotkeys.NullBackend("test"), tray=False)
        if c.paster is None or c.paster.name != "x11":
            pytest.skip("no X11 paster here")
        theme.apply(app, "dark", points)
        area = window.screen().availableGeometry()
        window.actions_by_name["dock_beside"].trigger()
        chat = c.chat_window_rect()
        assert chat is not None
        wanted = beside_rect(chat, area)
        assert wanted is not None
        qtbot.waitUntil(
            lambda: near(window.frameGeometry(), wanted) and not window.compact.settling, timeout=5000
        )
        rest = window.frameGeometry()
        open_wl(qtbot, window, find)
        settled(qtbot, window)
        assert area.contains(window.frameGeometry()), (window.frameGeometry(), area)
        shot(window, f"strip-x11-{points}-filling")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        settled(qtbot, window)
        qtbot.waitUntil(lambda: near(window.frameGeometry(), rest), timeout=3000)
        assert window.compact.chat_window != 0  # still following the chat window
    finally:
        window.compact.set_active(False, save=False)
        if c is not None:
            c.close()
        proc.terminate()
        proc.wait(5)
