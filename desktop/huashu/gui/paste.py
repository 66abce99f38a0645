"""Pasting into the chat window: return focus, send the paste keys, then put the clipboard back as it was."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import struct
import sys
from typing import Any

from huashu.gui.qt import (
    QAbstractNativeEventFilter,
    QApplication,
    QClipboard,
    QCoreApplication,
    QElapsedTimer,
    QGuiApplication,
    QKeySequence,
    QMimeData,
    QObject,
    QTimer,
    Signal,
)

log = logging.getLogger(__name__)

FOCUS_TIMEOUT_MS = 400  # how long the window manager may take to hand focus back to the chat tool
RESTORE_IDLE_MS = 25  # after the chat tool's last clipboard read, so a second read still gets our text
RESTORE_TIMEOUT_MS = 600  # restore even if nobody read the clipboard (the paste keys went nowhere)
# Windows windows that are never a chat tool: the taskbar, its overflow area, the desktop.
SHELL_WINDOW_CLASSES = frozenset({"Shell_TrayWnd", "NotifyIconOverflowWindow", "Progman", "WorkerW"})


def paste_keys() -> str:
    """The paste shortcut as this platform writes it: "Ctrl+V", or "⌘V" on a Mac."""
    return QKeySequence(QKeySequence.StandardKey.Paste).toString(QKeySequence.SequenceFormat.NativeText)


def is_paste_target(window_pid: int, class_name: str, own_pid: int) -> bool:
    """Whether a foreground window (Windows) may receive the reply: not ours, not the shell's."""
    return window_pid != own_pid and class_name not in SHELL_WINDOW_CLASSES


class WatchedMimeData(QMimeData):
    """Clipboard data that tells when another program reads it.

    Windows (OLE) and macOS (pasteboard promises) hand the clipboard over lazily: Qt asks this
    object for the data only when a program pastes, so each read passes through retrieveData.
    """

    read = Signal()

    def retrieveData(self, mimetype: str, preferredType: Any) -> Any:
        self.read.emit()  # the flow only (re)starts a timer: safe while Qt is answering the reader
        return super().retrieveData(mimetype, preferredType)


class ClipboardSnapshot:
    """Every format on the clipboard copied out (text, HTML, images, files), to be put back exactly."""

    def __init__(self, formats: dict[str, bytes], image: Any = None) -> None:
        self.formats = formats
        self.image = image

    @classmethod
    def take(cls, clipboard: QClipboard | None = None) -> ClipboardSnapshot:
        clipboard = clipboard or QApplication.clipboard()
        data = clipboard.mimeData(QClipboard.Mode.Clipboard)
        if data is None:
            return cls({})
        formats: dict[str, bytes] = {}
        for name in data.formats():
            raw = bytes(data.data(name).data())
            if raw:
                formats[name] = raw
        # An image can be offered only as a native bitmap (Windows CF_DIB); keep Qt's decoded copy too.
        image = data.imageData() if data.hasImage() else None
        return cls(formats, image)

    @property
    def empty(self) -> bool:
        return not self.formats and self.image is None

    def mime_data(self) -> QMimeData:
        mime = QMimeData()
        if self.image is not None:
            mime.setImageData(self.image)
        for name, raw in self.formats.items():
            mime.setData(name, raw)
        return mime

    def restore(self, clipboard: QClipboard | None = None) -> None:
        clipboard = clipboard or QApplication.clipboard()
        if self.empty:
            clipboard.clear(QClipboard.Mode.Clipboard)
        else:
            clipboard.setMimeData(self.mime_data(), QClipboard.Mode.Clipboard)


class Paster(QObject):
    """Platform part: which window is active, giving it focus back, and sending the paste keys."""

    clipboard_read = Signal()  # another program asked for our clipboard (X11 only)
    name = "none"
    sees_reads = False  # True: clipboard_read reports reads; otherwise the flow watches its own data

    def active_window(self) -> int:
        return 0

    def activate(self, window: int, timestamp: int = 0) -> None:
        pass

    def has_focus(self, window: int) -> bool:
        return False

    def recent_window(self) -> int:
        """The top-level window of another program used last (the chat tool beside us); 0 if none."""
        return 0

    def window_frame(self, window: int) -> tuple[int, int, int, int] | None:
        """(x, y, width, height) of a window's outer frame in desktop pixels; None if it is gone."""
        return None

    def send_paste(self) -> bool | None:
        """Press the paste keys in the focused window; False when the system did not take them."""
        return True

    def watch_reads(self, on: bool) -> None:
        pass

    def close(self) -> None:
        pass


