"""Settings: profile, hotkey, paste behaviour, look, language, data folder, import and export."""

from __future__ import annotations

from pathlib import Path

from huashu.gui import i18n, prefs
from huashu.gui.context import AppContext
from huashu.gui.ops import OpError
from huashu.gui.qt import (
    QComboBox,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTabWidget,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.widgets import muted_label
from huashu.storage.library import PROFILE_KEYS, Library

FONT_SIZES = (9, 10, 11, 12, 13, 14, 16, 18, 20)


class SettingsDialog(QDialog):
    """Edits a copy of the settings; OK writes profile and settings in one operation, then applies them."""

    applied = Signal(object)  # UiSettings
    import_requested = Signal()
    export_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.ctx = ctx
        self.resize(620, 520)
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
        for key in PROFILE_KEYS:
            edit = QLineEdit(ctx.profile.get(key, ""))
            edit.setObjectName(f"profile:{key}")
            self.profile_edits[key] = edit
            label = QLabel(key)
            label.setBuddy(edit)
            profile_form.addRow(label, edit)
        self.profile_hint = muted_label()
        profile_form.addRow(self.profile_hint)
        self.behaviour_box = QGroupBox()
        behaviour = QFormLayout(self.behaviour_box)
        behaviour.setHorizontalSpacing(14)
        self.paste_box = QComboBox()
        self.hotkey_edit = QLineEdit(ctx.settings.hotkey)
        self.hotkey_edit.setObjectName("hotkey")
        self.paste_label = QLabel()
        self.paste_label.setBuddy(self.paste_box)
        self.hotkey_label = QLabel()
        self.hotkey_label.setBuddy(self.hotkey_edit)
        behaviour.addRow(self.paste_label, self.paste_box)
        behaviour.addRow(self.hotkey_label, self.hotkey_edit)
        self.hotkey_hint = muted_label()
        behaviour.addRow(self.hotkey_hint)
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
        self.open_folder.clicked.connect(lambda: self.open_data_folder(folder))
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

        self.tabs.addTab(general, "")
        self.tabs.addTab(look, "")
        self.tabs.addTab(data, "")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
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
        self.profile_edits[PROFILE_KEYS[0]].setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.tabs.setTabText(0, self.tr("&General"))
        self.tabs.setTabText(1, self.tr("&Appearance"))
        self.tabs.setTabText(2, self.tr("&Data"))
        self.profile_box.setTitle(self.tr("Your profile"))
        self.profile_hint.setText(
            self.tr(
                "Fields such as [名字] and [您的名字/工号] in phrases are filled from here automatically."
            )
        )
        self.behaviour_box.setTitle(self.tr("Copying"))
        self.paste_label.setText(self.tr("After copying"))
        self.hotkey_label.setText(self.tr("Global hotkey"))
        self.hotkey_edit.setPlaceholderText(self.tr("e.g. Ctrl+Alt+H"))
        self.hotkey_hint.setText(self.tr("Saved now; a later version brings the window forward with it."))
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
            hotkey=self.hotkey_edit.text().strip(),
        ).clean()

    def profile(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.profile_edits.items()}

    def save(self) -> None:
        settings = self.chosen()
        profile = self.profile()

        def op(lib: Library) -> object:
            with lib.transaction():
                changes = lib.set_profile(profile)
                changes.merge(prefs.save(lib, settings))
            return changes

        self.buttons.setEnabled(False)
        self.ctx.ops.run(op, lambda _c: self._saved(settings), self._failed)

    def _saved(self, settings: prefs.UiSettings) -> None:
        self.buttons.setEnabled(True)
        self.applied.emit(settings)
        self.accept()

    def _failed(self, error: OpError) -> None:
        self.buttons.setEnabled(True)
        self.banner.setText(error.message)
        self.banner.show()

    @staticmethod
    def open_data_folder(folder: Path | None) -> bool:
        if folder is None:
            return False
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
