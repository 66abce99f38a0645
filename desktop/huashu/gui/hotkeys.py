"""Global hotkeys: parsing "Ctrl+Alt+H", conflict checks, and one backend per platform."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sys
from dataclasses import dataclass
from typing import Any

from huashu.gui.prefs import DEFAULT_HOTKEY
from huashu.gui.qt import (
    QAbstractNativeEventFilter,
    QCoreApplication,
    QGuiApplication,
    QObject,
    QSocketNotifier,
    QTimer,
    Signal,
)

log = logging.getLogger(__name__)

MODIFIERS = ("ctrl", "alt", "shift", "meta")  # canonical order, also the display order
_MODIFIER_ALIASES = {
    "ctrl": "ctrl",
    "control": "ctrl",
    "ctl": "ctrl",
    "strg": "ctrl",
    "alt": "alt",
    "option": "alt",
    "opt": "alt",
    "shift": "shift",
    "meta": "meta",
    "super": "meta",
    "win": "meta",
    "windows": "meta",
    "cmd": "meta",
    "command": "meta",
}
_DISPLAY = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta"}
# Named keys: canonical display name -> (X11 keysym name, Windows virtual-key code, macOS kVK_* code).
_NAMED_KEYS: dict[str, tuple[str, int, int]] = {
    "Space": ("space", 0x20, 0x31),
    "Tab": ("Tab", 0x09, 0x30),
    "Enter": ("Return", 0x0D, 0x24),
    "Esc": ("Escape", 0x1B, 0x35),
    "Backspace": ("BackSpace", 0x08, 0x33),  # kVK_Delete: the Mac's backspace
    "Insert": ("Insert", 0x2D, 0x72),  # kVK_Help sits where Insert is on PC keyboards
    "Delete": ("Delete", 0x2E, 0x75),  # kVK_ForwardDelete
    "Home": ("Home", 0x24, 0x73),
    "End": ("End", 0x23, 0x77),
    "PgUp": ("Prior", 0x21, 0x74),
    "PgDown": ("Next", 0x22, 0x79),
    "Left": ("Left", 0x25, 0x7B),
    "Up": ("Up", 0x26, 0x7E),
    "Right": ("Right", 0x27, 0x7C),
    "Down": ("Down", 0x28, 0x7D),
    "`": ("grave", 0xC0, 0x32),
    "-": ("minus", 0xBD, 0x1B),
    "=": ("equal", 0xBB, 0x18),
    ";": ("semicolon", 0xBA, 0x29),
    "'": ("apostrophe", 0xDE, 0x27),
    ",": ("comma", 0xBC, 0x2B),
    ".": ("period", 0xBE, 0x2F),
    "/": ("slash", 0xBF, 0x2C),
    "\\": ("backslash", 0xDC, 0x2A),
    "[": ("bracketleft", 0xDB, 0x21),
    "]": ("bracketright", 0xDD, 0x1E),
}
# macOS virtual key codes (Carbon's kVK_ANSI_*, kVK_F*) of the letters, digits and function keys.
# They name key positions of the US layout, which is also the position on Chinese keyboards.
_MAC_KEYS: dict[str, int] = {
    "A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06, "X": 0x07,
    "C": 0x08, "V": 0x09, "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E, "R": 0x0F, "Y": 0x10,
    "T": 0x11, "1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19,
    "7": 0x1A, "8": 0x1C, "0": 0x1D, "O": 0x1F, "U": 0x20, "I": 0x22, "P": 0x23, "L": 0x25,
    "J": 0x26, "K": 0x28, "N": 0x2D, "M": 0x2E,
    "F1": 0x7A, "F2": 0x78, "F3": 0x63, "F4": 0x76, "F5": 0x60, "F6": 0x61, "F7": 0x62,
    "F8": 0x64, "F9": 0x65, "F10": 0x6D, "F11": 0x67, "F12": 0x6F, "F13": 0x69, "F14": 0x6B,
    "F15": 0x71, "F16": 0x6A, "F17": 0x40, "F18": 0x4F, "F19": 0x50, "F20": 0x5A,
}  # fmt: skip
_KEY_ALIASES = {
    "space": "Space",
    "tab": "Tab",
    "enter": "Enter",
    "return": "Enter",
    "esc": "Esc",
    "escape": "Esc",
    "backspace": "Backspace",
    "ins": "Insert",
    "insert": "Insert",
    "del": "Delete",
    "delete": "Delete",
    "home": "Home",
    "end": "End",
    "pgup": "PgUp",
    "pageup": "PgUp",
    "page_up": "PgUp",
    "prior": "PgUp",
    "pgdown": "PgDown",
    "pgdn": "PgDown",
    "pagedown": "PgDown",
    "page_down": "PgDown",
    "next": "PgDown",
    "left": "Left",
    "up": "Up",
    "right": "Right",
    "down": "Down",
    "grave": "`",
    "minus": "-",
    "equal": "=",
    "comma": ",",
    "period": ".",
    "slash": "/",
}


class HotkeyError(ValueError):
    """A hotkey string that cannot be a global hotkey; the message is shown to the agent."""


@dataclass(frozen=True)
class Hotkey:
    """A parsed hotkey: modifier names from MODIFIERS and one key in canonical form ("H", "F9", "Space")."""

    modifiers: frozenset[str]
    key: str

    def __str__(self) -> str:
        mods = [_DISPLAY[m] for m in MODIFIERS if m in self.modifiers]
        return "+".join([*mods, self.key])

    @property
    def is_function_key(self) -> bool:
        return self.key.startswith("F") and self.key[1:].isdigit()

    # -- per-backend forms -------------------------------------------------------------------

    def x11(self) -> tuple[str, int]:
        """(keysym name, modifier mask) for XGrabKey: Shift=1, Control=4, Mod1 (Alt)=8, Mod4 (Super)=64."""
        masks = {"shift": 1, "ctrl": 4, "alt": 8, "meta": 64}
        mask = 0
        for m in self.modifiers:
            mask |= masks[m]
        if self.key in _NAMED_KEYS:
            name = _NAMED_KEYS[self.key][0]
        elif self.is_function_key:
            name = self.key
        else:
            name = self.key.lower()  # keysyms of letters are lower case; Shift is in the mask
        return name, mask

    def windows(self) -> tuple[int, int]:
        """(fsModifiers, virtual-key code) for RegisterHotKey; MOD_NOREPEAT keeps a held key from repeating."""
        flags = {"alt": 0x1, "ctrl": 0x2, "shift": 0x4, "meta": 0x8}
        mods = 0x4000  # MOD_NOREPEAT
        for m in self.modifiers:
            mods |= flags[m]
        if self.key in _NAMED_KEYS:
            vk = _NAMED_KEYS[self.key][1]
        elif self.is_function_key:
            vk = 0x70 + int(self.key[1:]) - 1  # VK_F1 = 0x70
        else:
            vk = ord(self.key.upper())  # VK codes of A-Z and 0-9 are their ASCII codes
        return mods, vk

    def macos(self) -> tuple[int, int] | None:
        """(Carbon modifiers, kVK_* key code) for RegisterEventHotKey, or None for a key Macs lack (F21+).

        Ctrl is the Control key and Meta the Command key (the parser reads "Cmd" as Meta); Alt is
        Option. cmdKey=0x100, shiftKey=0x200, optionKey=0x800, controlKey=0x1000.
        """
        flags = {"meta": 0x100, "shift": 0x200, "alt": 0x800, "ctrl": 0x1000}
        mods = 0
        for m in self.modifiers:
            mods |= flags[m]
        code = _NAMED_KEYS[self.key][2] if self.key in _NAMED_KEYS else _MAC_KEYS.get(self.key)
        return None if code is None else (mods, code)


def parse(text: str) -> Hotkey:
    """Read "Ctrl+Alt+H", "ctrl-alt-h", "<ctrl>+<alt>+h" or "Win+Space"; raise HotkeyError if unusable."""
    raw = text.strip()
    if not raw:
        raise HotkeyError(
            QCoreApplication.translate("hotkeys", "Type a hotkey such as {0}.").format(DEFAULT_HOTKEY)
        )
    # "+" and "-" separate parts, except where they are the key itself ("Ctrl++", "Ctrl+-").
    parts: list[str] = []
    token = ""
    for ch in raw.replace(" ", ""):
        if ch in "+-" and token:
            parts.append(token)
            token = ""
        else:
            token += ch
    if token:
        parts.append(token)
    modifiers: set[str] = set()
    key: str | None = None
    for part in parts:
        name = part.strip("<>").lower()
        if name in _MODIFIER_ALIASES:
            modifiers.add(_MODIFIER_ALIASES[name])
            continue
        if key is not None:
            raise HotkeyError(
                QCoreApplication.translate(
                    "hotkeys", "“{0}” has more than one key; use modifiers and one key."
                ).format(raw)
            )
        key = _canonical_key(part.strip("<>") if len(part) > 1 else part)
        if key is None:
            raise HotkeyError(
                QCoreApplication.translate("hotkeys", "“{0}” is not a key Huashu knows.").format(part)
            )
    if key is None:
        raise HotkeyError(
            QCoreApplication.translate("hotkeys", "“{0}” has no key, only modifiers.").format(raw)
        )
    hotkey = Hotkey(frozenset(modifiers), key)
    if not modifiers and not hotkey.is_function_key:
        raise HotkeyError(
            QCoreApplication.translate(
                "hotkeys", "“{0}” needs Ctrl, Alt or Win: alone it would be taken from every program."
            ).format(hotkey)
        )
    if modifiers == {"shift"} and not hotkey.is_function_key:
        raise HotkeyError(
            QCoreApplication.translate(
                "hotkeys", "“{0}” is how capital letters are typed; add Ctrl or Alt."
            ).format(hotkey)
        )
    return hotkey


def _canonical_key(name: str) -> str | None:
    if len(name) == 1:
        if name.isascii() and name.isalnum():
            return name.upper()
        return name if name in _NAMED_KEYS else None
    lower = name.lower()
    if lower in _KEY_ALIASES:
        return _KEY_ALIASES[lower]
    if lower.startswith("f") and lower[1:].isdigit() and 1 <= int(lower[1:]) <= 24:
        return f"F{int(lower[1:])}"
    return None


# Combinations other programs or the system own almost everywhere: a global grab would take them
# away from the chat tool (Ctrl+V!) or the system would never deliver them.
_RESERVED: dict[str, str] = {
    "Ctrl+A": "select all",
    "Ctrl+C": "copy",
    "Ctrl+V": "paste",
    "Ctrl+X": "cut",
    "Ctrl+Z": "undo",
    "Ctrl+Y": "redo",
    "Ctrl+S": "save",
    "Ctrl+F": "find",
    "Ctrl+W": "close tab",
    "Ctrl+Enter": "send in many chat tools",
    "Alt+Enter": "send in many chat tools",
    "Ctrl+Space": "switching the input method",
    "Shift+Space": "switching full/half width",
    "Ctrl+Shift": "switching the input method",
    "Alt+Tab": "switching windows",
    "Alt+F4": "closing windows",
    "Ctrl+Esc": "the start menu",
    "Ctrl+Alt+Delete": "the system security screen",
    "Meta+L": "locking the screen",
    "Meta+D": "showing the desktop",
    "Meta+E": "the file manager",
    "Meta+R": "the run dialog",
    "Meta+Tab": "switching windows",
    "Meta+Space": "switching the input method",
    "Alt+Space": "the window menu",
    # Command on a Mac; on Windows Win+V is the clipboard history, Win+X/A/Z/C system menus.
    "Meta+A": "select all",
    "Meta+C": "copy",
    "Meta+V": "paste",
    "Meta+X": "cut",
    "Meta+Z": "undo",
    "Meta+W": "closing windows",
    "F1": "help in most programs",
}


def conflict(hotkey: Hotkey, own_shortcuts: dict[str, str] | None = None) -> str | None:
    """Why `hotkey` is a bad choice (reserved by the system or common programs, or one of ours), or None."""
    name = str(hotkey)
    if name in _RESERVED:
        return QCoreApplication.translate("hotkeys", "{0} is used for {1}; pick another.").format(
            name, QCoreApplication.translate("hotkeys", _RESERVED[name])
        )
    for label, keys in (own_shortcuts or {}).items():
        try:
            if parse(keys) == hotkey:
                return QCoreApplication.translate(
                    "hotkeys", "{0} is Huashu's own shortcut for “{1}”."
                ).format(name, label)
        except HotkeyError:
            continue
    return None


def _reserved_labels() -> None:
    """The reserved reasons as translatable strings (lupdate reads these calls; the dict holds the sources)."""
    QCoreApplication.translate("hotkeys", "select all")
    QCoreApplication.translate("hotkeys", "copy")
    QCoreApplication.translate("hotkeys", "paste")
    QCoreApplication.translate("hotkeys", "cut")
    QCoreApplication.translate("hotkeys", "undo")
    QCoreApplication.translate("hotkeys", "redo")
    QCoreApplication.translate("hotkeys", "save")
    QCoreApplication.translate("hotkeys", "find")
    QCoreApplication.translate("hotkeys", "close tab")
    QCoreApplication.translate("hotkeys", "send in many chat tools")
    QCoreApplication.translate("hotkeys", "switching the input method")
    QCoreApplication.translate("hotkeys", "switching full/half width")
    QCoreApplication.translate("hotkeys", "switching windows")
    QCoreApplication.translate("hotkeys", "closing windows")
    QCoreApplication.translate("hotkeys", "the start menu")
    QCoreApplication.translate("hotkeys", "the system security screen")
    QCoreApplication.translate("hotkeys", "locking the screen")
    QCoreApplication.translate("hotkeys", "showing the desktop")
    QCoreApplication.translate("hotkeys", "the file manager")
    QCoreApplication.translate("hotkeys", "the run dialog")
    QCoreApplication.translate("hotkeys", "the window menu")
    QCoreApplication.translate("hotkeys", "help in most programs")


# -- backends ------------------------------------------------------------------------------------


class HotkeyBackend(QObject):
    """Registers one global hotkey and emits `activated` on the GUI thread when it is pressed."""

    activated = Signal()
    name = "none"
    available = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current: Hotkey | None = None
        self.last_working: Hotkey | None = None  # the last combination that registered: the fallback
        self.last_event_time = 0  # the key event's server time, where the platform tells it

    def register(self, hotkey: Hotkey) -> str | None:
        """Grab `hotkey` (replacing any earlier one); returns an error message or None when it works.

        When the new combination cannot be had, the one that worked before is taken back (and stays
        `current`), so a conflict never leaves the agent without a hotkey; the error still says why.
        """
        previous = self.current or self.last_working
        self.unregister()
        error = self._grab(hotkey)
        if error is None:
            self.current = self.last_working = hotkey
            return None
        if previous is not None and previous != hotkey and self._grab(previous) is None:
            self.current = previous
        return error

    def unregister(self) -> None:
        if self.current is not None:
            self._ungrab(self.current)
            self.current = None

    def unavailable_reason(self) -> str:
        return ""

    def _grab(self, hotkey: Hotkey) -> str | None:
        return self.unavailable_reason() or None

    def _ungrab(self, hotkey: Hotkey) -> None:
        pass

    def close(self) -> None:
        self.unregister()


def taken_message(hotkey: Hotkey) -> str:
    return QCoreApplication.translate(
        "hotkeys", "{0} is already taken by another program; pick another."
    ).format(hotkey)


class NullBackend(HotkeyBackend):
    """No global hotkeys here (Wayland, offscreen): the reason says what to do instead."""

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reason = reason

    def unavailable_reason(self) -> str:
        return self._reason


class X11Backend(HotkeyBackend):
    """XGrabKey on the root window through a second X connection, read by a QSocketNotifier.

    The GUI thread owns the connection (no listener thread, no locking): the notifier fires when
    the server sends the grabbed key press, and `activated` is emitted right there. The grab is
    repeated with CapsLock and NumLock masks, which X would otherwise count as modifiers.
    """

    name = "x11"
    available = True

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from Xlib import X, display

        self._X = X
        self.display = display.Display()
        self.root = self.display.screen().root
        self._keycode = 0
        self._mask = 0
        self._notifier = QSocketNotifier(self.display.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)

    def _lock_masks(self) -> list[int]:
        num_lock = 16  # Mod2 is NumLock on practically every X keyboard map
        return [0, 2, num_lock, 2 | num_lock]  # 2 = LockMask (CapsLock)

    def _grab(self, hotkey: Hotkey) -> str | None:
        from Xlib import XK, error

        keysym_name, mask = hotkey.x11()
        keysym = XK.string_to_keysym(keysym_name)
        keycode = self.display.keysym_to_keycode(keysym) if keysym else 0
        if not keycode:
            return QCoreApplication.translate("hotkeys", "{0}: this keyboard has no such key.").format(hotkey)
        catcher = error.CatchError(error.BadAccess)
        for extra in self._lock_masks():
            self.root.grab_key(
                keycode, mask | extra, True, self._X.GrabModeAsync, self._X.GrabModeAsync, onerror=catcher
            )
        self.display.sync()
        if catcher.get_error() is not None:
            for extra in self._lock_masks():
                self.root.ungrab_key(keycode, mask | extra)
            self.display.sync()
            return taken_message(hotkey)
        self._keycode, self._mask = keycode, mask
        return None

    def _ungrab(self, hotkey: Hotkey) -> None:
        for extra in self._lock_masks():
            self.root.ungrab_key(self._keycode, self._mask | extra)
        self.display.sync()

    def _read(self, *_args: object) -> None:
        fire = False
        while self.display.pending_events():
            event = self.display.next_event()
            if event.type == self._X.KeyPress and event.detail == self._keycode:
                self.last_event_time = int(event.time)
                fire = True
        if fire:
            self.activated.emit()

    def close(self) -> None:
        super().close()
        self._notifier.setEnabled(False)
        with contextlib.suppress(Exception):
            self.display.close()


class _WindowsFilter(QAbstractNativeEventFilter):
    """Sees WM_HOTKEY in the GUI thread's message queue (RegisterHotKey with no window posts it there)."""

    WM_HOTKEY = 0x0312

    def __init__(self, backend: WindowsBackend) -> None:
        super().__init__()
        self.backend = backend

    def nativeEventFilter(self, event_type: Any, message: Any) -> Any:
        if bytes(event_type) == b"windows_generic_MSG":
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            if msg.message == self.WM_HOTKEY and msg.wParam == WindowsBackend.HOTKEY_ID:
                self.backend.last_event_time = int(msg.time)
                self.backend.activated.emit()
                return True, 0
        return False, 0


