"""PyInstaller: huashu.resources lives in the repository's resources/ folder (pyproject package-dir)."""

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def pre_find_module_path(api: Any) -> None:
    api.search_dirs = [str(ROOT)]
