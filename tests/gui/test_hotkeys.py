"""Hotkey strings: parsing, each backend's form, conflicts with the system and with other programs."""

from __future__ import annotations

import os

import pytest

from huashu.gui import hotkeys
from huashu.gui.hotkeys import Hotkey, HotkeyError, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ctrl+Alt+H", "Ctrl+Alt+H"),
        ("ctrl+alt+h", "Ctrl+Alt+H"),
        ("Alt + Ctrl + h", "Ctrl+Alt+H"),
        ("<ctrl>+<alt>+h", "Ctrl+Alt+H"),
        ("Control-Shift-Space", "Ctrl+Shift+Space"),
        ("Win+Space", "Meta+Space"),
        ("Super+F12", "Meta+F12"),
        ("cmd+opt+k", "Alt+Meta+K"),
        ("F9", "F9"),
        ("Ctrl+`", "Ctrl+`"),
        ("Ctrl+-", "Ctrl+-"),
        ("Ctrl+Alt+PageDown", "Ctrl+Alt+PgDown"),
        ("Ctrl+Alt+1", "Ctrl+Alt+1"),
    ],
)
def test_parse_and_canonical_spelling(text: str, expected: str) -> None:
    assert str(parse(text)) == expected
    assert parse(expected) == parse(text)


@pytest.mark.parametrize(
    "text", ["", "Ctrl+Alt", "H", "Shift+H", "Ctrl+H+J", "Ctrl+Alt+Ü", "Ctrl+Foo", "F25"]
)
def test_unusable_hotkeys_say_why(text: str) -> None:
    with pytest.raises(HotkeyError) as caught:
        parse(text)
    assert str(caught.value)


def test_x11_form() -> None:
    assert parse("Ctrl+Alt+H").x11() == ("h", 4 | 8)
    assert parse("Shift+Meta+Space").x11() == ("space", 1 | 64)
    assert parse("Ctrl+F5").x11() == ("F5", 4)
    assert parse("Ctrl+Alt+PgUp").x11() == ("Prior", 12)
    assert parse("Ctrl+Alt+/").x11() == ("slash", 12)


def test_windows_form() -> None:
    norepeat = 0x4000
    assert parse("Ctrl+Alt+H").windows() == (norepeat | 0x2 | 0x1, ord("H"))
    assert parse("Win+Shift+1").windows() == (norepeat | 0x8 | 0x4, ord("1"))
    assert parse("F12").windows() == (norepeat, 0x7B)
    assert parse("Ctrl+Space").windows()[1] == 0x20
    assert parse("Alt+`").windows()[1] == 0xC0


def test_macos_form() -> None:
    control, option, shift, command = 0x1000, 0x800, 0x200, 0x100
    assert parse("Ctrl+Alt+H").macos() == (control | option, 0x04)  # kVK_ANSI_H, whatever Option types
    assert parse("Cmd+Shift+Space").macos() == (command | shift, 0x31)
    assert parse("F12").macos() == (0, 0x6F)
    assert parse("Ctrl+F1").macos() == (control, 0x7A)
    assert parse("Ctrl+Alt+5").macos() == (control | option, 0x17)
    assert parse("Ctrl+Alt+0").macos() == (control | option, 0x1D)
    assert parse("Ctrl+Alt+/").macos() == (control | option, 0x2C)
    assert parse("Ctrl+Alt+PgDown").macos() == (control | option, 0x79)
    assert parse("Ctrl+F21").macos() is None  # no such key on a Mac keyboard


def test_macos_key_codes_cover_every_key_once() -> None:
    """Every letter, digit, F-key and named key has its own kVK code (a typo would bind two keys)."""
    keys = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *(f"F{n}" for n in range(1, 21))]
    keys += list(hotkeys._NAMED_KEYS)
    codes = {}
    for key in keys:
        form = Hotkey(frozenset({"ctrl"}), key).macos()
        assert form is not None, key
        codes[key] = form[1]
    assert len(set(codes.values())) == len(codes)
    assert [codes[k] for k in "ASDFHGZXCV"] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]


def test_fourcc() -> None:
    assert hotkeys.fourcc("keyb") == 0x6B657962
    assert hotkeys.MacBackend.SIGNATURE == 0x48534855  # "HSHU"


class Taken(hotkeys.HotkeyBackend):
    """A backend where some combinations belong to another program."""

    available = True

    def __init__(self, taken: set[str]) -> None:
        super().__init__()
        self.taken = taken
        self.grabbed: list[str] = []

    def _grab(self, hotkey: Hotkey) -> str | None:
        if str(hotkey) in self.taken:
            return hotkeys.taken_message(hotkey)
        self.grabbed.append(str(hotkey))
        return None

    def _ungrab(self, hotkey: Hotkey) -> None:
        self.grabbed.remove(str(hotkey))


def test_a_taken_combination_keeps_the_one_that_worked() -> None:
    backend = Taken({"Ctrl+Alt+J"})
    assert backend.register(parse("Ctrl+Alt+H")) is None
    message = backend.register(parse("Ctrl+Alt+J"))
    assert message is not None and "Ctrl+Alt+J" in message
    assert backend.current == parse("Ctrl+Alt+H") and backend.grabbed == ["Ctrl+Alt+H"]
    assert backend.register(parse("Ctrl+Alt+K")) is None
    assert backend.current == parse("Ctrl+Alt+K") and backend.grabbed == ["Ctrl+Alt+K"]
    # Paused (unregistered) and resumed on a combination taken meanwhile: the last good one returns.
    backend.unregister()
    assert backend.register(parse("Ctrl+Alt+J")) is not None
    assert backend.current == parse("Ctrl+Alt+K")
    # Nothing ever worked: nothing to keep.
    fresh = Taken({"Ctrl+Alt+J"})
    assert fresh.register(parse("Ctrl+Alt+J")) is not None and fresh.current is None


def test_conflicts_with_the_system_and_common_programs() -> None:
    for reserved in ("Ctrl+V", "ctrl+c", "Alt+Tab", "Win+L", "Ctrl+Space", "Alt+F4", "Cmd+V", "Win+V"):
        assert hotkeys.conflict(parse(reserved)), reserved
    assert hotkeys.conflict(parse("Ctrl+Alt+H")) is None
    assert hotkeys.conflict(parse(hotkeys.DEFAULT_HOTKEY)) is None


def test_conflicts_with_our_own_shortcuts() -> None:
    own = {"Compact mode": "Ctrl+Shift+C", "Search": "Ctrl+F"}
    message = hotkeys.conflict(parse("ctrl+shift+c"), own)
    assert message is not None and "Compact mode" in message
    assert hotkeys.conflict(parse("Ctrl+Shift+K"), own) is None


def test_null_backend_reports_its_reason() -> None:
    backend = hotkeys.NullBackend("Wayland: use huashu --toggle")
    assert backend.register(parse("Ctrl+Alt+H")) == "Wayland: use huashu --toggle"
    assert backend.current is None


@pytest.mark.x11
def test_x11_reports_a_hotkey_another_program_holds(app) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        pytest.skip("needs xcb")
    first = hotkeys.X11Backend()
    second = hotkeys.X11Backend()  # its own X connection: to the server, another program
    try:
        combo = Hotkey(frozenset({"ctrl", "alt", "shift"}), "F11")
        assert first.register(combo) is None
        message = second.register(combo)
        assert message is not None and "Ctrl+Alt+Shift+F11" in message
        assert second.current is None
        first.unregister()
        assert second.register(combo) is None  # free again once released
    finally:
        first.close()
        second.close()
