"""The compose box: the agent's own reply with the checker live (wavy underlines, reasons, one-click fixes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from huashu.gui import dialogs, i18n, theme
from huashu.gui.context import AppContext
from huashu.gui.qt import (
    QAction,
    QColor,
    QEvent,
    QHelpEvent,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QMenu,
    QObject,
    QPixmap,
    QPlainTextEdit,
    QPoint,
    QPushButton,
    QRect,
    QResizeEvent,
    QSize,
    QSizePolicy,
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
        # The checker loads on the worker, off the start path.
        from huashu.core.checker import fit_suggestion, replacement_end
        from huashu.core.normalize import utf16_len

        text = self.toPlainText()
        # A whole-sentence suggestion takes the rest of its clause ("…稍后给您回复。什么时候到。").
        end = replacement_end(text, finding.start, finding.end, suggestion)
        cursor = QTextCursor(self.document())
        cursor.setPosition(finding.start_utf16)
        cursor.setPosition(finding.end_utf16 + utf16_len(text[finding.end : end]), QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.insertText(fit_suggestion(text, finding.start, end, suggestion))
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
        # The menu opens at the words; the caret stays where the agent was typing ("Ignore once"
        # then typing on put the new words in the middle of the sentence).
        cursor = QTextCursor(self.document())
        cursor.setPosition(finding.start_utf16)
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


class ComposeHead(QWidget):
    """The compose box's title, findings summary, Clear and Copy: one row, at every width.

    A box layout squeezed them at a large text size: in the smallest window the buttons lost height,
    in the compact strip the summary was squeezed to nothing and the buttons set the strip's width.
    Here the buttons keep their whole size and the summary keeps room for its first count ("1 处禁用语";
    the rest ends in … with the whole text in its tooltip). Where the row is short, what the agent
    needs least gives way first (see STAGES), each word kept in its button's tooltip. One row always:
    a second one would make the box's least height follow its width, and a window once a narrow strip
    would keep the taller minimum when it became wide again.
    """

    GAP = 12  # between the title and the summary
    SPACING = 6  # between the summary and the buttons, and between the buttons
    # (title shown, Clear as, Copy as) from the widest row to the narrowest: the title goes first
    # (the box's placeholder says what it is for), then Copy's key hint, Clear's word, Copy's word.
    STAGES: tuple[tuple[bool, str, str], ...] = (
        (True, "word", "whole"),
        (False, "word", "whole"),
        (False, "word", "short"),
        (False, "icon", "short"),
        (False, "icon", "icon"),
    )

    def __init__(
        self, title: QLabel, summary: QLabel, clear: QPushButton, copy: QPushButton, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.summary = summary
        self.clear_button = clear
        self.copy_button = copy
        self.texts: dict[str, str] = {}  # Clear's word, Copy's with and without its key hint
        self.firsts: tuple[str, ...] = ()  # what the summary may start with ("1 处禁用语", …)
        # Hidden stand-ins measure each button's other looks in the same style, without the real
        # ones changing (a change lays the row out again).
        self._probes = (QPushButton(self), QPushButton(self))
        self._probes[1].setProperty("primary", copy.property("primary"))
        for probe in self._probes:
            probe.hide()
        self._shown: int | None = None  # the stage the buttons show
        for widget in (title, summary, clear, copy):
            widget.setParent(self)
            widget.installEventFilter(self)  # a new font or style: measure again
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_texts(self, clear: str, copy: str, copy_short: str, firsts: tuple[str, ...]) -> None:
        self.texts = {"clear": clear, "whole": copy, "short": copy_short}
        self.firsts = firsts
        self._shown = None
        self._changed()

    # -- measuring -------------------------------------------------------------------------

    def _icon_size(self) -> QSize:
        side = max(16, round(0.7 * self.fontMetrics().height()))
        return QSize(side, side)

    def _icon(self, name: str, color: str | None = None) -> QIcon:
        from huashu.gui import icons  # only a narrow strip at a large text size shows them

        return icons.icon(name, color, self._icon_size().width())

    @staticmethod
    def _size(widget: QWidget) -> QSize:
        # The style sheet's min-height let a box layout squeeze a button below its hint: never here.
        return widget.sizeHint().expandedTo(widget.minimumSize())

    def _measure(self, which: int, look: str) -> QSize:
        probe = self._probes[which]
        probe.setText("" if look == "icon" else self.texts.get(look, ""))
        # Any icon of the size measures the same; a blank one spares rendering an SVG at start.
        probe.setIcon(QIcon(QPixmap(self._icon_size())) if look == "icon" else QIcon())
        probe.setIconSize(self._icon_size())
        probe.ensurePolished()
        return self._size(probe)

    def _buttons(self, stage: int) -> tuple[QSize, QSize]:
        _title, clear, copy = self.STAGES[stage]
        return self._measure(0, "clear" if clear == "word" else clear), self._measure(1, copy)

    def _buttons_width(self, stage: int) -> int:
        clear, copy = self._buttons(stage)
        return clear.width() + self.SPACING + copy.width()

    def summary_room(self) -> int:
        """The widest first count, with the … after it: the least the summary shows whole."""
        metrics = self.summary.fontMetrics()
        return max((metrics.horizontalAdvance(first + "…") for first in self.firsts), default=0) + 2

    def stage(self, width: int) -> int:
        """The first of STAGES whose row fits `width` with the summary's room; the last one else."""
        room = self.summary_room() + self.SPACING
        for stage, (title, _clear, _copy) in enumerate(self.STAGES[:-1]):
            needed = room + self._buttons_width(stage)
            if title:
                needed += self._size(self.title).width() + self.GAP
            if width >= needed:
                return stage
        return len(self.STAGES) - 1

    def _height(self) -> int:
        clear, copy = self._buttons(0)
        return max(self._size(self.title).height(), self._size(self.summary).height(), clear.height(), copy.height())

    def sizeHint(self) -> QSize:
        summary = max(self._size(self.summary).width(), self.summary_room())
        width = self._size(self.title).width() + self.GAP + summary + self.SPACING + self._buttons_width(0)
        return QSize(width, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._buttons_width(len(self.STAGES) - 1), self._height())

    # -- placing ---------------------------------------------------------------------------

    def _show_stage(self, stage: int) -> None:
        if stage == self._shown:
            return  # a button's new text or icon lays the row out again: only on a change
        self._shown = stage
        title, clear, copy = self.STAGES[stage]
        self.title.setVisible(title)
        clear_icon = clear == "icon"
        self.clear_button.setText("" if clear_icon else self.texts["clear"])
        self.clear_button.setIcon(self._icon("clear") if clear_icon else QIcon())
        self.clear_button.setToolTip(self.texts["clear"] if clear_icon else "")
        copy_icon = copy == "icon"
        self.copy_button.setText("" if copy_icon else self.texts[copy])
        self.copy_button.setIcon(self._icon("copy", theme.colors().accent_text) if copy_icon else QIcon())
        self.copy_button.setToolTip(self.texts["whole"] if copy != "whole" else "")
        for button in (self.clear_button, self.copy_button):
            button.setIconSize(self._icon_size())

    def _place(self) -> None:
        if not self.texts:
            return  # before the box's first retranslate
        width, height = self.width(), self.height()
        stage = self.stage(width)
        self._show_stage(stage)

        def put(widget: QWidget, x: int, w: int, h: int = 0) -> None:
            h = h or self._size(widget).height()
            widget.setGeometry(QRect(x, (height - h) // 2, w, h))  # centred in the row

        buttons = (self.copy_button, self.clear_button)
        tall = min(height, self._height())  # as tall as with their words: an icon alone is shorter
        right = width
        for button in buttons:
            w = self._size(button).width()
            right -= w
            put(button, right, w, tall)
            right -= self.SPACING
        left = 0
        if self.STAGES[stage][0]:
            put(self.title, 0, self._size(self.title).width())
            left = self._size(self.title).width() + self.GAP
        put(self.summary, left, max(0, right - left))

    def _changed(self) -> None:
        self.updateGeometry()
        self._place()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._shown = None  # the icons' size and colour follow the font and the theme
            self._changed()
        return False

    def event(self, event: QEvent) -> bool:
        # A child's new text (setText posts a LayoutRequest to its parent, which has no layout).
        if event.type() == QEvent.Type.LayoutRequest:
            self._changed()
            return True
        return super().event(event)


class ComposeBox(QWidget):
    """The agent types a reply here; Ctrl+Enter copies it, asking first if forbidden wording is left."""

    copy_requested = Signal(str)
    EDIT_LINES = 3  # the least the text area shows, in lines of its font, however small the window
    # Two at 20 pt: three would make the smallest main window taller than an 800-pixel screen.
    LARGE_FONT, LARGE_FONT_LINES = 20.0, 2

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        self.title = section_title()
        self.summary = ElidedLabel()  # a long count line must not widen the compact strip off screen
        self.clear_button = QPushButton()
        self.copy_button = QPushButton()
        self.copy_button.setProperty("primary", True)
        self.head = ComposeHead(self.title, self.summary, self.clear_button, self.copy_button)
        layout.addWidget(self.head)
        self.edit = CheckedEdit(ctx)
        self.edit.setObjectName("composeEdit")
        layout.addWidget(self.edit, 1)
        self.edit.findings_changed.connect(self._summarise)
        self.edit.installEventFilter(self)
        self.copy_button.clicked.connect(self.try_copy)
        self.clear_button.clicked.connect(self.clear)
        self._fit_edit()
        self.retranslate()

    def _fit_edit(self) -> None:
        """Whole lines of the edit's font (EDIT_LINES): its own minimum, in pixels, was under two at 20 pt."""
        edit = self.edit
        edit.ensurePolished()
        chrome = edit.height() - edit.contentsRect().height()  # border and style-sheet padding
        margin = round(2 * edit.document().documentMargin())
        count = self.LARGE_FONT_LINES if edit.font().pointSizeF() >= self.LARGE_FONT else self.EDIT_LINES
        lines = chrome + margin + count * self.line_height()
        edit.setMinimumHeight(max(lines, edit.minimumSizeHint().height()))

    def line_height(self) -> int:
        """A line of the reply: Chinese, also in the English UI, whose Latin face has shorter lines."""
        metrics = self.edit.fontMetrics()
        return max(metrics.lineSpacing(), metrics.size(0, "字").height())

    def retranslate(self) -> None:
        self.title.setText(self.tr("Compose"))
        self.edit.setAccessibleName(self.title.text())  # the title may be hidden in a narrow strip
        self.edit.setPlaceholderText(
            self.tr("Type your own reply here; wording customers must not hear is underlined as you type.")
        )
        # The summary's possible first counts (see _summarise): the head keeps room for the widest.
        firsts = (self.tr("{0} forbidden").format(1), self.tr("{0} use with care").format(1), self.tr("1 tip"))
        self.head.set_texts(self.tr("Clear"), self.tr("Copy  Ctrl+⏎"), self.tr("Copy"), firsts)
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
        if watched is self.edit and event.type() in (
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
            QEvent.Type.Show,
        ):
            self._fit_edit()
            return False
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
                len(errors), i18n.join_list(dict.fromkeys(f.text for f in errors))
            ),
            self.tr("Copy anyway"),
            detail=self.tr("Use the suggested wording (right-click or Ctrl+.), or copy if you are sure."),
        ):
            return False
        self.copy_requested.emit(text)
        return True
