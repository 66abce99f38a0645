"""The app's settings as stored in the library file (lib.setting / lib.set_setting), with their defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from huashu.gui import i18n, theme
from huashu.storage.library import Library

PASTE_MODES = ("copy", "copy_minimize")
DEFAULT_HOTKEY = "Ctrl+Alt+H"  # here, not in gui.hotkeys: that module loads after the window is up
MIN_FONT, MAX_FONT = 8, 24
_PREFIX = "ui."


@dataclass(frozen=True)
class UiSettings:
    """What the Settings screen edits; stored one key per field as `ui.<field>`."""

    theme: str = "system"  # system | light | dark
    font_size: int = 0  # points; 0 follows the system
    language: str = i18n.DEFAULT_LANGUAGE
    paste: str = "copy"  # copy | copy_minimize (hide the window so the chat tool is in front)
    hotkey: str = DEFAULT_HOTKEY  # opens the quick popup from any program; empty means the default
    hotkey_on: bool = True
    paste_into_chat: bool = True  # the quick popup pastes into the window it came from, where allowed

    def clean(self) -> UiSettings:
        """The same settings with anything unknown (an older or newer version wrote it) reset to the default."""
        size = self.font_size if isinstance(self.font_size, int) else 0
        return UiSettings(
            theme=self.theme if self.theme in theme.THEMES else "system",
            font_size=0 if size == 0 else max(MIN_FONT, min(MAX_FONT, size)),
            language=self.language if self.language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE,
            paste=self.paste if self.paste in PASTE_MODES else "copy",
            # Versions before the quick popup stored "" (no hotkey yet): they get the default now.
            hotkey=self.hotkey.strip()
            if isinstance(self.hotkey, str) and self.hotkey.strip()
            else DEFAULT_HOTKEY,
            hotkey_on=self.hotkey_on if isinstance(self.hotkey_on, bool) else True,
            paste_into_chat=self.paste_into_chat if isinstance(self.paste_into_chat, bool) else True,
        )


def load(lib: Library) -> UiSettings:
    values: dict[str, Any] = {}
    for f in fields(UiSettings):
        value = lib.setting(_PREFIX + f.name)
        if value is not None:
            values[f.name] = value
    try:
        return UiSettings(**values).clean()
    except TypeError:
        return UiSettings()


def save(lib: Library, settings: UiSettings) -> Any:
    """Write every field in one transaction; returns the OpChanges."""
    changes = None
    with lib.transaction():
        for name, value in asdict(settings.clean()).items():
            changes = lib.set_setting(_PREFIX + name, value)
    return changes
