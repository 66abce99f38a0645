"""Filling a phrase's fields: one input per field, live preview, checker, and copying only when complete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from huashu.core import placeholders
from huashu.gui import chips, dialogs, theme
from huashu.gui.context import AppContext, is_profile_field, profile_entries
from huashu.gui.qt import (
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QEvent,
    QFormLayout,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QObject,
    QPushButton,
    QResizeEvent,
    QScrollArea,
    QSize,
    QSizePolicy,
    Qt,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.results import ResultItem
from huashu.gui.widgets import ElidedLabel, ImeLineEdit, WrappingLabel, muted_label, set_invalid


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


FORM_ROWS_SHOWN = 6.5  # more fields scroll; the half row shows there are more
FORM_ROWS_LEAST = 2.5  # where the window is short of room: the rest scroll
LABEL_CHARS = 8  # a longer field name wraps instead of narrowing every input
PREVIEW_LINES = 2  # the preview's least height, in lines of its text (it scrolls, the fields come first)
COMBO_ARROW = 26  # the drop-down arrow's width in the theme's style sheet


class FormScroll(QScrollArea):
    """The fields: `wanted` high where the window has room (all of them, or as many as a phrase
    with very many fields may take), at least `least` high where it has not; the rest scroll."""

    def __init__(self) -> None:
        super().__init__()
        self._wanted = 0
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_heights(self, least: int, wanted: int) -> None:
        if (least, wanted) == (self.minimumHeight(), self._wanted):
            return
        self._wanted = wanted
        self.setMinimumHeight(least)
        self.setMaximumHeight(wanted)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._wanted)

    def minimumSizeHint(self) -> QSize:
        # The fields never scroll sideways: ask for their narrowest width beside the scroll bar, or
        # at a large font they would run on under the bar.
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        width = content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), width + 2 * self.frameWidth()), hint.height())


class OriginTag(QLabel):
    """Where a field's value came from (profile, this conversation …), shown inside the field at its
    right end, so every input keeps the full width and the form's right edge stays straight."""

    def __init__(self, editor: ImeLineEdit | QComboBox) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setProperty("muted", True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # clicks reach the field
        editor.installEventFilter(self)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))
        self.place()

    def place(self) -> None:
        editor = self.editor
        self.adjustSize()
        gap = 8
        right = editor.width() - gap - (COMBO_ARROW if isinstance(editor, QComboBox) else 0)
        self.move(right - self.width(), (editor.height() - self.height()) // 2)
        if isinstance(editor, ImeLineEdit):
            # Typed text stops before the tag instead of running under it.
            editor.setTextMargins(0, 0, self.width() + gap if self.text() else 0, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
            QEvent.Type.Polish,
        ):
            self.place()
        return False


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
        self.labels: dict[str, QLabel] = {}
        self._origins: dict[str, OriginTag] = {}
        # Offered under a profile field the profile has no value for: the agent decides to keep it.
        self.save_boxes: dict[str, QCheckBox] = {}
        self.findings: list[Any] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(10)
        # One line each, cut with … (the whole text as tooltip) where the pane is narrow: wrapped at
        # a large font, a long title and the key hint took six lines and pushed the window off the
        # screen. The title is in the list beside it; F1 lists the keys.
        self.heading = ElidedLabel()
        self.heading.setObjectName("sectionTitle")
        self.heading.setProperty("muted", False)
        self.hint = ElidedLabel()
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)

        self._form_host = QWidget()
        self.form = QFormLayout(self._form_host)
        self.form.setContentsMargins(0, 4, 0, 4)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A pane too narrow for name and field side by side (a large font) puts the name above it.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._scroll = FormScroll()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._form_host)
        # Rows change height with the font, the style and the offer to save to the profile: the
        # form's visible height follows them all.
        self._form_host.installEventFilter(self)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit)
        layout.addWidget(self._scroll)

        # Wrapped lines make the window taller instead of squeezing the rows above them.
        self.banner = WrappingLabel()
        self.banner.setObjectName("banner")
        self.banner.hide()
        layout.addWidget(self.banner)

        self.preview_label = muted_label()
        layout.addWidget(self.preview_label)
        self.preview = QTextBrowser()
        self.preview.setObjectName("fillPreview")
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Its least height is all it asks for; the fields come first, the rest of the room is its.
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        layout.addWidget(self.preview, 1)
        self.findings_label = WrappingLabel()
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
        # Sized when a phrase is set (and on font or style changes): measuring the empty form while
        # the window is built cost ~6 ms of every start, for a panel the start never shows.

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
        for box in self.save_boxes.values():
            box.setText(self.tr("Save to my &profile"))
        if self.item is not None:
            self.heading.setText(self.tr("Fill in: {0}").format(self.item.title))
            self._update_origins()
            self._update_save_boxes()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._update_preview()
        elif event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._refit.start()
            self._update_preview()  # its HTML names a point size
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._refit.start()  # wrapped field names take more or fewer lines

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._form_host and event.type() == QEvent.Type.LayoutRequest:
            self._refit.start()
            return False
        if isinstance(watched, QComboBox) and isinstance(event, QKeyEvent):
            return self._combo_key(watched, event)
        return False

    # -- layout ------------------------------------------------------------------------------

    def _fit(self) -> None:
        """Size what depends on the font: field names' width, the form's visible height, the preview.

        Fixed pixel sizes made for the default font overlap at 12 pt and more; everything here is
        measured from the current font and style instead, whenever either changes.
        """
        if self.item is None:
            return  # nothing to size yet: the phrase set next is sized then
        metrics = self.fontMetrics()
        widest = metrics.horizontalAdvance("汉" * LABEL_CHARS)
        for label in self.labels.values():
            # A wrapping label asks for less than one line's width; a short name stays on one line.
            one_line = label.fontMetrics().horizontalAdvance(label.text()) + 2 * label.margin() + 1
            label.setMinimumWidth(min(one_line, widest))
            label.setMaximumWidth(widest)
        for widget in self._form_host.findChildren(QWidget):
            widget.ensurePolished()  # the style sheet's padding counts: measure as drawn
        # Active again, the form reports its next change (a LayoutRequest) to eventFilter.
        self.form.activate()
        form_height = self.form.totalSizeHint().height()
        width = self._scroll.viewport().width()
        if self.form.hasHeightForWidth() and width > 0:
            form_height = max(form_height, self.form.totalHeightForWidth(width))
        # The fields scroll rather than shrink: a squeezed form draws its rows over one another.
        self._form_host.setMinimumHeight(form_height)
        pitch = 0
        for editor in self.inputs.values():
            pitch = max(pitch, editor.sizeHint().height())
        row = pitch + self.form.verticalSpacing()
        # Counted in fields: an offer to save under one is part of its row.
        offers = sum(
            b.sizeHint().height() + self.form.verticalSpacing() for b in self.save_boxes.values() if not b.isHidden()
        )
        wanted = min(form_height, round(FORM_ROWS_SHOWN * row) + offers) if pitch else form_height
        least = min(form_height, round(FORM_ROWS_LEAST * row)) if pitch else form_height
        self._scroll.set_heights(least, wanted)
        # The preview's lines are 1.08 times the font at 160% line height.
        line = metrics.lineSpacing() * 1.08 * 1.6
        chrome = self.preview.frameWidth() * 2 + round(2 * self.preview.document().documentMargin())
        self.preview.setMinimumHeight(round(PREVIEW_LINES * line) + chrome)
        for button in (self.copy_button, self.cancel_button):
            # The style sheet's min-height is for the default font; a layout short of room would
            # squeeze a larger font's button down to it and cut its text.
            button.setMinimumHeight(button.sizeHint().height())

    def scrolled_height(self) -> int:
        """How much taller the fields would need to be shown to show them all without scrolling."""
        return max(0, self._scroll.sizeHint().height() - self._scroll.height())

    # -- building the form -------------------------------------------------------------------

    def start(self, item: ResultItem) -> None:
        """Show the fields of `item`, pre-filled from the profile, this conversation, and defaults."""
        self.item = item
        self.template = placeholders.parse(item.text)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs.clear()
        self.labels.clear()
        self._origins.clear()
        self.save_boxes.clear()
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
            self._origins[name] = OriginTag(editor)
            label = QLabel(name)
            label.setWordWrap(True)  # a long field name takes two lines rather than the inputs' width
            label.setBuddy(editor)
            self.form.addRow(label, editor)
            self.labels[name] = label
            self.inputs[name] = editor
            if is_profile_field(name, builtins) and not builtins.get(name) and isinstance(editor, ImeLineEdit):
                box = QCheckBox()
                box.setObjectName(f"save:{name}")
                # Tab walks the fields (agents type on from one to the next: a focused box took the
                # letters and a space ticked it); the box is clicked, or reached with Alt+P.
                box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
                self.form.addRow("", box)
                self.form.setRowVisible(box, False)
                self.save_boxes[name] = box
        self.retranslate()
        self._fit()  # now, not after the first paint: the window sizes itself from this
        self._update_preview()
        self.focus_first_empty()

    def _initial(self, f: placeholders.Field, builtins: Mapping[str, str]) -> tuple[str, str]:
        remembered = self.ctx.memory.get(f.name)
        if remembered:
            return remembered, "memory"
        own = self.ctx.memory.own(f.name, builtins)
        if own:
            return own, "session"
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
        self._update_save_boxes()
        self._update_preview()

    def _update_origins(self) -> None:
        names = {
            "memory": self.tr("this conversation"),
            "session": self.tr("kept"),
            "profile": self.tr("profile"),
            "default": self.tr("default"),
        }
        tips = {
            "session": self.tr("You typed this earlier; it is kept until Huashu quits (Ctrl+N keeps it)."),
        }
        for name, label in self._origins.items():
            editor = self.inputs[name]
            origin = str(editor.property("origin") or "")
            label.setText(names.get(origin, ""))
            editor.setToolTip(tips.get(origin, ""))

    def _update_save_boxes(self) -> None:
        """Offer to save a profile field only while it has a value the profile does not have yet."""
        for name, box in self.save_boxes.items():
            entries = self._profile_entries(name)
            if box.isHidden() == bool(entries):
                self.form.setRowVisible(box, bool(entries))
                self._refit.start()  # a row more or less: the form's height changes
            box.setToolTip(
                self.tr("Saves {0} in Settings › Your profile, so it is filled in from now on.").format(
                    "、".join(f"{key}：{value}" for key, value in entries.items())
                )
                if entries
                else ""
            )

    def _profile_entries(self, name: str) -> dict[str, str]:
        editor = self.inputs[name]
        value = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        entries = profile_entries(name, value)
        # Never over a value the profile has (it may have arrived since the panel opened).
        return {key: v for key, v in entries.items() if not self.ctx.profile.get(key, "").strip()}

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
        self._update_save_boxes()
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

    def _combo_key(self, combo: QComboBox, event: QKeyEvent) -> bool:
        # Drop-downs have no submitted signal; give them the same Enter / Ctrl+Enter / Esc keys.
        if event.type() != QEvent.Type.KeyPress or combo.view().isVisible():
            return False
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            name = next(n for n, e in self.inputs.items() if e is combo)
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
        self._save_to_profile()
        self.copy_requested.emit(FilledReply(self.item.phrase_id, result.text, given))
        return True

    def _save_to_profile(self) -> None:
        """The values whose "save to my profile" the agent ticked go into the profile with this reply."""
        entries: dict[str, str] = {}
        for name, box in self.save_boxes.items():
            if box.isChecked():
                entries.update(self._profile_entries(name))
        if entries:
            # The profile reloads from the library afterwards (OpChanges), so every view shows it.
            self.ctx.ops.run(lambda lib: lib.set_profile(entries), initiator=self)
