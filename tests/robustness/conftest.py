"""The GUI fixtures (a main window on a real library) for the soak test, borrowed from tests/gui."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "huashu_gui_test_fixtures", Path(__file__).resolve().parents[1] / "gui" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_gui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_gui)

lib_path = _gui.lib_path
gui_lib = _gui.gui_lib
app = _gui.app
window = _gui.window
idle = _gui.idle
find = _gui.find
type_ = _gui.type_
active = _gui.active
