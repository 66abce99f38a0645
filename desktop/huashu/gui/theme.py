"""Light and dark themes (QPalette on Fusion plus a small stylesheet), fonts with CJK fallbacks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from huashu.gui.qt import (
    QApplication,
    QColor,
    QFont,
    QGuiApplication,
    QObject,
    QPalette,
    QStyleFactory,
    Qt,
    Signal,
)

THEMES = ("system", "light", "dark")

# A Latin UI face first, then a Simplified Chinese one: Qt picks per glyph down the list, so Chinese
# never falls back to a Japanese or Traditional font (different glyph shapes) or to tofu boxes.
FONT_FAMILIES: dict[str, list[str]] = {
    "win32": ["Segoe UI", "Microsoft YaHei UI", "Microsoft YaHei", "SimHei"],
    "darwin": ["Helvetica Neue", "PingFang SC", "Hiragino Sans GB", "Heiti SC"],
    "linux": [
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "Source Han Sans CN",
        "WenQuanYi Micro Hei",
        "Droid Sans Fallback",
        "Noto Sans",
        "DejaVu Sans",
    ],
}


class Colors(NamedTuple):
    """Every colour the app draws with, so painted widgets follow the theme like styled ones."""

    dark: bool
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    accent_soft: str  # selected rows, focus halos
    chip_bg: str
    chip_fg: str
    chip_border: str
    missing_bg: str  # an unfilled field in a preview
    missing_fg: str
    error: str
    warning: str
    info: str
    match: str  # search terms found in a title

    def severity(self, severity: str) -> QColor:
        return QColor({"error": self.error, "warning": self.warning}.get(severity, self.info))


LIGHT = Colors(
    dark=False,
    window="#f4f5f7",
    base="#ffffff",
    alt_base="#f7f8fa",
    text="#1f2329",
    muted="#646a73",
    border="#dcdfe4",
    accent="#13806f",
    accent_text="#ffffff",
    accent_soft="#dff2ee",
    chip_bg="#fff0d4",
    chip_fg="#8a4b00",
    chip_border="#f0c274",
    missing_bg="#ffe3e3",
    missing_fg="#b42318",
    error="#d92d20",
    warning="#dc8a00",
    info="#2f6fdb",
    match="#0f766e",
)

DARK = Colors(
    dark=True,
    window="#1c1e21",
    base="#232529",
    alt_base="#2a2d31",
    text="#e8eaed",
    muted="#9ba1a8",
    border="#3a3e44",
    accent="#2bb3a0",
    accent_text="#0f1412",
    accent_soft="#1f3d38",
    chip_bg="#4a3616",
    chip_fg="#ffd18a",
    chip_border="#7a5a24",
    missing_bg="#4d1f1f",
    missing_fg="#ff9b94",
    error="#ff6b6b",
    warning="#f5b83d",
    info="#74a9ff",
    match="#5fd4c2",
)


class _Notifier(QObject):
    changed = Signal()


_state: dict[str, object] = {
    "mode": "system",
    "colors": LIGHT,
    "font_size": 0,
    "system_hooked": False,
    "sheet": None,
    "sheet_held": False,
}
notifier: _Notifier | None = None
_default_size: float | None = None  # the app font's point size before the first apply()


def colors() -> Colors:
    value = _state["colors"]
    assert isinstance(value, Colors)
    return value


def theme_notifier() -> _Notifier:
    """Emits `changed` after the theme switches, for widgets that cache themed HTML or pixmaps."""
    global notifier
    if notifier is None:
        notifier = _Notifier()
    return notifier


# Faces with Latin-width punctuation; the others are the Chinese ones.
LATIN_FACES = frozenset({"Segoe UI", "Helvetica Neue", "Noto Sans", "DejaVu Sans"})


def font_families(language: str | None = None) -> list[str]:
    """The UI's font list for a language (default: the one installed).

    Chinese is set with a Chinese face first, so its quotes and colons are full width as Chinese
    typography wants. English puts a Latin face first: with the Chinese face leading, “…” and ：
    in English sentences were as wide as a Chinese character, with gaps around the quoted words.
    The Chinese faces stay behind it, for the agents' Chinese phrases.
    """
    from huashu.gui.i18n import current_language

    families = FONT_FAMILIES.get(sys.platform, FONT_FAMILIES["linux"])
    if (language or current_language() or "zh_CN").startswith("zh"):
        return list(families)
    latin = [f for f in families if f in LATIN_FACES]
    return latin + [f for f in families if f not in LATIN_FACES]


def ui_font(point_size: int = 0) -> QFont:
    families = font_families()
    font = QFont()
    font.setFamilies(families)
    if point_size > 0:
        font.setPointSize(point_size)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def _system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def resolve(mode: str) -> Colors:
    if mode == "dark" or (mode == "system" and _system_is_dark()):
        return DARK
    return LIGHT


def _palette(c: Colors) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.alt_base),
        (role.Text, c.text),
        (role.Button, c.base),
        (role.ButtonText, c.text),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Highlight, c.accent),
        (role.HighlightedText, c.accent_text),
        (role.Link, c.accent),
        (role.Mid, c.border),
        (role.Midlight, c.alt_base),
        (role.Light, c.base),
        (role.Dark, c.border),
        (role.Shadow, "#000000"),
        (role.BrightText, c.error),
    ):
        pal.setColor(r, QColor(value))
    disabled = QColor(c.muted)
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(group.Disabled, r, disabled)
    pal.setColor(group.Disabled, role.Base, QColor(c.alt_base))
    pal.setColor(group.Disabled, role.Button, QColor(c.alt_base))
    return pal


_ARROW = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 12" width="12" height="12">'
    '<path d="M2.5 4.5 6 8l3.5-3.5" fill="none" stroke="{color}" stroke-width="1.6" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


_CHECK = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 12" width="12" height="12">'
    '<path d="M2.5 6.2 5 8.7l4.5-5" fill="none" stroke="{color}" stroke-width="1.8" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


def _svg_file(name: str, template: str, color: str) -> str:
    """An SVG in `color` as a file, since stylesheets take images only by path.

    Styling a combo box's drop-down or a check box's indicator removes the style's own arrow or
    tick, and Qt has no themed one to refer to; the few hundred bytes are written once per colour
    into the cache folder.
    """
    from huashu.paths import user_cache_dir

    path = user_cache_dir() / "theme" / f"{name}-{color.lstrip('#')}.svg"
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(template.format(color=color), encoding="utf-8")
        except OSError:
            return ""
    return path.as_posix()


def arrow_file(color: str) -> str:
    """A drop-down arrow in `color` as a file."""
    return _svg_file("arrow", _ARROW, color)


def check_file(color: str) -> str:
    """A check box's tick in `color` as a file."""
    return _svg_file("check", _CHECK, color)