class _SelectionFilter(QAbstractNativeEventFilter):
    """Sees the SelectionRequest events Qt answers for our clipboard: a program is reading it."""

    SELECTION_REQUEST = 30
    CONTENT_TARGETS_SKIPPED = ("TARGETS", "TIMESTAMP", "MULTIPLE", "SAVE_TARGETS")

    def __init__(self, paster: X11Paster) -> None:
        super().__init__()
        self.paster = paster
        self.active = False

    def nativeEventFilter(self, event_type: Any, message: Any) -> Any:
        if self.active and bytes(event_type) == b"xcb_generic_event_t":
            head = ctypes.string_at(int(message), 32)
            if head[0] & 0x7F == self.SELECTION_REQUEST:
                # xcb_selection_request_event_t: type, pad, seq(2), time, owner, requestor, selection, target
                selection, target = struct.unpack_from("=II", head, 16)
                if selection == self.paster.clipboard_atom and target not in self.paster.meta_targets:
                    # Qt answers this request right after we return; tell the flow on the next turn.
                    QTimer.singleShot(0, self.paster.clipboard_read.emit)
        return False, 0


class X11Paster(Paster):
    """python-xlib: _NET_ACTIVE_WINDOW to find and refocus the chat window, XTest for Ctrl+V."""

    name = "x11"
    sees_reads = True

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from Xlib import XK, X, display
        from Xlib.ext import xtest

        self._X, self._xtest = X, xtest
        self.display = display.Display()
        if not self.display.has_extension("XTEST"):
            raise RuntimeError("the X server has no XTEST extension")
        self.root = self.display.screen().root
        self._active_atom = self.display.intern_atom("_NET_ACTIVE_WINDOW")
        self.clipboard_atom = self.display.intern_atom("CLIPBOARD")
        self.meta_targets = {self.display.intern_atom(n) for n in _SelectionFilter.CONTENT_TARGETS_SKIPPED}
        self._ctrl = self.display.keysym_to_keycode(XK.string_to_keysym("Control_L"))
        self._v = self.display.keysym_to_keycode(XK.string_to_keysym("v"))
        self._filter = _SelectionFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self._filter)

    def _has_wm(self) -> bool:
        check = self.display.intern_atom("_NET_SUPPORTING_WM_CHECK")
        prop = self.root.get_full_property(check, self._X.AnyPropertyType)
        return bool(prop and prop.value)

    def active_window(self) -> int:
        prop = self.root.get_full_property(self._active_atom, self._X.AnyPropertyType)
        if prop is not None and len(prop.value) and int(prop.value[0]):
            return int(prop.value[0])
        focus = self.display.get_input_focus().focus
        return int(getattr(focus, "id", 0) or 0)

    def activate(self, window: int, timestamp: int = 0) -> None:
        from Xlib import protocol

        target = self.display.create_resource_object("window", window)
        if self._has_wm():
            # Source 2 ("pager"): a request on the user's behalf, which window managers always honour.
            event = protocol.event.ClientMessage(
                window=target,
                client_type=self._active_atom,
                data=(32, [2, timestamp or self._X.CurrentTime, 0, 0, 0]),
            )
            mask = self._X.SubstructureRedirectMask | self._X.SubstructureNotifyMask
            self.root.send_event(event, event_mask=mask)
        else:
            target.set_input_focus(self._X.RevertToParent, timestamp or self._X.CurrentTime)
        self.display.flush()

    def has_focus(self, window: int) -> bool:
        focus = self.display.get_input_focus().focus
        node = int(getattr(focus, "id", 0) or 0)
        # The focus may sit on a child of the top-level (toolkits focus an inner window).
        for _ in range(8):
            if node == window:
                return True
            if node in (0, 1, self.root.id):
                return False
            with contextlib.suppress(Exception):
                node = int(self.display.create_resource_object("window", node).query_tree().parent.id)
                continue
            return False
        return False

    def _cardinals(self, window: Any, name: str) -> list[int]:
        with contextlib.suppress(Exception):  # the window may vanish between two requests
            prop = window.get_full_property(self.display.intern_atom(name), self._X.AnyPropertyType)
            if prop is not None:
                return [int(v) for v in prop.value]
        return []

    def _is_other_program(self, window_id: int) -> bool:
        window = self.display.create_resource_object("window", window_id)
        if self._cardinals(window, "_NET_WM_PID")[:1] == [os.getpid()]:
            return False
        skipped = {
            self.display.intern_atom(n)
            for n in ("_NET_WM_WINDOW_TYPE_DOCK", "_NET_WM_WINDOW_TYPE_DESKTOP", "_NET_WM_WINDOW_TYPE_SPLASH")
        }
        if skipped & set(self._cardinals(window, "_NET_WM_WINDOW_TYPE")):
            return False
        return self.display.intern_atom("_NET_WM_STATE_HIDDEN") not in self._cardinals(window, "_NET_WM_STATE")

    def recent_window(self) -> int:
        # The window manager's stacking list, topmost last: the first window that is not ours, not a
        # panel, not minimized, on this workspace and still there is the one the agent came from.
        stacking = self._cardinals(self.root, "_NET_CLIENT_LIST_STACKING")
        current = self._cardinals(self.root, "_NET_CURRENT_DESKTOP")[:1]
        active = self.active_window()
        for window_id in ([active] if active else []) + stacking[::-1]:
            if not window_id or not self._is_other_program(window_id):
                continue
            window = self.display.create_resource_object("window", window_id)
            desktop = self._cardinals(window, "_NET_WM_DESKTOP")[:1]
            if current and desktop and desktop != current and desktop != [0xFFFFFFFF]:
                continue  # on another workspace (0xFFFFFFFF: shown on all of them)
            if self.window_frame(window_id) is not None:
                return window_id
        return 0

    def window_frame(self, window: int) -> tuple[int, int, int, int] | None:
        try:
            target = self.display.create_resource_object("window", window)
            geometry = target.get_geometry()
            origin = self.root.translate_coords(target, 0, 0)
        except Exception:
            return None
        left, right, top, bottom = [*self._cardinals(target, "_NET_FRAME_EXTENTS"), 0, 0, 0, 0][:4]
        return (
            int(origin.x) - left,
            int(origin.y) - top,
            int(geometry.width) + left + right,
            int(geometry.height) + top + bottom,
        )

    def send_paste(self) -> bool:
        fake = self._xtest.fake_input
        fake(self.display, self._X.KeyPress, self._ctrl)
        fake(self.display, self._X.KeyPress, self._v)
        fake(self.display, self._X.KeyRelease, self._v)
        fake(self.display, self._X.KeyRelease, self._ctrl)
        self.display.sync()
        return True

    def watch_reads(self, on: bool) -> None:
        self._filter.active = on

    def close(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self._filter)
        with contextlib.suppress(Exception):
            self.display.close()


