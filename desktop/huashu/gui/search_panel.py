"""Search as you type: the search box, what a query means in each scope, and stale-result dropping."""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from huashu.gui import icons, theme
from huashu.gui.ops import OpError, Ops, friendly_error
from huashu.gui.qt import (
    QEvent,
    QKeyCombination,
    QLineEdit,
    QObject,
    QResizeEvent,
    Qt,
    QWidget,
    Signal,
)
from huashu.gui.results import ResultItem
from huashu.gui.widgets import ImeLineEdit
from huashu.storage.library import Library

RESULT_LIMIT = 50
RECENT_LIMIT = 50
# Up to this many phrases, an empty query lists the whole library; beyond it, the list would take
# seconds to load and nobody scrolls it, so the recently used ones are shown instead.
BROWSE_ALL_MAX = 3000


class Scope(NamedTuple):
    """Where to look: the whole library, favourites, recently used, or one category with its children."""

    kind: str = "all"  # all | favorites | recent | category
    category_id: int | None = None


class Outcome(NamedTuple):
    seq: int
    query: str
    scope: Scope
    items: list[ResultItem]
    total: int  # phrases in the scope when browsing, results when searching
    browsing: bool
    limited: bool  # the list shows only part of what matched
    elapsed_ms: float = 0.0  # how long the search itself took, wherever it ran


def _with_flags(lib: Library, hits: list[Any]) -> list[ResultItem]:
    """Search results completed with favourite/read-only flags (one query for the whole page)."""
    phrases = {p.id: p for p in lib.phrases_by_ids([h.phrase_id for h in hits])}
    items = []
    for hit in hits:
        p = phrases.get(hit.phrase_id)
        if p is None:
            continue
        items.append(ResultItem.from_phrase(p, tuple(getattr(hit, "matched", ()) or ())))
    return items


def _contains(p: Any, query: str) -> bool:
    q = query.lower()
    return any(q in (s or "").lower() for s in (p.title, p.text, p.shortcut, " ".join(p.tags)))


def run_query(
    lib: Library, query: str, scope: Scope, limit: int = RESULT_LIMIT
) -> tuple[list[ResultItem], int, bool]:
    """(items, total, limited) for a query in a scope; runs on the worker thread."""
    query = query.strip()
    if scope.kind in ("favorites", "recent"):
        pool = lib.phrases(favorites=True) if scope.kind == "favorites" else lib.recent(RECENT_LIMIT)
        if not query:
            return [ResultItem.from_phrase(p) for p in pool], len(pool), False
        # Ranked hits first, then anything in the (small) pool that contains the text literally.
        wanted = {p.id: p for p in pool}
        hits = [h for h in lib.search(query, limit=max(limit, 200)) if h.phrase_id in wanted]
        items = _with_flags(lib, hits)
        seen = {i.phrase_id for i in items}
        items += [ResultItem.from_phrase(p) for p in pool if p.id not in seen and _contains(p, query)]
        return items[:limit], len(items), len(items) > limit
    category_ids = (
        lib.descendant_ids(scope.category_id) if scope.kind == "category" and scope.category_id else None
    )
    if query:
        hits = lib.search(query, limit=limit, category_ids=category_ids)
        items = _with_flags(lib, list(hits))
        return items, len(items), len(items) >= limit
    if scope.kind == "category" and scope.category_id is not None:
        phrases = lib.phrases(scope.category_id)
        return [ResultItem.from_phrase(p) for p in phrases], len(phrases), False
    total = lib.count_phrases()
    if total <= BROWSE_ALL_MAX:
        return [ResultItem.from_phrase(p) for p in lib.phrases()], total, False
    recent = lib.recent(RECENT_LIMIT)
    return [ResultItem.from_phrase(p) for p in recent], total, True


_CTRL, _SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
WINDOW_KEYS = frozenset(
    [
        *(QKeyCombination(_CTRL, key) for key in (Qt.Key.Key_E, Qt.Key.Key_D)),
        # Undo and redo are the library's, as the Edit menu says: the agent is in the search box when
        # she wants a deleted phrase back. With nothing to undo the key reaches the box (its text).
        QKeyCombination(_CTRL, Qt.Key.Key_Z),
        QKeyCombination(_CTRL | _SHIFT, Qt.Key.Key_Z),
        QKeyCombination(_CTRL, Qt.Key.Key_Y),
    ]
)