def stylesheet(c: Colors, point_size: float) -> str:
    """Spacing, corners and focus rings; colours come from the palette wherever Qt allows."""
    big = round(point_size * 1.45)
    arrow = arrow_file(c.muted)
    check = check_file(c.accent_text)
    return f"""
QWidget {{ outline: 0; }}
QToolTip {{ background: {c.base}; color: {c.text}; border: 1px solid {c.border}; padding: 6px 8px; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox {{
    background: {c.base}; border: 1px solid {c.border}; border-radius: 6px; padding: 5px 8px;
    selection-background-color: {c.accent}; selection-color: {c.accent_text};
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QSpinBox:focus {{
    border: 2px solid {c.accent}; padding: 4px 7px;
}}
QLineEdit[invalid="true"] {{ border: 2px solid {c.error}; padding: 4px 7px; }}
QLineEdit#searchBox {{ font-size: {big}pt; padding: 9px 14px; border-radius: 10px; }}
QLineEdit#searchBox:focus {{ padding: 8px 13px; }}
QTreeWidget, QListView, QListWidget, QTextBrowser, QTableView {{
    background: {c.base}; border: 1px solid {c.border}; border-radius: 8px;
}}
QTreeWidget:focus, QListView:focus, QListWidget:focus, QTextBrowser:focus {{ border: 2px solid {c.accent}; }}
QTreeWidget {{ show-decoration-selected: 1; }}
QTreeWidget::item {{ padding: 4px 2px; }}
QTreeWidget::item:selected, QListWidget::item:selected {{ background: {c.accent_soft}; color: {c.text}; }}
QTreeWidget::branch:selected {{ background: {c.accent_soft}; }}
QListWidget::item {{ padding: 5px 6px; border-radius: 5px; }}
QPushButton, QToolButton {{
    background: {c.base}; color: {c.text}; border: 1px solid {c.border}; border-radius: 6px;
    padding: 5px 14px; min-height: 20px;
}}
QToolButton {{ padding: 4px 8px; }}
QLineEdit QToolButton {{ background: transparent; border: none; padding: 0; min-height: 0; }}
QPushButton:hover, QToolButton:hover {{ background: {c.alt_base}; border-color: {c.accent}; }}
QPushButton:pressed, QToolButton:pressed {{ background: {c.accent_soft}; }}
QPushButton:focus, QToolButton:focus, QCheckBox:focus {{ border: 2px solid {c.accent}; }}
QPushButton[primary="true"] {{
    background: {c.accent}; color: {c.accent_text}; border: 1px solid {c.accent}; font-weight: 600;
}}
QPushButton[primary="true"]:focus {{ border: 2px solid {c.text}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QComboBox::drop-down {{ border: 0; width: 26px; }}
QComboBox {{ combobox-popup: 0; }}
QComboBox QAbstractItemView {{ border: 1px solid {c.border}; padding: 2px; outline: 0; }}
QComboBox QAbstractItemView::item {{ min-height: 26px; padding: 0 6px; }}
QComboBox::down-arrow {{ image: url("{arrow}"); width: 12px; height: 12px; }}
QPushButton:disabled, QToolButton:disabled {{ color: {c.muted}; background: {c.alt_base}; border-color: {c.border}; }}
QCheckBox {{ border: 2px solid transparent; border-radius: 4px; padding: 2px; }}
QCheckBox::indicator {{
    width: 14px; height: 14px; border: 1px solid {c.muted}; border-radius: 3px; background: {c.base};
}}
QCheckBox::indicator:checked {{ background: {c.accent}; border-color: {c.accent}; image: url("{check}"); }}
QCheckBox::indicator:disabled {{ border-color: {c.border}; background: {c.alt_base}; }}
QGroupBox {{ border: 1px solid {c.border}; border-radius: 8px; margin-top: 14px; padding: 12px 10px 8px 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {c.muted}; }}
QTabWidget::pane {{ border: 1px solid {c.border}; border-radius: 8px; top: -1px; background: {c.window}; }}
QTabBar::tab {{ padding: 6px 16px; border: 1px solid transparent; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ border-bottom: 2px solid {c.accent}; color: {c.text}; font-weight: 600; }}
QTabBar::tab:focus {{ border: 2px solid {c.accent}; border-radius: 4px; }}
QSplitter::handle {{ background: transparent; }}
QStatusBar {{ color: {c.muted}; }}
QLabel#muted, QLabel[muted="true"] {{ color: {c.muted}; }}
QLabel#sectionTitle {{ font-weight: 600; font-size: {round(point_size * 1.1)}pt; }}
QLabel#banner {{ border-radius: 6px; padding: 6px 10px; background: {c.missing_bg}; color: {c.missing_fg}; }}
QFrame#card {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 10px; }}
QMenu {{ background: {c.base}; border: 1px solid {c.border}; padding: 4px; }}
QMenu::item {{ padding: 6px 22px 6px 14px; border-radius: 4px; }}
QMenu::item:selected {{ background: {c.accent_soft}; color: {c.text}; }}
QMenu::separator {{ height: 1px; background: {c.border}; margin: 4px 8px; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {c.border}; border-radius: 4px; min-height: 28px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle:horizontal {{ background: {c.border}; border-radius: 4px; min-width: 28px; }}
"""