class WindowsBackend(HotkeyBackend):
    """RegisterHotKey (ctypes) with a native event filter; Windows refuses combinations others hold."""

    name = "windows"
    available = True
    HOTKEY_ID = 0x4853  # "HS"
    ERROR_HOTKEY_ALREADY_REGISTERED = 1409

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from ctypes import wintypes

        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        # Declared: without argtypes ctypes passes ints, and a 64-bit HWND would be cut to 32 bits.
        user32.RegisterHotKey.argtypes = (wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT)
        user32.RegisterHotKey.restype = wintypes.BOOL
        user32.UnregisterHotKey.argtypes = (wintypes.HWND, ctypes.c_int)
        user32.UnregisterHotKey.restype = wintypes.BOOL
        self._user32 = user32
        self._filter = _WindowsFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self._filter)

    def _grab(self, hotkey: Hotkey) -> str | None:
        mods, vk = hotkey.windows()
        if not self._user32.RegisterHotKey(None, self.HOTKEY_ID, mods, vk):
            code = ctypes.get_last_error()  # type: ignore[attr-defined]
            if code == self.ERROR_HOTKEY_ALREADY_REGISTERED:
                return taken_message(hotkey)
            return QCoreApplication.translate("hotkeys", "{0} could not be registered (error {1}).").format(
                hotkey, code
            )
        return None

    def _ungrab(self, hotkey: Hotkey) -> None:
        self._user32.UnregisterHotKey(None, self.HOTKEY_ID)

    def close(self) -> None:
        super().close()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self._filter)