class SearchBox(ImeLineEdit):
    """The big query field at the top; it has focus whenever the window opens."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        # Ctrl+E and Ctrl+D are the window's "compose" and "star" here (End and Del still edit the
        # query); undo and redo the library's.
        self.window_keys = WINDOW_KEYS
        self.search_action = self.addAction(icons.icon("search", size=20), QLineEdit.ActionPosition.LeadingPosition)
        # Our own clear button: Qt's (setClearButtonEnabled) looks its icon up in the desktop's icon
        # theme, ~6 ms of every start.
        self.clear_action = self.addAction(icons.icon("clear", size=18), QLineEdit.ActionPosition.TrailingPosition)
        self.clear_action.setVisible(False)
        self.clear_action.triggered.connect(self.clear)
        self.textChanged.connect(lambda text: self.clear_action.setVisible(bool(text)))
        theme.theme_notifier().changed.connect(self._restyle)
        self._placeholders: tuple[str, ...] = ()

    def set_placeholders(self, *texts: str) -> None:
        """Placeholders from the most to the least detailed: the longest that fits is shown (at 14 pt
        the key hints ran off the end as "Enter 使用 · E…")."""
        self._placeholders = texts
        self._fit_placeholder()

    def _fit_placeholder(self) -> None:
        if not self._placeholders:
            return
        # The icons at both ends take about a box's height each; the rest is the text's.
        room = self.width() - 2 * self.height()
        metrics = self.fontMetrics()
        fitting = [t for t in self._placeholders if metrics.horizontalAdvance(t) <= room]
        shown = fitting[0] if fitting else self._placeholders[-1]
        if shown != self.placeholderText():
            self.setPlaceholderText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_placeholder()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_placeholder()

    def _restyle(self) -> None:
        """Icons in the new theme's colours (the main window's box and the quick popup's alike)."""
        self.search_action.setIcon(icons.icon("search", size=20))
        self.clear_action.setIcon(icons.icon("clear", size=18))


class SearchController(QObject):
    """Shows the newest query's results, searching right away when that is safe and fast.

    A typed query runs at once on the GUI thread when the library worker is idle (nothing else can
    hold the library then): no thread hand-off, no waiting for the GIL, results in the same event.
    If the worker is busy (an import, a write), or a search ever took longer than SYNC_BUDGET_MS,
    queries go to the worker instead: each keystroke records what is wanted, the job reads the
    latest wish when it starts, so a burst of typing costs one search, and a result that is stale
    on arrival is dropped and re-asked. Browsing (empty query) always runs on the worker, since a
    large category can take long to list.
    """

    SYNC_BUDGET_MS = 25.0

    results_ready = Signal(object)  # Outcome
    failed = Signal(str)

    def __init__(self, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._seq = 0
        self._want: tuple[int, str, Scope] = (0, "", Scope())
        self._inflight = False
        self._running = 0
        self.sync = True
        self._slow = 0  # slow searches in a row on the GUI thread
        self.last: Outcome | None = None

    @property
    def query(self) -> str:
        return self._want[1]

    @property
    def scope(self) -> Scope:
        return self._want[2]

    def request(self, query: str, scope: Scope | None = None) -> int:
        self._seq += 1
        self._want = (self._seq, query, scope if scope is not None else self._want[2])
        if self._inflight:
            return self._seq
        if self.sync and query.strip() and not self.ops.busy:
            self._run_now()
        else:
            self._submit()
        return self._seq

    def _run_now(self) -> None:
        try:
            outcome = self._job(self.ops.lib)
        except Exception as exc:  # the same friendly message as a failed background search
            self.failed.emit(friendly_error(exc))
            return
        if outcome.elapsed_ms > self.SYNC_BUDGET_MS:
            # Twice in a row: a slow disk or a huge library, keep the window responsive from now on.
            # Once is a hiccup (a cache filling, a collection) and must not cost every later keystroke.
            self._slow += 1
            self.sync = self._slow < 2
        else:
            self._slow = 0
        self.last = outcome
        self.results_ready.emit(outcome)

    def refresh(self) -> int:
        return self.request(self._want[1], self._want[2])

    def _submit(self) -> None:
        self._inflight = True
        self.ops.run(self._job, self._done, self._failed)

    def _job(self, lib: Library) -> Outcome:
        seq, query, scope = self._want  # the newest wish at the moment the worker gets to it
        if query.lstrip().startswith("/"):
            scope = Scope()  # a /shortcut names one phrase: found in any category, as in the popup
        self._running = seq
        started = time.perf_counter()
        items, total, limited = run_query(lib, query, scope)
        elapsed = (time.perf_counter() - started) * 1000
        return Outcome(seq, query, scope, items, total, not query.strip(), limited, elapsed)

    def _done(self, outcome: Outcome) -> None:
        self._inflight = False
        if outcome.query.strip() and outcome.elapsed_ms < self.SYNC_BUDGET_MS / 2:
            # Searches are quick again (jieba finished loading at start, the disk woke up): answer
            # on the GUI thread again, without the hand-off to the worker.
            self._slow = 0
            self.sync = True
        if outcome.seq != self._seq:
            self._submit()
            return
        self.last = outcome
        self.results_ready.emit(outcome)

    def _failed(self, error: OpError) -> None:
        self._inflight = False
        self.failed.emit(error.message)
        if self._running != self._seq:
            self._submit()
