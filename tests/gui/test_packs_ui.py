"""Team packs in the window: an unknown key asks for trust, the preview shows the diff, cancel changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from huashu.core import packs as core
from huashu.core.packs import PackPhrase
from huashu.gui.main_window import MainWindow
from huashu.gui.pack_flow import PackPreviewDialog, TrustDialog
from huashu.gui.qt import QApplication, QDialog, QLabel, QWidget
from huashu.storage import packs as store

LEAD = core.PrivateKey(seed=b"G" * 32, publisher="总部客服部")


def build(tmp: Path, version: int, texts: dict[str, str]) -> Path:
    phrases = [
        PackPhrase(uid=uid, category="团队/售后", title=f"团队{uid}", text=text)
        for uid, text in texts.items()
    ]
    pack = core.make_pack(name="公司话术", version=version, key=LEAD, phrases=phrases)
    out = tmp / f"company-v{version}.huashu"
    core.write_pack(out, pack, LEAD)
    return out


def dialog_of(kind: type[QDialog]) -> QDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


def test_install_asks_trust_then_previews_then_applies(
    qtbot,
    window: MainWindow,
    tmp_path: Path,
    idle: Callable[..., None],
    shot: Callable[[QWidget, str], object],
) -> None:
    v1 = build(tmp_path, 1, {"a": "退款会在3个工作日内原路退回", "b": "换货请在订单页申请"})
    assert window.import_file(v1)
    qtbot.waitUntil(lambda: dialog_of(TrustDialog) is not None, timeout=10000)
    trust = dialog_of(TrustDialog)
    assert trust is not None
    shot(trust, "pack-trust")
    assert any(LEAD.fingerprint in label.text() for label in trust.findChildren(QLabel))
    trust.accept()
    qtbot.waitUntil(lambda: dialog_of(PackPreviewDialog) is not None, timeout=10000)
    preview = dialog_of(PackPreviewDialog)
    assert isinstance(preview, PackPreviewDialog)
    assert "团队a" in preview.body.toPlainText()
    preview.accept()
    qtbot.waitUntil(lambda: window.ctx.lib.count_phrases() >= 279 and not window.ops.busy, timeout=10000)
    idle(window)
    assert store.is_trusted(window.ctx.lib, LEAD.public_key)
    assert {p.title for p in window.ctx.lib.phrases() if p.origin == "pack"} >= {"团队a", "团队b"}

    # The update's preview shows what changed in the text; cancelling leaves the library as it was.
    v2 = build(tmp_path, 2, {"a": "退款会在1-3个工作日内原路退回", "c": "新话术"})
    before = [(p.uid, p.text) for p in window.ctx.lib.phrases()]
    assert window.import_file(v2)
    qtbot.waitUntil(lambda: dialog_of(PackPreviewDialog) is not None, timeout=10000)
    preview = dialog_of(PackPreviewDialog)
    assert isinstance(preview, PackPreviewDialog)
    html = preview.body.toHtml()
    assert "<s" in html and "1-" in preview.body.toPlainText()
    assert "团队b" in preview.body.toPlainText()  # removed
    shot(preview, "pack-preview")
    preview.reject()
    qtbot.wait(200)
    idle(window)
    assert [(p.uid, p.text) for p in window.ctx.lib.phrases()] == before
    assert not window.pack_flow.running


def test_a_tampered_pack_is_refused_with_a_message(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    good = build(tmp_path, 1, {"a": "您好"})
    data = bytearray(good.read_bytes())
    data[-5] ^= 0xFF
    bad = tmp_path / "bad.huashu"
    bad.write_bytes(bytes(data))
    errors: list[str] = []
    monkeypatch.setattr("huashu.gui.dialogs.show_error", lambda _parent, message: errors.append(message))
    count = window.ctx.lib.count_phrases()
    assert window.import_file(bad)
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "Traceback" not in errors[0] and errors[0]
    assert window.ctx.lib.count_phrases() == count


def test_dropping_a_pack_on_the_window_starts_the_install(
    qtbot, window: MainWindow, tmp_path: Path, drop_files
) -> None:  # type: ignore[no-untyped-def]
    path = build(tmp_path, 1, {"a": "您好"})
    assert drop_files(window, [path]).isAccepted()
    qtbot.waitUntil(lambda: dialog_of(TrustDialog) is not None, timeout=10000)
    trust = dialog_of(TrustDialog)
    assert trust is not None
    trust.reject()
    qtbot.wait(100)
    assert not window.pack_flow.running


def test_declining_an_unknown_key_is_quiet_no_traceback(
    qtbot, window: MainWindow, tmp_path: Path, idle: Callable[..., None], caplog, capfd, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Answering no to "trust this key?" is an answer, not a failure: nothing installed, no error
    box, and neither the log nor stderr gets a traceback (the question itself logged one)."""
    import logging

    errors: list[str] = []
    monkeypatch.setattr("huashu.gui.dialogs.show_error", lambda _parent, message: errors.append(message))
    path = build(tmp_path, 1, {"a": "您好"})
    before = [(p.uid, p.text) for p in window.ctx.lib.phrases()]
    capfd.readouterr()
    with caplog.at_level(logging.DEBUG):
        assert window.import_file(path)
        qtbot.waitUntil(lambda: dialog_of(TrustDialog) is not None, timeout=10000)
        trust = dialog_of(TrustDialog)
        assert trust is not None
        trust.reject()
        qtbot.waitUntil(lambda: not window.pack_flow.running, timeout=10000)
        idle(window)
    assert errors == []
    assert [(p.uid, p.text) for p in window.ctx.lib.phrases()] == before
    assert not store.is_trusted(window.ctx.lib, LEAD.public_key)
    assert not any(record.exc_info or "Traceback" in record.getMessage() for record in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    said = [r.getMessage() for r in caplog.records if r.name == "huashu.gui.pack_flow"]
    assert said == [f"team pack {path.name} not installed: its key {LEAD.fingerprint} was not trusted"]
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "PackUntrustedError" not in out + err
    # Asked again, the same file asks again: declining left nothing half done.
    assert window.import_file(path)
    qtbot.waitUntil(lambda: dialog_of(TrustDialog) is not None, timeout=10000)
    trust = dialog_of(TrustDialog)
    assert trust is not None
    trust.reject()
    qtbot.waitUntil(lambda: not window.pack_flow.running, timeout=10000)


def test_a_refused_pack_says_why_without_a_traceback(
    qtbot, window: MainWindow, tmp_path: Path, caplog, capfd, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import logging

    store.trust_key(window.ctx.lib, LEAD.public_key, "总部客服部")
    store.install_file(window.ctx.lib, build(tmp_path, 2, {"a": "您好"}))
    older = build(tmp_path, 1, {"a": "您好"})
    errors: list[str] = []
    monkeypatch.setattr("huashu.gui.dialogs.show_error", lambda _parent, message: errors.append(message))
    capfd.readouterr()
    with caplog.at_level(logging.DEBUG):
        assert window.import_file(older)
        qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "v2" in errors[0] and "Traceback" not in errors[0]
    assert not any(record.exc_info or "Traceback" in record.getMessage() for record in caplog.records)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert not window.pack_flow.running


def test_a_folder_channel_offers_the_new_pack(qtbot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    build(folder, 1, {"a": "您好"})
    store.trust_key(window.ctx.lib, LEAD.public_key, "总部客服部")
    store.add_channel(window.ctx.lib, str(folder))
    found: list[list[object]] = []
    window.pack_flow.updates_found.connect(found.append)
    window.pack_flow.check_channels()
    qtbot.waitUntil(lambda: bool(found), timeout=10000)
    assert [u.version for u in found[0]] == [1]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog_of(PackPreviewDialog) is not None, timeout=10000)
    preview = dialog_of(PackPreviewDialog)
    assert preview is not None
    preview.accept()
    qtbot.waitUntil(lambda: any(p.origin == "pack" for p in window.ctx.lib.phrases()), timeout=10000)
    qtbot.waitUntil(lambda: not window.pack_flow.running, timeout=10000)
    found.clear()
    window.pack_flow.check_channels()
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=10000)
    assert found == []  # installed: nothing new to offer


def test_a_declined_channel_update_is_not_pushed_again(qtbot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    build(folder, 1, {"a": "您好"})
    store.trust_key(window.ctx.lib, LEAD.public_key, "总部客服部")
    store.add_channel(window.ctx.lib, str(folder))
    window.pack_flow.check_channels()
    qtbot.waitUntil(lambda: dialog_of(PackPreviewDialog) is not None, timeout=10000)
    preview = dialog_of(PackPreviewDialog)
    assert preview is not None
    preview.reject()
    qtbot.waitUntil(lambda: not window.pack_flow.running, timeout=10000)
    found: list[list[object]] = []
    window.pack_flow.updates_found.connect(found.append)
    window.pack_flow.check_channels()
    qtbot.wait(500)
    qtbot.waitUntil(lambda: not window.ops.busy and not window.pack_flow.io.busy, timeout=10000)
    assert found == [] and dialog_of(PackPreviewDialog) is None
    assert window.pack_flow.available == []
    # A newer version is offered again.
    build(folder, 2, {"a": "您好！"})
    window.pack_flow.check_channels()
    qtbot.waitUntil(lambda: bool(found), timeout=10000)
    assert [u.version for u in found[0]] == [2]  # type: ignore[attr-defined]


def test_asking_for_updates_offers_a_declined_one_again_or_says_none(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    quiet: list[bool] = []
    window.pack_flow.up_to_date.connect(lambda: quiet.append(True))
    window.actions_by_name["pack_updates"].trigger()
    qtbot.waitUntil(lambda: bool(quiet), timeout=10000)  # no channel at all: nothing new
    folder = tmp_path / "share"
    folder.mkdir()
    build(folder, 1, {"a": "您好"})
    store.trust_key(window.ctx.lib, LEAD.public_key, "总部客服部")
    store.add_channel(window.ctx.lib, str(folder))
    window.pack_flow.check_channels()
    qtbot.waitUntil(lambda: dialog_of(PackPreviewDialog) is not None, timeout=10000)
    preview = dialog_of(PackPreviewDialog)
    assert preview is not None
    preview.reject()
    qtbot.waitUntil(
        lambda: not window.pack_flow.running and dialog_of(PackPreviewDialog) is None, timeout=10000
    )
    window.actions_by_name["pack_updates"].trigger()
    qtbot.waitUntil(lambda: dialog_of(PackPreviewDialog) is not None, timeout=10000)


def test_enter_in_the_trust_question_does_not_trust(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Trusting a publisher's key takes a deliberate click: Enter (and Esc) answer no."""
    from huashu.core.packs import PackUntrustedError
    from huashu.gui.qt import Qt

    error = PackUntrustedError("untrusted", public_key=LEAD.public_key, publisher="总部客服部", pack_name="公司话术")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        dialog = TrustDialog(error)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.keyClick(dialog, key)
        assert dialog.result() == QDialog.DialogCode.Rejected
        assert not dialog.isVisible()


def test_the_preview_names_moved_shortcuts_and_phrases_taken_back(qtbot, shot) -> None:  # type: ignore[no-untyped-def]
    """An update that gives a kept favourite's shortcut to the lead's renamed phrase says so in the app."""
    old = PackPhrase(uid="old", category="售后", title="退款时效", text="3个工作日内退回", shortcut="/tk")
    installed = core.InstalledPack(
        manifest=core.make_pack(name="公司话术", version=1, key=LEAD, phrases=[old]).manifest,
        phrases=(core.InstalledPhrase(old, phrase_id=7, favorite=True),),
        rules=(),
        synonyms=(),
    )
    renamed = PackPhrase(uid="new", category="售后", title="退款到账时间", text="1-3个工作日内退回", shortcut="/tk")
    back = PackPhrase(uid="back", category="售后", title="换货流程", text="请在订单页申请换货")
    pack = core.make_pack(name="公司话术", version=2, key=LEAD, phrases=[renamed, back])
    preview = core.preview_pack(
        pack, installed, reclaimable={"back": core.InstalledPhrase(back, phrase_id=9, favorite=True)}
    )
    dialog = PackPreviewDialog(preview)
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.body.toPlainText()
    assert "快捷编码改为打开团队话术 (1)" in text
    assert "/tk → 退款到账时间" in text
    assert "“退款时效”已保留为个人话术，不再使用这个快捷编码" in text
    assert "您保留的话术回到话术包（不会重复） (1)" in text and "换货流程" in text
    shot(dialog, "pack-preview-moves")


def test_the_preview_strikes_removed_text_and_lists_each_shortcut_left_out(qtbot, shot) -> None:  # type: ignore[no-untyped-def]
    old = PackPhrase(uid="a", category="售后", title="催件回复", text="预计24小时内回复")
    installed = core.InstalledPack(
        manifest=core.make_pack(name="公司话术", version=1, key=LEAD, phrases=[old]).manifest,
        phrases=(core.InstalledPhrase(old, phrase_id=3),),
        rules=(),
        synonyms=(),
    )
    changed = PackPhrase(uid="a", category="售后", title="催件回复", text="预计12小时内回复")
    clash = PackPhrase(uid="b", category="售后", title="退款说明", text="退款原路返回", shortcut="/tk")
    pack = core.make_pack(name="公司话术", version=2, key=LEAD, phrases=[changed, clash])
    preview = core.preview_pack(pack, installed, taken_shortcuts={"/tk"})
    dialog = PackPreviewDialog(preview)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "退款说明" in dialog.body.toPlainText() and "/tk" in dialog.body.toPlainText()
    doc = dialog.body.document()
    struck = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().fontStrikeOut():
                struck.append(fragment.text())
            it += 1
        block = block.next()
    assert struck == ["4"]  # 24 → 12: "1" added before the kept "2", "4" struck out
    shot(dialog, "pack-preview-diff")
