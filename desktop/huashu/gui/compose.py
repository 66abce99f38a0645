"""The compose box: the agent's own reply with the checker live (wavy underlines, reasons, one-click fixes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from huashu.gui import dialogs, theme
from huashu.gui.context import AppContext
from huashu.gui.qt import (
    QAction,
    QColor,
    QEvent,
    QHBoxLayout,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMenu,
    QPlainTextEdit,
    QPoint,
    QPushButton,
    Qt,
    QTextCursor,
    QTextEdit,
    QTimer,
    QToolTip,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.widgets import ElidedLabel, section_title

if TYPE_CHECKING:
    from huashu.gui.qt import QContextMenuEvent  # drag, drop and menu events: built on first use

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class CheckedEdit(QPlainTextEdit):
    """A plain text editor that underlines checker findings and offers their suggestions.

    Positions come from the checker in UTF-16 units (start_utf16/end_utf16), which is what
    QTextCursor counts, so emoji or rare characters before a finding do not shift the underline.
    """

    findings_changed = Signal(list)
    QUICK_FIX = QKeySequence("Ctrl+.")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.findings: list[Any] = []
        # "Ignore once": (cursor at the end of the ignored words, their length, rule). The cursor moves
        # with edits before it, so the same occurrence stays ignored while the agent keeps typing.
        self._ignored: list[tuple[QTextCursor, int, str]] = []
        self._extra: list[QTextEdit.ExtraSelection] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(40)  # coalesces a paste or fast typing into one check
        self._timer.timeout.connect(self.recheck)
        self.textChanged.connect(self._timer.start)
        ctx.checker_changed.connect(self.recheck)
        self.setTabChangesFocus(True)

    # -- checking ----------------------------------------------------------------------------

    def recheck(self) -> None:
        text = self.toPlainText()
        if not text:
            self._ignored.clear()
        found = [f for f in self.ctx.check(text) if not self._is_ignored(f)]
        found.sort(key=lambda f: (f.start_utf16, SEVERITY_ORDER.get(f.severity, 3)))
        self.findings = found
        self._paint()
        self.findings_changed.emit(found)

    def _is_ignored(self, finding: Any) -> bool:
        return any(
            uid == finding.rule_uid
            and cur.position() == finding.end_utf16
            and length == finding.end_utf16 - finding.start_utf16
            for cur, length, uid in self._ignored
        )

    def set_extra_selections(self, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Other marks to draw under the findings (the phrase editor shows field chips this way)."""
        self._extra = selections
        self._paint()

    def _paint(self) -> None:
        from huashu.gui.qt import QTextCharFormat  # ~1 ms to build: not before the first finding

        c = theme.colors()
        selections = list(self._extra)
        last = self.document().characterCount() - 1  # the document's own final paragraph mark
        for f in self.findings:
            if f.end_utf16 > last:
                continue  # found in a longer text than the one now shown: the recheck is coming
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(f.start_utf16)
            cursor.setPosition(f.end_utf16, QTextCursor.MoveMode.KeepAnchor)
            if cursor.selectedText().replace("\u2029", "\n") != f.text:
                continue  # the words under it changed since the check: no stale underline meanwhile
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(c.severity(f.severity))
            if f.severity == "error":
                tint = QColor(c.error)
                tint.setAlpha(28)
                fmt.setBackground(tint)
            sel.cursor = cursor  # type: ignore[misc]
            sel.format = fmt  # type: ignore[misc]
            selections.append(sel)
        self.setExtraSelections(selections)

    def finding_at(self, position: int) -> Any | None:
        for f in self.findings:
            if f.start_utf16 <= position < f.end_utf16:
                return f
        return None

    def finding_near_cursor(self) -> Any | None:
        pos = self.textCursor().position()
        hit = self.finding_at(pos) or self.finding_at(pos - 1)
        if hit is not None:
            return hit
        # Otherwise the next one after the cursor, then the first: Ctrl+. always has something to fix.
        after = [f for f in self.findings if f.start_utf16 >= pos]
        return after[0] if after else (self.findings[0] if self.findings else None)

    # -- fixing ------------------------------------------------------------------------------

    def replace(self, finding: Any, suggestion: str) -> None:
        """Replace the flagged words; one undo step in the editor (Ctrl+Z brings them back)."""
        from huashu.core.checker import fit_suggestion  # the checker loads on the worker, off the start path

        cursor = QTextCursor(self.document())
        cursor.setPosition(finding.start_utf16)
        cursor.setPosition(finding.end_utf16, QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.insertText(fit_suggestion(self.toPlainText(), finding.start, finding.end, suggestion))
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.recheck()

    def ignore_once(self, finding: Any) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(finding.end_utf16)
        cursor.setKeepPositionOnInsert(True)  # typing right after the words must not drag the mark
        self._ignored.append((cursor, finding.end_utf16 - finding.start_utf16, finding.rule_uid))
        self.recheck()

    def fix_actions(self, finding: Any, parent: QMenu) -> list[QAction]:
        actions = []
        for suggestion in finding.suggestions:
            action = QAction(self.tr("Replace with “{0}”").format(suggestion), parent)
            action.triggered.connect(lambda _=False, f=finding, s=suggestion: self.replace(f, s))
            actions.append(action)
        ignore = QAction(self.tr("Ignore once"), parent)
        ignore.triggered.connect(lambda _=False, f=finding: self.ignore_once(f))
        actions.append(ignore)
        return actions

    def _fix_menu(self, finding: Any) -> QMenu:
        menu = QMenu(self)
        header = menu.addAction(f"{finding.text}：{finding.message}")
        header.setEnabled(False)
        menu.addSeparator()
        for action in self.fix_actions(finding, menu):
            menu.addAction(action)
        return menu

    def quick_fix(self) -> QMenu | None:
        """Open the fixes for the finding at (or after) the cursor, from the keyboard."""
        finding = self.finding_near_cursor()
        if finding is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(finding.start_utf16)
        self.setTextCursor(cursor)
        menu = self._fix_menu(finding)
        rect = self.cursorRect(cursor)
        menu.popup(self.viewport().mapToGlobal(QPoint(rect.left(), rect.bottom() + 2)))
        usable = [a for a in menu.actions() if a.isEnabled() and not a.isSeparator()]
        if usable:
            menu.setActiveAction(usable[0])
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        finding = self.finding_at(self.cursorForPosition(event.pos()).position())
        if finding is not None:
            first = menu.actions()[0] if menu.actions() else None
            header = QAction(f"{finding.text}：{finding.message}", menu)
            header.setEnabled(False)
            menu.insertAction(first, header)
            for action in self.fix_actions(finding, menu):
                menu.insertAction(first, action)
            menu.insertSeparator(first)
        menu.exec(event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if QKeySequence(event.keyCombination()) == self.QUICK_FIX:
            self.quick_fix()
            event.accept()
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = self.viewport().mapFrom(self, event.pos())
            finding = self.finding_at(self.cursorForPosition(pos).position())
            if finding is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_for(finding), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_for(self, finding: Any) -> str:
        names = {"error": self.tr("Forbidden"), "warning": self.tr("Use with care"), "info": self.tr("Tip")}
        lines = [f"<b>{names.get(finding.severity, finding.severity)}</b>：{finding.message}"]
        if finding.suggestions:
            lines.append(self.tr("Say instead: {0}").format(" / ".join(finding.suggestions)))
        how = self.tr("Right-click or Ctrl+. to fix")
        lines.append(f'<span style="color:{theme.colors().muted};">{how}</span>')
        return "<br>".join(lines)


class ComposeBox(QWidget):
    """The agent types a reply here; Ctrl+Enter copies it, asking first if forbidden wording is left."""

    copy_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.title = section_title()
        self.summary = ElidedLabel()  # a long count line must not widen the compact strip off screen
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.summary, 1)
        self.clear_button = QPushButton()
        self.copy_button = QPushButton()
        self.copy_button.setProperty("primary", True)
        head.addWidget(self.clear_button)
        head.addWidget(self.copy_button)
        layout.addLayout(head)
        self.edit = CheckedEdit(ctx)
        self.edit.setObjectName("composeEdit")
        layout.addWidget(self.edit, 1)
        self.edit.findings_changed.connect(self._summarise)
        self.edit.installEventFilter(self)
        self.copy_button.clicked.connect(self.try_copy)
        self.clear_button.clicked.connect(self.clear)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Compose"))
        self.edit.setPlaceholderText(
            self.tr("Type your own reply here; wording customers must not hear is underlined as you type.")
        )
        self.copy_button.setText(self.tr("Copy  Ctrl+⏎"))
        self.clear_button.setText(self.tr("Clear"))
        self._summarise(self.edit.findings)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self.edit.recheck()
        super().changeEvent(event)

    def _summarise(self, findings: list[Any]) -> None:
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        if not any(counts.values()):
            self.summary.setText(self.tr("No problems found") if self.edit.toPlainText().strip() else "")
            self.summary.setStyleSheet("")
            return
        parts = []
        if counts["error"]:
            parts.append(self.tr("{0} forbidden").format(counts["error"]))
        if counts["warning"]:
            parts.append(self.tr("{0} use with care").format(counts["warning"]))
        if counts["info"]:
            n = counts["info"]
            parts.append(self.tr("1 tip") if n == 1 else self.tr("{0} tips").format(n))
        self.summary.setText("  ·  ".join(parts) + "  —  " + self.tr("Ctrl+. to fix"))
        c = theme.colors()
        self.summary.setStyleSheet(f"color: {c.error if counts['error'] else c.warning};")

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.try_copy()
            return True
        return False

    def clear(self) -> None:
        self.edit.clear()
        self.edit.setFocus()

    def try_copy(self) -> bool:
        text = self.edit.toPlainText().strip()
        if not text:
            return False
        if not self.ctx.when_checker_ready(self.try_copy):
            return False  # copies a moment later, checked, once the rules are in
        self.edit.recheck()
        errors = [f for f in self.edit.findings if f.severity == "error"]
        if errors and not dialogs.confirm(
            self,
            self.tr("Forbidden wording"),
            self.tr("Your reply still contains {0} forbidden expression(s): {1}").format(
                len(errors), "、".join(dict.fromkeys(f.text for f in errors))
            ),
            self.tr("Copy anyway"),
            detail=self.tr("Use the suggested wording (right-click or Ctrl+.), or copy if you are sure."),
        ):
            return False
        self.copy_requested.emit(text)
        return True
