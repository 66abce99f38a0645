"""Filling a phrase's fields: one input per field, live preview, checker, and copying only when complete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from huashu.core import placeholders
from huashu.gui import chips, dialogs, theme
from huashu.gui.context import AppContext
from huashu.gui.qt import (
    QComboBox,
    QCoreApplication,
    QEvent,
    QFormLayout,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QObject,
    QPushButton,
    QScrollArea,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.results import ResultItem
from huashu.gui.widgets import ImeLineEdit, muted_label, section_title, set_invalid


@dataclass(frozen=True)
class FilledReply:
    """A finished reply ready for the clipboard, and the values the agent gave its fields."""

    phrase_id: int
    text: str
    values: dict[str, str]


def instant_reply(item: ResultItem, builtins: Mapping[str, str]) -> FilledReply | None:
    """The reply when nothing needs asking: no fields, or only built-in fields the profile and clock fill."""
    try:
        template = placeholders.parse(item.text)
    except placeholders.PlaceholderError:
        return None
    if any(f.name not in placeholders.BUILTIN_FIELD_NAMES for f in template.fields):
        return None
    result = placeholders.fill(template, {}, builtins=builtins)
    if not result.complete:
        return None
    return FilledReply(item.phrase_id, result.text, {})


FINDINGS_SHOWN = 3  # the rest are underlined in the text: a long list would push the window off screen


def findings_html(findings: list[Any], text: str, limit: int = FINDINGS_SHOWN) -> str:
    """Checker findings as short coloured lines: what was found, why, and what to say instead."""
    c = theme.colors()
    lines = []
    for f in findings[:limit]:
        color = c.severity(f.severity).name()
        fix = ""
        if f.suggestions:
            fix = "  →  " + " / ".join(_esc(s) for s in f.suggestions[:2])
        lines.append(
            f'<div style="margin:2px 0;"><span style="color:{color};">●</span> '
            f"<b>{_esc(f.text)}</b>：{_esc(f.message)}"
            f'<span style="color:{c.muted};">{fix}</span></div>'
        )
    if len(findings) > limit:
        more = QCoreApplication.translate("fill_panel", "…and {0} more, underlined in the text")
        lines.append(f'<div style="margin:2px 0; color:{c.muted};">{_esc(more.format(len(findings) - limit))}</div>')
    return "".join(lines)


def _esc(text: str) -> str:
    import html

    return html.escape(text)


class FillPanel(QWidget):
    """Opens beside the results when a phrase with fields is used; Enter walks the fields, then copies."""

    copy_requested = Signal(object)  # FilledReply
    cancelled = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, pastes: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pastes = pastes  # in the quick popup the reply goes into the chat window, not just the clipboard
        self.item: ResultItem | None = None
        self.template: placeholders.Template | None = None
        self.inputs: dict[str, ImeLineEdit | QComboBox] = {}
        self._origins: dict[str, QLabel] = {}
        self.findings: list[Any] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(10)
        self.heading = section_title()
        self.heading.setWordWrap(True)
        self.hint = muted_label()
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)

        self._form_host = QWidget()
        self.form = QFormLayout(self._form_host)
        self.form.setContentsMargins(0, 4, 0, 4)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setWidget(self._form_host)
        layout.addWidget(self._scroll)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.preview_label = muted_label()
        layout.addWidget(self.preview_label)
        self.preview = QTextBrowser()
        self.preview.setObjectName("fillPreview")
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.setMinimumHeight(90)
        layout.addWidget(self.preview, 1)
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.findings_label)

        buttons = QHBoxLayout()
        self.copy_button = QPushButton()
        self.copy_button.setProperty("primary", True)
        self.cancel_button = QPushButton()
        self.copy_button.clicked.connect(self.try_copy)
        self.cancel_button.clicked.connect(self.cancelled)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        ctx.checker_changed.connect(self._update_preview)
        ctx.profile_changed.connect(self._profile_arrived)
        self.retranslate()

    def retranslate(self) -> None:
        if self.pastes:
            self.hint.setText(
                self.tr("Enter: next field, then paste  ·  Ctrl+Enter: paste  ·  Esc: back to the list")
            )
            self.copy_button.setText(self.tr("Paste  Ctrl+⏎"))
        else:
            self.hint.setText(
                self.tr("Enter: next field, then copy  ·  Ctrl+Enter: copy  ·  Esc: back to the list")
            )
            self.copy_button.setText(self.tr("Copy  Ctrl+⏎"))
        self.preview_label.setText(self.tr("Preview"))
        self.cancel_button.setText(self.tr("Cancel  Esc"))
        if self.item is not None:
            self.heading.setText(self.tr("Fill in: {0}").format(self.item.title))
            self._update_origins()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._update_preview()
        super().changeEvent(event)

    # -- building the form -------------------------------------------------------------------

    def start(self, item: ResultItem) -> None:
        """Show the fields of `item`, pre-filled from the profile, this conversation, and defaults."""
        self.item = item
        self.template = placeholders.parse(item.text)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs.clear()
        self._origins.clear()
        self.banner.hide()
        builtins = self.ctx.builtins()
        first: dict[str, placeholders.Field] = {}
        for f in self.template.fields:
            first.setdefault(f.name, f)
        for name, f in first.items():
            value, origin = self._initial(f, builtins)
            editor: ImeLineEdit | QComboBox
            if f.choices:
                combo = QComboBox()
                if f.default is None:
                    combo.addItem("")  # no silent choice: an unpicked option counts as empty
                combo.addItems(list(f.choices))
                if value and value not in f.choices:
                    combo.addItem(value)
                combo.setCurrentText(value)
                combo.currentTextChanged.connect(self._changed)
                combo.installEventFilter(self)
                editor = combo
            else:
                line = ImeLineEdit()
                line.setText(value)
                line.textChanged.connect(self._changed)
                line.submitted.connect(lambda ctrl, n=name: self._submitted(n, ctrl))
                line.escaped.connect(self.cancelled)
                editor = line
            editor.setObjectName(f"field:{name}")
            editor.setProperty("origin", origin)
            origin_label = muted_label()
            self._origins[name] = origin_label
            row = QHBoxLayout()
            row.setSpacing(8)
            row.addWidget(editor, 1)
            row.addWidget(origin_label)
            label = QLabel(name)
            label.setBuddy(editor)
            self.form.addRow(label, row)
            self.inputs[name] = editor
        self.retranslate()
        # Show every field without scrolling up to a point; a phrase with many fields scrolls.
        self._scroll.setFixedHeight(min(self._form_host.sizeHint().height() + 2, 280))
        self._update_preview()
        self.focus_first_empty()

    def _initial(self, f: placeholders.Field, builtins: Mapping[str, str]) -> tuple[str, str]:
        remembered = self.ctx.memory.get(f.name)
        if remembered:
            return remembered, "memory"
        if builtins.get(f.name):
            return builtins[f.name], "profile"
        if f.default is not None:
            return f.default, "default"
        return "", ""

    def _profile_arrived(self) -> None:
        """The profile loads in the background at start (or was just edited): fields still empty that
        it covers take its values; nothing the agent typed or picked is replaced."""
        if self.item is None:
            return
        builtins = self.ctx.builtins()
        for name, editor in self.inputs.items():
            value = builtins.get(name, "")
            if not value or not isinstance(editor, ImeLineEdit) or editor.text().strip():
                continue
            editor.setText(value)
            editor.setProperty("origin", "profile")  # after setText: typing clears the origin
        self._update_origins()
        self._update_preview()

    def _update_origins(self) -> None:
        names = {
            "memory": self.tr("this conversation"),
            "profile": self.tr("profile"),
            "default": self.tr("default"),
        }
        for name, label in self._origins.items():
            editor = self.inputs[name]
            origin = str(editor.property("origin") or "")
            label.setText(names.get(origin, ""))

    # -- values ------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        out = {}
        for name, editor in self.inputs.items():
            out[name] = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        return out

    def empty_fields(self) -> list[str]:
        return [name for name, value in self.values().items() if not value.strip()]

    def _changed(self) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget):
            set_invalid(sender, False)
            sender.setProperty("origin", "")
            self._update_origins()
        if not self.empty_fields():
            self.banner.hide()
        self._update_preview()

    def _update_preview(self) -> None:
        if self.item is None or self.template is None:
            return
        c = theme.colors()
        values = self.values()
        builtins = self.ctx.builtins()
        size = self.font().pointSizeF() * 1.08
        body = chips.filled_html(self.item.text, values, builtins, c)
        self.preview.setHtml(f'<div style="font-size:{size:.1f}pt; line-height:160%;">{body}</div>')
        result = placeholders.fill(self.template, values, builtins=builtins)
        self.findings = self.ctx.check(result.text)
        self.findings_label.setText(findings_html(self.findings, result.text))
        self.findings_label.setVisible(bool(self.findings))

    # -- keyboard ----------------------------------------------------------------------------

    def focus_first_empty(self) -> None:
        names = list(self.inputs)
        if not names:
            self.copy_button.setFocus()
            return
        empty = self.empty_fields()
        target = self.inputs[empty[0]] if empty else self.inputs[names[-1]]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(target, ImeLineEdit):
            target.selectAll()

    def _submitted(self, name: str, ctrl: bool) -> None:
        if ctrl:
            self.try_copy()
            return
        names = list(self.inputs)
        empty = set(self.empty_fields())
        index = names.index(name)
        # Enter goes to the next field still empty; once none is left, Enter copies.
        for other in names[index + 1 :] + names[:index]:
            if other in empty:
                self.inputs[other].setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.try_copy()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Drop-downs have no submitted signal; give them the same Enter / Ctrl+Enter / Esc keys.
        if (
            isinstance(watched, QComboBox)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if watched.view().isVisible():
                return False
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                name = next(n for n, e in self.inputs.items() if e is watched)
                self._submitted(name, bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
                return True
            if key == Qt.Key.Key_Escape:
                self.cancelled.emit()
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.try_copy()
            return
        super().keyPressEvent(event)

    # -- copying -----------------------------------------------------------------------------

    def try_copy(self) -> bool:
        """Copy only a complete reply; an empty field is shown, never sent as [字段] or a blank."""
        if self.item is None or self.template is None:
            return False
        values = self.values()
        result = placeholders.fill(self.template, values, builtins=self.ctx.builtins())
        if result.missing:
            for name in result.missing:
                if name in self.inputs:
                    set_invalid(self.inputs[name], True)
            missing = "、".join(result.missing)
            self.banner.setText(
                (self.tr("Fill in before pasting: {0}") if self.pastes else self.tr("Fill in before copying: {0}"))
                .format(missing)
            )
            self.banner.show()
            first = result.missing[0]
            if first in self.inputs:
                self.inputs[first].setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        if not self.ctx.when_checker_ready(self.try_copy):
            return False  # copies a moment later, checked, once the rules are in
        errors = [f for f in self.ctx.check(result.text) if f.severity == "error"]
        if errors and not dialogs.confirm(
            self,
            self.tr("Forbidden wording"),
            self.tr("This reply contains {0} forbidden expression(s): {1}").format(
                len(errors), "、".join(dict.fromkeys(f.text for f in errors))
            ),
            self.tr("Paste anyway") if self.pastes else self.tr("Copy anyway"),
            detail=self.tr(
                "Customers must not receive these words. Change the values, or copy if you are sure."
            ),
        ):
            return False
        # A field left at its default ([备注=无]) was not given by the agent: remembering it for the
        # conversation would list it as typed and carry it into other phrases' fields of that name.
        defaults = {f.name: f.default for f in self.template.fields if f.default is not None}
        given = {name: value for name, value in values.items() if value.strip() != defaults.get(name)}
        self.copy_requested.emit(FilledReply(self.item.phrase_id, result.text, given))
        return True
