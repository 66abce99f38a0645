"""Beside the chat tool: hotkey popup, paste into another program, clipboard restore, compact mode, tray."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from chat_desktop import ChatStandIn, needs_xdotool, xdotool
from huashu.gui import hotkeys, i18n, paste
from huashu.gui import popup as popup_module
from huashu.gui.compact import screen_setup
from huashu.gui.companion import Companion
from huashu.gui.main_window import MainWindow
from huashu.gui.paste import ClipboardSnapshot, Paster
from huashu.gui.qt import (
    QApplication,
    QByteArray,
    QClipboard,
    QColor,
    QElapsedTimer,
    QGuiApplication,
    QImage,
    QInputMethodEvent,
    QMimeData,
    QRect,
    Qt,
)
from huashu.gui.tray import Tray

QSD = "请您稍等，我帮您查询一下。"  # the default library's /qsd, a phrase without fields
HAS_X = bool(os.environ.get("DISPLAY")) and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb"


def pumped(qtbot, args: list[str], timeout: float = 10.0, stdin: bytes | None = None) -> bytes:  # type: ignore[no-untyped-def]
    """Run a command while Qt keeps serving events: xclip reading our clipboard needs us to answer."""
    proc = subprocess.Popen(
        args,
        stdin=subprocess.PIPE if stdin is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=int(timeout * 1000))
    assert proc.stdout is not None
    return proc.stdout.read()





class FakePaster(Paster):
    """Records what the flow asks for; `focus` decides whether the chat window gets focus back."""

    name = "fake"
    sees_reads = True

    def __init__(self, focus: bool = True) -> None:
        super().__init__()
        self.focus = focus
        self.pastes = 0
        self.activated: list[int] = []

    def active_window(self) -> int:
        return 4242

    def activate(self, window: int, timestamp: int = 0) -> None:
        self.activated.append(window)

    def has_focus(self, window: int) -> bool:
        return self.focus

    def send_paste(self) -> None:
        self.pastes += 1


@pytest.fixture
def companion(window: MainWindow) -> Iterator[Companion]:
    c = Companion(window, tray=False)
    yield c
    c.close()


def fake_companion(window: MainWindow, paster: Paster | None) -> Companion:
    return Companion(window, backend=hotkeys.NullBackend("test"), paster=paster, use_paster=False, tray=False)


def set_rich_clipboard() -> None:
    """Text, HTML and an image at once: what a browser or a screenshot tool leaves behind."""
    mime = QMimeData()
    mime.setText("earlier text")
    mime.setHtml("<b>earlier</b>")
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    mime.setImageData(image)
    QApplication.clipboard().setMimeData(mime, QClipboard.Mode.Clipboard)


def count_restores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = ClipboardSnapshot.restore

    def counted(self: ClipboardSnapshot, clipboard: QClipboard | None = None) -> None:
        calls.append(1)
        original(self, clipboard)

    monkeypatch.setattr(ClipboardSnapshot, "restore", counted)
    return calls


# -- the popup on any platform -------------------------------------------------------------------


def test_popup_is_created_once_and_searches_like_the_main_window(qtbot, type_, companion, shot) -> None:
    popup = companion.popup
    assert popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert popup.windowFlags() & Qt.WindowType.FramelessWindowHint
    companion.show_popup()
    qtbot.waitExposed(popup)
    assert companion.popup is popup
    screen = QGuiApplication.screenAt(popup.geometry().center())
    assert screen is not None and screen.availableGeometry().contains(popup.geometry())
    type_(popup.search_box, "/qsd")
    qtbot.waitUntil(lambda: popup.model.rowCount() > 0 and popup.model.item(0).text == QSD)
    shot(popup, "popup")


def test_enter_while_composing_belongs_to_the_input_method(qtbot, window, companion) -> None:
    popup = companion.popup
    companion.show_popup()
    qtbot.waitExposed(popup)
    used: list[object] = []
    popup.used.connect(used.append)
    popup.search_box.setText("/qsd")
    qtbot.waitUntil(lambda: popup.model.rowCount() > 0)
    preedit = QInputMethodEvent("cha", [])
    QApplication.sendEvent(popup.search_box, preedit)
    assert popup.search_box.composing
    qtbot.keyClick(popup.search_box, Qt.Key.Key_Return)
    qtbot.keyClick(popup.search_box, Qt.Key.Key_Escape)
    qtbot.keyClick(popup.search_box, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert used == [] and popup.isVisible()
    commit = QInputMethodEvent()
    commit.setCommitString("")
    QApplication.sendEvent(popup.search_box, commit)
    assert not popup.search_box.composing
    qtbot.keyClick(popup.search_box, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def test_fields_open_the_fill_panel_in_the_popup(qtbot, window, type_) -> None:
    paster = FakePaster()
    c = fake_companion(window, paster)
    popup = c.popup
    c.show_popup()
    popup.search_box.setText("/wl")
    qtbot.waitUntil(lambda: popup.model.rowCount() > 0)
    qtbot.keyClick(popup.search_box, Qt.Key.Key_Return)
    assert popup.pages.currentWidget() is popup.fill
    type_(popup.fill.inputs["快递公司"], "顺丰")
    qtbot.keyClick(popup.fill.inputs["快递公司"], Qt.Key.Key_Return)
    type_(popup.fill.inputs["物流单号"], "SF123")
    qtbot.keyClick(popup.fill.inputs["物流单号"], Qt.Key.Key_Return)
    type_(popup.fill.inputs["当前位置"], "上海")
    type_(popup.fill.inputs["日期"], "明天")
    with qtbot.waitSignal(c.delivered, timeout=3000) as got:
        qtbot.keyClick(popup.fill.inputs["日期"], Qt.Key.Key_Return)
    assert got.args == ["pasted"] or got.args == ["copied"]
    assert not popup.isVisible()
    assert window.ctx.memory.get("物流单号") == "SF123"  # the conversation remembers it, as in the window
    c.close()


@pytest.mark.x11
def test_focus_not_returned_falls_back_to_copy_with_a_notice(qtbot, window, monkeypatch) -> None:
    monkeypatch.setattr(paste, "FOCUS_TIMEOUT_MS", 50)
    paster = FakePaster(focus=False)
    c = fake_companion(window, paster)
    c.show_popup()
    c.popup.search_box.setText("/qsd")
    qtbot.waitUntil(lambda: c.popup.model.rowCount() > 0)
    with qtbot.waitSignal(c.delivered, timeout=3000) as got:
        qtbot.keyClick(c.popup.search_box, Qt.Key.Key_Return)
    assert got.args == ["copied"]
    assert paster.pastes == 0
    assert QApplication.clipboard().text() == QSD  # left there for a paste by hand
    assert "Ctrl+V" in window.toast.text()
    c.close()


@pytest.mark.x11
def test_clipboard_is_restored_once_in_every_format(qtbot, window, monkeypatch) -> None:
    restores = count_restores(monkeypatch)
    set_rich_clipboard()
    paster = FakePaster()
    c = fake_companion(window, paster)
    assert c.flow is not None
    c.target = 4242
    c.flow.start(QSD, 4242)
    assert QApplication.clipboard().text() == QSD and paster.pastes == 1
    # The chat tool reads twice (targets, then text); the restore waits for the quiet after both.
    paster.clipboard_read.emit()
    paster.clipboard_read.emit()
    qtbot.waitUntil(lambda: not c.flow.busy, timeout=2000)
    qtbot.wait(700)  # past the deadline timer too: still one restore
    assert restores == [1]
    data = QApplication.clipboard().mimeData()
    assert data.text() == "earlier text"
    assert "<b>earlier</b>" in data.html()
    assert data.hasImage() and QImage(data.imageData()).pixelColor(1, 1) == QColor("red")
    c.close()


class BlindPaster(FakePaster):
    """Like Windows and macOS: the platform does not report clipboard reads."""

    sees_reads = False


class RefusingPaster(FakePaster):
    """SendInput inserted fewer events than asked (another program blocks input)."""

    def send_paste(self) -> bool:
        self.pastes += 1
        return False


@pytest.mark.x11
def test_where_reads_are_not_reported_our_data_reports_them(qtbot, window, monkeypatch) -> None:
    restores = count_restores(monkeypatch)
    QApplication.clipboard().setText("earlier text")
    paster = BlindPaster()
    c = fake_companion(window, paster)
    assert c.flow is not None
    clock = QElapsedTimer()
    clock.start()
    c.flow.start(QSD, 4242)
    assert paster.pastes == 1 and c.flow.busy
    # The chat tool pastes: Qt asks our data for the text only now (lazily, as on Windows and macOS).
    assert QApplication.clipboard().mimeData().text() == QSD
    qtbot.waitUntil(lambda: not c.flow.busy, timeout=2000)
    assert clock.elapsed() < paste.RESTORE_TIMEOUT_MS - 200  # 25 ms after the read, not at the deadline
    qtbot.wait(paste.RESTORE_TIMEOUT_MS + 100)
    assert restores == [1]
    assert QApplication.clipboard().text() == "earlier text"
    # Nobody reads (the keys went nowhere): restored at the deadline, once.
    c.flow.start(QSD, 4242)
    qtbot.waitUntil(lambda: not c.flow.busy, timeout=2000)
    assert restores == [1, 1] and QApplication.clipboard().text() == "earlier text"
    c.close()


@pytest.mark.x11
def test_refused_paste_keys_leave_the_reply_to_paste_by_hand(qtbot, window, monkeypatch) -> None:
    restores = count_restores(monkeypatch)
    QApplication.clipboard().setText("earlier text")
    paster = RefusingPaster()
    c = fake_companion(window, paster)
    assert c.flow is not None
    c.target = 4242
    with qtbot.waitSignal(c.delivered, timeout=2000) as got:
        c.flow.start(QSD, 4242)
    assert got.args == ["copied"] and paster.pastes == 1
    qtbot.wait(paste.RESTORE_TIMEOUT_MS + 100)
    assert restores == [] and QApplication.clipboard().text() == QSD
    assert paste.paste_keys() in window.toast.text()
    c.close()


@pytest.mark.x11
@pytest.mark.skipif(shutil.which("xclip") is None, reason="needs xclip")
def test_watched_data_sees_another_program_read_it(qtbot) -> None:
    data = paste.WatchedMimeData()
    data.setText("你好")
    reads: list[int] = []
    data.read.connect(lambda: reads.append(1))
    QApplication.clipboard().setMimeData(data, QClipboard.Mode.Clipboard)
    assert reads == []
    assert pumped(qtbot, ["xclip", "-selection", "clipboard", "-o"]).decode() == "你好"
    assert reads


def test_paste_hint_names_this_platforms_keys(window) -> None:
    keys = paste.paste_keys()
    assert keys == ("⌘V" if sys.platform == "darwin" else "Ctrl+V")
    c = fake_companion(window, None)
    c._delivered("copied")
    assert keys in window.toast.text()
    c.close()


def test_windows_paste_target_is_never_ours_or_the_shells() -> None:
    assert paste.is_paste_target(1200, "WeChatMainWndForPC", own_pid=77)
    assert not paste.is_paste_target(77, "Qt6110QWindowIcon", own_pid=77)  # our own window
    for shell in ("Shell_TrayWnd", "NotifyIconOverflowWindow", "Progman", "WorkerW"):
        assert not paste.is_paste_target(1200, shell, own_pid=77)


def test_mac_popup_stays_visible_over_other_apps(window, monkeypatch) -> None:
    monkeypatch.setattr(popup_module.sys, "platform", "darwin")
    quick = popup_module.QuickPopup(window.ctx)
    assert quick.testAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)
    popup_module.activate_mac_app()  # no Objective-C runtime here: logged, never raised
    monkeypatch.undo()
    quick.deleteLater()


# -- a real X desktop: hotkey, focus, paste into another program ---------------------------------


@pytest.fixture
def chat(desktop: None, tmp_path: Path) -> Iterator[ChatStandIn]:
    standin = ChatStandIn(tmp_path)
    yield standin
    standin.close()


@pytest.mark.x11
@needs_xdotool
def test_hotkey_popup_pastes_into_the_chat_window(qtbot, window, chat, tmp_path, monkeypatch, shot) -> None:
    if shutil.which("xclip") is None:
        pytest.skip("needs xclip")
    restores = count_restores(monkeypatch)
    c = Companion(window, tray=False)
    try:
        if c.backend.name != "x11" or c.paster is None:
            pytest.skip(f"no X11 hotkey backend here: {c.backend.unavailable_reason()}")
        assert c.backend.current == hotkeys.parse("Ctrl+Alt+H"), c.hotkey_error
        window.showMinimized()
        # Another program owns the clipboard with an image: it must be there again afterwards.
        png = tmp_path / "earlier.png"
        image = QImage(6, 6, QImage.Format.Format_RGB32)
        image.fill(QColor("blue"))
        image.save(str(png))
        owner = subprocess.Popen(["xclip", "-selection", "clipboard", "-t", "image/png", "-i", str(png)])
        qtbot.wait(200)
        chat.focus()
        assert chat.is_active()

        xdotool("key", "ctrl+alt+h")
        popup = c.popup
        qtbot.waitUntil(lambda: popup.isVisible() and popup.isActiveWindow(), timeout=3000)
        # Windows and some WMs show a popup behind the active window: focus is what counts.
        assert QApplication.focusWidget() is popup.search_box
        assert QApplication.activeWindow() is popup
        assert c.target == chat.window
        xdotool("type", "--delay", "15", "/qsd")
        qtbot.waitUntil(
            lambda: popup.search_box.text() == "/qsd" and popup.model.rowCount() > 0, timeout=3000
        )
        assert popup.model.item(0).text == QSD
        shot(popup, "popup-x11")
        with qtbot.waitSignal(c.delivered, timeout=5000) as got:
            xdotool("key", "Return")
        assert got.args == ["pasted"]
        qtbot.waitUntil(lambda: chat.text() == QSD, timeout=3000)
        assert not popup.isVisible()
        assert restores == [1]
        targets = pumped(qtbot, ["xclip", "-selection", "clipboard", "-o", "-t", "TARGETS"]).decode()
        assert "image/png" in targets
        restored = pumped(qtbot, ["xclip", "-selection", "clipboard", "-o", "-t", "image/png"])
        assert restored == png.read_bytes() or QImage.fromData(QByteArray(restored)).pixelColor(
            1, 1
        ) == QColor("blue")
        owner.wait(5)  # xclip ends once it has lost the clipboard to us
    finally:
        c.close()


@pytest.mark.x11
@needs_xdotool
def test_clicking_elsewhere_hides_the_popup(qtbot, window, chat) -> None:
    c = Companion(window, tray=False)
    try:
        c.show_popup()
        qtbot.waitUntil(lambda: c.popup.isActiveWindow(), timeout=3000)
        chat.focus()
        qtbot.waitUntil(lambda: not c.popup.isVisible(), timeout=3000)
    finally:
        c.close()


# -- compact mode and tray -----------------------------------------------------------------------


def test_compact_mode_is_a_docked_always_on_top_strip(qtbot, window, gui_lib, idle, shot) -> None:
    before = window.geometry()
    window.actions_by_name["compact"].trigger()
    assert window.compact.active
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert not window.tree.isVisible() and not window.side.isVisible()
    assert window.search_box.isVisible() and window.results.isVisible() and window.compose.isVisible()
    qtbot.waitUntil(lambda: window.width() <= 400)
    area = window.screen().availableGeometry()
    frame = window.frameGeometry()  # title bar and borders included: all of it on screen
    assert frame.left() == area.left() or frame.right() == area.right()
    shot(window, "compact")
    # A phrase with fields still gets its fill panel while compact.
    window.search_box.setText("/wl")
    idle(window)
    window.use_selected()
    assert window.side.isVisible()
    window.close_fill()
    window.actions_by_name["compact"].trigger()
    assert not window.compact.active and window.tree.isVisible()
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    # The full size comes back (give or take a frame: without a window manager X guesses it).
    if HAS_X:
        qtbot.waitUntil(
            lambda: abs(window.width() - before.width()) <= 8 and abs(window.height() - before.height()) <= 30
        )
    # Remembered for the next start on this library: on as the agent left it, and off again.
    from huashu.gui.app import create_main_window

    for on in (True, False):
        window.compact.set_active(on)
        window.compact.remember()  # what closing the window does
        idle(window)
        again = create_main_window(gui_lib)
        qtbot.addWidget(again)
        again.compact.load()
        qtbot.waitUntil(lambda w=again: w.compact.loaded, timeout=3000)
        qtbot.wait(50)
        assert again.compact.active is on
        again.compact.set_active(False, save=False)
        again.close()


def test_compact_toggle_keeps_the_native_window_and_the_focus(qtbot, window, active) -> None:
    """Recreating the native window to change stay-on-top left it inactive under openbox: no caret."""
    active(window)
    window.search_box.setFocus()
    native = window.windowHandle()
    wid = int(native.winId())
    for on in (True, False, True, False):
        window.compact.set_active(on, save=False)
        assert window.windowHandle() is native and int(native.winId()) == wid
        assert bool(native.flags() & Qt.WindowType.WindowStaysOnTopHint) is on
        assert bool(window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint) is on
        qtbot.waitUntil(lambda: window.isActiveWindow() and window.search_box.hasFocus(), timeout=3000)


def test_compact_strip_stays_whole_on_screen(qtbot, window, desktop, idle) -> None:
    # With a window manager the title bar is part of the strip: nothing of it may leave the screen,
    # neither at the bottom (the compose box) nor at the side when a long query is typed.
    window.compact.dock_to("right")
    area = window.screen().availableGeometry()

    def on_screen() -> bool:
        return area.contains(window.frameGeometry()) and window.width() <= 400

    qtbot.waitUntil(on_screen, timeout=5000)
    window.search_box.setText("tuikuan wuliu fapiao dingdan kuaidi shouhou tousu")
    idle(window)
    qtbot.wait(100)
    assert on_screen(), (window.frameGeometry(), area)
    # Nor when the compose box counts its findings in a long line.
    window.compose.edit.setPlainText("我不知道，没办法，亲，你自己看吧，这事不归我管")
    qtbot.waitUntil(lambda: "Ctrl+." in window.compose.summary.text(), timeout=3000)
    qtbot.wait(100)
    assert on_screen(), (window.frameGeometry(), area)
    assert window.compose.summary.toolTip() in ("", window.compose.summary.text())
    assert window.results_header.toolTip() == window.results_header.text()  # cut, whole on hover
    window.compact.set_active(False)


def test_beside_rect_prefers_the_right_then_the_left_and_fits_the_screen() -> None:
    from huashu.gui.compact import COMPACT_WIDTH, MIN_BESIDE_HEIGHT, beside_rect

    area = QRect(0, 0, 1600, 1000)
    right = beside_rect(QRect(100, 150, 800, 600), area)
    assert right == QRect(900, 150, COMPACT_WIDTH, 600)
    left = beside_rect(QRect(900, 150, 600, 600), area)
    assert left == QRect(900 - COMPACT_WIDTH, 150, COMPACT_WIDTH, 600)
    assert beside_rect(QRect(0, 0, 1600, 1000), area) is None  # a maximized chat window
    short = beside_rect(QRect(100, 900, 500, 60), area)  # near the bottom: tall enough, still on screen
    assert short is not None and short.height() == MIN_BESIDE_HEIGHT and short.bottom() == area.bottom()
    offset = QRect(1600, 0, 1280, 1024)  # a second screen to the right
    assert beside_rect(QRect(1700, -50, 400, 2000), offset) == QRect(2100, 0, COMPACT_WIDTH, 1024)


def test_beside_without_a_chat_window_docks_at_the_edge_and_says_so(qtbot, window) -> None:
    c = fake_companion(window, None)  # no paster: nothing can be found beside us
    try:
        window.actions_by_name["dock_beside"].trigger()
        # Asked for: it says so. "Beside" stays the wish, so the next switch tries again.
        assert window.compact.active and window.compact.side == "beside"
        area = window.screen().availableGeometry()
        qtbot.waitUntil(lambda: window.frameGeometry().right() == area.right())
        assert "right edge" in window.toast.text() or "右" in window.toast.text()
    finally:
        window.compact.set_active(False)
        c.close()


class ChatAt(FakePaster):
    """A chat window at a fixed place on the desktop."""

    def __init__(self, frame: tuple[int, int, int, int]) -> None:
        super().__init__()
        self.frame = frame

    def recent_window(self) -> int:
        return 4242

    def window_frame(self, window: int) -> tuple[int, int, int, int] | None:
        return self.frame if window == 4242 else None


def test_compact_beside_at_start_waits_for_the_desktop_connections(qtbot, gui_lib, app) -> None:
    from huashu.gui.app import create_main_window

    gui_lib.set_setting(
        "ui.compact_state", {"on": True, "setups": {screen_setup(): {"side": "beside", "geometry": ""}}}
    )
    window = create_main_window(gui_lib)
    qtbot.addWidget(window)
    window.show()
    window.compact.load()
    qtbot.waitUntil(lambda: window.compact.active, timeout=3000)
    # No companion yet (it starts once the window is interactive): the right edge, quietly, for now.
    assert window.companion is None and window.compact.side == "beside"
    # The window manager frames a newly shown window a moment later (a busy machine: later still).
    qtbot.waitUntil(
        lambda: window.frameGeometry().right() == window.screen().availableGeometry().right(), timeout=3000
    )
    assert not window.toast.isVisible()
    c = fake_companion(window, ChatAt((40, 60, 500, 600)))
    try:
        # The X server confirms a move of a shown window asynchronously (a busy machine: later).
        def docked() -> bool:
            frame = window.frameGeometry()
            return frame.left() == 540 and frame.top() == 60 and frame.height() == 600

        qtbot.waitUntil(docked, timeout=3000)
        assert window.compact.side == "beside"
    finally:
        window.compact.set_active(False)
        c.close()
        window.close()


@pytest.mark.x11
@needs_xdotool
def test_compact_docks_beside_the_chat_window(qtbot, window, desktop, tmp_path, gui_lib, shot) -> None:
    chat = ChatStandIn(tmp_path, "60,80,640,520")
    c = Companion(window, backend=hotkeys.NullBackend("test"), tray=False)
    try:
        if c.paster is None or c.paster.name != "x11":
            pytest.skip("no X11 paster here")
        chat.focus()
        chat_frame = c.chat_window_rect()
        assert chat_frame is not None and chat_frame.width() >= 640 and chat_frame.height() >= 520
        window.actions_by_name["dock_beside"].trigger()
        assert window.compact.active and window.compact.side == "beside"

        def beside() -> bool:
            ours = window.frameGeometry()
            return abs(ours.left() - (chat_frame.right() + 1)) <= 2 and abs(ours.top() - chat_frame.top()) <= 2

        qtbot.waitUntil(beside, timeout=5000)
        assert not window.frameGeometry().intersects(chat_frame.adjusted(0, 0, -2, -2))
        assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
        shot(window, "compact-beside-chat")
        # Remembered as "beside": the next start docks beside the chat window again, wherever it is now.
        window.compact.remember()
        qtbot.waitUntil(lambda: not window.ops.busy)
        stored = gui_lib.setting("ui.compact_state")
        assert isinstance(stored, dict) and stored["on"]
        assert [entry["side"] for entry in stored["setups"].values()] == ["beside"]
    finally:
        window.compact.set_active(False)
        c.close()
        chat.close()


def test_the_tray_starts_in_step_with_a_restored_compact_mode(qtbot, window, monkeypatch) -> None:
    window.compact.set_active(True, save=False)  # restored from the library before the tray existed
    monkeypatch.setattr(Tray, "available", staticmethod(lambda: True))
    c = Companion(window, backend=hotkeys.NullBackend("test"), use_paster=False, tray=True)
    try:
        assert c.tray is not None and c.tray.compact_action.isChecked()
        c.tray.compact_action.trigger()  # the first click switches it off, not "on" again
        assert not window.compact.active
    finally:
        c.close()
        QApplication.instance().setQuitOnLastWindowClosed(True)


def test_chat_window_pixels_become_qt_coordinates_per_screen(monkeypatch) -> None:
    from huashu.gui import companion as module

    class Screen:
        def __init__(self, x: int, y: int, width: int, height: int, ratio: float) -> None:
            self.rect, self.ratio = QRect(x, y, width, height), ratio

        def geometry(self) -> QRect:
            return self.rect

        def devicePixelRatio(self) -> float:
            return self.ratio

    # A 1920x1080 screen at 100 % and, right of it, a 4K screen at 200 % (1920x1080 in Qt's units).
    left, right = Screen(0, 0, 1920, 1080, 1.0), Screen(1920, 0, 1920, 1080, 2.0)

    class Gui:
        @staticmethod
        def screens() -> list[Screen]:
            return [left, right]

        @staticmethod
        def primaryScreen() -> Screen:
            return left

    monkeypatch.setattr(module, "QGuiApplication", Gui)
    assert module.logical_rect(100, 50, 800, 600) == QRect(100, 50, 800, 600)
    # On the 4K screen: its origin stays, what lies inside it halves.
    assert module.logical_rect(1920 + 400, 200, 1600, 1200) == QRect(1920 + 200, 100, 800, 600)


def test_tray_menu_and_closing_into_the_tray(qtbot, window) -> None:
    c = fake_companion(window, None)
    tray = Tray(c)
    seen: list[str] = []
    tray.show_requested.connect(lambda: seen.append("show"))
    tray.quick_requested.connect(lambda: seen.append("quick"))
    tray.compact_toggled.connect(lambda on: seen.append(f"compact {on}"))
    tray.pause_toggled.connect(lambda on: seen.append(f"pause {on}"))
    tray.quit_requested.connect(lambda: seen.append("quit"))
    for action in (
        tray.show_action,
        tray.quick_action,
        tray.compact_action,
        tray.pause_action,
        tray.quit_action,
    ):
        action.trigger()
    assert seen == ["show", "quick", "compact True", "pause True", "quit"]
    assert [a.text() for a in tray.menu.actions() if a.text()] == [
        "显示话术助手",
        "快速搜索",
        "紧凑模式",
        "暂停快捷键",
        "退出话术助手",
    ]
    # With a tray, closing the window keeps the app (and its hotkey) running.
    c.tray = tray
    window.close()
    assert not window.isVisible() and not window.ops._closed
    c.show_window()
    assert window.isVisible()
    c.tray = None
    c.close()


class Recording(hotkeys.HotkeyBackend):
    """A hotkey backend whose every grab succeeds: the companion believes its hotkey is live."""

    available = True

    def _grab(self, hotkey: hotkeys.Hotkey) -> str | None:
        return None


def test_pause_from_the_tray_releases_the_hotkey(window) -> None:
    backend = Recording()
    c = Companion(window, backend=backend, use_paster=False, tray=False)
    assert backend.current == hotkeys.parse("Ctrl+Alt+H")
    c.set_paused(True)
    assert backend.current is None
    c.set_paused(False)
    assert backend.current is not None
    c.close()


@pytest.mark.x11
def test_without_a_tray_closing_minimizes_and_keeps_the_hotkey(qtbot, window) -> None:
    """No tray on the desktop: closing must not quit silently and drop the hotkey and the draft."""
    from Xlib import X, display
    from Xlib.protocol import event as xevent

    backend = Recording()
    c = Companion(window, backend=backend, use_paster=False, tray=False)
    window.compose.edit.setPlainText("草稿")
    # What the window manager sends for the title bar's close button or Alt+F4.
    x = display.Display()
    try:
        target = x.create_resource_object("window", int(window.winId()))
        protocols = x.intern_atom("WM_PROTOCOLS")
        message = xevent.ClientMessage(
            window=target, client_type=protocols, data=(32, [x.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0])
        )
        target.send_event(message, event_mask=X.NoEventMask)
        x.flush()
    finally:
        x.close()
    qtbot.waitUntil(window.isMinimized, timeout=3000)
    assert backend.current is not None and window.compose.edit.toPlainText() == "草稿"
    window.showNormal()
    window.close()  # a close asked by code (or by QApplication.quit) still closes
    assert not window.isVisible()
    c.close()


def test_the_popup_fill_panel_says_paste_and_the_window_says_copy(window) -> None:
    """The quick popup pastes into the chat window: its button and hints must not promise a copy."""
    c = fake_companion(window, None)
    assert c.popup.fill.copy_button.text() == "粘贴  Ctrl+⏎"
    assert "填完即粘贴" in c.popup.fill.hint.text()
    assert window.fill.copy_button.text() == "复制  Ctrl+⏎"
    c.close()


def test_second_start_requests_reach_the_window(qtbot, window) -> None:
    c = fake_companion(window, None)
    window.hide()
    c.handle_request({"command": "activate", "files": []})
    assert window.isVisible()
    c.handle_request({"command": "toggle"})
    assert c.popup.isVisible()
    c.handle_request({"command": "toggle"})
    assert not c.popup.isVisible()
    c.close()


def test_a_taken_hotkey_keeps_the_one_that_worked(window) -> None:
    class Taken(hotkeys.HotkeyBackend):
        available = True

        def _grab(self, hotkey: hotkeys.Hotkey) -> str | None:
            return hotkeys.taken_message(hotkey) if str(hotkey) == "Ctrl+Alt+J" else None

    backend = Taken()
    c = Companion(window, backend=backend, use_paster=False, tray=False)
    assert backend.current == hotkeys.parse("Ctrl+Alt+H")
    c.apply_settings(replace(window.ctx.settings, hotkey="Ctrl+Alt+J"))
    assert backend.current == hotkeys.parse("Ctrl+Alt+H")
    assert c.hotkey_error is not None
    assert "Ctrl+Alt+J" in c.hotkey_error and "Ctrl+Alt+H" in c.hotkey_error
    assert c.hotkey_status() == c.hotkey_error
    c.close()


def test_tray_keeps_the_hotkey_across_a_language_change(qtbot, app) -> None:
    tray = Tray()
    tray.retranslate("Ctrl+Alt+H")
    assert "Ctrl+Alt+H" in tray.quick_action.text()
    i18n.install_translators(app, "en")
    qtbot.waitUntil(lambda: tray.quick_action.text() == "Quick search (Ctrl+Alt+H)", timeout=2000)
    tray.retranslate("")  # the hotkey was switched off
    assert tray.quick_action.text() == "Quick search"
    tray.set_visible(False)
