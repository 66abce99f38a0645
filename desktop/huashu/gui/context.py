"""What every view shares: the operations runner, undo stack, settings, profile, checker, conversation memory."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from huashu.core import placeholders
from huashu.core.models import OpChanges, Rule
from huashu.gui import prefs
from huashu.gui.ops import OpError, Ops
from huashu.gui.qt import QObject, QUndoStack, Signal
from huashu.storage.library import PROFILE_KEYS, Library

# Fields whose value changes by itself; remembering them for the conversation would freeze the clock.
CLOCK_FIELDS = frozenset({"今天", "明天", "当前时间"})
# Fields the profile fills (名字, 您的名字/工号, 公司名称 …): the agent's own values, not the customer's.
PROFILE_FIELDS = placeholders.BUILTIN_FIELD_NAMES - CLOCK_FIELDS


def is_profile_field(name: str, builtins: Mapping[str, str]) -> bool:
    """True for a field about the agent: a built-in profile field, or any entry the profile has."""
    return name not in CLOCK_FIELDS and (name in PROFILE_FIELDS or name in builtins)


@functools.cache
def _profile_keys() -> dict[str, tuple[str, ...]]:
    """For each built-in profile field, the profile entries it is made of (您的名字/工号: 名字 and 工号).

    Asked of placeholders.builtin_values itself with marker values, so the spellings it knows and
    the way it joins name and number stay in one place.
    """
    probe = {key: f"\x01{n}\x02" for n, key in enumerate(PROFILE_KEYS)}
    filled = placeholders.builtin_values(probe, datetime(2000, 1, 1))
    return {
        name: tuple(key for key in PROFILE_KEYS if probe[key] in value)
        for name, value in filled.items()
        if name in PROFILE_FIELDS
    }


_NAME_WITH_ID = re.compile(r"(?P<name>.+?)\s*[（(]\s*工号\s*[:：]?\s*(?P<id>[^（()）]+?)\s*[）)]")
_ID_ONLY = re.compile(r"(?:工号\s*[:：]?\s*)?(?P<id>[A-Za-z]*-?\d[A-Za-z\d-]*)")


def profile_entries(field: str, value: str) -> dict[str, str]:
    """The profile entries (名字, 工号, 公司, 门店) that would fill `field` with `value` from now on.

    A name-and-number field is split the way the profile joins it: "小王（工号 8848）" gives both,
    "8848" or "工号 8848" the number, anything else the name. Empty for fields the profile does not fill.
    """
    keys = _profile_keys().get(field, ())
    value = value.strip()
    if not value or not keys:
        return {}
    if len(keys) == 1:
        return {keys[0]: value}
    name_key, id_key = keys
    if match := _NAME_WITH_ID.fullmatch(value):
        return {name_key: match["name"], id_key: match["id"]}
    if match := _ID_ONLY.fullmatch(value):
        return {id_key: match["id"]}
    return {name_key: value}


# A day of edits is far below this; an unbounded stack keeps every edited phrase alive.
UNDO_LIMIT = 500


class ConversationMemory:
    """Values the agent typed while serving the current customer (an order number is typed once),
    and the agent's own values for profile fields, which outlive the conversation."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        # Field -> (what the agent typed, what the profile said then). The agent's own name or store
        # is the same for the next customer; it is kept until the app quits, not until Ctrl+N.
        self._own: dict[str, tuple[str, str]] = {}

    def remember(self, values: Mapping[str, str], builtins: Mapping[str, str]) -> None:
        for name, value in values.items():
            value = value.strip()
            if not value or name in CLOCK_FIELDS:
                continue
            profile_value = builtins.get(name, "")
            if is_profile_field(name, builtins):
                if value == profile_value:
                    self._own.pop(name, None)  # back to the profile's value: let later profile edits through
                else:
                    self._own[name] = (value, profile_value)
            else:
                self._values[name] = value

    def get(self, name: str) -> str:
        """The value typed for this customer."""
        return self._values.get(name, "")

    def own(self, name: str, builtins: Mapping[str, str]) -> str:
        """The agent's own value typed earlier in this session, unless the profile has changed since
        (an edit in Settings is newer than what was typed before it)."""
        kept = self._own.get(name)
        if kept is None or builtins.get(name, "") != kept[1]:
            return ""
        return kept[0]

    def values(self) -> dict[str, str]:
        """The customer's values: what Ctrl+N forgets."""
        return dict(self._values)

    def clear(self) -> None:
        """A new customer: forget their values, keep the agent's own."""
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


