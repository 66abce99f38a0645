"""Dropping a spreadsheet imports it in the background with a report; export writes the library out."""

from __future__ import annotations

import time
from pathlib import Path

from huashu.core.spreadsheet import read_phrase_sheet
from huashu.gui.import_export import ImportReportDialog
from huashu.gui.qt import QMessageBox, QPushButton, QTextBrowser, QTimer
from huashu.storage.library import Library


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
    assert dialog.title.text() == sheet.name
    assert dialog.count_texts() == ["新增 2 条", "更新 0 条", "未变 0 条", "跳过 1 条"]
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


# -- big imports: progress at once, Cancel, one undo step -------------------------------------------


def _big_sheet(path: Path, rows: int) -> Path:
    lines = [f"批量/组{i // 1000},标题{i},您好，这是第{i}条话术，订单[订单号]已发货。,,物流" for i in range(rows)]
    path.write_text("分类,标题,内容,快捷编码,标签\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _content(lib: Library) -> list[tuple[object, ...]]:
    return [tuple(row) for row in lib.conn.execute("SELECT * FROM phrases ORDER BY id")] + [
        tuple(row) for row in lib.conn.execute("SELECT * FROM categories ORDER BY id")
    ]


def test_an_import_of_20000_rows_shows_progress_and_is_one_undo_step(
    qtbot, idle, window, gui_lib: Library, lib_path: Path, tmp_path: Path, shot
) -> None:
    sheet = _big_sheet(tmp_path / "big20000.csv", 20_000)
    before = _content(gui_lib)
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    assert window.import_file(sheet)
    flow = window.import_flow
    assert flow.progress is not None and flow.progress.isVisible()  # at once, before a row is read
    assert sheet.name in flow.progress.labelText()
    qtbot.waitUntil(lambda: flow.progress is not None and flow.progress.maximum() > 0, timeout=20000)
    assert "20,000" in flow.progress.labelText()  # rows checked, then written, with counts
    shot(flow.progress, "import-progress")
    qtbot.waitUntil(lambda: flow.report_dialog is not None, timeout=60000)
    timer.stop()
    assert max(gaps) < 1.0, f"the window froze for {max(gaps):.2f} s"
    dialog = flow.report_dialog
    assert dialog.report.added == 20_000 and Path(dialog.report.backup).parent == lib_path.parent / "backups"
    dialog.accept()
    idle(window)
    imported = gui_lib.count_phrases()
    assert imported == window.tree_data.total > 20_000

    stack = window.ctx.undo
    assert stack.count() == 1 and sheet.name in stack.undoText()
    assert sheet.name in window.actions_by_name["undo"].text()
    started = time.monotonic()
    window.actions_by_name["undo"].trigger()
    idle(window, timeout=30000)
    assert time.monotonic() - started < 10
    assert _content(gui_lib) == before and window.tree_data.total == gui_lib.count_phrases() < imported
    assert sheet.name in window.toast.text()
    assert stack.canRedo() and sheet.name in stack.redoText()


def test_redo_imports_the_sheet_again_and_undo_puts_changed_phrases_back(
    qtbot, idle, find, window, gui_lib: Library, tmp_path: Path
) -> None:
    sheet = tmp_path / "组长.csv"
    sheet.write_text(
        "分类,标题,内容,快捷编码\n问候与开场,电话接入问候,组长改过的开场白。,\n新品/耳机,耳机保修,保修一年。,/ejbx\n",
        encoding="utf-8",
    )
    before = _content(gui_lib)
    assert window.import_file(sheet)
    qtbot.waitUntil(lambda: window.import_flow.report_dialog is not None, timeout=10000)
    report = window.import_flow.report_dialog.report
    assert (report.added, report.updated) == (1, 1) and report.backup
    window.import_flow.report_dialog.accept()
    idle(window)
    after = _content(gui_lib)
    window.ctx.undo.undo()
    idle(window)
    assert _content(gui_lib) == before
    window.ctx.undo.redo()
    idle(window)
    # The same phrases again, the added one under its first uid (its id and stamps are new).
    redone = {(row[1], row[4]) for row in _content(gui_lib) if len(row) > 6}
    assert redone == {(row[1], row[4]) for row in after if len(row) > 6}
    find(window, "/ejbx")
    assert window.model.item(0).title == "耳机保修"
    window.ctx.undo.undo()
    idle(window)
    assert _content(gui_lib) == before


def test_cancel_leaves_the_library_exactly_as_it_was(
    qtbot, idle, window, gui_lib: Library, tmp_path: Path, shot
) -> None:
    sheet = _big_sheet(tmp_path / "big-cancel.csv", 20_000)
    before = _content(gui_lib)
    undo_steps = window.ctx.undo.count()
    assert window.import_file(sheet)
    flow = window.import_flow
    qtbot.waitUntil(lambda: flow.progress is not None and flow.progress.value() > 0, timeout=20000)
    cancel = flow.progress.findChild(QPushButton)
    assert cancel is not None
    cancel.click()
    assert flow.progress.isVisible() and not cancel.isEnabled()  # until the import has really stopped
    shot(flow.progress, "import-cancelling")
    qtbot.waitUntil(lambda: not flow.running, timeout=30000)
    idle(window)
    assert flow.progress is None and flow.report_dialog is None
    assert _content(gui_lib) == before
    assert gui_lib.search("标题1") == [] and window.ctx.undo.count() == undo_steps
    assert sheet.name in window.toast.text()
    # The next import runs normally.
    small = tmp_path / "small.csv"
    small.write_text("分类,标题,内容\n新品,耳机,耳机保修一年。\n", encoding="utf-8")
    assert window.import_file(small)
    qtbot.waitUntil(lambda: flow.report_dialog is not None, timeout=10000)
    assert flow.report_dialog.report.added == 1
    flow.report_dialog.accept()
    idle(window)


def test_a_badly_encoded_file_is_refused_naming_its_row(
    qtbot, idle, on_modal, window, gui_lib: Library, tmp_path: Path
) -> None:
    sheet = tmp_path / "坏编码.csv"
    sheet.write_bytes("分类,标题,内容\n售后,退款,1-3天到账。\n售后,坏,".encode("gbk") + b"\xbb\n")
    before = _content(gui_lib)
    seen: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        seen.append(box.text())
        box.accept()

    on_modal(QMessageBox, read_and_close)
    assert window.import_file(sheet)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert "第 3 行第 6 个字符处" in seen[0] and "GB18030" in seen[0] and "另存为" in seen[0]
    assert "unrecognised" not in seen[0]
    assert _content(gui_lib) == before and window.ctx.undo.count() == 0


def test_an_export_from_the_app_is_readable_by_colleagues_and_has_chinese_headers(
    qtbot, idle, window, tmp_path: Path
) -> None:
    import os
    import stat

    mask = os.umask(0o022)
    try:
        target = tmp_path / "导出.csv"
        window.export_file(target)
        idle(window)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert target.read_text(encoding="utf-8-sig").splitlines()[0] == "分类,标题,内容,快捷编码,标签,备注"
