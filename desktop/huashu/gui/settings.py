"""Settings: profile, hotkey, paste behaviour, look, language, data folder, import and export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from huashu.gui import autostart, dialogs, hotkeys, i18n, prefs
from huashu.gui.context import AppContext
from huashu.gui.ops import OpError
from huashu.gui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.widgets import FitScrollArea, WrappingLabel, fit_to_screen, muted_label, set_invalid
from huashu.storage.library import PROFILE_KEYS, Library

if TYPE_CHECKING:
    from huashu.gui.companion import Companion

FONT_SIZES = (9, 10, 11, 12, 13, 14, 16, 18, 20)
_MODIFIER_KEYS = {Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Shift, Qt.Key.Key_Meta, Qt.Key.Key_AltGr}


class HotkeyEdit(QLineEdit):
    """Type a hotkey ("Ctrl+Alt+H") or press it: a key with Ctrl, Alt or Win replaces the text with it."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        key = Qt.Key(event.key())
        if mods and key not in _MODIFIER_KEYS and key != Qt.Key.Key_unknown:
            combo = QKeySequence(event.keyCombination()).toString(QKeySequence.SequenceFormat.PortableText)
            try:
                self.setText(str(hotkeys.parse(combo)))
            except hotkeys.HotkeyError:
                self.setText(combo)
            event.accept()
            return
        super().keyPressEvent(event)


