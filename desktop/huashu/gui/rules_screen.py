"""The forbidden-phrase rules: browse, edit with example checks, and try a sentence against them."""

from __future__ import annotations

import html

from huashu.core.checker import rule_words
from huashu.core.models import Rule
from huashu.gui import i18n, icons, theme
from huashu.gui.context import AppContext
from huashu.gui.ops import OpError
from huashu.gui.qt import (
    QCheckBox,
    QColor,
    QComboBox,
    QDialog,
    QEvent,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QShowEvent,
    QSize,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from huashu.gui.widgets import LinesEdit, WrappingLabel, buddy_form, muted_label, section_title

SEVERITIES = ("error", "warning", "info")
# Room kept for the tried sentence's findings, in lines (RulesScreen.line_height): a sentence tripping
# four or five rules shows whole (where the screen has room for it and ten lines of rules), more
# scroll. The room does not follow what is shown, so the sentence's box and the rules' buttons stay in
# one place however many rules a sentence trips; the lead can drag the border.
TEST_RESULT_LINES = 11
# The dialog's width in lines, 980 px at least: at a larger text size each finding then wraps to about
# as many lines as at the default (1344 px at 14 pt), within the screen.
WIDTH_IN_LINES = 48


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


class RulesScreen(QDialog):
    """Non-modal, so an agent can keep it open while composing; edits apply to the checker at once."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rulesScreen")
        self.ctx = ctx
        self.current: Rule | None = None
        self._placed_for: int | None = None  # the line height the try pane's room was set for
        self.resize(self._wanted_size())

        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("rulesList")
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(True)
        self.count_label = muted_label()
        self.new_button = QPushButton()
        self.new_button.setIcon(icons.icon("plus"))
        self.new_button.setAutoDefault(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        row.addWidget(self.new_button)
        left_layout.addLayout(row)

        self.heading = section_title()
        self.readonly_note = muted_label()
        self.uid_edit = QLineEdit()
        self.patterns_edit = LinesEdit(3)
        self.regex_box = QCheckBox()
        self.severity_box = QComboBox()
        self.category_edit = QLineEdit()
        self.suggestions_edit = LinesEdit(3)
        self.allow_edit = LinesEdit(3)
        self.note_edit = QLineEdit()
        self.flag_edit = LinesEdit(3)
        self.ok_edit = LinesEdit(3)
        self.enabled_box = QCheckBox()
        self.form, self.labels = buddy_form(
            (
                self.patterns_edit,
                self.severity_box,
                self.category_edit,
                self.suggestions_edit,
                self.allow_edit,
                self.note_edit,
                self.flag_edit,
                self.ok_edit,
                self.enabled_box,
                # Last: the rule's key in spreadsheets and packs, which a lead rarely needs to read.
                self.uid_edit,
            ),
            spacing=(12, 7),
        )
        self.form.insertRow(2, "", self.regex_box)
        self.problems = WrappingLabel()  # outside the scrolling form: grows the pane, never hides
        self.problems.setObjectName("banner")
        self.problems.hide()
        self.save_button = QPushButton()
        self.save_button.setProperty("primary", True)
        self.delete_button = QPushButton()
        self.delete_button.setIcon(icons.icon("trash"))
        self.delete_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.readonly_note)
        right_layout.addLayout(self.form)
        right_layout.addStretch(1)

        # The rule's form scrolls rather than setting the window's height: with the test area below,
        # it is taller than a 1366x768 laptop's screen. Save, Delete and why a save was refused stay in view under it.
        scroll = QScrollArea()
        scroll.setWidget(right)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        pane = QWidget()
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.setSpacing(8)
        pane_layout.addWidget(scroll, 1)
        problems_row = QHBoxLayout()  # why Save refused, beside the button that was pressed
        problems_row.setContentsMargins(8, 0, 0, 0)
        problems_row.addWidget(self.problems)
        pane_layout.addLayout(problems_row)
        buttons.setContentsMargins(8, 0, 0, 0)
        pane_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(pane)
        splitter.setSizes([360, 620])

        self.test_label = section_title()
        self.test_edit = QLineEdit()
        self.test_edit.setObjectName("ruleTest")
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.RichText)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.test_result)
        results_layout.addStretch(1)
        self.test_area = QScrollArea()
        self.test_area.setObjectName("ruleTestResults")
        self.test_area.setWidget(results)
        self.test_area.setWidgetResizable(True)
        self.test_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.test_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.try_pane = QWidget()
        self.try_pane.setObjectName("ruleTryPane")
        self.try_layout = QVBoxLayout(self.try_pane)
        self.try_layout.setContentsMargins(0, 6, 0, 0)
        self.try_layout.setSpacing(10)
        self.try_layout.addWidget(self.test_label)
        self.try_layout.addWidget(self.test_edit)
        self.try_layout.addWidget(self.test_area, 1)

        # The lead can drag the border between the rules and the tried sentence; a taller or shorter
        # window changes the rules' share, the try pane keeps its room.
        self.v_split = QSplitter(Qt.Orientation.Vertical)
        self.v_split.setObjectName("rulesSplit")
        self.v_split.setChildrenCollapsible(False)
        self.rules_split = splitter
        self.v_split.addWidget(splitter)
        self.v_split.addWidget(self.try_pane)
        self.v_split.setStretchFactor(0, 1)
        self.v_split.setStretchFactor(1, 0)
        self._fit_test_area()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.v_split, 1)

        self.filter.textChanged.connect(self._populate)
        self.list.currentItemChanged.connect(self._selected)
        self.new_button.clicked.connect(self.new_rule)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.test_edit.textChanged.connect(self._test)
        ctx.checker_changed.connect(self._reload)
        self.retranslate()
        self._reload()
        self.filter.setFocus()

    # -- text --------------------------------------------------------------------------------

    def severity_names(self) -> dict[str, str]:
        return {"error": self.tr("Forbidden"), "warning": self.tr("Use with care"), "info": self.tr("Tip")}

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Forbidden-phrase rules"))
        self.filter.setPlaceholderText(self.tr("Filter rules by word, category or note"))
        self.new_button.setText(self.tr("New rule"))
        for label, text in zip(
            self.labels,
            (
                self.tr("&Words to catch"),
                self.tr("Se&verity"),
                self.tr("Category"),
                self.tr("Say &instead"),
                self.tr("Allowed words"),
                self.tr("Reason"),
                self.tr("Must catch"),
                self.tr("Must not catch"),
                self.tr("Enabled"),
                self.tr("ID"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.uid_edit.setPlaceholderText(self.tr("Made from the first word when left empty"))
        self.uid_edit.setToolTip(
            self.tr("The rule's key in spreadsheets and team packs: an import with the same ID updates this rule.")
        )
        self.regex_box.setText(self.tr("Words are regular expressions"))
        self.enabled_box.setText(self.tr("Check replies with this rule"))
        for edit in (
            self.patterns_edit,
            self.suggestions_edit,
            self.allow_edit,
            self.flag_edit,
            self.ok_edit,
        ):
            edit.setPlaceholderText(self.tr("one per line"))
        self.allow_edit.setPlaceholderText(
            self.tr("longer words that are fine, e.g. 亲自 for 亲; one per line")
        )
        current = self.severity_box.currentIndex()
        self.severity_box.clear()
        for sev, name in self.severity_names().items():
            self.severity_box.addItem(name, sev)
        self.severity_box.setCurrentIndex(max(0, current))
        self.save_button.setText(self.tr("Save rule"))
        self.delete_button.setText(self.tr("Delete"))
        self.test_label.setText(self.tr("Try a sentence"))
        self.test_edit.setPlaceholderText(self.tr("Type a reply to see which rules catch it"))
        self.readonly_note.setText(self.tr("This rule comes from a team pack and cannot be changed here."))
        self._populate()
        self._show(self.current)
        self._test()  # the tried sentence's findings, in the new language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.FontChange:  # the text size chosen in Settings
            # The dialog's FontChange may come before its children's: measure them once they have it.
            QTimer.singleShot(0, self._fit_test_area)
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._place_try_pane()
        if self._placed_for is None:  # the splitter not laid out yet: once it is
            QTimer.singleShot(0, self._place_try_pane)

    def line_height(self) -> int:
        """The height of a line of findings: Chinese, also in the English UI, whose Latin face has
        shorter lines than the Chinese one; sizes in lines of the UI font fell short there."""
        metrics = self.fontMetrics()
        return max(metrics.lineSpacing(), metrics.size(0, "字").height())

    def _wanted_size(self) -> QSize:
        """Tall enough for the whole rule and the try pane where the screen allows (the form scrolls
        on smaller screens); wider with the font (see WIDTH_IN_LINES); within the screen."""
        screen = self.screen()
        room = screen.availableGeometry().size() if screen is not None else QSize(1280, 800)
        width = min(max(980, WIDTH_IN_LINES * self.line_height()), room.width() - 24)
        return QSize(width, max(560, min(max(840, 40 * self.line_height()), room.height() - 80)))

    def _try_pane_height(self, result_lines: int) -> int:
        """The try pane's height with room for this many lines of findings (the dialog's own font)."""
        margins = self.try_layout.contentsMargins()
        return (
            margins.top()
            + margins.bottom()
            + self.test_label.sizeHint().height()
            + self.test_edit.sizeHint().height()
            + 2 * self.try_layout.spacing()
            + result_lines * self.line_height()
            + 4
        )

    def _fit_test_area(self) -> None:
        # Three lines at least, however far the lead drags the border.
        self.test_area.setMinimumHeight(3 * self.line_height() + 4)
        if self.isVisible():
            # A larger text size while the screen is open: as wide as it would have opened (never
            # narrower than the lead made it), so the findings wrap to as many lines as before.
            wanted = self._wanted_size()
            if self.width() < wanted.width() or self.height() < wanted.height():
                self.resize(self.size().expandedTo(wanted))
                QTimer.singleShot(0, self._place_try_pane)  # once the splitter has the new height
                return
        self._place_try_pane()

    def _place_try_pane(self) -> None:
        """Give the try pane its room (TEST_RESULT_LINES) once per text size, the rules the rest.

        The rules keep ten lines at least (several rules in the list, the form's first fields); a
        border the lead dragged stays where it is until the text size changes.
        """
        line = self.line_height()
        total = sum(self.v_split.sizes())
        if not self.isVisible() or total <= 0 or self._placed_for == line:
            return
        rules = max(self.rules_split.minimumSizeHint().height(), 10 * line)
        wanted = min(self._try_pane_height(TEST_RESULT_LINES), total - rules)
        pane = max(self.try_pane.minimumSizeHint().height(), wanted)
        self.v_split.setSizes([total - pane, pane])
        self._placed_for = line

    # -- list --------------------------------------------------------------------------------

    def _reload(self) -> None:
        self._populate()
        self._test()

    def _populate(self) -> None:
        c = theme.colors()
        wanted = self.filter.text().strip().lower()
        keep = self.current.uid if self.current else None
        self.list.blockSignals(True)
        self.list.clear()
        shown = 0
        names = self.severity_names()
        for rule in self.ctx.rules:
            haystack = " ".join((*rule.patterns, rule.category, rule.note, rule.uid)).lower()
            if wanted and wanted not in haystack:
                continue
            item = QListWidgetItem(
                f"{'、'.join(rule.patterns[:4])}    {names.get(rule.severity, '')} · {rule.category}"
            )
            item.setData(Qt.ItemDataRole.UserRole, rule.uid)
            item.setToolTip(rule.note)
            item.setIcon(
                icons.icon("lock" if rule.origin == "pack" else "shield", c.severity(rule.severity).name())
            )
            if not rule.enabled:
                item.setForeground(QColor(c.muted))
            self.list.addItem(item)
            shown += 1
            if rule.uid == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.count_label.setText(self.tr("{0} of {1} rules").format(shown, len(self.ctx.rules)))
        if self.list.currentItem() is None and self.list.count() and self.current is None:
            self.list.setCurrentRow(0)

    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        uid = item.data(Qt.ItemDataRole.UserRole)
        self._show(next((r for r in self.ctx.rules if r.uid == uid), None))

    # -- form --------------------------------------------------------------------------------

    def _show(self, rule: Rule | None) -> None:
        self.current = rule
        self.problems.hide()
        is_new = rule is None or not any(r.uid == rule.uid for r in self.ctx.rules)
        locked = bool(rule and rule.origin == "pack")
        self.readonly_note.setVisible(locked)
        if rule is None:
            self.heading.setText(self.tr("New rule"))
            rule = Rule(uid="", patterns=(), severity="warning")
        else:
            self.heading.setText(i18n.join_list(rule.patterns[:3]) if not is_new else self.tr("New rule"))
        self.uid_edit.setText(rule.uid)
        self.uid_edit.setCursorPosition(0)
        self.uid_edit.setReadOnly(not is_new)
        self.patterns_edit.setPlainText("\n".join(rule.patterns))
        self.regex_box.setChecked(rule.is_regex)
        self.severity_box.setCurrentIndex(max(0, SEVERITIES.index(rule.severity)))
        self.category_edit.setText(rule.category)
        self.category_edit.setCursorPosition(0)
        self.suggestions_edit.setPlainText("\n".join(rule.suggestions))
        self.allow_edit.setPlainText("\n".join(rule.allow))
        self.note_edit.setText(rule.note)
        # setText leaves the cursor, and so the view, at the end: a long reason would open with its
        # first characters cut off.
        self.note_edit.setCursorPosition(0)
        self.flag_edit.setPlainText("\n".join(rule.must_flag))
        self.ok_edit.setPlainText("\n".join(rule.must_not_flag))
        self.enabled_box.setChecked(rule.enabled)
        for widget in (
            self.uid_edit,
            self.patterns_edit,
            self.category_edit,
            self.suggestions_edit,
            self.allow_edit,
            self.note_edit,
            self.flag_edit,
            self.ok_edit,
        ):
            widget.setEnabled(not locked)
        for widget in (self.regex_box, self.severity_box, self.enabled_box, self.save_button):
            widget.setEnabled(not locked)
        self.delete_button.setEnabled(not locked and not is_new)

    def new_rule(self) -> None:
        self.list.clearSelection()
        self._show(None)
        self.patterns_edit.setFocus()

    def form_rule(self) -> Rule:
        from huashu.core.rules import make_uid

        patterns = _lines(self.patterns_edit)
        uid = self.uid_edit.text().strip() or (make_uid(patterns[0]) if patterns else "")
        return Rule(
            uid=uid,
            patterns=patterns,
            severity=self.severity_box.currentData() or "warning",
            category=self.category_edit.text().strip(),
            suggestions=_lines(self.suggestions_edit),
            allow=_lines(self.allow_edit),
            note=self.note_edit.text().strip(),
            is_regex=self.regex_box.isChecked(),
            must_flag=_lines(self.flag_edit),
            must_not_flag=_lines(self.ok_edit),
            enabled=self.enabled_box.isChecked(),
        )

    def problems_of(self, rule: Rule) -> list[str]:
        """What is wrong with the edited rule: no words, a bad regex, or an example that fails."""
        from huashu.core.rules import validate_rules

        if not rule.patterns:
            return [self.tr("Add at least one word to catch.")]
        problems = [str(p) for p in validate_rules([rule]) if p.fatal]
        is_new = not self.uid_edit.isReadOnly()
        if is_new and any(r.uid == rule.uid for r in self.ctx.rules):
            problems.append(self.tr("Another rule already uses the ID {0}.").format(rule.uid))
        return problems

    def save(self) -> None:
        rule = self.form_rule()
        if self.current is not None and self.current.origin == "pack":
            return
        problems = self.problems_of(rule)
        if problems:
            self.problems.setText("<br>".join(html.escape(p) for p in problems))
            self.problems.show()
            return
        self.problems.hide()
        self.current = rule
        self.ctx.ops.run(lambda lib: lib.save_rule(rule), lambda _c: self._saved(rule), self._failed)

    def _saved(self, rule: Rule) -> None:
        self.current = rule
        self.uid_edit.setReadOnly(True)
        self.delete_button.setEnabled(True)
        self.heading.setText(i18n.join_list(rule.patterns[:3]))

    def _failed(self, error: OpError) -> None:
        self.problems.setText(html.escape(error.message))
        self.problems.show()

    def delete(self) -> None:
        from huashu.gui import dialogs

        rule = self.current
        if rule is None or rule.origin == "pack":
            return
        if not dialogs.confirm(
            self,
            self.tr("Delete rule"),
            self.tr("Delete the rule for “{0}”?").format(i18n.join_list(rule.patterns[:3])),
            self.tr("Delete"),
        ):
            return
        self.current = None
        self.ctx.ops.run(lambda lib: lib.delete_rule(rule.uid), None, self._failed)

    # -- test sentence -----------------------------------------------------------------------

    def _rule_name(self, uid: str) -> str:
        """The rule named by its first words, not its internal id; the words stay as the lead wrote them."""
        rule = next((r for r in self.ctx.rules if r.uid == uid), None)
        if rule is None:
            return uid
        shown, total = rule_words(rule, 2)
        if not shown:
            return self.tr("rule {0}").format(rule.uid)
        words = self.tr(", ").join(f"“{word}”" for word in shown)
        if total > len(shown):
            words = self.tr("{0} and {1} more").format(words, total - len(shown))
        return self.tr("rule {0}").format(words)

    def _test(self) -> None:
        text = self.test_edit.text()
        if not text.strip():
            self.test_result.setText("")
            return
        c = theme.colors()
        findings = self.ctx.check(text)
        if not findings:
            clean = html.escape(self.tr("No rule catches this sentence."))
            self.test_result.setText(f'<span style="color:{c.accent};">✓ {clean}</span>')
            return
        out = []
        pos = 0
        for f in findings:
            out.append(html.escape(text[pos : f.start]))
            color = c.severity(f.severity).name()
            out.append(
                f'<span style="background-color:{c.missing_bg}; color:{color}; text-decoration: underline;">'
                f"{html.escape(text[f.start : f.end])}</span>"
            )
            pos = f.end
        out.append(html.escape(text[pos:]))
        names = self.severity_names()
        aside = self.tr("({0})")  # the rule that caught a finding, after it
        # A little space between findings: each wraps to two lines or more at a large text size, and
        # the next one's bullet must not read as the middle of the previous one.
        details = "".join(
            f'<div style="margin-bottom:4px;"><span style="color:{c.severity(f.severity).name()};">●</span> '
            f"{names.get(f.severity, f.severity)} · <b>{html.escape(f.text)}</b>：{html.escape(f.message)}"
            + (f" → {html.escape(' / '.join(f.suggestions))}" if f.suggestions else "")
            + f' <span style="color:{c.muted};">{html.escape(aside.format(self._rule_name(f.rule_uid)))}</span></div>'
            for f in findings
        )
        self.test_result.setText(f'<div style="margin-bottom:6px;">{"".join(out)}</div>{details}')
