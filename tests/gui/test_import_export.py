"""Dropping a spreadsheet imports it in the background with a report; export writes the library out."""

from __future__ import annotations

from pathlib import Path

from huashu.core.spreadsheet import read_phrase_sheet
from huashu.gui.import_export import ImportReportDialog
from huashu.gui.qt import QMessageBox, QTextBrowser


def test_drop_a_csv_to_import_it(
    qtbot, idle, find, window, gui_lib, tmp_path: Path, shot, drop_files
) -> None:
    sheet = tmp_path / "团队话术.csv"
    sheet.write_text(
        "分类,标题,内容,快捷编码\n"
        "新品/耳机,耳机保修,您好，耳机保修期为[保修期=一年]。,/ejbx\n"
        "新品/耳机,耳机配对,请长按耳机按钮 XX 秒进入配对模式。,\n"
        "新品/耳机,坏模板,这是[坏的,\n",
        encoding="utf-8",
    )
    enter = drop_files(window, [sheet])
    assert enter.isAccepted()
    qtbot.waitUntil(lambda: window.import_flow.report_dialog is not None, timeout=10000)
    dialog = window.import_flow.report_dialog
    assert isinstance(dialog, ImportReportDialog) and dialog.isVisible()
    report = dialog.report
    assert (report.added, len(report.skipped), len(report.converted)) == (2, 1, 1)
    assert "新增 2 条" in dialog.summary.text() and "跳过 1 条" in dialog.summary.text()
    shot(dialog, "import-report")
    dialog.accept()
    idle(window)
    assert window.tree_data.total == gui_lib.count_phrases()
    find(window, "/ejbx")
    assert window.model.item(0).title == "耳机保修"


def test_the_report_names_overwritten_phrases_and_the_backup(
    qtbot, idle, window, gui_lib, lib_path: Path, tmp_path: Path, shot
) -> None:
    sheet = tmp_path / "组长.csv"
    sheet.write_text("分类,标题,内容\n问候与开场,电话接入问候,您好，这里是组长改过的开场白。\n", encoding="utf-8")
    assert window.import_file(sheet)
    qtbot.waitUntil(lambda: window.import_flow.report_dialog is not None, timeout=10000)
    dialog = window.import_flow.report_dialog
    details = dialog.findChild(QTextBrowser, "importDetails").toPlainText()
    assert "问候与开场 › 电话接入问候" in details
    assert dialog.report.backup and Path(dialog.report.backup).name in details
    assert Path(dialog.report.backup).parent == lib_path.parent / "backups"
    shot(dialog, "import-overwrote")
    dialog.accept()
    idle(window)


def test_other_files_are_not_accepted(window, tmp_path: Path, drop_files) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF")
    assert not drop_files(window, [other]).isAccepted()


def test_a_broken_file_gives_a_readable_message(qtbot, idle, on_modal, window, tmp_path: Path) -> None:
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"this is not a zip file")
    seen: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        seen.append(box.text())
        box.accept()

    on_modal(QMessageBox, read_and_close)
    assert window.import_file(broken)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert "Traceback" not in seen[0] and seen[0].strip()
    assert not window.import_flow.running


def test_export_writes_every_phrase(qtbot, idle, window, gui_lib, tmp_path: Path) -> None:
    for name in ("phrases.csv", "phrases.xlsx"):
        target = tmp_path / name
        window.export_file(target)
        idle(window)
        sheet = read_phrase_sheet(target)
        assert len(sheet.rows) == gui_lib.count_phrases()
        assert name in window.toast.text()


def test_a_workbook_of_several_sheets_is_reported_sheet_by_sheet(
    qtbot, idle, window, tmp_path: Path, shot
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "售前"
    first.append(["分类", "标题", "话术"])
    first.append(["售前", "尺码咨询", "您好，请问您平时穿什么尺码？"])
    second = book.create_sheet("售后")
    second.append(["分类", "标题", "话术"])
    second.append(["售后", "坏模板", "这是[坏的"])
    sheet = tmp_path / "分表.xlsx"
    book.save(sheet)
    assert window.import_file(sheet)
    qtbot.waitUntil(lambda: window.import_flow.report_dialog is not None, timeout=10000)
    dialog = window.import_flow.report_dialog
    details = dialog.findChild(QTextBrowser, "importDetails").toPlainText()
    assert "工作表“售后”第 2 行" in details
    shot(dialog, "import-sheets")
    dialog.accept()
    idle(window)
