"""Test helper: XLSX workbooks with several sheets, some hidden, as leads keep them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def write_workbook(
    path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]], hidden: Sequence[str] = ()
) -> Path:
    """Write `sheets` (name, rows) in order; those named in `hidden` are hidden sheets."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden:
            sheet.sheet_state = "hidden"
    # Excel refuses a workbook whose active sheet is hidden.
    book.active = next(i for i, (name, _rows) in enumerate(sheets) if name not in hidden)
    book.save(path)
    return path