class SettingsDialog(QDialog):
    """Edits a copy of the settings; OK writes profile and settings in one operation, then applies them."""

    applied = Signal(object)  # UiSettings
    import_requested = Signal()
    export_requested = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, companion: Companion | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.ctx = ctx
        self.companion = companion
        self.tabs = QTabWidget()

        # Profile and behaviour.
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.setContentsMargins(14, 14, 14, 14)
        general_layout.setSpacing(12)
        self.profile_box = QGroupBox()
        profile_form = QFormLayout(self.profile_box)
        profile_form.setHorizontalSpacing(14)
        self.profile_edits: dict[str, QLineEdit] = {}
        self.profile_labels: dict[str, QLabel] = {}
        for key in PROFILE_KEYS:
            edit = QLineEdit(ctx.profile.get(key, ""))
            edit.setObjectName(f"profile:{key}")
            self.profile_edits[key] = edit
            label = QLabel(key)
            self.profile_labels[key] = label
            label.setBuddy(edit)
            profile_form.addRow(label, edit)
        self.profile_hint = muted_label()
        profile_form.addRow(self.profile_hint)
        ctx.profile_changed.connect(self._profile_arrived)
        self.behaviour_box = QGroupBox()
        behaviour = QFormLayout(self.behaviour_box)
        behaviour.setHorizontalSpacing(14)
        self.paste_box = QComboBox()
        self.hotkey_on = QCheckBox()
        self.hotkey_on.setObjectName("hotkeyOn")
        self.hotkey_edit = HotkeyEdit(ctx.settings.hotkey)
        self.hotkey_edit.setObjectName("hotkey")
        self.paste_into_chat = QCheckBox()
        self.paste_into_chat.setObjectName("pasteIntoChat")
        self.autostart = QCheckBox()
        self.autostart.setObjectName("autostart")
        self.paste_label = QLabel()
        self.paste_label.setBuddy(self.paste_box)
        self.hotkey_label = QLabel()
        self.hotkey_label.setBuddy(self.hotkey_edit)
        behaviour.addRow(self.paste_label, self.paste_box)
        behaviour.addRow(self.hotkey_on)
        behaviour.addRow(self.hotkey_label, self.hotkey_edit)
        self.hotkey_hint = muted_label()
        self.hotkey_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        behaviour.addRow(self.hotkey_hint)
        behaviour.addRow(self.paste_into_chat)
        self.paste_hint = muted_label()
        behaviour.addRow(self.paste_hint)
        behaviour.addRow(self.autostart)
        self.hotkey_edit.textChanged.connect(self._check_hotkey)
        self.hotkey_on.toggled.connect(self._check_hotkey)
        general_layout.addWidget(self.profile_box)
        general_layout.addWidget(self.behaviour_box)
        general_layout.addStretch(1)

        # Appearance.
        look = QWidget()
        look_form = QFormLayout(look)
        look_form.setContentsMargins(14, 14, 14, 14)
        look_form.setHorizontalSpacing(14)
        look_form.setVerticalSpacing(10)
        self.theme_box = QComboBox()
        self.font_box = QComboBox()
        self.language_box = QComboBox()
        for code, name in i18n.LANGUAGES.items():
            self.language_box.addItem(name, code)
        self.theme_label = QLabel()
        self.theme_label.setBuddy(self.theme_box)
        self.font_label = QLabel()
        self.font_label.setBuddy(self.font_box)
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language_box)
        look_form.addRow(self.theme_label, self.theme_box)
        look_form.addRow(self.font_label, self.font_box)
        look_form.addRow(self.language_label, self.language_box)

        # Data.
        data = QWidget()
        data_layout = QVBoxLayout(data)
        data_layout.setContentsMargins(14, 14, 14, 14)
        data_layout.setSpacing(10)
        self.folder_title = QLabel()
        folder = ctx.lib.path.parent if ctx.lib.path is not None else None
        self.folder_path = QLabel(str(folder) if folder else "—")
        self.folder_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_path.setWordWrap(True)
        self.open_folder = QPushButton()
        self.open_folder.setEnabled(folder is not None)
        self.open_folder.clicked.connect(lambda: self.open_data_folder(folder, self))
        self.import_button = QPushButton()
        self.export_button = QPushButton()
        self.import_button.clicked.connect(self.import_requested)
        self.export_button.clicked.connect(self.export_requested)
        self.exchange_hint = muted_label()
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        data_layout.addWidget(self.folder_title)
        data_layout.addWidget(self.folder_path)
        data_layout.addWidget(self.open_folder, 0, Qt.AlignmentFlag.AlignLeft)
        data_layout.addSpacing(12)
        data_layout.addWidget(self.exchange_hint)
        data_layout.addLayout(row)
        data_layout.addStretch(1)

        # Each page scrolls where the screen is too short for it (a laptop at 20 pt); elsewhere the
        # dialog opens tall enough to show it all.
        for page in (general, look, data):
            self.tabs.addTab(FitScrollArea(page), "")
        self.banner = WrappingLabel()
        self.banner.setObjectName("banner")
        self.banner.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setProperty("primary", True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._load(ctx.settings)
        self.fit()
        self.profile_edits[PROFILE_KEYS[0]].setFocus()

    def fit(self) -> None:
        """As large as the pages need in this font and language, within the screen: wrapped hints
        (the Wayland advice is two lines) keep their height and no label is cut."""
        fit_to_screen(self, max(620, self.sizeHint().width()))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.tabs.setTabText(0, self.tr("&General"))
        self.tabs.setTabText(1, self.tr("&Appearance"))
        self.tabs.setTabText(2, self.tr("&Data"))
        self.profile_box.setTitle(self.tr("Your profile"))
        # The field names stay in Chinese in any language: phrases are written with them ([名字]).
        names = {
            "名字": self.tr("Name (名字)"),
            "工号": self.tr("Employee ID (工号)"),
            "公司": self.tr("Company (公司)"),
            "门店": self.tr("Store (门店)"),
        }
        for key, label in self.profile_labels.items():
            label.setText(names.get(key, key))
        self.profile_hint.setText(
            self.tr(
                "Fields such as [名字] and [您的名字/工号] in phrases are filled from here automatically."
            )
        )
        self.behaviour_box.setTitle(self.tr("Beside the chat tool"))
        self.paste_label.setText(self.tr("After copying"))
        self.hotkey_on.setText(self.tr("Open the quick search from any program with a global hotkey"))
        self.hotkey_label.setText(self.tr("Global hotkey"))
        self.hotkey_edit.setPlaceholderText(self.tr("Default: {0}").format(prefs.DEFAULT_HOTKEY))
        self.paste_into_chat.setText(
            self.tr("Paste the reply into the chat window (the clipboard is restored)")
        )
        self.autostart.setText(self.tr("Start Huashu with the system (in the tray)"))
        self._check_hotkey()
        self._update_paste_hint()
        paste = self.paste_box.currentData()
        self.paste_box.clear()
        self.paste_box.addItem(self.tr("Keep the window open"), "copy")
        self.paste_box.addItem(self.tr("Minimize the window"), "copy_minimize")
        if paste:
            self.paste_box.setCurrentIndex(max(0, self.paste_box.findData(paste)))
        mode = self.theme_box.currentData()
        self.theme_box.clear()
        self.theme_box.addItem(self.tr("Follow the system"), "system")
        self.theme_box.addItem(self.tr("Light"), "light")
        self.theme_box.addItem(self.tr("Dark"), "dark")
        if mode:
            self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(mode)))
        self.theme_label.setText(self.tr("Theme"))
        self.font_label.setText(self.tr("Font size"))
        size = self.font_box.currentData()
        self.font_box.clear()
        self.font_box.addItem(self.tr("System default"), 0)
        for points in FONT_SIZES:
            self.font_box.addItem(self.tr("{0} pt").format(points), points)
        self.font_box.setCurrentIndex(max(0, self.font_box.findData(size if size is not None else 0)))
        self.language_label.setText(self.tr("Language"))
        self.folder_title.setText(self.tr("Your phrase library is stored in:"))
        self.open_folder.setText(self.tr("Open folder"))
        self.exchange_hint.setText(
            self.tr(
                "Exchange phrases with spreadsheets (CSV or Excel): category, title, text, shortcut, tags, notes."
            )
        )
        self.import_button.setText(self.tr("Import…"))
        self.export_button.setText(self.tr("Export…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _load(self, s: prefs.UiSettings) -> None:
        self.paste_box.setCurrentIndex(max(0, self.paste_box.findData(s.paste)))
        self.hotkey_on.setChecked(s.hotkey_on)
        paste_possible = self.companion is None or self.companion.paste_available
        self.paste_into_chat.setChecked(s.paste_into_chat and paste_possible)
        self.paste_into_chat.setEnabled(paste_possible)
        self.autostart.setChecked(autostart.is_enabled())
        self._update_paste_hint()
        self._check_hotkey()
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(s.theme)))
        index = self.font_box.findData(s.font_size)
        if index < 0:  # a size set elsewhere (an older version, a typed value) still shows
            self.font_box.addItem(self.tr("{0} pt").format(s.font_size), s.font_size)
            index = self.font_box.count() - 1
        self.font_box.setCurrentIndex(index)
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(s.language)))

    def chosen(self) -> prefs.UiSettings:
        return prefs.UiSettings(
            theme=self.theme_box.currentData() or "system",
            font_size=int(self.font_box.currentData() or 0),
            language=self.language_box.currentData() or i18n.DEFAULT_LANGUAGE,
            paste=self.paste_box.currentData() or "copy",
            hotkey=self._hotkey_text(),
            hotkey_on=self.hotkey_on.isChecked(),
            # Where pasting is impossible the box is off and greyed; the stored choice stays as it was.
            paste_into_chat=self.paste_into_chat.isChecked()
            if self.paste_into_chat.isEnabled()
            else self.ctx.settings.paste_into_chat,
        ).clean()

    def _hotkey_text(self) -> str:
        """The typed hotkey in its canonical spelling ("ctrl+alt+h" is stored as "Ctrl+Alt+H")."""
        text = self.hotkey_edit.text().strip()
        try:
            return str(hotkeys.parse(text)) if text else prefs.DEFAULT_HOTKEY
        except hotkeys.HotkeyError:
            return text

    def hotkey_problem(self) -> str | None:
        """Why the typed hotkey cannot be used (unreadable, or a combination others own), or None."""
        if not self.hotkey_on.isChecked():
            return None
        text = self.hotkey_edit.text().strip() or prefs.DEFAULT_HOTKEY
        try:
            hotkey = hotkeys.parse(text)
        except hotkeys.HotkeyError as exc:
            return str(exc)
        own = self.companion.own_shortcuts() if self.companion is not None else {}
        return hotkeys.conflict(hotkey, own)

    def _check_hotkey(self, *_args: object) -> None:
        if not hasattr(self, "paste_hint"):
            return
        self.hotkey_edit.setEnabled(self.hotkey_on.isChecked())
        problem = self.hotkey_problem()
        set_invalid(self.hotkey_edit, problem is not None)
        self.hotkey_hint.setText(problem if problem is not None else self._hotkey_state())

    def _hotkey_state(self) -> str:
        """What the hotkey does now, or what OK will change: a newly recorded combination never sits
        above the old one's "is active", as if it already worked."""
        tip = self.tr("Press the keys in the box to change it. In the popup: type, ↑↓, Enter pastes, Esc closes.")
        companion = self.companion
        if companion is None:
            return tip
        status = companion.hotkey_status() or tip
        if not companion.backend.available or companion.paused:
            return status
        current = companion.backend.current
        if not self.hotkey_on.isChecked():
            return self.tr("The global hotkey is turned off when you press OK.") if current is not None else tip
        typed = self._hotkey_text()
        saved = self.ctx.settings
        if (current is not None and str(current) == typed) or (saved.hotkey_on and saved.hotkey == typed):
            return status  # nothing to apply: it works, or why it does not
        if current is not None:
            return self.tr("{0} takes effect when you press OK; until then {1} still works.").format(typed, current)
        return self.tr("{0} takes effect when you press OK.").format(typed)

    def _update_paste_hint(self) -> None:
        if not hasattr(self, "paste_hint"):
            return
        if self.companion is not None and not self.companion.paste_available:
            from huashu.gui.paste import paste_keys

            self.paste_hint.setText(self.tr("Here the reply is only copied: paste it with {0}.").format(paste_keys()))
            self.paste_hint.show()
        else:
            self.paste_hint.hide()

    def profile(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.profile_edits.items()}

    def _profile_arrived(self) -> None:
        """The profile loads in the background at start: fields the agent has not touched show it."""
        for key, edit in self.profile_edits.items():
            if not edit.isModified():
                edit.setText(self.ctx.profile.get(key, ""))

    def save(self) -> None:
        settings = self.chosen()
        # Only what the agent edited: a field never touched keeps the library's value, even if the
        # dialog opened before the profile had loaded (and so showed it empty).
        profile = {key: value for key, value in self.profile().items() if self.profile_edits[key].isModified()}

        problem = self.hotkey_problem()
        if problem is not None:
            self.show_banner(problem)
            self.tabs.setCurrentIndex(0)
            self.hotkey_edit.setFocus()
            return
        if self.autostart.isChecked() != autostart.is_enabled():
            try:
                autostart.set_enabled(self.autostart.isChecked())
            except OSError as exc:
                self.show_banner(self.tr("Starting with the system could not be changed: {0}").format(exc))
                return

        def op(lib: Library) -> object:
            with lib.transaction():
                changes = lib.set_profile(profile)
                changes.merge(prefs.save(lib, settings))
            return changes

        self.buttons.setEnabled(False)
        self.ctx.ops.run(op, lambda _c: self._saved(settings), self._failed)

    def _saved(self, settings: prefs.UiSettings) -> None:
        self.buttons.setEnabled(True)
        before = self.ctx.settings
        hotkey_changed = settings.hotkey_on and (before.hotkey, before.hotkey_on) != (settings.hotkey, True)
        self.applied.emit(settings)  # the app applies them now, the companion registers the hotkey
        companion = self.companion
        if hotkey_changed and companion is not None and companion.backend.available and not companion.paused:
            if companion.hotkey_error:
                # Taken by another program: say so here, where another combination can be chosen.
                # Everything else is saved and applied already.
                self.show_banner(self.tr("Saved, but the hotkey did not change: {0}").format(companion.hotkey_error))
                self._check_hotkey()
                self.tabs.setCurrentIndex(0)
                self.hotkey_edit.setFocus()
                self.hotkey_edit.selectAll()
                return
            if companion.hotkey_active():
                companion.window.notify(companion.hotkey_status())
        self.accept()

    def _failed(self, error: OpError) -> None:
        self.buttons.setEnabled(True)
        self.show_banner(error.message)

    def show_banner(self, text: str) -> None:
        """A message above the buttons; the dialog grows to show it rather than hiding the page's end."""
        self.banner.setText(text)
        self.banner.show()
        fit_to_screen(self, self.width(), self.height())

    @staticmethod
    def open_data_folder(folder: Path | None, parent: QWidget | None = None) -> bool:
        if folder is None:
            return False
        return dialogs.open_folder(parent, folder)