class WindowsPaster(Paster):
    """GetForegroundWindow / SetForegroundWindow and SendInput (ctypes)."""

    name = "windows"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from ctypes import wintypes

        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        # Declared: without them ctypes passes and returns C ints, which cuts 64-bit handles.
        user32.GetForegroundWindow.argtypes = ()
        user32.GetForegroundWindow.restype = wintypes.HWND
        user32.SetForegroundWindow.argtypes = (wintypes.HWND,)
        user32.SetForegroundWindow.restype = wintypes.BOOL
        user32.GetWindowThreadProcessId.argtypes = (wintypes.HWND, ctypes.POINTER(wintypes.DWORD))
        user32.GetWindowThreadProcessId.restype = wintypes.DWORD
        user32.GetClassNameW.argtypes = (wintypes.HWND, wintypes.LPWSTR, ctypes.c_int)
        user32.GetClassNameW.restype = ctypes.c_int
        user32.SendInput.argtypes = (wintypes.UINT, ctypes.c_void_p, ctypes.c_int)
        user32.SendInput.restype = wintypes.UINT
        user32.GetTopWindow.argtypes = (wintypes.HWND,)
        user32.GetTopWindow.restype = wintypes.HWND
        user32.GetWindow.argtypes = (wintypes.HWND, wintypes.UINT)
        user32.GetWindow.restype = wintypes.HWND
        user32.IsWindowVisible.argtypes = (wintypes.HWND,)
        user32.IsWindowVisible.restype = wintypes.BOOL
        user32.IsIconic.argtypes = (wintypes.HWND,)
        user32.IsIconic.restype = wintypes.BOOL
        user32.GetWindowTextLengthW.argtypes = (wintypes.HWND,)
        user32.GetWindowTextLengthW.restype = ctypes.c_int
        user32.GetWindowRect.argtypes = (wintypes.HWND, ctypes.POINTER(wintypes.RECT))
        user32.GetWindowRect.restype = wintypes.BOOL
        user32.GetWindowLongW.argtypes = (wintypes.HWND, ctypes.c_int)
        user32.GetWindowLongW.restype = wintypes.LONG
        self.user32 = user32
        try:
            dwmapi = ctypes.WinDLL("dwmapi")  # type: ignore[attr-defined]
            dwmapi.DwmGetWindowAttribute.argtypes = (wintypes.HWND, wintypes.DWORD, ctypes.c_void_p, wintypes.DWORD)
            dwmapi.DwmGetWindowAttribute.restype = ctypes.c_long  # HRESULT
            self.dwmapi: Any = dwmapi
        except OSError:
            self.dwmapi = None

    def _foreground(self) -> int:
        return int(self.user32.GetForegroundWindow() or 0)

    def _is_target(self, window: int) -> bool:
        from ctypes import wintypes

        pid = wintypes.DWORD(0)
        self.user32.GetWindowThreadProcessId(window, ctypes.byref(pid))
        name = ctypes.create_unicode_buffer(256)
        self.user32.GetClassNameW(window, name, len(name))
        return is_paste_target(int(pid.value), name.value, os.getpid())

    def active_window(self) -> int:
        """The chat window to paste into; 0 for our own windows and the taskbar, tray or desktop."""
        window = self._foreground()
        return window if window and self._is_target(window) else 0

    def _cloaked(self, window: int) -> bool:
        """Hidden by the compositor though "visible": suspended store apps, other virtual desktops."""
        if self.dwmapi is None:
            return False
        from ctypes import wintypes

        dwmwa_cloaked = 14
        value = wintypes.DWORD(0)
        result = self.dwmapi.DwmGetWindowAttribute(window, dwmwa_cloaked, ctypes.byref(value), ctypes.sizeof(value))
        return result == 0 and bool(value.value)

    def recent_window(self) -> int:
        gw_hwndnext, gw_owner, gwl_exstyle = 2, 4, -20
        ws_ex_toolwindow = 0x80
        window = int(self.user32.GetTopWindow(None) or 0)
        for _ in range(2000):  # z-order, topmost first; bounded in case windows come and go meanwhile
            if not window:
                return 0
            exstyle = int(self.user32.GetWindowLongW(window, gwl_exstyle)) & 0xFFFFFFFF
            if (
                self.user32.IsWindowVisible(window)
                and not self.user32.IsIconic(window)
                and not exstyle & ws_ex_toolwindow  # palettes and overlays
                and not self.user32.GetWindow(window, gw_owner)  # dialogs belong to their main window
                and self.user32.GetWindowTextLengthW(window) > 0
                and not self._cloaked(window)
                and self._is_target(window)
            ):
                return window
            window = int(self.user32.GetWindow(window, gw_hwndnext) or 0)
        return 0

    def window_frame(self, window: int) -> tuple[int, int, int, int] | None:
        from ctypes import wintypes

        rect = wintypes.RECT()
        # The visible frame: GetWindowRect also counts the invisible resize border (~7 px a side).
        dwmwa_extended_frame_bounds = 9
        visible = self.dwmapi is not None and not self.dwmapi.DwmGetWindowAttribute(
            window, dwmwa_extended_frame_bounds, ctypes.byref(rect), ctypes.sizeof(rect)
        )
        if not visible and not self.user32.GetWindowRect(window, ctypes.byref(rect)):
            return None
        return (rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top)

    def activate(self, window: int, timestamp: int = 0) -> None:
        # Allowed: our popup is the foreground window at this moment, so we may hand the foreground on.
        self.user32.SetForegroundWindow(window)

    def has_focus(self, window: int) -> bool:
        return self._foreground() == window

    def send_paste(self) -> bool:
        """Ctrl down, V down, V up, Ctrl up; False when SendInput did not insert all four."""
        from ctypes import wintypes

        class KEYBDINPUT(ctypes.Structure):
            _fields_ = (
                ("wVk", wintypes.WORD),
                ("wScan", wintypes.WORD),
                ("dwFlags", wintypes.DWORD),
                ("time", wintypes.DWORD),
                ("dwExtraInfo", ctypes.c_size_t),
            )

        class MOUSEINPUT(ctypes.Structure):  # only to give the union its full size
            _fields_ = (
                ("dx", wintypes.LONG),
                ("dy", wintypes.LONG),
                ("mouseData", wintypes.DWORD),
                ("dwFlags", wintypes.DWORD),
                ("time", wintypes.DWORD),
                ("dwExtraInfo", ctypes.c_size_t),
            )

        class _U(ctypes.Union):
            _fields_ = (("ki", KEYBDINPUT), ("mi", MOUSEINPUT))

        class INPUT(ctypes.Structure):
            _fields_ = (("type", wintypes.DWORD), ("u", _U))

        vk_control, vk_v, keyup = 0x11, 0x56, 0x2
        steps = [(vk_control, 0), (vk_v, 0), (vk_v, keyup), (vk_control, keyup)]
        inputs = (INPUT * len(steps))()
        for slot, (vk, flags) in zip(inputs, steps, strict=True):
            slot.type = 1  # INPUT_KEYBOARD
            slot.u.ki = KEYBDINPUT(vk, 0, flags, 0, 0)
        sent = int(self.user32.SendInput(len(steps), ctypes.byref(inputs), ctypes.sizeof(INPUT)))
        if sent != len(steps):
            error = ctypes.get_last_error()  # type: ignore[attr-defined]
            log.warning("SendInput inserted %d of %d key events (error %d)", sent, len(steps), error)
            if sent > 0:  # Ctrl may be down: let it go, or the agent's next keys arrive with Ctrl
                release = (INPUT * 1)()
                release[0].type = 1
                release[0].u.ki = KEYBDINPUT(vk_control, 0, keyup, 0, 0)
                self.user32.SendInput(1, ctypes.byref(release), ctypes.sizeof(INPUT))
            return False
        return True


