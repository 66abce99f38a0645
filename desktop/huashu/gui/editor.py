"""Adding and editing phrases, with placeholder validation and the checker live; category dialogs."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from huashu.core import placeholders
from huashu.core.models import Category, OpChanges, Phrase, clean_shortcut
from huashu.core.spreadsheet import split_tags
from huashu.gui import chips, dialogs, i18n, theme
from huashu.gui.compose import CheckedEdit
from huashu.gui.context import AppContext
from huashu.gui.fill_panel import findings_html
from huashu.gui.i18n import placeholder_message
from huashu.gui.ops import OpError
from huashu.gui.qt import (
    QColor,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    Qt,
    QTextBrowser,
    QTextCharFormat,
    QTextCursor,
    QTextEdit,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.widgets import WrappingLabel, buddy_form, muted_label, set_invalid


def utf16_index(text: str, index: int) -> int:
    """A Python string index as Qt counts it (characters outside the BMP take two units)."""
    return len(text[:index].encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Refusal:
    """Why Save is refused: what to tell the agent, the field to fix and, in the text, where."""

    kind: str
    message: str
    widget: QWidget
    position: int | None = None  # a Python index into the text


class PhraseEditor(QDialog):
    """One phrase's title, category, shortcut, tags, text and notes; Save runs the library's own checks."""

    save_requested = Signal(dict)
    duplicate_requested = Signal()

    def __init__(
        self,
        ctx: AppContext,
        phrase: Phrase | None,
        categories: Sequence[Category],
        default_category: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("phraseEditor")
        self.ctx = ctx
        self.phrase = phrase
        self.read_only = bool(phrase and phrase.read_only)
        self.resize(760, 620)

        self.title_edit = QLineEdit()
        self.category_box = QComboBox()
        self.category_box.setEditable(True)
        self.category_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category_box.addItems([c.path for c in categories])
        self.shortcut_edit = QLineEdit()
        self.tags_edit = QLineEdit()
        self.text_edit = CheckedEdit(ctx)
        self.text_edit.setObjectName("phraseText")
        # Heights that leave the whole editor, with three findings listed, on a 1366x768 screen.
        self.text_edit.setMinimumHeight(112)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(70)
        self.notes_edit.setTabChangesFocus(True)
        self.fields_view = QTextBrowser()
        self.fields_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fields_view.setMaximumHeight(110)
        self.fields_view.setMinimumHeight(56)
        self.problems = WrappingLabel()
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.banner = WrappingLabel()
        self.banner.setObjectName("banner")
        self.banner.hide()
        self.readonly_note = muted_label()
        self.readonly_note.setVisible(self.read_only)

        self.form, self.labels = buddy_form(
            (
                self.title_edit,
                self.category_box,
                self.shortcut_edit,
                self.tags_edit,
                self.text_edit,
                self.notes_edit,
            ),
            spacing=(14, 10),
        )
        self.preview_label = muted_label()

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.setProperty("primary", True)
        self.duplicate_button = QPushButton()
        self.cancel_button = QPushButton()
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        if self.read_only:
            self.buttons.addButton(self.duplicate_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self._save)
        self.cancel_button.clicked.connect(self.reject)
        self.duplicate_button.clicked.connect(self.duplicate_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.readonly_note)
        layout.addLayout(self.form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.fields_view)
        layout.addWidget(self.problems)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)

        if phrase is not None:
            self.title_edit.setText(phrase.title)
            self.category_box.setCurrentText(phrase.category)
            self.shortcut_edit.setText(phrase.shortcut or "")
            self.tags_edit.setText("; ".join(phrase.tags))
            self.text_edit.setPlainText(phrase.text)
            self.notes_edit.setPlainText(phrase.notes)
        else:
            self.category_box.setCurrentText(default_category)
        for widget in (self.title_edit, self.shortcut_edit, self.tags_edit):
            widget.setReadOnly(self.read_only)
        self.text_edit.setReadOnly(self.read_only)
        self.notes_edit.setReadOnly(self.read_only)
        self.category_box.setEnabled(not self.read_only)
        self.save_button.setVisible(not self.read_only)
        self.text_edit.textChanged.connect(self._validate)
        self.title_edit.textChanged.connect(self._validate)
        self.text_edit.findings_changed.connect(lambda _f: self._validate())
        self.category_box.currentTextChanged.connect(lambda _t: self._update_refusal())
        self._saving = False
        self._closed = False  # a save waiting for the rules must not run on a closed (deleted) editor
        self._refused: Refusal | None = None  # the refusal the banner shows, cleared once it is fixed
        self.retranslate()
        self._validate()
        self.title_edit.setFocus()
        self._initial = self.values()  # what Esc or Cancel would throw away is compared with this
        for keys in (QKeySequence.StandardKey.Save, QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._save)

    def retranslate(self) -> None:
        if self.read_only:
            self.setWindowTitle(self.tr("Team phrase"))
        elif self.phrase is None:
            self.setWindowTitle(self.tr("New phrase"))
        else:
            self.setWindowTitle(self.tr("Edit phrase"))
        for label, text in zip(
            self.labels,
            (
                self.tr("&Title"),
                self.tr("C&ategory"),
                self.tr("&Shortcut"),
                self.tr("Ta&gs"),
                self.tr("Te&xt"),
                self.tr("&Notes"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.shortcut_edit.setPlaceholderText(
            self.tr("e.g. /thanks — type it in the search box to find this phrase")
        )
        self.tags_edit.setPlaceholderText(self.tr("separated by ;"))
        self.text_edit.setPlaceholderText(
            self.tr("Write [field] where something must be filled in, e.g. [订单号] or [称呼:先生|女士]")
        )
        self.preview_label.setText(self.tr("Fields in this phrase"))
        self.readonly_note.setText(
            self.tr(
                "This phrase comes from a team pack and is read-only. Copy it to your phrases to change it."
            )
        )
        self.save_button.setText(self.tr("Save"))
        self.cancel_button.setText(self.tr("Close") if self.read_only else self.tr("Cancel"))
        self.duplicate_button.setText(self.tr("Copy to my phrases"))
        self._validate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- validation --------------------------------------------------------------------------

    def _validate(self) -> bool:
        text = self.text_edit.toPlainText()
        issues = placeholders.validate(text)
        c = theme.colors()
        marks: list[QTextEdit.ExtraSelection] = []
        if not issues:
            for f in placeholders.parse(text).fields:
                marks.append(self._mark(text, f.start, f.end, bg=c.chip_bg, fg=c.chip_fg))
        for issue in issues:
            marks.append(self._mark(text, issue.position, issue.position + 1, underline=c.error))
        self.text_edit.set_extra_selections(marks)
        body = chips.template_html(text, c) if not issues else ""
        self.fields_view.setHtml(body or f'<span style="color:{c.muted};">—</span>')
        # Worded in the UI's language from the issue's code (the core's message_zh is for the CLI);
        # escaped, as it quotes the agent's own field names.
        where = self.tr("Character {0}: {1}")
        lines = [
            f'<div><span style="color:{c.error};">●</span> '
            f"{html.escape(where.format(i.position + 1, placeholder_message(i)))}</div>"
            for i in issues
        ]
        problems = "".join(lines) + findings_html(self.text_edit.findings, text)
        self.problems.setText(problems)
        self.problems.setVisible(bool(problems))
        ok = not issues and bool(self.title_edit.text().strip()) and bool(text.strip())
        self.save_button.setEnabled(ok and not self.read_only)
        self._update_refusal()
        return ok

    def _refusal(self) -> Refusal | None:
        """The first reason, in the form's order, that Save would be refused now; None if there is none."""
        if not self.title_edit.text().strip():
            return Refusal("title", self.tr("Not saved: please fill in the title."), self.title_edit)
        if not self.category_box.currentText().strip():
            return Refusal(
                "category", self.tr("Not saved: please choose or type a category."), self.category_box
            )
        text = self.text_edit.toPlainText()
        if not text.strip():
            return Refusal(
                "text", self.tr("Not saved: please write the text of the phrase."), self.text_edit, 0
            )
        issues = placeholders.validate(text)
        if not issues:
            return None
        first = issues[0]
        where = first.position + 1
        if first.code == "unclosed":
            message = self.tr(
                "Not saved: the “[” at character {0} has no closing “]”. Add “]” after the field name,"
                " e.g. [订单号]; for a bracket itself, write “[[”."
            ).format(where)
        elif first.code == "stray_close":
            message = self.tr(
                "Not saved: the “]” at character {0} has no “[” before it. Delete it; for a bracket"
                " itself, write “]]”."
            ).format(where)
        else:
            message = self.tr("Not saved: character {0}: {1}").format(where, placeholder_message(first))
        if len(issues) > 1:
            message += self.tr(" ({0} more problem(s) listed above)").format(len(issues) - 1)
        # Just after a "[" is where the field's name or its closing "]" goes.
        position = first.position + int(text[first.position : first.position + 1] == "[")
        return Refusal("placeholder", message, self.text_edit, position)

    def _update_refusal(self) -> None:
        """Keep a refusal's banner true while the agent edits: reworded as they type, gone once fixed."""
        if self._refused is None:
            return
        now = self._refusal()
        if now is not None and now.kind == self._refused.kind:
            self._refused = now
            self.banner.setText(now.message)
            return
        self._refused = None
        self.banner.hide()
        for widget in (self.title_edit, self.category_box):
            if widget.property("invalid"):
                set_invalid(widget, False)

    def _refuse(self, refusal: Refusal) -> None:
        """Say why nothing was saved and put the focus (and the text cursor) where the fix goes."""
        self._saving = False
        self._refused = refusal
        self.banner.setText(refusal.message)
        self.banner.show()
        if refusal.widget is not self.text_edit:
            set_invalid(refusal.widget, True)
        refusal.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if refusal.position is not None:
            text = self.text_edit.toPlainText()
            cursor = self.text_edit.textCursor()
            cursor.setPosition(utf16_index(text, min(refusal.position, len(text))))
            self.text_edit.setTextCursor(cursor)
            self.text_edit.ensureCursorVisible()

    def _mark(
        self,
        text: str,
        start: int,
        end: int,
        *,
        bg: str | None = None,
        fg: str | None = None,
        underline: str | None = None,
    ) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.text_edit.document())
        cursor.setPosition(utf16_index(text, start))
        cursor.setPosition(utf16_index(text, min(end, len(text))), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        if bg:
            fmt.setBackground(QColor(bg))
        if fg:
            fmt.setForeground(QColor(fg))
        if underline:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(underline))
            fmt.setBackground(QColor(theme.colors().missing_bg))
        sel.cursor = cursor  # type: ignore[misc]
        sel.format = fmt  # type: ignore[misc]
        return sel

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text().strip(),
            "category": self.category_box.currentText().strip(),
            "shortcut": self.shortcut_edit.text().strip() or None,
            "tags": split_tags(self.tags_edit.text().replace(",", ";").replace("，", ";").replace("；", ";")),
            "text": self.text_edit.toPlainText(),
            "notes": self.notes_edit.toPlainText().strip(),
        }

    def _save(self) -> None:
        if self.read_only or self._saving or self._closed:
            return
        self._validate()
        refusal = self._refusal()
        if refusal is not None:
            self._refuse(refusal)
            return
        if not self.ctx.when_checker_ready(self._save):
            return  # saves a moment later, checked, once the rules are in
        if not self._confirm_forbidden():
            return
        # Not setEnabled(False): a disabled Save hands its focus to Cancel, and the next Enter
        # (after a refused save) would throw the agent's work away.
        self._saving = True
        self.save_requested.emit(self.values())

    def _confirm_forbidden(self) -> bool:
        """True to go on saving: no forbidden wording, or the agent chose to save it anyway.

        Agents copy a saved phrase to customers as it stands, so a 禁用 expression asks first; a team
        lead writing a wrong-and-right example on purpose confirms. Going back is the default answer,
        so a reflex Enter never saves it, and puts the cursor on the first expression to fix.
        """
        from huashu.gui.qt import QMessageBox  # built when first shown, like dialogs.confirm

        self.text_edit.recheck()
        errors = [f for f in self.text_edit.findings if f.severity == "error"]
        if not errors:
            return True
        first_of: dict[str, Any] = {}
        for f in errors:
            first_of.setdefault(f.text, f)
        lines = []
        for words, f in list(first_of.items())[:3]:
            if f.suggestions:
                lines.append(self.tr("“{0}” → say instead: {1}").format(words, f.suggestions[0]))
            else:
                lines.append(f"“{words}”：{f.message}")
        lines.append("")
        lines.append(
            self.tr(
                "Agents copy this phrase to customers as it is. Keep editing to use the suggested wording"
                " (right-click or Ctrl+.), or save anyway if it is meant as an example."
            )
        )
        box = QMessageBox(self)
        box.setObjectName("confirmBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Forbidden wording"))
        box.setText(
            self.tr("This phrase contains {0} forbidden expression(s): {1}").format(
                len(errors), i18n.join_list(first_of)
            )
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("\n".join(lines))
        save = box.addButton(self.tr("Save anyway"), QMessageBox.ButtonRole.AcceptRole)
        # Not dialogs.confirm's "Cancel": beside the editor's own Cancel it reads as "throw it away".
        back = box.addButton(self.tr("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        confirmed = box.clickedButton() is save
        box.deleteLater()
        if self._closed:
            return False  # the app quit while the box was open: nothing left to save from
        if confirmed:
            return True
        cursor = self.text_edit.textCursor()
        cursor.setPosition(errors[0].start_utf16)
        self.text_edit.setTextCursor(cursor)
        self.text_edit.ensureCursorVisible()
        self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in a field presses the default Save, which does nothing at all while it is disabled:
        # say why instead.
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.read_only
            and not self.save_button.isEnabled()
        ):
            self._save()
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    def show_error(self, message: str) -> None:
        self._saving = False
        self._refused = None  # the library's own message: it stays until the next save
        self.banner.setText(message)
        self.banner.show()

    def is_dirty(self) -> bool:
        return not self.read_only and self.values() != self._initial

    def discard(self) -> None:
        """Close without asking (the app is quitting)."""
        super().reject()

    def reject(self) -> None:
        """Esc, Cancel or closing: with unsaved changes, ask first (keeping them is the default)."""
        if self.is_dirty() and not dialogs.confirm(
            self,
            self.tr("Unsaved changes"),
            self.tr("Discard the changes to this phrase?"),
            self.tr("&Discard"),
        ):
            return
        super().reject()


def changed_fields(
    before: Phrase, after: dict[str, Any], category_id: int | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (old, new) values of what the editor changed, in update_phrase's terms."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    current = {
        "title": before.title,
        "text": before.text,
        "shortcut": before.shortcut,
        "tags": tuple(before.tags),
        "notes": before.notes,
    }
    for key, value in current.items():
        wanted = tuple(after[key]) if key == "tags" else after[key]
        if key == "shortcut" and wanted:
            # Compared in the form the library stores ("qj" is the stored "/qj"); a code it refuses
            # goes to the library as typed, which says why.
            with contextlib.suppress(ValueError):
                wanted = clean_shortcut(wanted)
        if wanted != value:
            old[key] = value
            new[key] = wanted
    if after["category"] != before.category:
        old["category"] = before.category_id
        new["category"] = category_id if category_id is not None else after["category"]
    return old, new


class MoveDialog(QDialog):
    """Pick a category from the keyboard: type to filter, arrows to choose, Enter to move."""

    def __init__(self, categories: Sequence[Category], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moveDialog")
        self.setWindowTitle(title)
        self.resize(420, 480)
        self.filter = QLineEdit()
        self.list = QListWidget()
        for cat in categories:
            item = QListWidgetItem(cat.path)
            item.setData(Qt.ItemDataRole.UserRole, cat.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self.accept)
        self.list.itemActivated.connect(lambda _i: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.filter.setPlaceholderText(self.tr("Type to filter categories"))
        self.filter.installEventFilter(self)
        self.filter.setFocus()

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                while 0 <= row < self.list.count() and self.list.item(row).isHidden():
                    row += 1 if key == Qt.Key.Key_Down else -1
                if 0 <= row < self.list.count():
                    self.list.setCurrentRow(row)
                return True
        return False

    def _filter(self, text: str) -> None:
        first = -1
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(text) and text.lower() not in item.text().lower()
            item.setHidden(hidden)
            if not hidden and first < 0:
                first = row
        if first >= 0:
            self.list.setCurrentRow(first)

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return int(item.data(Qt.ItemDataRole.UserRole))


class CategoryNameDialog(QDialog):
    """A name for a new or renamed category; shows the library's message if the name is taken."""

    def __init__(self, title: str, label: str, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categoryNameDialog")
        self.setWindowTitle(title)
        self.edit = QLineEdit(name)
        self.edit.selectAll()
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        row = QHBoxLayout()
        row.addWidget(QLabel(label))
        row.addWidget(self.edit, 1)
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        self.resize(380, 120)

    def _accept(self) -> None:
        name = self.edit.text().strip()
        if not name or "/" in name:
            self.banner.setText(self.tr("A category name cannot be empty or contain “/”."))
            self.banner.show()
            return
        self.accept()

    def name(self) -> str:
        return self.edit.text().strip()


def noop_changes() -> OpChanges:
    return OpChanges()


def error_text(error: OpError) -> str:
    return error.message
