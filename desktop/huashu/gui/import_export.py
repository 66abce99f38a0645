"""Importing spreadsheets in the background (progress, Cancel, one undo step, a row-by-row report); exporting them."""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from huashu.core.models import ImportReport
from huashu.gui import i18n, theme
from huashu.gui.context import AppContext
from huashu.gui.errors import encoding_sentences, in_ui_language
from huashu.gui.ops import OpError
from huashu.gui.qt import (
    QCloseEvent,
    QColor,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QObject,
    QPainter,
    QPaintEvent,
    QProgressDialog,
    QPushButton,
    QRect,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.undo import ImportPhrases, Undo
from huashu.gui.widgets import WrapRow, em, fit_to_screen
from huashu.storage.library import ImportCancelled, ImportUndo, Library


class _CountRow(WrapRow):
    """Counts side by side with a "·" between two on the same line; a count that starts a new line
    has none before it, and none ends a line."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        shown = [w for w in self.widgets() if w.isVisibleTo(self)]
        painter = QPainter(self)
        painter.setPen(QColor(theme.colors().muted))
        for left, right in pairwise(shown):
            a, b = left.geometry(), right.geometry()
            if a.top() != b.top():
                continue  # a new line
            gap = QRect(a.right() + 1, a.top(), b.left() - a.right() - 1, a.height())
            painter.drawText(gap, int(Qt.AlignmentFlag.AlignCenter), "·")


class ImportReportDialog(QDialog):
    """What the import did: counts first, then every skipped row and warning with its row number."""

    def __init__(
        self, path: Path, report: ImportReport, parent: QWidget | None = None, *, undoable: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.report = report
        self.setWindowTitle(self.tr("Import finished"))
        c = theme.colors()
        # The file's name on its own line (a long name may wrap anywhere), then each count as one
        # label: "跳过 0 条" never breaks between its number and its unit, the row wraps between counts.
        self.title = QLabel(path.name)
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = _CountRow(spacing=em(self, 1))
        self.counts.setObjectName("importCounts")
        for text, alarm in (
            (self.tr("{0} added").format(report.added), False),
            (self.tr("{0} updated").format(report.updated), False),
            (self.tr("{0} unchanged").format(report.unchanged), False),
            (self.tr("{0} skipped").format(len(report.skipped)), bool(report.skipped)),
        ):
            count = QLabel(text)
            count.setObjectName("importCount")
            if alarm:
                count.setStyleSheet(f"color: {c.error};")
            self.counts.add(count)
        body = QTextBrowser()
        body.setObjectName("importDetails")
        parts: list[str] = []
        muted = f'<p style="color:{c.muted};">{{0}}</p>'
        if report.encoding:
            parts.append(muted.format(html.escape(self.tr("Encoding: {0}").format(report.encoding))))
        if report.ignored_columns:
            cols = i18n.join_list(report.ignored_columns)
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
                # The library words each line in Chinese; a coded one is worded here in the UI's language.
                said = html.escape(in_ui_language(message))
                parts.append(f'<tr><td style="color:{c.muted};" align="right">{where}</td><td>{said}</td></tr>')
            parts.append("</table>")
            if len(rows) > 500:
                parts.append(f"<p>… {len(rows) - 500}</p>")
        if undoable:
            undo = self.tr("Edit › Undo (Ctrl+Z) takes this whole import back in one step.")
            parts.append(muted.format(html.escape(undo)))
        if report.backup:
            note = self.tr("The library as it was before this import is saved as {0}.").format(report.backup)
            parts.append(muted.format(html.escape(note)))
        if not parts:
            parts.append("<p>" + html.escape(self.tr("Every row was read without problems.")) + "</p>")
        body.setHtml("".join(parts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setProperty("primary", True)
        buttons.accepted.connect(self.accept)
        self.note = QLabel()
        self.note.setObjectName("importNote")
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.counts)
        layout.addWidget(body, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        fit_to_screen(self, max(620, em(self, 30)), max(460, em(self, 22)))

    def count_texts(self) -> list[str]:
        """The counts as shown, each one unbreakable label."""
        return [label.text() for label in self.counts.widgets() if isinstance(label, QLabel)]

    def set_note(self, text: str) -> None:
        """A line above the buttons, for what happened around the import (a cancel too late)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))


class ImportProgressDialog(QProgressDialog):
    """Import progress that stays up until the import has really stopped.

    Cancel (the button, Esc or closing the window) only asks: the import rolls back on the worker,
    and the dialog goes when it has, so the lead never sees "cancelled" while it is still writing.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        # Qt's own cancel() hides the dialog at once and forgets it was cancelled once reset.
        self.canceled.disconnect(self.cancel)
        self.canceled.connect(self.cancel_requested)

    def reject(self) -> None:
        self.canceled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
        self.canceled.emit()


class _ProgressRelay(QObject):
    """Lives on the GUI thread; the worker's progress calls are queued to it."""

    progressed = Signal(str, int, int)


# Share of the bar each stage fills: indexing (segmenting, pinyin) is most of an import's time.
_STAGE_SPAN = {"check": (0, 150), "write": (150, 250), "index": (250, 1000)}
_PROGRESS_INTERVAL = 0.05  # seconds between two updates sent to the GUI thread


