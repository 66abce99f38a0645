"""Editing the library from the main window: phrases and categories, each edit undoable."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from huashu.core.models import OpChanges, Phrase
from huashu.gui import dialogs
from huashu.gui.editor import CategoryNameDialog, MoveDialog, PhraseEditor, changed_fields
from huashu.gui.ops import OpError
from huashu.gui.qt import QApplication, QElapsedTimer, QGuiApplication, QObject, Qt, QTimer
from huashu.gui.search_panel import Scope
from huashu.gui.undo import (
    AddCategory,
    AddPhrase,
    DeleteCategory,
    DeletePhrase,
    DuplicatePhrase,
    EditPhrase,
    MoveCategory,
    MovePhrases,
    RenameCategory,
    SetFavorite,
    Undo,
    category_index,
    delete_snapshot,
    sibling_index,
    snapshot_category,
)
from huashu.storage.library import Library

if TYPE_CHECKING:
    from huashu.gui.main_window import MainWindow


# How long after the editor closes a loss of focus counts as the window manager's, not the agent's.
FOCUS_GUARD_MS = 300


class LibraryEditing(QObject):
    """The window's edit commands; loaded on first use, so starting the app does not pay for them.

    Each edit runs on the library worker first and is pushed to the undo stack only once it
    succeeded, so the stack never holds a step the library refused.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.undo = Undo(window.ctx.undo, window.ctx.ops, self._undo_failed)
        self.editor: PhraseEditor | None = None

    def run(
        self,
        op: Callable[[Library], Any],
        done: Callable[[Any], None],
        failed: Callable[[OpError], None] | None = None,
        *,
        initiator: object = None,
    ) -> None:
        self.w.ops.run(
            op, done, failed or (lambda error: dialogs.show_error(self.w, error.message)), initiator=initiator
        )

    def _undo_failed(self, error: OpError) -> None:
        dialogs.show_error(self.w, self.tr("This step could not be undone: {0}").format(error.message))

    # -- editing phrases ---------------------------------------------------------------------

    def _categories(self) -> list[Any]:
        return self.w.tree_data.categories if self.w.tree_data else []

    def _default_category(self) -> str:
        scope = self.w.tree.current_scope()
        if scope.kind == "category":
            return self.w.tree.category_label(scope)
        item = self.w.selected_item()
        if item is not None:
            return item.category
        cats = self._categories()
        return cats[0].path if cats else self.tr("My phrases")

    def new_phrase(self) -> None:
        self._open_editor(None)

    def edit_selected(self) -> None:
        if self.w.tree.hasFocus() and self.w.tree.current_scope().kind == "category":
            self.rename_category()
        else:
            self.edit_phrase()

    def edit_phrase(self) -> None:
        item = self.w.selected_item()
        if item is None:
            return
        self.run(lambda lib: lib.phrase(item.phrase_id), self._open_editor)

    def _open_editor(self, phrase: Phrase | None) -> None:
        if self.editor is not None:
            self.editor.close()  # asks first if it holds unsaved changes
            if self.editor is not None and self.editor.isVisible():  # the agent kept them
                self.editor.raise_()
                self.editor.activateWindow()
                return
        editor = PhraseEditor(self.w.ctx, phrase, self._categories(), self._default_category(), self.w)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.save_requested.connect(lambda values: self._save_phrase(editor, phrase, values))
        editor.duplicate_requested.connect(lambda: (editor.close(), self.duplicate_selected()))
        editor.destroyed.connect(lambda _o=None: setattr(self, "editor", None))
        editor.finished.connect(lambda _result: self._keep_focus())
        self.editor = editor
        editor.open()

    def _keep_focus(self) -> None:
        """Closing the editor leaves the agent in Huashu.

        A window manager's focus fallback sometimes gave the chat tool the focus when the editor
        closed (seen with openbox after Discard), and the agent's next keys went to the customer.
        Losing it within a moment of the close is that fallback, not the agent's choice: take it back.
        """
        w = self.w
        if not w.isVisible() or w.isMinimized():
            return
        app = QGuiApplication.instance()
        if not isinstance(app, QGuiApplication):
            return
        clock = QElapsedTimer()
        clock.start()

        def state_changed(state: Qt.ApplicationState) -> None:
            if (
                state != Qt.ApplicationState.ApplicationActive
                and clock.elapsed() < FOCUS_GUARD_MS
                and w.isVisible()
                and not w.isMinimized()
            ):
                w.activateWindow()

        app.applicationStateChanged.connect(state_changed)
        QTimer.singleShot(FOCUS_GUARD_MS, w, lambda: app.applicationStateChanged.disconnect(state_changed))
        if QApplication.activeWindow() is None:
            w.activateWindow()

    def _show_new(self, phrase: Phrase) -> None:
        """A phrase just made is shown selected: in its category, without a query that would hide it
        (saved while 最近使用 or a search was showing, it seemed not to have been saved at all)."""
        w = self.w
        w._select_after = phrase.id
        where = Scope("category", phrase.category_id)
        if w.tree.current_scope() != where or w.search_box.text().strip():
            w._scope_after = where
            w.search_box.clear()

    def _save_phrase(self, editor: PhraseEditor, phrase: Phrase | None, values: dict[str, Any]) -> None:
        def fail(error: OpError) -> None:
            editor.show_error(error.message)

        if phrase is None:

            def add(lib: Library) -> tuple[Phrase, OpChanges]:
                changes = lib.add_phrase(
                    values["category"],
                    values["title"],
                    values["text"],
                    shortcut=values["shortcut"],
                    tags=values["tags"],
                    notes=values["notes"],
                )
                return lib.phrase(next(iter(changes.phrases))), changes

            def added(result: tuple[Phrase, OpChanges]) -> None:
                self.undo.push(AddPhrase(self.undo, result[0]))
                self._show_new(result[0])
                editor.accept()
                self.w.notify(self.tr("Saved “{0}”").format(result[0].title))

            self.run(add, added, fail)
            return

        uid = phrase.uid

        def update(lib: Library) -> tuple[dict[str, Any], dict[str, Any], OpChanges]:
            before = lib.phrase_by_uid(uid)
            if before is None:
                raise LookupError(uid)
            target = lib.category_by_path(values["category"])
            old, new = changed_fields(before, values, target.id if target else None)
            changes = lib.update_phrase(before.id, **new) if new else OpChanges()
            return old, new, changes

        def updated(result: tuple[dict[str, Any], dict[str, Any], OpChanges]) -> None:
            old, new, _changes = result
            if new:
                self.undo.push(EditPhrase(self.undo, uid, values["title"], old, new))
            self.w._select_after = phrase.id
            editor.accept()
            self.w.notify(self.tr("Saved “{0}”").format(values["title"]))

        self.run(update, updated, fail)

    def toggle_favorite(self) -> None:
        item = self.w.selected_item()
        if item is None:
            return
        want = not item.favorite
        uid = item.phrase.uid if item.phrase else None

        def done(_changes: OpChanges) -> None:
            if uid:
                self.undo.push(SetFavorite(self.undo, uid, item.title, want))
            self.w.notify(self.tr("Starred") if want else self.tr("Unstarred"))

        self.run(lambda lib: lib.set_favorite(item.phrase_id, want), done, initiator="favorite")

    def duplicate_selected(self) -> None:
        item = self.w.selected_item()
        if item is None:
            return

        # Worded here, on the GUI thread, in the UI's language at the time of copying.
        first, nth = self.tr("{0} (copy)"), self.tr("{0} (copy {1})")

        def copy_title(title: str, n: int) -> str:
            return first.format(title) if n == 2 else nth.format(title, n)

        def op(lib: Library) -> tuple[Phrase, OpChanges]:
            changes = lib.duplicate_phrase(item.phrase_id, copy_title=copy_title)
            return lib.phrase(next(iter(changes.phrases))), changes

        def done(result: tuple[Phrase, OpChanges]) -> None:
            copy = result[0]
            self.undo.push(DuplicatePhrase(self.undo, copy))
            self._show_new(copy)
            self.w.notify(self.tr("Copied to your phrases as “{0}”").format(copy.title))

        self.run(op, done)

    def delete_selected(self) -> None:
        if self.w.tree.hasFocus():
            # Del in the tree is about the tree: a category asks to be deleted; 全部话术, 收藏 and
            # 最近使用 cannot be, and the phrase selected in the list is not what the agent is on.
            if self.w.tree.current_scope().kind == "category":
                self.delete_category()
            return
        item = self.w.selected_item()
        if item is None:
            return
        if item.read_only:
            self.w.notify(self.tr("Team phrases are read-only and cannot be deleted"), "warning")
            return
        row = self.w.results.currentIndex().row()

        def op(lib: Library) -> tuple[Phrase, int, OpChanges]:
            phrase, index = delete_snapshot(lib, item.phrase_id)
            return phrase, index, lib.delete_phrase(item.phrase_id)

        def done(result: tuple[Phrase, int, OpChanges]) -> None:
            self.undo.push(DeletePhrase(self.undo, result[0], result[1]))
            nxt = self.w.model.item(row + 1) or self.w.model.item(row - 1)
            self.w._select_after = nxt.phrase_id if nxt else None
            self.w.notify(self.tr("Deleted “{0}” · Ctrl+Z to undo").format(result[0].title))

        self.run(op, done)

    def move_selected(self) -> None:
        item = self.w.selected_item()
        if item is None:
            return
        dialog = MoveDialog(self._categories(), self.tr("Move “{0}” to").format(item.title), self.w)
        if dialog.exec() and dialog.chosen() is not None:
            self.move_phrases([item.phrase_id], int(dialog.chosen() or 0))

    def move_phrases(self, ids: list[int], category_id: int) -> None:
        def op(lib: Library) -> tuple[list[tuple[str, int, int]], str, OpChanges]:
            moves = []
            changes = OpChanges(categories=True)
            with lib.transaction():
                for pid in ids:
                    phrase = lib.phrase(pid)
                    moves.append((phrase.uid, phrase.category_id, sibling_index(lib, phrase)))
                    changes.merge(lib.move_phrase(pid, category_id))
            return moves, lib.category(category_id).path, changes

        def done(result: tuple[list[tuple[str, int, int]], str, OpChanges]) -> None:
            moves, path, _changes = result
            self.undo.push(MovePhrases(self.undo, moves, category_id, path))
            self.w.notify(self.tr("Moved to “{0}”").format(path))

        self.run(op, done)

    def drop_phrases(self, ids: list[int], scope: Scope) -> None:
        if scope.kind == "category" and scope.category_id is not None:
            self.move_phrases(ids, scope.category_id)
        elif scope.kind == "favorites":

            def op(lib: Library) -> tuple[list[tuple[str, str]], OpChanges]:
                starred = []
                changes = OpChanges()
                for pid in ids:
                    phrase = lib.phrase(pid)
                    if not phrase.favorite:
                        changes.merge(lib.set_favorite(pid, True))
                        starred.append((phrase.uid, phrase.title))
                return starred, changes

            def done(result: tuple[list[tuple[str, str]], OpChanges]) -> None:
                for uid, title in result[0]:
                    self.undo.push(SetFavorite(self.undo, uid, title, True))
                self.w.notify(self.tr("Starred"))

            self.run(op, done)

    # -- categories --------------------------------------------------------------------------

    def _selected_category(self) -> tuple[int, str] | None:
        scope = self.w.tree.current_scope()
        if scope.kind != "category" or scope.category_id is None:
            return None
        return scope.category_id, self.w.tree.category_label(scope)

    def new_subcategory(self) -> None:
        selected = self._selected_category()
        self.new_category(selected[0] if selected else None)

    def new_category(self, parent_id: int | None) -> None:
        dialog = CategoryNameDialog(self.tr("New category"), self.tr("Name"), parent=self.w)
        if not dialog.exec():
            return
        name = dialog.name()

        def done(result: tuple[int, OpChanges]) -> None:
            self.undo.push(AddCategory(self.undo, result[0], name, parent_id))
            self.w._scope_after = Scope("category", result[0])

        self.run(lambda lib: lib.add_category(name, parent_id), done)

    def rename_category(self) -> None:
        selected = self._selected_category()
        if selected is None:
            return
        cid, path = selected
        old = path.rsplit("/", 1)[-1]
        dialog = CategoryNameDialog(self.tr("Rename category"), self.tr("Name"), old, self.w)
        if not dialog.exec() or dialog.name() == old:
            return
        new = dialog.name()
        self.run(
            lambda lib: lib.rename_category(cid, new),
            lambda _c: self.undo.push(RenameCategory(self.undo, cid, old, new)),
        )

    def delete_category(self) -> None:
        selected = self._selected_category()
        if selected is None:
            return
        cid, path = selected
        count = self.w.tree_data.counts.get(cid, 0) if self.w.tree_data else 0
        if count and not dialogs.confirm(
            self.w,
            self.tr("Delete category"),
            self.tr("Delete “{0}” and the {1} phrases in it?").format(path, count),
            self.tr("&Delete"),
            detail=self.tr("You can undo this with Ctrl+Z."),
        ):
            return

        def op(lib: Library) -> tuple[Any, OpChanges]:
            snap = snapshot_category(lib, cid)
            return snap, lib.delete_category(cid, with_phrases=True)

        def done(result: tuple[Any, OpChanges]) -> None:
            self.undo.push(DeleteCategory(self.undo, result[0], path))
            self.w.notify(self.tr("Deleted “{0}” · Ctrl+Z to undo").format(path))

        self.run(op, done)

    def drop_category(self, cid: int, parent: int | None, index: int | None) -> None:
        name = self.w.tree.category_label(Scope("category", cid))

        def op(lib: Library) -> tuple[tuple[int | None, int], OpChanges]:
            before = category_index(lib, cid)
            return before, lib.move_category(cid, parent, index)

        def done(result: tuple[tuple[int | None, int], OpChanges]) -> None:
            self.undo.push(MoveCategory(self.undo, cid, name, result[0], (parent, index)))

        self.run(op, done)
