"""Importing spreadsheets in the background with progress and a row-by-row report; exporting them."""

from __future__ import annotations

import html
from pathlib import Path

from huashu.core.models import ImportReport
from huashu.gui import theme
from huashu.gui.context import AppContext
from huashu.gui.ops import OpError
from huashu.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QObject,
    QProgressDialog,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.storage.library import Library


class ImportReportDialog(QDialog):
    """What the import did: counts first, then every skipped row and warning with its row number."""

    def __init__(self, path: Path, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.report = report
        self.setWindowTitle(self.tr("Import finished"))
        self.resize(620, 460)
        c = theme.colors()
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        self.summary.setWordWrap(True)
        self.summary.setText(
            self.tr("{0}: {1} added, {2} updated, {3} unchanged, {4} skipped").format(
                path.name, report.added, report.updated, report.unchanged, len(report.skipped)
            )
        )
        body = QTextBrowser()
        body.setObjectName("importDetails")
        parts: list[str] = []
        muted = f'<p style="color:{c.muted};">{{0}}</p>'
        if report.encoding:
            parts.append(muted.format(html.escape(self.tr("Encoding: {0}").format(report.encoding))))
        if report.ignored_columns:
            cols = "、".join(report.ignored_columns)
            parts.append(muted.format(html.escape(self.tr("Columns ignored: {0}").format(cols))))
        def row_label(line: int) -> str:
            # A workbook read sheet by sheet numbers its rows per sheet (core.models.SheetLine).
            sheet = getattr(line, "sheet", None)
            if sheet is None:
                return self.tr("row {0}").format(line)
            if int(line) <= 0:
                return self.tr("sheet “{0}”").format(sheet)
            return self.tr("sheet “{0}” row {1}").format(sheet, int(line))

        for title, rows, color in (
            (self.tr("Skipped rows"), report.skipped, c.error),
            (self.tr("Warnings"), report.warnings, c.warning),
            (self.tr("Old-style blanks turned into fields"), report.converted, c.info),
            (self.tr("Phrases overwritten by the sheet"), report.updated_rows, c.text),
        ):
            if not rows:
                continue
            heading = f"{html.escape(title)} ({len(rows)})"
            parts.append(f'<h4 style="color:{color};">{heading}</h4><table cellpadding="3">')
            for line, message in rows[:500]:
                where = html.escape(row_label(line))
                parts.append(
                    f'<tr><td style="color:{c.muted};" align="right">{where}</td><td>{html.escape(message)}</td></tr>'
                )
            parts.append("</table>")
            if len(rows) > 500:
                parts.append(f"<p>… {len(rows) - 500}</p>")
        if report.backup:
            note = self.tr("The library as it was before this import is saved as {0}.").format(report.backup)
            parts.append(muted.format(html.escape(note)))
        if not parts:
            parts.append("<p>" + html.escape(self.tr("Every row was read without problems.")) + "</p>")
        body.setHtml("".join(parts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setProperty("primary", True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(self.summary)
        layout.addWidget(body, 1)
        layout.addWidget(buttons)


class ImportFlow(QObject):
    """One import at a time; the window stays responsive (the work runs on the library worker)."""

    finished = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.progress: QProgressDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.running = False

    def start(self, path: Path) -> bool:
        if self.running:
            return False
        self.running = True
        progress = QProgressDialog(self.window)
        progress.setObjectName("importProgress")
        progress.setWindowTitle(self.tr("Importing"))
        progress.setLabelText(self.tr("Importing {0}…").format(path.name))
        progress.setRange(0, 0)  # the library reports no steps; a busy bar shows it is working
        progress.setCancelButton(None)  # type: ignore[arg-type]
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)  # small files finish before it would flash up
        progress.setAutoClose(False)
        self.progress = progress

        def op(lib: Library) -> ImportReport:
            return lib.import_file(path)

        self.ctx.ops.run(op, lambda report: self._done(path, report), self._failed)
        return True

    def _close_progress(self) -> None:
        self.running = False
        if self.progress is not None:
            self.progress.reset()
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _done(self, path: Path, report: ImportReport) -> None:
        self._close_progress()
        dialog = ImportReportDialog(path, report, self.window)
        self.report_dialog = dialog
        dialog.open()
        self.finished.emit(report)

    def _failed(self, error: OpError) -> None:
        self._close_progress()
        self.failed.emit(error.message)


def export_op(path: Path) -> object:
    """An operation writing the whole library to a CSV or XLSX file; returns the number of rows."""

    def op(lib: Library) -> int:
        from huashu.core.spreadsheet import write_phrase_sheet

        return write_phrase_sheet(path, lib.export_rows())

    return op
