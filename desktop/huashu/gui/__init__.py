"""Qt desktop interface: the only package that imports PySide6 (through gui.qt)."""

# Qt-free modules the window needs load before PySide6 does: its import hook reads the whole source
# of every module imported after it (looking for `from __feature__ import`), ~5 ms of every start.
import ctypes  # noqa: F401
import hashlib  # noqa: F401
import html  # noqa: F401
import logging  # noqa: F401
import platform  # noqa: F401
import traceback  # noqa: F401

import huashu.paths
import huashu.storage.library  # noqa: F401
