"""The main window: search, categories, results, preview or fill panel, compose box, menus and shortcuts."""

from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huashu.core.models import OpChanges, Phrase
from huashu.gui import i18n, icons, theme
from huashu.gui.category_tree import CategoryTree, TreeData
from huashu.gui.compact import CompactMode
from huashu.gui.compose import ComposeBox
from huashu.gui.context import AppContext
from huashu.gui.fill_panel import FilledReply, FillPanel, instant_reply
from huashu.gui.prefs import DEFAULT_HOTKEY
from huashu.gui.preview import PreviewPane
from huashu.gui.qt import (
    QAction,
    QApplication,
    QClipboard,
    QEvent,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QMainWindow,
    QMenu,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QSize,
    QSplitter,
    QStackedWidget,
    Qt,
    QTimer,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.results import ResultItem, ResultsModel, ResultsView
from huashu.gui.search_panel import RECENT_LIMIT, Outcome, Scope, SearchBox, SearchController
from huashu.gui.toast import Toast
from huashu.gui.widgets import ElidedLabel
from huashu.storage.library import Library

# Screens and edit commands are imported when first used: an agent who only searches and copies
# never pays for the editor, the rules screen or the undo machinery at start-up.
if TYPE_CHECKING:
    from huashu.gui.companion import Companion
    from huashu.gui.editor import PhraseEditor
    from huashu.gui.help_overlay import HelpOverlay, Section
    from huashu.gui.import_export import ImportFlow
    from huashu.gui.library_edit import LibraryEditing
    from huashu.gui.pack_flow import PackFlow
    from huashu.gui.qt import (  # drag, drop and menu events: built on first use
        QCloseEvent,
        QDragEnterEvent,
        QDropEvent,
    )
    from huashu.gui.rules_screen import RulesScreen
    from huashu.gui.settings import SettingsDialog

SHEET_SUFFIXES = (".csv", ".xlsx", ".txt", ".tsv")


PACK_SUFFIX = ".huashu"
PACK_CHECK_DELAY_MS = 5000
REST_AFTER_MS = 100  # profile, rules and the index check start this long after the first list is in
REST_FALLBACK_MS = 1000  # ... and by this time even if the first list or categories fail
MENU_ICONS_DELAY_MS = 250  # menus cannot be opened sooner after start than this


def is_sheet(path: Path) -> bool:
    return path.suffix.lower() in SHEET_SUFFIXES


def is_importable(path: Path) -> bool:
    """A spreadsheet or a team pack: what the window accepts from a drop or the command line."""
    return is_sheet(path) or path.suffix.lower() == PACK_SUFFIX


GEOMETRY_KEY = "ui.geometry"
# A menu text's mnemonic, both the English "&Edit" and the Chinese "编辑(&E)" forms.
_MNEMONIC = re.compile(r"\(&\w\)|&(?=\w)")


def plain_label(text: str) -> str:
    """A menu text as a label: no mnemonic, no shortcut column, no trailing ellipsis space."""
    return _MNEMONIC.sub("", text.split("\t")[0]).strip()


DEFAULT_SIZE = (1240, 780)
TITLE_BAR = 32  # room left for the window manager's title bar, unknown before the first show


def default_rect(area: QRect) -> QRect:
    """The first start's window: the default size, or less on a small screen (1366x768 laptops),
    centred with its title bar on the screen."""
    width = min(DEFAULT_SIZE[0], area.width() - 24)
    height = min(DEFAULT_SIZE[1], area.height() - TITLE_BAR - 24)
    left = area.left() + (area.width() - width) // 2
    top = area.top() + TITLE_BAR + (area.height() - TITLE_BAR - height) // 2
    return QRect(left, top, width, height)


def load_tree(lib: Library) -> TreeData:
    return TreeData(
        categories=lib.categories(),
        counts=lib.category_counts(),
        total=lib.count_phrases(),
        favorites=len(lib.phrases(favorites=True)),
        recent=len(lib.recent(RECENT_LIMIT)),
    )


SIDE_MIN_WIDTH = 300  # the right pane's, at the default font


class PaneSplitter(QSplitter):
    """Categories | results | preview or fill panel, side by side; the results give up width last.

    Each pane has its minimum; the list's is its readable width (titles of
    ResultDelegate.TITLE_CHARS characters at the current font). Width beyond the minimums goes
    first to the list up to its comfortable width (categories shown too), then to the tree and the
    right pane up to their chosen widths, and the rest to the list. So as the window narrows, the
    list gives up only what it has beyond comfortable, then the right pane shrinks to its minimum,
    then the tree, then the list to its readable width. Narrower still, one side pane goes rather
    than squeeze the list: the preview (the list's second line and tooltip show the text, picking
    and using phrases works as before), or while the fill panel is open, the tree until the panel
    closes. The least width is thus the list's plus the wider of tree and right pane. Dragging a
    handle chooses the side panes' widths. Upright (compact mode) none of this applies: compact mode
    shows and hides the panes itself.
    """

    TREE_WIDTH = 220  # the side panes' widths until the agent drags a handle
    SIDE_WIDTH = 420

    def __init__(
        self, tree: QWidget, middle: QWidget, side: QStackedWidget, fill: QWidget, results: ResultsView
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.tree, self.middle, self.side, self.fill, self.results = tree, middle, side, fill, results
        self.tree_width = self.TREE_WIDTH
        self.side_width = self.SIDE_WIDTH
        self._fitting = False
        self._fitted: tuple[int, ...] = ()  # width and minimums the sizes were last shared out for
        self.setChildrenCollapsible(False)
        for pane in (tree, middle, side):
            self.addWidget(pane)
        self.setStretchFactor(1, 1)
        self.splitterMoved.connect(self._dragged)
        side.currentChanged.connect(lambda _index: self._fit())

    def upright(self) -> bool:
        return self.orientation() == Qt.Orientation.Vertical

    def setOrientation(self, orientation: Qt.Orientation) -> None:
        super().setOrientation(orientation)
        self._update_list_minimum()
        self._fit(force=True)  # compact mode left the panes as it wanted them

    def list_minimum(self) -> int:
        return 0 if self.upright() else self.results.readable_width()

    def _update_list_minimum(self) -> None:
        # Set on the list's pane, not on the list: the compact strip is narrower than this.
        if self.middle.minimumWidth() != self.list_minimum():
            self.middle.setMinimumWidth(self.list_minimum())

    @staticmethod
    def _least(pane: QWidget) -> int:
        """A pane's minimum width as the splitter counts it (the right pane's follows its page:
        MainWindow._fit_side_minimum)."""
        return pane.minimumWidth() or pane.minimumSizeHint().width()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if self.upright():
            return hint
        width = self.list_minimum() + max(self._least(self.tree), self._least(self.side)) + self.handleWidth()
        # As tall as the tallest pane needs, shown or not: the least size stays put as the preview
        # comes and goes with the width.
        heights = [p.minimumHeight() or p.minimumSizeHint().height() for p in (self.tree, self.middle)]
        frame = 2 * self.frameWidth()
        return QSize(width + frame, max(hint.height(), max(*heights, self._side_height()) + frame))

    def _side_height(self) -> int:
        """The right pane's least height; while it is hidden, the height it needs at its least width
        (where it would come back): the preview's grows as it narrows and its buttons wrap."""
        side = self.side
        least = side.minimumHeight() or side.minimumSizeHint().height()
        page = side.currentWidget()
        layout = page.layout() if page is not None else None
        if not side.isVisibleTo(self) and layout is not None and layout.hasHeightForWidth():
            least = max(least, layout.totalMinimumHeightForWidth(self._least(side)))
        return least

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a pane shown or hidden, a minimum changed (font)
            self._update_list_minimum()
            handled = super().event(event)
            self._fit()
            return handled
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Before the splitter lays the panes out: a pane about to go is never squeezed first (the
        # preview's least height grows as it narrows, and the window's with it for a moment).
        self._fit()
        super().resizeEvent(event)

    def _dragged(self, _pos: int, _index: int) -> None:
        sizes = self.sizes()
        if self.tree.isVisibleTo(self):
            self.tree_width = sizes[0]
        if self.side.isVisibleTo(self):
            self.side_width = sizes[2]

    def _fit(self, *, force: bool = False) -> None:
        """Show the panes that fit; share the width out again when that, the width or a minimum
        changed (not for every layout request: a pane's content changing keeps the sizes)."""
        if self.upright() or self._fitting:
            return
        self._fitting = True
        try:
            width = self.contentsRect().width()
            handle = self.handleWidth()
            tree_min, list_min, side_min = self._least(self.tree), self.list_minimum(), self._least(self.side)
            all_three = width >= tree_min + list_min + side_min + 2 * handle
            filling = self.side.currentWidget() is self.fill
            show_tree = all_three or not filling
            show_side = all_three or filling
            changed = show_tree != self.tree.isVisibleTo(self) or show_side != self.side.isVisibleTo(self)
            if changed:
                self.tree.setVisible(show_tree)
                self.side.setVisible(show_side)
            fitted = (width, tree_min, list_min, side_min, int(show_tree), int(show_side))
            if not (force or changed or fitted != self._fitted):
                return
            self._fitted = fitted
            sizes = [tree_min if show_tree else 0, list_min, side_min if show_side else 0]
            spare = width - handle * (int(show_tree) + int(show_side)) - sum(sizes)
            wants = [
                (1, self.results.comfortable_width() - list_min),
                (0, self.tree_width - tree_min if show_tree else 0),
                (2, self.side_width - side_min if show_side else 0),
            ]
            for pane, want in wants:
                give = max(0, min(want, spare))
                sizes[pane] += give
                spare -= give
            sizes[1] += spare  # the rest (or, squeezed before the window's minimum applies, the lack)
            self.setSizes([sizes[0] or self.tree_width, sizes[1], sizes[2] or self.side_width])
        finally:
            self._fitting = False


class MainWindow(QMainWindow):
    """Everything an agent needs beside their chat tool; all library work goes through ctx.ops."""

    copied = Signal(str)  # the text put on the clipboard
    settings_applied = Signal(object)  # UiSettings, for the app to apply theme and language

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.ctx = ctx
        self.ops = ctx.ops
        self.tree_data: TreeData | None = None
        self.rules_screen: RulesScreen | None = None
        self.settings_dialog: SettingsDialog | None = None
        self._editing: LibraryEditing | None = None
        self._help: HelpOverlay | None = None
        self._import_flow: ImportFlow | None = None
        self._pack_flow: PackFlow | None = None
        self._select_after: int | None = None
        self._scope_after: Scope | None = None  # a category to select once the tree has it
        self.companion: Companion | None = None  # hotkey popup, tray and paste, when the app runs them
        self._menu_icons_later = True
        self._rest_timer: QTimer | None = None  # loads profile, rules and the index check after the first screen
        self._rest_armed = False
        self._quitting = False

        self.search_box = SearchBox()
        self.tree = CategoryTree()
        self.model = ResultsModel(self)
        self.results = ResultsView()
        self.results.setModel(self.model)
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results_header = ElidedLabel()
        self.preview = PreviewPane()
        self.fill = FillPanel(ctx)
        self.side = QStackedWidget()
        self.side.addWidget(self.preview)
        self.side.addWidget(self.fill)
        self.side.setMinimumWidth(SIDE_MIN_WIDTH)
        self.side.currentChanged.connect(lambda _index: self._fit_side_minimum())
        self.compose = ComposeBox(ctx)
        self.controller = SearchController(self.ops, self)

        self.actions_by_name: dict[str, QAction] = {}
        self._make_actions()
        self._make_menus()
        self._build_layout()
        self.toast = Toast(self)
        self.memory_label = ElidedLabel()
        self.count_label = ElidedLabel()
        self.statusBar().addWidget(self.count_label, 1)
        self.statusBar().addPermanentWidget(self.memory_label)
        self.statusBar().setSizeGripEnabled(False)
        self.statusBar().setContentsMargins(14, 0, 14, 2)
        self._connect()
        self.compact = CompactMode(self)
        self.compact.toggled.connect(self.actions_by_name["compact"].setChecked)
        self.setAcceptDrops(True)
        self.setWindowIcon(icons.app_icon())
        self.resize(*DEFAULT_SIZE)
        self.retranslate()

    # -- construction ------------------------------------------------------------------------

    def _build_layout(self) -> None:
        central = QWidget()
        central.setObjectName("central")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(14, 12, 14, 6)
        outer.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.search_box, 1)
        self.tool_buttons: list[QToolButton] = []
        for name in ("new_conversation", "new_phrase", "rules", "settings", "help"):
            button = QToolButton()
            button.setDefaultAction(self.actions_by_name[name])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the menu bar reaches these; Tab stays on content
            button.setObjectName(f"tool:{name}")
            self.tool_buttons.append(button)
            top.addWidget(button)
        outer.addLayout(top)

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.setSpacing(6)
        middle_layout.addWidget(self.results_header)
        middle_layout.addWidget(self.results, 1)

        # Typed as the plain splitter: compact mode treats both splitters alike.
        self.h_split: QSplitter = PaneSplitter(self.tree, middle, self.side, self.fill, self.results)
        self.v_split = QSplitter(Qt.Orientation.Vertical)
        self.v_split.setChildrenCollapsible(False)
        self.v_split.addWidget(self.h_split)
        self.v_split.addWidget(self.compose)
        self.v_split.setStretchFactor(0, 1)
        self.v_split.setSizes([540, 170])
        outer.addWidget(self.v_split, 1)
        self.setCentralWidget(central)
        QWidget.setTabOrder(self.search_box, self.tree)
        QWidget.setTabOrder(self.tree, self.results)
        QWidget.setTabOrder(self.results, self.side)
        QWidget.setTabOrder(self.side, self.compose.edit)

    def _action(
        self,
        name: str,
        handler: Callable[[], Any],
        shortcuts: tuple[str | QKeySequence.StandardKey, ...] = (),
        icon: str | None = None,
    ) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        keys: list[QKeySequence] = []
        for s in shortcuts:
            keys.extend(
                QKeySequence.keyBindings(s) if isinstance(s, QKeySequence.StandardKey) else [QKeySequence(s)]
            )
        if keys:
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon:
            action.setData(icon)
        action.triggered.connect(lambda _checked=False: handler())
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _make_actions(self) -> None:
        a = self._action
        a("import", self.choose_import, ("Ctrl+I",), "import")
        a("export", self.choose_export, ("Ctrl+Shift+E",), "export")
        a("install_pack", self.choose_pack)
        a("pack_updates", lambda: self.pack_flow.check_channels(asked=True))
        a("open_folder", self.open_data_folder)
        a("quit", self.quit_app, ("Ctrl+Q",))
        a("undo", self.ctx.undo.undo, ("Ctrl+Z",), "undo")
        a("redo", self.ctx.undo.redo, ("Ctrl+Shift+Z", "Ctrl+Y"), "redo")
        a("use", self.use_selected)
        a("new_phrase", lambda: self.editing.new_phrase(), ("Ctrl+Shift+N",), "plus")
        a("edit", lambda: self.editing.edit_selected(), ("F2",), "edit")
        a("favorite", lambda: self.editing.toggle_favorite(), ("Ctrl+D",), "star")
        a("duplicate", lambda: self.editing.duplicate_selected(), ("Ctrl+Shift+D",), "copy")
        a("move", lambda: self.editing.move_selected(), ("Ctrl+M",))
        a("delete", lambda: self.editing.delete_selected(), ("Del",), "trash")
        a("new_category", lambda: self.editing.new_category(None), (), "folder")
        a("new_subcategory", lambda: self.editing.new_subcategory())
        a("rename_category", lambda: self.editing.rename_category())
        a("delete_category", lambda: self.editing.delete_category())
        a("new_conversation", self.new_conversation, ("Ctrl+N",), "new-chat")
        a("focus_search", self.focus_search, ("Ctrl+F", "Ctrl+L"), "search")
        a("focus_compose", self.focus_compose, ("Ctrl+E",), "compose")
        a("next_pane", lambda: self.cycle_focus(1), ("F6",))
        a("previous_pane", lambda: self.cycle_focus(-1), ("Shift+F6",))
        a("rules", self.open_rules, ("Ctrl+R",), "shield")
        a("settings", self.open_settings, ("Ctrl+,",), "settings")
        a("help", self.toggle_help, ("F1",), "help")
        a("compact", lambda: self.compact.toggle(), ("Ctrl+Shift+C",)).setCheckable(True)
        a("dock_beside", lambda: self.compact.dock_to("beside"), ("Ctrl+Shift+B",))
        a("dock_left", lambda: self.compact.dock_to("left"))
        a("dock_right", lambda: self.compact.dock_to("right"))
        a("about", self.about)
        self.use_shortcuts = []
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda row=n - 1: self.use_row(row))
            self.use_shortcuts.append(shortcut)
        # "?" opens help only where it cannot be typed: text fields take printable keys first.
        self.question_shortcut = QShortcut(QKeySequence("?"), self)
        self.question_shortcut.activated.connect(self.toggle_help)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.menus: dict[str, QMenu] = {}
        layout = {
            "file": ["import", "export", None, "install_pack", "pack_updates", None, "open_folder", None, "quit"],
            "edit": [
                "undo",
                "redo",
                None,
                "new_phrase",
                "edit",
                "favorite",
                "duplicate",
                "move",
                "delete",
                None,
                "new_category",
                "new_subcategory",
                "rename_category",
                "delete_category",
            ],
            "conversation": ["use", "new_conversation", None, "focus_search", "focus_compose", "next_pane"],
            "tools": ["rules", "settings", None, "compact", "dock_beside", "dock_left", "dock_right"],
            "help": ["help", "about"],
        }
        for key, names in layout.items():
            menu = bar.addMenu("")
            self.menus[key] = menu
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions_by_name[name])

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._query_changed)
        self.search_box.submitted.connect(lambda ctrl: self.use_selected())
        self.search_box.escaped.connect(self.escape)
        self.search_box.navigated.connect(self._navigate)
        self.tree.scope_selected.connect(self._scope_changed)
        self.tree.phrases_dropped.connect(lambda ids, scope: self.editing.drop_phrases(ids, scope))
        self.tree.category_dropped.connect(
            lambda cid, parent, index: self.editing.drop_category(cid, parent, index)
        )
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.results.activated.connect(lambda index: self.use_row(index.row()))
        self.results.customContextMenuRequested.connect(self._results_menu)
        self.results.selectionModel().currentChanged.connect(self._current_changed)
        self.results.installEventFilter(self)
        self.tree.installEventFilter(self)
        self.controller.results_ready.connect(self._show_results)
        self.controller.failed.connect(lambda message: self.notify(message, "error"))
        self.preview.use_requested.connect(self.use_selected)
        self.preview.edit_requested.connect(lambda: self.editing.edit_phrase())
        self.preview.favorite_requested.connect(lambda: self.editing.toggle_favorite())
        self.preview.duplicate_requested.connect(lambda: self.editing.duplicate_selected())
        self.fill.copy_requested.connect(self._fill_copied)
        self.fill.cancelled.connect(self.close_fill)
        self.compose.copy_requested.connect(lambda text: self.copy_text(text))
        self.ops.changed.connect(self._on_changes)
        self.ops.failed.connect(lambda error: self.notify(error.message, "error"))
        self.ctx.undo.canUndoChanged.connect(self.actions_by_name["undo"].setEnabled)
        self.ctx.undo.canRedoChanged.connect(self.actions_by_name["redo"].setEnabled)
        self.ctx.undo.undoTextChanged.connect(self._retranslate_undo)
        self.ctx.undo.redoTextChanged.connect(self._retranslate_undo)
        self.ctx.conversation_reset.connect(self._update_memory_label)
        self.ctx.checker_changed.connect(self._update_counts)
        theme.theme_notifier().changed.connect(self._restyle)
        self.actions_by_name["undo"].setEnabled(False)
        self.actions_by_name["redo"].setEnabled(False)

    # -- text --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Huashu 话术助手"))
        self.search_box.set_placeholders(
            self.tr("Search phrases: keywords, pinyin initials, /shortcut…   ↑↓ move · Enter use · Esc clear"),
            self.tr("Search phrases: keywords, pinyin initials, /shortcut…"),
        )
        titles = {
            "file": self.tr("&File"),
            "edit": self.tr("&Edit"),
            "conversation": self.tr("&Conversation"),
            "tools": self.tr("&Tools"),
            "help": self.tr("&Help"),
        }
        for key, menu in self.menus.items():
            menu.setTitle(titles[key])
        texts = {
            "import": self.tr("&Import phrases…"),
            "export": self.tr("&Export phrases…"),
            "install_pack": self.tr("Install &team pack…"),
            "pack_updates": self.tr("Check for team pack &updates"),
            "open_folder": self.tr("Open &data folder"),
            "quit": self.tr("&Quit"),
            "use": self.tr("&Use selected phrase\tEnter"),
            "new_phrase": self.tr("&New phrase…"),
            "edit": self.tr("&Edit phrase…"),
            "favorite": self.tr("&Star / unstar"),
            "duplicate": self.tr("Copy to &my phrases"),
            "move": self.tr("Mo&ve to category…"),
            "delete": self.tr("&Delete phrase"),
            "new_category": self.tr("New &category…"),
            "new_subcategory": self.tr("New su&bcategory…"),
            "rename_category": self.tr("Rename ca&tegory…"),
            "delete_category": self.tr("Delete c&ategory…"),
            "new_conversation": self.tr("&New conversation (forget typed values)"),
            "focus_search": self.tr("&Search"),
            "focus_compose": self.tr("&Compose a reply"),
            "next_pane": self.tr("Next &pane"),
            "previous_pane": self.tr("Previous pane"),
            "rules": self.tr("Forbidden-phrase &rules…"),
            "settings": self.tr("&Settings…"),
            "help": self.tr("&Keyboard shortcuts"),
            "compact": self.tr("Co&mpact mode (always on top)"),
            "dock_beside": self.tr("Compact &beside the chat window"),
            "dock_left": self.tr("Compact at the &left edge"),
            "dock_right": self.tr("Compact at the righ&t edge"),
            "about": self.tr("&About Huashu"),
        }
        for name, text in texts.items():
            action = self.actions_by_name[name]
            action.setText(text)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            label = plain_label(text)
            action.setToolTip(f"{label} ({keys})" if keys else label)
        self._retranslate_undo()
        self._restyle()
        self._update_header()
        self._update_counts()
        self._update_memory_label()

    def _retranslate_undo(self, *_args: object) -> None:
        try:
            undo_text = self.ctx.undo.undoText()
            redo_text = self.ctx.undo.redoText()
        except RuntimeError:  # the stack announces its own destruction while the window is torn down
            return
        # A "&" in a phrase's title is text, not a second accelerator in the Edit menu.
        undo_text, redo_text = undo_text.replace("&", "&&"), redo_text.replace("&", "&&")
        undo_label = self.tr("&Undo {0}").format(undo_text) if undo_text else self.tr("&Undo")
        redo_label = self.tr("&Redo {0}").format(redo_text) if redo_text else self.tr("&Redo")
        self.actions_by_name["undo"].setText(undo_label)
        self.actions_by_name["redo"].setText(redo_label)

    def _restyle(self) -> None:
        if self._menu_icons_later:
            # At start only the tool buttons show icons; rendering the menus' SVGs (~5 ms) waits until
            # the window is up. Later restyles (a theme change) redraw every icon at once.
            self._menu_icons_later = False
            self._paint_icons(b.defaultAction() for b in self.tool_buttons)
            QTimer.singleShot(MENU_ICONS_DELAY_MS, self, lambda: self._paint_icons(self.actions_by_name.values()))
            return  # nothing is painted yet (and the viewport's first wrapping costs PySide ~10 ms)
        self._paint_icons(self.actions_by_name.values())
        self.results.viewport().update()

    def _paint_icons(self, actions: Iterable[QAction]) -> None:
        accent = theme.colors().accent
        for action in actions:
            icon_name = action.data()
            if icon_name:
                color = accent if action.objectName() == "new_conversation" else None
                action.setIcon(icons.icon(str(icon_name), color, 20))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.tree.retranslate()  # first: the results header quotes the tree's names
            if self.ctx.undo.count():  # the Edit menu names the next steps in the new language
                from huashu.gui.undo import retranslate_commands

                retranslate_commands(self.ctx.undo)
            self.retranslate()
        super().changeEvent(event)
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._fit_side_minimum)  # once the children have the new font

    def _fit_side_minimum(self) -> None:
        """The right pane is never narrower than its page needs: "Copy to my phrases" at 20 pt is
        wider than the usual 300 px, and the fill panel's fields ran under its scroll bar."""
        page = self.side.currentWidget()
        need = page.minimumSizeHint().width() if page is not None else 0
        if max(SIDE_MIN_WIDTH, need) != self.side.minimumWidth():
            self.side.setMinimumWidth(max(SIDE_MIN_WIDTH, need))

    # -- start -------------------------------------------------------------------------------

    def start(self) -> None:
        """Load what the window shows; called once after construction (tests call it too).

        The list and the categories come first; profile and rules (the checker) queue behind them,
        so the first paint never waits for the checker to be built.
        """
        self.controller.request(self.search_box.text(), self.tree.current_scope())
        self.refresh_tree()
        # Profile, rules and the index check wait until the list and categories are in: run beside
        # the first paint, their Python holds the GIL that the painting needs (~30 ms of every start).
        # The timer is the fallback for a first load that fails.
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.timeout.connect(self._load_rest)
        self._rest_timer.start(REST_FALLBACK_MS)
        # Team-pack channels are looked at a few seconds in: the pack code stays off the start path.
        # A child timer, not QTimer.singleShot: it dies with the window instead of firing into it.
        self._pack_timer = QTimer(self)
        self._pack_timer.setSingleShot(True)
        self._pack_timer.timeout.connect(lambda: self.pack_flow.start_checking())
        self._pack_timer.start(PACK_CHECK_DELAY_MS)

    def _first_screen_loaded(self) -> None:
        if self._rest_armed or self._rest_timer is None:
            return  # once: later results (typing) must not push the load back
        if self.controller.last is not None and self.tree_data is not None:
            self._rest_armed = True
            self._rest_timer.start(REST_AFTER_MS)  # the new rows paint first, with the GIL to themselves

    def _load_rest(self) -> None:
        if self._rest_timer is None:
            return
        self._rest_timer = None
        self.ctx.load()
        # The app opens the library without this check (it and the search code it loads cost ~17 ms
        # of every start); it also warms that code on the worker before the first keystroke needs it.
        self.ops.run(lambda lib: lib.repair_search_index(), self._index_repaired)

    def _index_repaired(self, count: int) -> None:
        if count:
            self.controller.request(self.search_box.text(), self.tree.current_scope())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.search_box.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def restore_geometry(self, value: object) -> None:
        """Where the agent left the window; on a first start, the default size within the screen."""
        if isinstance(value, str) and value:
            with contextlib.suppress(ValueError):
                if self.restoreGeometry(base64.b64decode(value)):
                    return
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(default_rect(screen.availableGeometry()))

    def quit_app(self) -> None:
        """Close for real, also when a tray would otherwise keep the app running."""
        self._quitting = True
        self.close()
        if self.companion is not None:  # the tray switched off quitting with the last window
            QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and self.companion is not None and self.companion.keeps_running():
            # The tray keeps Huashu (and its hotkey) alive; the window only goes out of the way.
            self.compact.remember()
            event.ignore()
            self.hide()
            return
        if (
            event.spontaneous()
            and not self._quitting
            and self.companion is not None
            and self.companion.hotkey_active()
        ):
            # No tray on this desktop: hiding would leave no way back but the hotkey, and quitting
            # would drop the hotkey and the draft. The window goes to the taskbar; Ctrl+Q quits.
            # Only the agent's own close (title bar, Alt+F4) does this: a close asked by code, or by
            # QApplication.quit() (which is cancelled if a window refuses), still closes.
            event.ignore()
            self.showMinimized()
            return
        self.compact.remember()
        normal = self.compact.normal_geometry() or bytes(self.saveGeometry().data())
        geometry = base64.b64encode(normal).decode("ascii")
        self.ops.run(lambda lib: lib.set_setting(GEOMETRY_KEY, geometry))
        for window in (self.rules_screen, self.settings_dialog):
            if window is not None:
                window.close()
        if self.editor is not None:
            self.editor.discard()
        self.ops.close()  # finishes queued writes before the library is closed
        super().closeEvent(event)

    # -- searching ---------------------------------------------------------------------------

    def _query_changed(self, text: str) -> None:
        if self.side.currentWidget() is self.fill:
            self.close_fill(focus=False)
        self.controller.request(text, self.tree.current_scope())

    def _scope_changed(self, scope: Scope) -> None:
        self.controller.request(self.search_box.text(), scope)

    def _show_results(self, outcome: Outcome) -> None:
        keep = self._select_after
        if keep is None:
            current = self.selected_item()
            same_list = self.model.rowCount() and outcome.query == getattr(self, "_shown_query", None)
            keep = current.phrase_id if current is not None and same_list else None
        elif self._scope_after is None or any(i.phrase_id == keep for i in outcome.items):
            self._select_after = None
        # else: a list from before the switch to the phrase's category: it waits for that one.
        self._shown_query = outcome.query
        self.model.set_items(outcome.items)
        row = self.model.row_of(keep) if keep is not None else -1
        self.select_row(max(row, 0) if self.model.rowCount() else -1)
        self._update_header()
        self._first_screen_loaded()

    def _update_header(self) -> None:
        outcome = self.controller.last
        if outcome is None:
            self.results_header.setText(self.tr("Loading…"))
            return
        label = self.tree.category_label(outcome.scope) or self.tr("All phrases")
        n = len(outcome.items)
        if outcome.browsing:
            if outcome.limited:
                text = self.tr("{0} · showing the {1} most recently used of {2}; type to search all").format(
                    label, n, outcome.total
                )
            else:
                text = self.tr("{0} · {1} phrases").format(label, n)
        elif n == 0:
            if outcome.scope == Scope():
                text = self.tr("Nothing found for “{0}”. Try pinyin initials or a /shortcut.").format(
                    outcome.query.strip()
                )
            else:
                text = self.tr(
                    "Nothing found for “{0}” in {1}. Try pinyin initials, a /shortcut, or All phrases."
                ).format(outcome.query.strip(), label)
        else:
            more = self.tr(" (best {0} shown)").format(n) if outcome.limited else ""
            if n == 1:
                text = self.tr("1 result for “{0}” in {1} · Ctrl+1 to use directly").format(
                    outcome.query.strip(), label
                )
            else:
                text = self.tr("{0} results for “{1}” in {2}{3} · Ctrl+1…9 to use directly").format(
                    n, outcome.query.strip(), label, more
                )
        self.results_header.setText(text)

    def select_row(self, row: int) -> None:
        if row < 0:
            self.results.setCurrentIndex(QModelIndex())
            self.preview.show_item(None)
            return
        index = self.model.index(row, 0)
        self.results.setCurrentIndex(index)
        self.results.scrollTo(index)
        self.preview.show_item(self.model.item(row))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.preview.show_item(self.model.item(current.row()) if current.isValid() else None)

    def selected_item(self) -> ResultItem | None:
        index = self.results.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _navigate(self, key: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        row = self.results.currentIndex().row()
        page = max(1, self.results.viewport().height() // max(1, self.results.sizeHintForRow(0)))
        step = {
            int(Qt.Key.Key_Up): -1,
            int(Qt.Key.Key_Down): 1,
            int(Qt.Key.Key_PageUp): -page,
            int(Qt.Key.Key_PageDown): page,
        }.get(key, 0)
        self.select_row(max(0, min(count - 1, (row if row >= 0 else -1) + step)))

    def escape(self) -> None:
        if self._help is not None and self._help.isVisible():
            self._help.close_overlay()
        elif self.side.currentWidget() is self.fill:
            self.close_fill()
        elif self.search_box.text():
            self.search_box.clear()
        elif self.tree.current_scope() != Scope():
            self.tree.select_scope(Scope())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Typing anywhere in the lists goes to the search box, like a launcher.
        if watched in (self.results, self.tree) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            mods = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            text = event.text()
            if event.key() == Qt.Key.Key_Escape:
                self.focus_search()
                return True
            if text and text.isprintable() and not text.isspace() and not mods and text != "?":
                self.search_box.setFocus()
                self.search_box.insert(text)
                return True
        return super().eventFilter(watched, event)

    # -- using phrases -----------------------------------------------------------------------

    def use_row(self, row: int) -> None:
        if self.search_box.composing:  # Ctrl+digit while the input method composes belongs to it
            return
        item = self.model.item(row)
        if item is None:
            return
        self.select_row(row)
        self.use_item(item)

    def use_selected(self) -> None:
        if self.search_box.composing:
            return
        item = self.selected_item()
        if item is not None:
            self.use_item(item)

    def use_item(self, item: ResultItem) -> None:
        """No fields (or only profile and clock fields): copy now. Otherwise open the fill panel."""
        reply = instant_reply(item, self.ctx.builtins())
        if reply is not None:
            self._fill_copied(reply)
            return
        self.fill.start(item)
        self.side.setCurrentWidget(self.fill)
        self._fit_side_minimum()  # also for a phrase opened over another, with no page change
        self.fill.focus_first_empty()

    def close_fill(self, focus: bool = True) -> None:
        self.side.setCurrentWidget(self.preview)
        if focus:
            self.focus_search()

    def _fill_copied(self, reply: FilledReply) -> None:
        self.ctx.memory.remember(reply.values, self.ctx.builtins())
        self._update_memory_label()
        self.copy_text(reply.text, reply.phrase_id)
        if self.side.currentWidget() is self.fill:
            self.close_fill()
        else:
            self.focus_search()

    def record_reply(self, reply: FilledReply) -> None:
        """A reply used outside this window (the quick popup): remember its values, count the use."""
        self.ctx.memory.remember(reply.values, self.ctx.builtins())
        self._update_memory_label()
        self.ops.run(lambda lib: lib.record_use(reply.phrase_id), initiator="use")

    def copy_text(self, text: str, phrase_id: int | None = None) -> None:
        clipboard = QApplication.clipboard()
        clipboard.setText(text, QClipboard.Mode.Clipboard)
        if phrase_id is not None:
            self.ops.run(lambda lib: lib.record_use(phrase_id), initiator="use")
        self.notify(self.tr("Copied"))
        self.copied.emit(text)
        if self.ctx.settings.paste == "copy_minimize":
            # Give the toast a moment so the agent sees it worked, then get out of the way.
            QTimer.singleShot(250, self.showMinimized)

    def new_conversation(self) -> None:
        self.ctx.new_conversation()
        self.notify(self.tr("New conversation: typed values forgotten"))
        self.focus_search()

    def _update_memory_label(self) -> None:
        names = list(self.ctx.memory.values())
        if names:
            self.memory_label.setText(
                self.tr("This conversation: {0}  ·  Ctrl+N new conversation").format(i18n.join_list(names))
            )
        else:
            self.memory_label.setText(self.tr("New conversation"))

    def _update_counts(self) -> None:
        total = self.tree_data.total if self.tree_data else 0
        self.count_label.setText(
            self.tr("{0} phrases · {1} rules · F1 shortcuts").format(total, len(self.ctx.rules))
        )

    # -- notifications -----------------------------------------------------------------------

    def notify(self, message: str, kind: str = "ok") -> None:
        self.toast.show_message(message, kind)

    # -- library changes ---------------------------------------------------------------------

    def refresh_tree(self) -> None:
        self.ops.run(load_tree, self._tree_loaded)

    def _tree_loaded(self, data: TreeData) -> None:
        self.tree_data = data
        self.tree.set_data(data)
        if self._scope_after is not None:
            self.tree.select_scope(self._scope_after)
            self._scope_after = None
        self._update_counts()
        self._update_header()
        self._first_screen_loaded()

    def _on_changes(self, changes: OpChanges, initiator: object) -> None:
        touched = bool(changes.phrases or changes.deleted_phrases or changes.categories)
        if touched:
            self.refresh_tree()
        if initiator in ("use", "favorite"):
            # Re-ranking the list under the agent's cursor after every copy or star would be
            # disorienting (Ctrl+1…9 would point elsewhere): the rows only take the change, in place.
            if self.tree.current_scope().kind == ("recent" if initiator == "use" else "favorites"):
                self.controller.refresh()
            else:
                self._refresh_rows(changes.phrases)
        elif touched:
            self.controller.refresh()

    def _refresh_rows(self, phrase_ids: Iterable[int]) -> None:
        shown = [pid for pid in phrase_ids if self.model.row_of(pid) >= 0]
        if not shown:
            return

        def done(phrases: list[Phrase]) -> None:  # one deleted meanwhile is absent: the next refresh drops it
            current = self.selected_item()
            for phrase in phrases:
                row = self.model.update_phrase(phrase)
                if current is not None and current.phrase_id == phrase.id and row >= 0:
                    self.preview.show_item(self.model.item(row))

        self.ops.run(lambda lib: lib.phrases_by_ids(shown), done)

    # -- lazily loaded parts ---------------------------------------------------------------

    @property
    def editing(self) -> LibraryEditing:
        if self._editing is None:
            from huashu.gui.library_edit import LibraryEditing

            self._editing = LibraryEditing(self)
        return self._editing

    @property
    def editor(self) -> PhraseEditor | None:
        """The open phrase editor, if any."""
        return self._editing.editor if self._editing is not None else None

    @property
    def help(self) -> HelpOverlay:
        if self._help is None:
            from huashu.gui.help_overlay import HelpOverlay

            self._help = HelpOverlay(self)
        return self._help

    @property
    def pack_flow(self) -> PackFlow:
        if self._pack_flow is None:
            from huashu.gui import dialogs
            from huashu.gui.pack_flow import PackFlow

            flow = PackFlow(self.ctx, self)
            flow.failed.connect(lambda message: dialogs.show_error(self, message))
            flow.installed.connect(
                lambda result: self.notify(
                    self.tr("Team pack “{0}” v{1} installed").format(
                        result.preview.manifest.name, result.preview.manifest.version
                    )
                )
            )
            flow.updates_found.connect(self._pack_updates_found)
            flow.up_to_date.connect(lambda: self.notify(self.tr("No new team packs")))
            self._pack_flow = flow
        return self._pack_flow

    def _pack_updates_found(self, updates: list[Any]) -> None:
        first = updates[0]
        self.notify(self.tr("A team pack update is ready: “{0}” v{1}").format(first.name, first.version), "info")
        self.pack_flow.install_available()

    def choose_pack(self) -> None:
        from huashu.gui.qt import QFileDialog  # built when first shown, not at start

        path, _ = QFileDialog.getOpenFileName(self, self.tr("Install team pack"), "", self.tr("Team packs (*.huashu)"))
        if path:
            self.import_file(Path(path))

    @property
    def import_flow(self) -> ImportFlow:
        if self._import_flow is None:
            from huashu.gui import dialogs
            from huashu.gui.import_export import ImportFlow

            self._import_flow = ImportFlow(self.ctx, self)
            self._import_flow.failed.connect(lambda message: dialogs.show_error(self, message))
        return self._import_flow

    # -- menus -------------------------------------------------------------------------------

    def _results_menu(self, pos: QPoint) -> None:
        index = self.results.indexAt(pos)
        if index.isValid():
            self.select_row(index.row())
        item = self.selected_item()
        menu = QMenu(self)
        names = ["use", None, "edit", "favorite", "duplicate", "move", "delete", None, "new_phrase"]
        for name in names:
            if name is None:
                menu.addSeparator()
                continue
            action = self.actions_by_name[name]
            if name in ("use", "edit", "favorite", "duplicate", "move", "delete"):
                action.setEnabled(item is not None)
            if name in ("move", "delete") and item is not None and item.read_only:
                action.setEnabled(False)
            menu.addAction(action)
        menu.exec(self.results.viewport().mapToGlobal(pos))
        for name in names:
            if name is not None:
                self.actions_by_name[name].setEnabled(True)

    def _tree_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is not None:
            self.tree.setCurrentItem(item)
        scope = self.tree.current_scope()
        is_category = scope.kind == "category" and scope.category_id is not None
        menu = QMenu(self)
        menu.addAction(self.actions_by_name["new_category"])
        for name in ("new_subcategory", "rename_category", "delete_category"):
            action = self.actions_by_name[name]
            action.setEnabled(is_category)
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.actions_by_name["new_phrase"])
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        for name in ("new_subcategory", "rename_category", "delete_category"):
            self.actions_by_name[name].setEnabled(True)

    # -- focus -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def focus_compose(self) -> None:
        self.compose.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def cycle_focus(self, step: int) -> None:
        panes: list[QWidget] = [self.search_box, self.tree, self.results, self.compose.edit]
        if self.side.currentWidget() is self.fill:
            panes.insert(3, self.fill)
        # A narrow window hides the tree or the preview, the strip the compose box while filling:
        # F6 goes round what is shown (it stuck on the search box, "moving" into a hidden pane).
        panes = [w for w in panes if w.isVisible()] or [self.search_box]
        focused = QApplication.focusWidget()
        index = next(
            (i for i, w in enumerate(panes) if w is focused or (focused and w.isAncestorOf(focused))), -1
        )
        target = panes[(index + step) % len(panes)]
        if target is self.fill:
            self.fill.focus_first_empty()
        else:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    # -- screens -----------------------------------------------------------------------------

    def open_rules(self) -> None:
        if self.rules_screen is None:
            from huashu.gui.rules_screen import RulesScreen

            self.rules_screen = RulesScreen(self.ctx, self)
        self.rules_screen.show()
        self.rules_screen.raise_()
        self.rules_screen.activateWindow()

    def open_settings(self) -> None:
        from huashu.gui.settings import SettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.close()
        dialog = SettingsDialog(self.ctx, self, self.companion)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(self.settings_applied)
        dialog.import_requested.connect(self.choose_import)
        dialog.export_requested.connect(self.choose_export)
        dialog.destroyed.connect(lambda _o=None: setattr(self, "settings_dialog", None))
        self.settings_dialog = dialog
        dialog.open()

    def help_sections(self) -> list[Section]:
        def keys(name: str) -> str:
            return " / ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText)
                for k in self.actions_by_name[name].shortcuts()
            )

        def label(name: str) -> str:
            return plain_label(self.actions_by_name[name].text())

        return [
            (
                self.tr("Find and use"),
                [
                    (self.tr("Type"), self.tr("Search as you type (keywords, pinyin, /shortcut)")),
                    ("↑ ↓  PgUp PgDn", self.tr("Move through the results")),
                    ("Enter", self.tr("Use the selected phrase")),
                    ("Ctrl+1 … 9", self.tr("Use the 1st … 9th result")),
                    ("Esc", self.tr("Close the fill panel, then clear the search")),
                    (keys("focus_search"), label("focus_search")),
                    (keys("new_conversation"), label("new_conversation")),
                    (
                        self.ctx.settings.hotkey or DEFAULT_HOTKEY,
                        self.tr("From any program: quick search that pastes into the chat"),
                    ),
                ],
            ),
            (
                self.tr("Fill in fields"),
                [
                    ("Enter", self.tr("Next empty field; copy when all are filled")),
                    ("Ctrl+Enter", self.tr("Copy now")),
                    ("Tab", self.tr("Next field")),
                    ("Esc", self.tr("Back to the list")),
                ],
            ),
            (
                self.tr("Compose"),
                [
                    (keys("focus_compose"), label("focus_compose")),
                    ("Ctrl+.", self.tr("Fix the underlined words at the cursor")),
                    ("Ctrl+Enter", self.tr("Copy your reply")),
                ],
            ),
            (
                self.tr("Edit the library"),
                [
                    *(
                        (keys(n), label(n))
                        for n in ("new_phrase", "edit", "favorite", "duplicate", "move", "delete", "undo", "redo")
                    ),
                    ("Ctrl+S / Ctrl+Enter", self.tr("Save, in the phrase editor")),
                ],
            ),
            (
                self.tr("Window"),
                [
                    (keys(n), label(n))
                    for n in (
                        "next_pane",
                        "compact",
                        "dock_beside",
                        "rules",
                        "settings",
                        "import",
                        "export",
                        "help",
                        "quit",
                    )
                ]
                + [("?", label("help"))],
            ),
        ]

    def toggle_help(self) -> None:
        if self.help.isVisible():
            self.help.close_overlay()
        else:
            self.help.open(self.tr("Keyboard shortcuts"), self.tr("Esc or F1 to close"), self.help_sections())

    def about(self) -> None:
        from huashu import __version__
        from huashu.gui.qt import QMessageBox  # built when first shown, not at start

        QMessageBox.about(
            self,
            self.tr("About Huashu"),
            self.tr(
                "<b>Huashu 话术助手</b> {0}<br>Reply templates, search and forbidden-phrase checks "
                "for customer-service agents."
            ).format(__version__),
        )

    # -- import and export -------------------------------------------------------------------

    def choose_import(self) -> None:
        from huashu.gui.qt import QFileDialog  # built when first shown, not at start

        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import phrases"), "", self.tr("Spreadsheets (*.csv *.xlsx *.txt *.tsv)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        if path.suffix.lower() == PACK_SUFFIX:
            if self.pack_flow.start(path):
                return True
            self.notify(self.tr("A team pack is being installed: open this one when it is done"), "warning")
            return False
        if not is_sheet(path):
            self.notify(self.tr("Only CSV or Excel (.xlsx) files can be imported"), "warning")
            return False
        return self.import_flow.start(path)

    def choose_export(self) -> None:
        from huashu.gui.qt import QFileDialog  # built when first shown, not at start

        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export phrases"), "huashu-phrases.xlsx", self.tr("Excel (*.xlsx);;CSV (*.csv)")
        )
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> None:
        from huashu.gui import dialogs
        from huashu.gui.import_export import export_op

        self.ops.run(
            export_op(path),
            lambda n: self.notify(self.tr("Exported {0} phrases to {1}").format(n, path.name)),
            lambda error: dialogs.show_error(self, error.message),
        )

    def open_data_folder(self) -> None:
        from huashu.gui import dialogs

        if self.ctx.lib.path is not None:
            dialogs.open_folder(self, self.ctx.lib.path.parent)  # says where it is when nothing opens it

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and any(u.isLocalFile() and is_importable(Path(u.toLocalFile())) for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        sheets = [p for p in paths if is_importable(p)]
        if not sheets:
            event.ignore()
            return
        event.acceptProposedAction()
        if len(sheets) > 1:
            self.notify(self.tr("One file at a time: importing {0}").format(sheets[0].name), "warning")
        self.import_file(sheets[0])
