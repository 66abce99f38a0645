"""Damage a library file the way a failing disk does, for the tests of corrupt-file handling."""

from __future__ import annotations

from pathlib import Path


def scribble_pages(path: Path) -> None:
    """Overwrite part of every page after the first two: SQLite sees a damaged file, not a foreign one."""
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):
        data[offset + 100 : offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))