def apply(app: QApplication, mode: str = "system", font_size: int = 0) -> Colors:
    """Apply a theme mode (system follows the OS light/dark setting, also when it changes later)."""
    mode = mode if mode in THEMES else "system"
    _state["mode"] = mode
    _state["font_size"] = font_size
    # Fusion draws the same on every OS and honours the palette fully (native styles ignore dark palettes).
    if app.style().name().lower() != "fusion":
        style = QStyleFactory.create("Fusion")
        if style is not None:
            app.setStyle(style)
    global _default_size
    if _default_size is None:
        # The platform's size, before any setting changed it: "system default" goes back to it
        # (a bare QFont() would copy whatever size the app font has now).
        _default_size = app.font().pointSizeF()
    font = ui_font(font_size)
    if font_size <= 0 and _default_size > 0:
        font.setPointSizeF(_default_size)
    app.setFont(font)
    c = resolve(mode)
    _state["colors"] = c
    app.setPalette(_palette(c))
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    sheet = _state["sheet"] = stylesheet(c, size)
    if not _state["sheet_held"]:
        app.setStyleSheet(sheet)
    if not _state["system_hooked"]:
        _state["system_hooked"] = True
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: _follow_system(app))
    theme_notifier().changed.emit()
    return c


@contextmanager
def stylesheet_later(app: QApplication) -> Iterator[None]:
    """Build widgets without the style sheet, then set it once for all of them.

    Under a style sheet every reparenting (each layout or splitter addWidget) polishes the moved
    subtree again; building the main window that way costs ~25 ms of every start, the single
    polish afterwards ~6 ms. Theme changes inside the block take effect when it ends.
    """
    held = bool(_state["sheet_held"])
    _state["sheet_held"] = True
    if not held and app.styleSheet():
        app.setStyleSheet("")
    try:
        yield
    finally:
        _state["sheet_held"] = held
        sheet = _state.get("sheet")
        if not held and isinstance(sheet, str):
            app.setStyleSheet(sheet)


def _follow_system(app: QApplication) -> None:
    if _state["mode"] == "system":
        font_size = _state["font_size"]
        apply(app, "system", font_size if isinstance(font_size, int) else 0)
