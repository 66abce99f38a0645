"""Undoable library edits: QUndoCommands whose redo/undo run Library operations on the worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huashu.core.models import ImportReport, OpChanges, Phrase, PhraseRow
from huashu.gui.i18n import QT_TRANSLATE_NOOP
from huashu.gui.ops import OpError, Ops
from huashu.gui.qt import QCoreApplication, QUndoCommand, QUndoStack
from huashu.storage.library import ImportUndo, Library, NotFoundError, ValidationError

# Commands name phrases by uid, which survives delete-and-restore; category ids do not survive
# a restore, so restored categories are remembered as old id -> new id (see Undo.category).


def phrase_id(lib: Library, uid: str) -> int:
    found = lib.phrase_by_uid(uid)
    if found is None:
        raise NotFoundError(
            QCoreApplication.translate("undo", "The phrase no longer exists, so this step cannot be undone.")
        )
    return found.id


def sibling_index(lib: Library, phrase: Phrase) -> int:
    ids = [p.id for p in lib.phrases(phrase.category_id, recursive=False)]
    return ids.index(phrase.id) if phrase.id in ids else len(ids)


def category_index(lib: Library, category_id: int) -> tuple[int | None, int]:
    """(parent id, index among siblings) of a category."""
    cat = lib.category(category_id)
    siblings = [c.id for c in lib.categories() if c.parent_id == cat.parent_id]
    return cat.parent_id, siblings.index(category_id)


def restore_phrase(lib: Library, p: Phrase, index: int | None) -> OpChanges:
    """Bring a deleted phrase back with its uid, text, shortcut, tags, notes, favourite, usage and place."""
    with lib.transaction():
        category_id = lib.ensure_category(p.category)
        if any(q.title == p.title for q in lib.phrases(category_id, recursive=False)):
            raise ValidationError(
                QCoreApplication.translate(
                    "undo", "A phrase with the same title is already in that category."
                )
            )
        row = PhraseRow(p.category, p.title, p.text, p.shortcut, p.tags, p.notes)
        report = lib.import_rows([(1, row)], uid_for=lambda _row: p.uid)
        if report.skipped:
            raise ValidationError(report.skipped[0][1])
        changes = report.changes
        changes.categories = True
        restored = lib.phrase_by_uid(p.uid)
        if restored is None:
            raise NotFoundError(QCoreApplication.translate("undo", "The phrase could not be restored."))
        if restored.text != p.text:  # import converts legacy XX markers; the stored text wins
            changes.merge(lib.update_phrase(restored.id, text=p.text))
        if p.favorite:
            changes.merge(lib.set_favorite(restored.id, True))
        if p.use_count or p.last_used:  # its place in 最近使用 and in the ranking
            changes.merge(lib.restore_usage(restored.id, p.use_count, p.last_used))
        if index is not None:
            changes.merge(lib.move_phrase(restored.id, category_id, index))
    return changes


def delete_snapshot(lib: Library, pid: int) -> tuple[Phrase, int]:
    p = lib.phrase(pid)
    return p, sibling_index(lib, p)


@dataclass(frozen=True)
class CategorySnapshot:
    """A deleted category subtree: its paths in tree order, where it sat, and its phrases."""

    category_id: int
    paths: list[tuple[int, str]]  # (old id, path), parents first
    parent_id: int | None
    index: int
    phrases: list[tuple[Phrase, int]]


class Undo:
    """The undo stack plus what commands need: the runner and the category id map."""

    def __init__(self, stack: QUndoStack, ops: Ops, on_error: Callable[[OpError], None]) -> None:
        self.stack = stack
        self.ops = ops
        self.on_error = on_error
        self._categories: dict[int, int] = {}

    def category(self, cid: int | None) -> int | None:
        seen = 0
        while cid is not None and cid in self._categories and seen < 100:
            cid = self._categories[cid]
            seen += 1
        return cid

    def remap(self, old: int, new: int) -> None:
        if old != new:
            self._categories[old] = new

    def run(self, op: Callable[[Library], Any], done: Callable[[Any], None] | None = None) -> None:
        self.ops.run(op, done, self._failed, initiator="undo")

    def _failed(self, error: OpError) -> None:
        # The library and the stack disagree now; replaying more steps could change the wrong things.
        self.stack.clear()
        self.on_error(error)

    def push(self, command: QUndoCommand) -> None:
        self.stack.push(command)


def retranslate_commands(stack: QUndoStack) -> None:
    """Word every step on the stack in the current language (the Edit menu shows the next ones)."""
    for index in range(stack.count()):
        command = stack.command(index)
        if isinstance(command, LibraryCommand):
            command.retranslate()


class LibraryCommand(QUndoCommand):
    """A step that already happened when pushed: the first redo() is the edit the user just made.

    `text` is the untranslated source in the "undo" context (declared with QT_TRANSLATE_NOOP) and
    `args` fill its {0}, {1}…: the Edit menu names the step, and it is worded again in the language
    the agent switches to later (retranslate). A text without args is shown as it is.
    """

    def __init__(self, undo: Undo, text: str, *args: str) -> None:
        super().__init__()
        self.u = undo
        self._first = True
        self._source = text
        self._args = args
        self.retranslate()

    def retranslate(self) -> None:
        text = QCoreApplication.translate("undo", self._source)
        self.setText(text.format(*self._args) if self._args else text)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.do()

    def undo(self) -> None:
        self.revert()

    def do(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class AddPhrase(LibraryCommand):
    def __init__(self, undo: Undo, phrase: Phrase) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Add phrase “{0}”"), phrase.title)
        self.phrase = phrase

    def do(self) -> None:
        self.u.run(lambda lib: restore_phrase(lib, self.phrase, None))

    def revert(self) -> None:
        self.u.run(lambda lib: lib.delete_phrase(phrase_id(lib, self.phrase.uid)))


class DeletePhrase(LibraryCommand):
    def __init__(self, undo: Undo, phrase: Phrase, index: int) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Delete phrase “{0}”"), phrase.title)
        self.phrase = phrase
        self.index = index

    def do(self) -> None:
        self.u.run(lambda lib: lib.delete_phrase(phrase_id(lib, self.phrase.uid)))

    def revert(self) -> None:
        self.u.run(lambda lib: restore_phrase(lib, self.phrase, self.index))


class EditPhrase(LibraryCommand):
    """Changed fields (title, text, shortcut, tags, notes, category id) before and after."""

    def __init__(
        self, undo: Undo, uid: str, title: str, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Edit phrase “{0}”"), title)
        self.uid = uid
        self.before = before
        self.after = after

    def _apply(self, values: dict[str, Any]) -> None:
        fields = dict(values)
        if "category" in fields:
            fields["category"] = self.u.category(fields["category"])
        self.u.run(lambda lib: lib.update_phrase(phrase_id(lib, self.uid), **fields))

    def do(self) -> None:
        self._apply(self.after)

    def revert(self) -> None:
        self._apply(self.before)


class SetFavorite(LibraryCommand):
    def __init__(self, undo: Undo, uid: str, title: str, favorite: bool) -> None:
        text = (
            QT_TRANSLATE_NOOP("undo", "Star “{0}”") if favorite else QT_TRANSLATE_NOOP("undo", "Unstar “{0}”")
        )
        super().__init__(undo, text, title)
        self.uid = uid
        self.favorite = favorite

    def do(self) -> None:
        self.u.run(lambda lib: lib.set_favorite(phrase_id(lib, self.uid), self.favorite))

    def revert(self) -> None:
        self.u.run(lambda lib: lib.set_favorite(phrase_id(lib, self.uid), not self.favorite))


class MovePhrases(LibraryCommand):
    """Phrases dropped on a category: (uid, old category, old index) each, and the target."""

    def __init__(self, undo: Undo, moves: list[tuple[str, int, int]], target: int, label: str) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Move to “{0}”"), label)
        self.moves = moves
        self.target = target

    def do(self) -> None:
        def op(lib: Library) -> OpChanges:
            changes = OpChanges(categories=True)
            target = self.u.category(self.target)
            assert target is not None
            for uid, _cat, _index in self.moves:
                changes.merge(lib.move_phrase(phrase_id(lib, uid), target))
            return changes

        self.u.run(op)

    def revert(self) -> None:
        def op(lib: Library) -> OpChanges:
            changes = OpChanges(categories=True)
            for uid, cat, index in reversed(self.moves):
                source = self.u.category(cat)
                assert source is not None
                changes.merge(lib.move_phrase(phrase_id(lib, uid), source, index))
            return changes

        self.u.run(op)


class DuplicatePhrase(LibraryCommand):
    def __init__(self, undo: Undo, copy: Phrase) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Copy “{0}” to my phrases"), copy.title)
        self.copy = copy

    def do(self) -> None:
        self.u.run(lambda lib: restore_phrase(lib, self.copy, None))

    def revert(self) -> None:
        self.u.run(lambda lib: lib.delete_phrase(phrase_id(lib, self.copy.uid)))


class AddCategory(LibraryCommand):
    def __init__(self, undo: Undo, category_id: int, name: str, parent_id: int | None) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Add category “{0}”"), name)
        self.category_id = category_id
        self.name = name
        self.parent_id = parent_id

    def do(self) -> None:
        def op(lib: Library) -> tuple[int, OpChanges]:
            cid, changes = lib.add_category(self.name, self.u.category(self.parent_id))
            self.u.remap(self.category_id, cid)
            return cid, changes

        self.u.run(op)

    def revert(self) -> None:
        self.u.run(lambda lib: lib.delete_category(self.u.category(self.category_id) or 0))


class RenameCategory(LibraryCommand):
    def __init__(self, undo: Undo, category_id: int, old: str, new: str) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Rename category “{0}” to “{1}”"), old, new)
        self.category_id = category_id
        self.old = old
        self.new = new

    def do(self) -> None:
        self.u.run(lambda lib: lib.rename_category(self.u.category(self.category_id) or 0, self.new))

    def revert(self) -> None:
        self.u.run(lambda lib: lib.rename_category(self.u.category(self.category_id) or 0, self.old))


class MoveCategory(LibraryCommand):
    def __init__(
        self,
        undo: Undo,
        category_id: int,
        name: str,
        before: tuple[int | None, int],
        after: tuple[int | None, int | None],
    ) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Move category “{0}”"), name)
        self.category_id = category_id
        self.before = before
        self.after = after

    def _move(self, parent: int | None, index: int | None) -> None:
        self.u.run(
            lambda lib: lib.move_category(
                self.u.category(self.category_id) or 0, self.u.category(parent), index
            )
        )

    def do(self) -> None:
        self._move(*self.after)

    def revert(self) -> None:
        self._move(*self.before)


def snapshot_category(lib: Library, category_id: int) -> CategorySnapshot:
    ids = lib.descendant_ids(category_id)
    wanted = set(ids)
    paths = [(c.id, c.path) for c in lib.categories() if c.id in wanted]
    parent_id, index = category_index(lib, category_id)
    phrases = []
    for cid in ids:
        for i, p in enumerate(lib.phrases(cid, recursive=False)):
            phrases.append((p, i))
    return CategorySnapshot(category_id, paths, parent_id, index, phrases)


def restore_category(lib: Library, snap: CategorySnapshot, undo: Undo) -> OpChanges:
    changes = OpChanges(categories=True)
    with lib.transaction():
        for old_id, path in snap.paths:
            undo.remap(old_id, lib.ensure_category(path))
        top = undo.category(snap.category_id)
        assert top is not None
        changes.merge(lib.move_category(top, undo.category(snap.parent_id), snap.index))
        for p, index in snap.phrases:
            # The path may have changed since (a parent renamed); use the restored category's path.
            fresh = p._replace(category=lib.category(undo.category(p.category_id) or 0).path)
            changes.merge(restore_phrase(lib, fresh, index))
    return changes


class DeleteCategory(LibraryCommand):
    def __init__(self, undo: Undo, snap: CategorySnapshot, name: str) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Delete category “{0}”"), name)
        self.snap = snap

    def do(self) -> None:
        self.u.run(
            lambda lib: lib.delete_category(self.u.category(self.snap.category_id) or 0, with_phrases=True)
        )

    def revert(self) -> None:
        self.u.run(lambda lib: restore_category(lib, self.snap, self.u))


class ImportPhrases(LibraryCommand):
    """A spreadsheet import as one step: undo deletes the phrases it added and puts back the ones it
    changed (one transaction however many rows); redo imports the same rows again."""

    def __init__(
        self, undo: Undo, name: str, journal: ImportUndo, notify: Callable[[str], None] | None = None
    ) -> None:
        super().__init__(undo, QT_TRANSLATE_NOOP("undo", "Import “{0}”"), name)
        self.name = name
        self.journal = journal
        self.notify = notify

    def do(self) -> None:
        def op(lib: Library) -> ImportReport:
            before = list(self.journal.categories)
            report = lib.redo_import(self.journal)
            # Categories the import makes again get new ids: steps above this one still name the old.
            now = {path: cid for cid, path in self.journal.categories}
            for old_id, path in before:
                if path in now:
                    self.u.remap(old_id, now[path])
            return report

        self.u.run(op, self._redone)

    def revert(self) -> None:
        self.u.run(lambda lib: lib.undo_import(self.journal), self._undone)

    def _undone(self, changes: OpChanges) -> None:
        if self.notify is not None:
            self.notify(
                QCoreApplication.translate(
                    "undo", "Import of “{0}” undone: {1} phrases removed, {2} put back as they were"
                ).format(self.name, len(changes.deleted_phrases), len(changes.phrases))
            )

    def _redone(self, report: ImportReport) -> None:
        if self.notify is not None:
            self.notify(
                QCoreApplication.translate("undo", "“{0}” imported again: {1} added, {2} updated").format(
                    self.name, report.added, report.updated
                )
            )
