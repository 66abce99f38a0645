"""The import report's counts at every text size and width: each whole on one line, wrapping only between them."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtGui import QTextLayout  # measuring only: not one of the app's Qt names

from huashu.core.models import ImportReport
from huashu.gui.import_export import ImportReportDialog
from huashu.gui.qt import QCoreApplication, QLabel
from huashu.gui.settings import FONT_SIZES
from looks import apply_look, rect_in, settle

NAME = "团队话术2024年第三季度售后（华东区域，含门店）.xlsx"





def a_report() -> ImportReport:
    return ImportReport(added=12, updated=3, unchanged=1280, skipped=[], warnings=[(7, "标题过长，已截断")])


def expected_counts(report: ImportReport) -> list[str]:
    """The counts as the UI language words them (whatever the translation file says)."""

    def tr(source: str, n: int) -> str:
        return QCoreApplication.translate("ImportReportDialog", source).format(n)

    return [
        tr("{0} added", report.added),
        tr("{0} updated", report.updated),
        tr("{0} unchanged", report.unchanged),
        tr("{0} skipped", len(report.skipped)),
    ]


def shown_lines(label: QLabel) -> list[str]:
    """The lines a label shows its text on, laid out as Qt lays it out at the label's width."""
    text = label.text()
    if not label.wordWrap():
        return text.splitlines()
    layout = QTextLayout(text, label.font())
    layout.beginLayout()
    lines = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(label.contentsRect().width())
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def counts_cut(dialog: ImportReportDialog, counts: list[str]) -> list[str]:
    """Each count must be shown whole on one line of one label of the dialog."""
    lines = [
        line
        for label in dialog.findChildren(QLabel)
        if label.isVisible() and label.text()
        for line in shown_lines(label)
    ]
    return [count for count in counts if not any(count in line for line in lines)]


def count_layout_problems(dialog: ImportReportDialog) -> list[str]:
    """The counts are separate one-line labels, each at its full width, inside the dialog, in reading order."""
    labels = dialog.counts.widgets()
    problems = []
    for label in labels:
        assert isinstance(label, QLabel)
        if label.wordWrap():
            problems.append(f"{label.text()!r} may wrap")
        if label.width() < label.sizeHint().width() or label.height() < label.sizeHint().height():
            problems.append(f"{label.text()!r}: {label.size()} < {label.sizeHint()}")
        if not dialog.rect().contains(rect_in(label, dialog)):
            problems.append(f"{label.text()!r} outside the dialog")
    for a, b in combinations(labels, 2):
        if rect_in(a, dialog).intersects(rect_in(b, dialog)):
            problems.append(f"{a.text()!r} overlaps {b.text()!r}")
    places = [(rect_in(label, dialog).top(), rect_in(label, dialog).left()) for label in labels]
    if places != sorted(places):
        problems.append(f"counts out of reading order: {places}")
    title, body = rect_in(dialog.title, dialog), rect_in(dialog.counts, dialog)
    if title.bottom() >= body.top():
        problems.append("the counts run into the file name")
    if dialog.title.height() < dialog.title.heightForWidth(dialog.title.width()):
        problems.append("the file name is cut")
    return problems


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [0, 14, max(FONT_SIZES)])
def test_each_count_stays_whole_at_every_width(
    qtbot, window, shot, size: int, language: str, theme: str
) -> None:  # type: ignore[no-untyped-def]
    """ "跳过 0 / 条": the summary wrapped inside a count at 14 pt. Now each count is one unbreakable label."""
    apply_look(window, language, size, theme)
    report = a_report()
    dialog = ImportReportDialog(Path(NAME), report, window, undoable=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot)
    counts = expected_counts(report)
    tag = f"{language}-{size or 'default'}-{theme}"
    shot(dialog, f"import-report-{tag}")
    assert counts_cut(dialog, counts) == []
    assert dialog.count_texts() == counts
    assert count_layout_problems(dialog) == []
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    # As narrow as the dialog goes, and every width in between: the counts move to new lines whole.
    widest = dialog.width()
    narrowest = dialog.minimumSizeHint().width()
    rows_seen = set()
    for width in range(widest, narrowest - 1, -max(1, (widest - narrowest) // 12)):
        dialog.resize(width, dialog.height())
        settle(qtbot)
        assert counts_cut(dialog, counts) == [], width
        assert count_layout_problems(dialog) == [], width
        rows_seen.add(len({rect_in(label, dialog).top() for label in dialog.counts.widgets()}))
    assert max(rows_seen) > 1  # the narrow dialog did wrap them
    shot(dialog, f"import-report-narrow-{tag}")
    dialog.reject()


def test_a_dropped_sheet_reports_its_counts_whole(
    qtbot, idle, window, tmp_path: Path, shot, drop_files
) -> None:  # type: ignore[no-untyped-def]
    apply_look(window, "zh_CN", 14, "light")
    sheet = tmp_path / NAME.replace(".xlsx", ".csv")
    sheet.write_text(
        "分类,标题,内容\n新品/耳机,耳机保修,您好，耳机保修期为一年。\n新品/耳机,坏模板,这是[坏的\n", encoding="utf-8"
    )
    assert drop_files(window, [sheet]).isAccepted()
    qtbot.waitUntil(lambda: window.import_flow.report_dialog is not None, timeout=10000)
    dialog = window.import_flow.report_dialog
    assert isinstance(dialog, ImportReportDialog)
    settle(qtbot)
    counts = expected_counts(dialog.report)
    assert dialog.count_texts() == counts and dialog.title.text() == sheet.name
    assert counts_cut(dialog, counts) == [] and count_layout_problems(dialog) == []
    # The skipped count is the one in the warning colour, the others in the text's.
    skipped = dialog.counts.widgets()[3]
    assert "color" in skipped.styleSheet() and not dialog.counts.widgets()[0].styleSheet()
    shot(dialog, "import-report-dropped-zh_CN-14")
    dialog.accept()
    idle(window)