def fourcc(code: str) -> int:
    """A Mac OSType ("keyb") as the big-endian UInt32 Carbon compares."""
    return int.from_bytes(code.encode("ascii"), "big")


class MacBackend(HotkeyBackend):
    """Carbon's RegisterEventHotKey with a handler on the application event target (as QHotkey does).

    The system delivers the press as a Carbon event to the main thread's run loop, which Qt runs:
    no listener thread and no Accessibility or Input Monitoring permission. The combination is
    matched by key position, so Option+H arriving as "˙" does not matter.
    """

    name = "carbon"
    available = True
    HOTKEY_ID = 1
    SIGNATURE = fourcc("HSHU")
    EVENT_CLASS_KEYBOARD = fourcc("keyb")  # kEventClassKeyboard
    EVENT_HOTKEY_PRESSED = 6  # kEventHotKeyPressed
    PARAM_DIRECT_OBJECT = fourcc("----")  # kEventParamDirectObject
    TYPE_HOTKEY_ID = fourcc("hkid")  # typeEventHotKeyID
    NOT_HANDLED = -9874  # eventNotHandledErr: let other handlers see it
    HOTKEY_EXISTS = -9878  # eventHotKeyExistsErr: another program registered it exclusively

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

        class EventTypeSpec(ctypes.Structure):
            _fields_ = (("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32))

        class EventHotKeyID(ctypes.Structure):
            _fields_ = (("signature", ctypes.c_uint32), ("id", ctypes.c_uint32))

        self._HotKeyID = EventHotKeyID
        carbon = ctypes.CDLL("/System/Library/Frameworks/Carbon.framework/Carbon")
        vp, u32, i32, ulong = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int32, ctypes.c_ulong
        # OSStatus (*EventHandlerProcPtr)(EventHandlerCallRef, EventRef, void *userData)
        handler_type = ctypes.CFUNCTYPE(i32, vp, vp, vp)
        carbon.GetApplicationEventTarget.argtypes = ()
        carbon.GetApplicationEventTarget.restype = vp
        # InstallEventHandler(EventTargetRef, EventHandlerUPP, ItemCount, const EventTypeSpec *,
        #                     void *userData, EventHandlerRef *out)
        carbon.InstallEventHandler.argtypes = (
            vp,
            handler_type,
            ulong,
            ctypes.POINTER(EventTypeSpec),
            vp,
            ctypes.POINTER(vp),
        )
        carbon.InstallEventHandler.restype = i32
        carbon.RemoveEventHandler.argtypes = (vp,)
        carbon.RemoveEventHandler.restype = i32
        # RegisterEventHotKey(UInt32 keyCode, UInt32 modifiers, EventHotKeyID (by value),
        #                     EventTargetRef, OptionBits, EventHotKeyRef *out)
        carbon.RegisterEventHotKey.argtypes = (u32, u32, EventHotKeyID, vp, u32, ctypes.POINTER(vp))
        carbon.RegisterEventHotKey.restype = i32
        carbon.UnregisterEventHotKey.argtypes = (vp,)
        carbon.UnregisterEventHotKey.restype = i32
        # GetEventParameter(EventRef, EventParamName, EventParamType desired, EventParamType *actual,
        #                   ByteCount bufferSize, ByteCount *actualSize, void *data)
        carbon.GetEventParameter.argtypes = (vp, u32, u32, vp, ulong, vp, vp)
        carbon.GetEventParameter.restype = i32
        self._carbon = carbon
        self._hotkey_ref = ctypes.c_void_p()
        self._handler_ref = ctypes.c_void_p()
        self._callback = handler_type(self._on_event)  # kept alive: Carbon holds only the pointer
        spec = EventTypeSpec(self.EVENT_CLASS_KEYBOARD, self.EVENT_HOTKEY_PRESSED)
        status = carbon.InstallEventHandler(
            carbon.GetApplicationEventTarget(),
            self._callback,
            1,
            ctypes.byref(spec),
            None,
            ctypes.byref(self._handler_ref),
        )
        if status != 0:
            raise OSError(f"InstallEventHandler failed ({status})")

    def _on_event(self, _call_ref: Any, event: Any, _user_data: Any) -> int:
        try:
            got = self._HotKeyID()
            status = self._carbon.GetEventParameter(
                event,
                self.PARAM_DIRECT_OBJECT,
                self.TYPE_HOTKEY_ID,
                None,
                ctypes.sizeof(got),
                None,
                ctypes.byref(got),
            )
            if status != 0 or got.signature != self.SIGNATURE or got.id != self.HOTKEY_ID:
                return self.NOT_HANDLED
            # Already the main thread; the next turn lets Carbon finish its dispatch first.
            QTimer.singleShot(0, self.activated.emit)
            return 0
        except Exception:  # an exception must not unwind through Carbon's C frames
            log.exception("hotkey event")
            return self.NOT_HANDLED

    def _grab(self, hotkey: Hotkey) -> str | None:
        form = hotkey.macos()
        if form is None:
            return QCoreApplication.translate("hotkeys", "{0}: this keyboard has no such key.").format(hotkey)
        mods, code = form
        ref = ctypes.c_void_p()
        status = self._carbon.RegisterEventHotKey(
            code,
            mods,
            self._HotKeyID(self.SIGNATURE, self.HOTKEY_ID),
            self._carbon.GetApplicationEventTarget(),
            0,
            ctypes.byref(ref),
        )
        if status == self.HOTKEY_EXISTS:
            return taken_message(hotkey)
        if status != 0:
            return QCoreApplication.translate("hotkeys", "{0} could not be registered (error {1}).").format(
                hotkey, status
            )
        self._hotkey_ref = ref
        return None

    def _ungrab(self, hotkey: Hotkey) -> None:
        if self._hotkey_ref.value:
            self._carbon.UnregisterEventHotKey(self._hotkey_ref)
        self._hotkey_ref = ctypes.c_void_p()

    def close(self) -> None:
        super().close()
        if self._handler_ref.value:
            self._carbon.RemoveEventHandler(self._handler_ref)
            self._handler_ref = ctypes.c_void_p()


def wayland_reason() -> str:
    return QCoreApplication.translate(
        "hotkeys",
        "Wayland does not let programs take global hotkeys. Add a custom shortcut in your desktop's "
        "keyboard settings that runs: huashu --toggle",
    )


def create_backend(parent: QObject | None = None) -> HotkeyBackend:
    """The backend for the running platform; a NullBackend with the reason where there is none."""
    platform = QGuiApplication.platformName()
    try:
        if platform == "xcb":
            return X11Backend(parent)
        if platform == "windows" and sys.platform == "win32":
            return WindowsBackend(parent)
        if platform == "cocoa" and sys.platform == "darwin":
            return MacBackend(parent)
    except Exception as exc:  # no python-xlib, a refused connection: the app still works without
        log.warning("global hotkey backend unavailable: %s", exc)
        return NullBackend(
            QCoreApplication.translate("hotkeys", "Global hotkeys are unavailable: {0}").format(exc), parent
        )
    if platform == "wayland":
        return NullBackend(wayland_reason(), parent)
    return NullBackend(
        QCoreApplication.translate("hotkeys", "This platform ({0}) has no global hotkeys.").format(platform),
        parent,
    )