class ImportFlow(QObject):
    """One import at a time, with progress and Cancel; the window stays responsive (the work runs
    on the library worker). An import that wrote anything is one step on the undo stack."""

    finished = Signal(object)  # ImportReport
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.progress: ImportProgressDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.running = False
        self._cancel = threading.Event()
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._progressed)
        self._name = ""
        self._undo: Undo | None = None

    @property
    def undo(self) -> Undo:
        """The window's undo helper when it has one (category ids remapped across all steps)."""
        if self._undo is None:
            editing = getattr(self.window, "editing", None)
            shared = getattr(editing, "undo", None)
            self._undo = (
                shared if isinstance(shared, Undo) else Undo(self.ctx.undo, self.ctx.ops, self._undo_failed)
            )
        return self._undo

    def start(self, path: Path) -> bool:
        if self.running:
            return False
        self.running = True
        self._cancel.clear()
        self._name = path.name
        progress = ImportProgressDialog(self.window)
        progress.setObjectName("importProgress")
        progress.setWindowTitle(self.tr("Importing"))
        progress.setLabelText(self._label(self.tr("Reading the file…")))
        progress.setRange(0, 0)  # reading has no count: a busy bar until the rows are checked
        progress.setCancelButtonText(self.tr("Cancel"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumWidth(420)
        progress.cancel_requested.connect(self.cancel)
        progress.show()  # at once: a big file takes seconds before its first row is checked
        self.progress = progress

        journal = ImportUndo()
        relay = self._relay
        cancel = self._cancel
        last_at, last_stage = [0.0], [""]

        def report(stage: str, done: int, total: int) -> None:
            if cancel.is_set():
                raise ImportCancelled("导入已取消，话术库没有改动")
            now = time.monotonic()
            if stage == last_stage[0] and done < total and now - last_at[0] < _PROGRESS_INTERVAL:
                return
            last_at[0], last_stage[0] = now, stage
            relay.progressed.emit(stage, done, total)

        def op(lib: Library) -> ImportReport:
            return lib.import_file(path, progress=report, journal=journal)

        self.ctx.ops.run(op, lambda result: self._done(path, result, journal), self._failed)
        return True

    def cancel(self) -> None:
        """Ask the running import to stop; it rolls back, and the library stays as it was."""
        if not self.running or self._cancel.is_set():
            return
        self._cancel.set()
        if self.progress is not None:
            self.progress.setLabelText(self._label(self.tr("Cancelling… the library stays as it was")))
            self.progress.setCancelButtonText(self.tr("Cancelling…"))
            button = self.progress.findChild(QPushButton)
            if button is not None:
                button.setEnabled(False)

    def _label(self, status: str) -> str:
        return self.tr("Importing {0}…").format(self._name) + "\n" + status

    def _progressed(self, stage: str, done: int, total: int) -> None:
        progress = self.progress
        if progress is None or self._cancel.is_set():
            return
        if stage == "backup":
            progress.setLabelText(self._label(self.tr("Backing up the library first…")))
            return
        if stage not in _STAGE_SPAN:
            return
        statuses = {
            "check": self.tr("Checking rows: {0} of {1}"),
            "write": self.tr("Writing phrases: {0} of {1}"),
            "index": self.tr("Indexing for search: {0} of {1}"),
        }
        progress.setLabelText(self._label(statuses[stage].format(f"{done:,}", f"{total:,}")))
        low, high = _STAGE_SPAN[stage]
        progress.setRange(0, 1000)
        progress.setValue(low + (high - low) * done // max(total, 1))

    def _close_progress(self) -> None:
        self.running = False
        if self.progress is not None:
            self.progress.hide()  # not close(): closing asks to cancel
            self.progress.deleteLater()
            self.progress = None

    def _done(self, path: Path, report: ImportReport, journal: ImportUndo) -> None:
        too_late = self._cancel.is_set()
        self._close_progress()
        if journal.wrote:
            notify = getattr(self.window, "notify", None)
            self.undo.push(ImportPhrases(self.undo, path.name, journal, notify if callable(notify) else None))
        dialog = ImportReportDialog(path, report, self.window, undoable=journal.wrote)
        self.report_dialog = dialog
        dialog.open()
        if too_late:
            dialog.set_note(self.tr("The import had already finished when you cancelled: Ctrl+Z takes it back."))
        self.finished.emit(report)

    def _failed(self, error: OpError) -> None:
        self._close_progress()
        if isinstance(error.exception, ImportCancelled):
            notify = getattr(self.window, "notify", None)
            if callable(notify):
                notify(self.tr("Import of {0} cancelled: the library is unchanged").format(self._name))
            self.cancelled.emit()
            return
        from huashu.core.spreadsheet import EncodingError

        if isinstance(error.exception, EncodingError):
            # What went wrong, the encodings that work and the fix, each on its own line.
            self.failed.emit("\n".join(encoding_sentences(error.exception, error.exception.sentences)))
            return
        self.failed.emit(error.message)  # friendly_error words a coded error in the UI's language

    def _undo_failed(self, error: OpError) -> None:
        self.failed.emit(self.tr("This step could not be undone: {0}").format(error.message))


def export_op(path: Path) -> Callable[[Library], int]:
    """An operation writing the whole library to a CSV or XLSX file (Chinese headers, team-pack
    phrases marked in a 来源 column); returns the number of rows."""

    def op(lib: Library) -> int:
        from huashu.core.spreadsheet import write_phrase_sheet

        exported = lib.export_rows_with_sources()
        rows = [row for row, _pack in exported]
        return write_phrase_sheet(path, rows, sources=[pack for _row, pack in exported])

    return op