def create_paster(parent: QObject | None = None) -> Paster | None:
    """The paster for this platform, or None where a program may not type into another (Wayland)."""
    platform = QGuiApplication.platformName()
    try:
        if platform == "xcb":
            return X11Paster(parent)
        if platform == "windows" and sys.platform == "win32":
            return WindowsPaster(parent)
    except Exception as exc:
        log.warning("paste into the chat window unavailable: %s", exc)
    return None


class PasteFlow(QObject):
    """One delivery: clipboard snapshot, text on the clipboard, focus back, paste keys, restore once.

    `finished` says "pasted", or "copied" when focus could not be returned (the text stays on the
    clipboard then, so the agent can paste by hand; nothing is restored under them).
    """

    finished = Signal(str)

    def __init__(self, paster: Paster, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paster = paster
        self._snapshot: ClipboardSnapshot | None = None
        self._target = 0
        self._clock = QElapsedTimer()
        self._poll = QTimer(self)
        self._poll.setInterval(2)
        self._poll.timeout.connect(self._check_focus)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._restore)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._restore)
        paster.clipboard_read.connect(self._read_seen)
        self.busy = False

    def start(self, text: str, target: int, timestamp: int = 0) -> None:
        if self.busy:  # a second Enter before the first finished: put the first one's clipboard back now
            self._restore()
        self.busy = True
        self._snapshot = ClipboardSnapshot.take()
        self._target = target
        if self.paster.sees_reads:
            QApplication.clipboard().setText(text, QClipboard.Mode.Clipboard)
        else:
            # Windows and macOS: our own data reports the chat tool's reads (Qt renders it lazily).
            data = WatchedMimeData()
            data.setText(text)
            data.read.connect(self._read_seen)
            QApplication.clipboard().setMimeData(data, QClipboard.Mode.Clipboard)
        self.paster.activate(target, timestamp)
        self._clock.start()
        self._poll.start()
        self._check_focus()

    def _check_focus(self) -> None:
        if not self.busy:
            self._poll.stop()
            return
        if self.paster.has_focus(self._target):
            self._poll.stop()
            self.paster.watch_reads(True)
            if self.paster.send_paste() is False:  # the system refused the keys: paste by hand
                self._give_up()
                return
            self._deadline.start(RESTORE_TIMEOUT_MS)
        elif self._clock.elapsed() > FOCUS_TIMEOUT_MS:
            self._poll.stop()
            self._give_up()

    def _give_up(self) -> None:
        """Copied, not pasted: the reply stays on the clipboard for a paste by hand, nothing restored."""
        self.paster.watch_reads(False)
        self._snapshot = None
        self.busy = False
        self.finished.emit("copied")

    def _read_seen(self) -> None:
        if self.busy and self._deadline.isActive():
            self._idle.start(RESTORE_IDLE_MS)

    def _restore(self) -> None:
        """Put the earlier clipboard back: exactly once per delivery, whichever timer fires first."""
        self._idle.stop()
        self._deadline.stop()
        self.paster.watch_reads(False)
        snapshot, self._snapshot = self._snapshot, None
        if not self.busy or snapshot is None:
            return
        self.busy = False
        snapshot.restore()
        self.finished.emit("pasted")
