"""What every view shares: the operations runner, undo stack, settings, profile, checker, conversation memory."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from huashu.core import placeholders
from huashu.core.models import OpChanges, Rule
from huashu.gui import prefs
from huashu.gui.ops import OpError, Ops
from huashu.gui.qt import QObject, QUndoStack, Signal
from huashu.storage.library import Library

# Fields whose value changes by itself; remembering them for the conversation would freeze the clock.
CLOCK_FIELDS = frozenset({"今天", "明天", "当前时间"})


# A day of edits is far below this; an unbounded stack keeps every edited phrase alive.
UNDO_LIMIT = 500


class ConversationMemory:
    """Values the agent typed while serving the current customer (an order number is typed once)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def remember(self, values: Mapping[str, str], builtins: Mapping[str, str]) -> None:
        for name, value in values.items():
            value = value.strip()
            # Profile values come back by themselves; remembering them would hide a later profile edit.
            if value and name not in CLOCK_FIELDS and value != builtins.get(name, ""):
                self._values[name] = value

    def get(self, name: str) -> str:
        return self._values.get(name, "")

    def values(self) -> dict[str, str]:
        return dict(self._values)

    def clear(self) -> None:
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
