"""Compact mode: the main window as a narrow always-on-top strip (search, results, compose) at a screen edge."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import TYPE_CHECKING, Any

from huashu.gui.qt import QCoreApplication, QEvent, QGuiApplication, QObject, QRect, Qt, Signal

if TYPE_CHECKING:
    from huashu.gui.main_window import MainWindow

COMPACT_KEY = "ui.compact_state"
COMPACT_WIDTH = 380


def screen_setup() -> str:
    """Names the arrangement of screens, so a laptop docked and undocked remembers a place for each."""
    parts = []
    for screen in QGuiApplication.screens():
        g = screen.geometry()
        parts.append(f"{g.x()},{g.y()},{g.width()}x{g.height()}")
    return ";".join(sorted(parts))


def docked_rect(area: QRect, side: str, width: int = COMPACT_WIDTH) -> QRect:
    """The strip along the left or right edge of a screen's available area."""
    width = min(width, area.width())
    x = area.left() if side == "left" else area.right() - width + 1
    return QRect(x, area.top(), width, area.height())


class CompactMode(QObject):
    """Switches a MainWindow between its full layout and the compact strip; remembers mode and place."""

    toggled = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.side = "right"
        self._normal_geometry: bytes | None = None
        self._stored: dict[str, Any] = {}
        self.loaded = False
        window.side.currentChanged.connect(self._side_page_changed)

    def load(self, restore: bool = True) -> None:
        """Read the stored state on the library worker; switch to compact if the agent left it on."""

        def done(value: object) -> None:
            self._stored = value if isinstance(value, dict) else {}
            self.loaded = True
            if restore and self._stored.get("on"):
                self.set_active(True, save=False)

        self.window.ops.run(lambda lib: lib.setting(COMPACT_KEY), done)

    # -- stored state ------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        return self._stored

    def _save(self) -> None:
        state = self._state()
        setups = state.get("setups") if isinstance(state.get("setups"), dict) else {}
        assert isinstance(setups, dict)
        if self.active:
            geometry = base64.b64encode(bytes(self.window.saveGeometry().data())).decode("ascii")
            setups[screen_setup()] = {"side": self.side, "geometry": geometry}
        new = {"on": self.active, "setups": setups}
        self._stored = json.loads(
            json.dumps(new)
        )  # a copy: the worker writes it while we go on changing ours
        self.window.ops.run(lambda lib: lib.set_setting(COMPACT_KEY, new))

    def remembered_on(self) -> bool:
        return bool(self._state().get("on"))

    # -- switching ---------------------------------------------------------------------------

    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_active(self, on: bool, save: bool = True) -> None:
        if on == self.active:
            return
        w = self.window
        if on:
            self._normal_geometry = bytes(w.saveGeometry().data())
        elif save:
            self._save()  # the compact place, before the window leaves it
        self.active = on
        visible = w.isVisible()
        w.tree.setVisible(not on)
        w.menuBar().setVisible(not on)
        w.statusBar().setVisible(not on)
        for button in w.tool_buttons:
            button.setVisible(not on)
        w.h_split.setOrientation(Qt.Orientation.Vertical if on else Qt.Orientation.Horizontal)
        if on:  # the full placeholder with its key hints does not fit the strip
            w.search_box.setPlaceholderText(self.tr("Search phrases or /shortcut"))
        else:
            w.retranslate()
        self._side_page_changed()
        w.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        # The layouts recompute their minimum size lazily; the strip must not inherit the full one.
        # QMainWindow counts the hidden status bar's width (its long counts label) as a minimum.
        w.statusBar().setMinimumSize(0, 0)
        for split in (w.h_split, w.v_split):
            split.updateGeometry()  # drops the layout's cached size of the splitter
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for host in (w.centralWidget(), w):
            layout = host.layout() if host is not None else None
            if layout is not None:
                layout.invalidate()
                layout.activate()
        if on:
            self._place()
        elif self._normal_geometry is not None:
            w.restoreGeometry(self._normal_geometry)
        if visible or on:
            w.showNormal()
            w.raise_()
            w.activateWindow()
        if save and on:
            self._save()
        self.toggled.emit(on)

    def _place(self) -> None:
        w = self.window
        entry = self._state().get("setups", {}).get(screen_setup())
        if isinstance(entry, dict) and isinstance(entry.get("geometry"), str):
            self.side = "left" if entry.get("side") == "left" else "right"
            with contextlib.suppress(ValueError):
                if w.restoreGeometry(base64.b64decode(entry["geometry"])):
                    return
        screen = w.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.side = "left" if w.frameGeometry().center().x() < area.center().x() else "right"
        self.dock(self.side)

    def dock(self, side: str) -> None:
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        self.side = side
        self.window.setGeometry(docked_rect(screen.availableGeometry(), side))

    def _side_page_changed(self, *_args: object) -> None:
        # Compact keeps only search, results and compose; the fill panel appears while it is in use.
        w = self.window
        w.side.setVisible(not self.active or w.side.currentWidget() is w.fill)

    def normal_geometry(self) -> bytes | None:
        """The full window's geometry while compact (what the next start without compact should use)."""
        return self._normal_geometry if self.active else None

    def remember(self) -> None:
        """Store mode and place now (the app is closing)."""
        if self.active:
            self._save()