class AppContext(QObject):
    """Holds library-derived state the GUI needs between operations, refreshed when OpChanges say so."""

    checker_changed = Signal()
    profile_changed = Signal()
    settings_changed = Signal(object)  # UiSettings
    conversation_reset = Signal()

    def __init__(self, lib: Library, settings: prefs.UiSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.ops = Ops(lib, self)
        self.undo = QUndoStack(self)
        self.undo.setUndoLimit(UNDO_LIMIT)
        self.settings = settings
        self.memory = ConversationMemory()
        self.profile: dict[str, str] = {}
        self.rules: list[Rule] = []
        self.checker: Any = None  # huashu.core.checker.Checker once loaded (kept off the start-up path)
        self._rules_requested = False
        self._rules_failed = False  # copying then goes ahead unchecked rather than never
        self._after_checker: list[Callable[[], None]] = []
        self.ops.changed.connect(self._on_changes)

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Load profile and rules in the background; views show what they have meanwhile."""
        self.reload_profile()
        if not self._rules_requested:  # a copy right after start may have asked for them already
            self.reload_rules()

    def reload_profile(self) -> None:
        self.ops.run(lambda lib: lib.profile(), self._set_profile)

    def _set_profile(self, profile: dict[str, str]) -> None:
        self.profile = profile
        self.profile_changed.emit()

    def reload_rules(self) -> None:
        def build(lib: Library) -> tuple[list[Rule], Any]:
            from huashu.core.checker import Checker

            rules = lib.rules()
            return rules, Checker([r for r in rules if r.enabled])

        self._rules_requested = True
        self.ops.run(build, self._set_checker, self._checker_failed)

    def _set_checker(self, result: tuple[list[Rule], Any]) -> None:
        self.rules, self.checker = result
        self._rules_failed = False
        self.checker_changed.emit()
        self._run_waiting()

    def _checker_failed(self, error: OpError) -> None:
        self._rules_failed = True
        self.ops.failed.emit(error)  # shown like any other failed operation
        self._run_waiting()

    def _run_waiting(self) -> None:
        waiting, self._after_checker = self._after_checker, []
        for then in waiting:
            then()

    def when_checker_ready(self, then: Callable[[], None]) -> bool:
        """True if replies can be checked now; otherwise `then` runs once they can, and False.

        The rules load after the first screen; a reply copied before that would go out unchecked.
        Asking starts the load at once if it has not started.
        """
        if self.checker is not None or self._rules_failed:
            return True
        if then not in self._after_checker:
            self._after_checker.append(then)
        if not self._rules_requested:
            self.reload_rules()
        return False

    def _on_changes(self, changes: OpChanges, _initiator: object) -> None:
        if changes.profile:
            self.reload_profile()
        if changes.rules:
            self.reload_rules()

    # -- derived values ----------------------------------------------------------------------

    def builtins(self, now: datetime | None = None) -> dict[str, str]:
        """Profile and clock values for built-in fields, computed now so 今天 is never yesterday."""
        values = dict(self.profile)
        values.update(placeholders.builtin_values(self.profile, now or datetime.now().astimezone()))
        return values

    def check(self, text: str) -> list[Any]:
        """Checker findings for `text` (none until the rules have loaded)."""
        if self.checker is None or not text:
            return []
        # Paragraph-wise with a cache: typing re-checks only the paragraph being edited.
        return list(self.checker.check_paragraphs(text))

    def apply_settings(self, settings: prefs.UiSettings) -> None:
        self.settings = settings
        self.settings_changed.emit(settings)

    def new_conversation(self) -> None:
        self.memory.clear()
        self.conversation_reset.emit()
