"""Team-pack, channel, sheet and schema errors reach the agent in the UI's language: English when
switched to it, Chinese (as the command line says them) otherwise."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from huashu import __version__
from huashu.core import packs as core
from huashu.core import spreadsheet
from huashu.core.packs import PackPhrase
from huashu.gui import errors, i18n
from huashu.gui.errors import in_ui_language, storage_message
from huashu.gui.main_window import MainWindow
from huashu.gui.qt import QMessageBox, QWidget
from huashu.storage import library as library_module
from huashu.storage import migrations
from huashu.storage import packs as store
from huashu.storage.packs import AvailableUpdate, Channel

LEAD = core.PrivateKey(seed=b"E" * 32, publisher="总部客服部")


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def build(tmp: Path, version: int, *, min_app: str = core.DEFAULT_MIN_APP) -> Path:
    phrases = [PackPhrase(uid="a", category="团队/售后", title="团队退款", text="退款会在3个工作日内原路退回")]
    pack = core.make_pack(name="公司话术", version=version, key=LEAD, phrases=phrases, min_app=min_app)
    out = tmp / f"company-v{version}.huashu"
    core.write_pack(out, pack, LEAD)
    return out


def refusal(  # type: ignore[no-untyped-def]
    qtbot, on_modal, window: MainWindow, path: Path, shot: Callable[[QMessageBox], object] | None = None
) -> str:
    """Install `path` as an agent does (File › Install team pack) and return the error box's text."""
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(box.text())
        if shot is not None:
            shot(box)
        box.accept()

    on_modal(QMessageBox, read)
    assert window.import_file(path)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    qtbot.waitUntil(lambda: not window.pack_flow.running, timeout=10000)
    return seen[0]


def tampered(tmp: Path) -> Path:
    data = bytearray(build(tmp, 1).read_bytes())
    data[-5] ^= 0xFF  # one byte of the content changed after signing
    bad = tmp / "tampered.huashu"
    bad.write_bytes(bytes(data))
    return bad


def chinese_refusal(path: Path) -> str:
    """What the command line says about a file that does not even verify."""
    with pytest.raises(core.PackError) as caught:
        core.read_pack(path)
    return str(caught.value)


# -- every code has an English wording ---------------------------------------------------------------


def _source(module: Any) -> str:
    return Path(module.__file__).read_text(encoding="utf-8")


def raised_codes() -> set[str]:
    """The codes the schema, sheet, import and pack modules give their errors and report lines."""
    found: set[str] = set()
    for module in (core, store, spreadsheet, migrations):
        source = _source(module)
        found |= set(re.findall(r'code="(\w+)"', source))
        found |= set(re.findall(r'default_code = "(\w+)"', source))
        found |= set(re.findall(r'code="\w+" if [^\n]* else "(\w+)"', source))
    found |= {code for _en, _zh, code in spreadsheet._CSV_ERRORS_ZH}
    # Made from the column (spreadsheet._empty).
    found |= {f"row_{column}_empty{merged}" for column in spreadsheet.PHRASE_REQUIRED for merged in ("", "_merged")}
    found |= set(re.findall(r'code="(\w+)"', _source(library_module)))
    return found


def test_every_pack_sheet_and_schema_code_has_an_english_wording(app) -> None:  # type: ignore[no-untyped-def]
    raised = raised_codes()
    worded = set(errors._ERROR_WORDINGS) | set(errors._CODED_WORDINGS)
    assert {"pack_signature_invalid", "columns_missing", "schema_too_new", "row_duplicate"} <= raised
    assert raised <= worded, raised - worded
    assert not set(errors._ERROR_WORDINGS) & set(errors._CODED_WORDINGS)
    i18n.install_translators(app, "en")
    computed = {
        "@row": {"row": "<row>"},
        "@where": {"row": "<row>", "column": "<column>", "offset": "<offset>"},
        "@missing": {"missing": "<missing>", "columns": "<columns>"},
    }
    for code, (text, keys) in errors._CODED_WORDINGS.items():
        # Each value named once, in order, so a translation can move it where its language wants it.
        assert re.findall(r"\{(\d+)\}", text) == [str(n) for n in range(len(keys))], code
        details: dict[str, str] = {}
        for key in keys:
            details |= computed.get(key, {key: f"<{key}>"})
        message = storage_message(spreadsheet.CodedText("中文原文", code=code, details=details))
        assert message is not None and not has_chinese(message), (code, message)
        for value in details.values():
            assert value in message, (code, message)


def test_a_list_is_listed_the_ui_languages_way(app) -> None:  # type: ignore[no-untyped-def]
    line = spreadsheet.CodedText(
        "含服务忌语: 我不知道、没办法（已导入，请修改）",
        code="forbidden_words_imported",
        details={"words": ["我不知道", "没办法"]},
    )
    i18n.install_translators(app, "en")
    assert in_ui_language(line) == "Contains forbidden phrases: 我不知道, 没办法 (imported; please change it)."
    i18n.install_translators(app, "zh_CN")
    assert in_ui_language(line) == "含服务忌语: 我不知道、没办法（已导入，请修改）"


def test_without_a_code_the_chinese_message_stays(app) -> None:  # type: ignore[no-untyped-def]
    i18n.install_translators(app, "en")
    uncoded = core.PackError("话术包中的发布者公钥与签名私钥不一致")
    assert uncoded.code is None and in_ui_language(uncoded) == "话术包中的发布者公钥与签名私钥不一致"
    assert in_ui_language("标题过长，已截断") == "标题过长，已截断"
    newer = spreadsheet.CodedText("新版本的说法", code="from_a_newer_version")
    assert in_ui_language(newer) == "新版本的说法"
    assert in_ui_language(ValueError("boom"), "出错了") == "出错了"


# -- installing a pack from the window ---------------------------------------------------------------


def test_a_tampered_pack_is_refused_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window: MainWindow, tmp_path: Path, shot: Callable[[QWidget, str], object]
) -> None:
    bad = tampered(tmp_path)
    count = window.ctx.lib.count_phrases()
    i18n.install_translators(app, "en")
    shown: list[QMessageBox] = []

    def read(box: QMessageBox) -> None:
        shown.append(box)
        shot(box, "pack-tampered-en")
        box.accept()

    on_modal(QMessageBox, read)
    assert window.import_file(bad)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0].text() == (
        "The signature is not valid, so the team pack was refused: the file is damaged (its content does"
        " not match its signature; it may have been changed on the way or by another program). Please ask"
        " your team lead for the original file again."
    )
    assert window.ctx.lib.count_phrases() == count


def test_in_chinese_a_tampered_pack_is_refused_as_the_command_line_says(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window: MainWindow, tmp_path: Path, shot: Callable[[QWidget, str], object]
) -> None:
    bad = tampered(tmp_path)
    i18n.install_translators(app, "zh_CN")
    text = refusal(qtbot, on_modal, window, bad, shot=lambda box: shot(box, "pack-tampered-zh"))
    assert text == chinese_refusal(bad) and text.startswith("签名无效，已拒绝")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "The team pack “公司话术” v2 is installed; this file is the older v1, not an update, so it was refused.",
        ),
        ("zh_CN", "话术包“公司话术”已安装 v2，这个文件是旧版本 v1，不是更新，已拒绝"),
    ],
)
def test_an_older_pack_is_refused_in_the_ui_language(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window: MainWindow, tmp_path: Path, language: str, expected: str
) -> None:
    store.trust_key(window.ctx.lib, LEAD.public_key, "总部客服部")
    store.install_file(window.ctx.lib, build(tmp_path, 2))
    older = build(tmp_path, 1)
    i18n.install_translators(app, language)
    assert refusal(qtbot, on_modal, window, older) == expected
    assert [p.version for p in store.installed_packs(window.ctx.lib) if p.name == "公司话术"] == [2]


def test_a_pack_sent_as_text_is_called_damaged_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window: MainWindow, tmp_path: Path
) -> None:
    good = build(tmp_path, 1).read_bytes()
    mangled = tmp_path / "mailed.huashu"
    mangled.write_bytes(good.replace(b"\n", b"\r\n", 1))  # a mail program turned the first line's end into CRLF
    i18n.install_translators(app, "en")
    assert refusal(qtbot, on_modal, window, mangled) == (
        "The team pack file is damaged (its line endings were converted: it was sent or edited as text);"
        " please ask your team lead for the original file again."
    )
    i18n.install_translators(app, "zh_CN")
    assert refusal(qtbot, on_modal, window, mangled) == chinese_refusal(mangled)


def test_a_pack_for_a_newer_huashu_says_so_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window: MainWindow, tmp_path: Path
) -> None:
    store.trust_key(window.ctx.lib, LEAD.public_key, "总部客服部")
    path = build(tmp_path, 1, min_app="99.0")
    i18n.install_translators(app, "en")
    assert refusal(qtbot, on_modal, window, path) == (
        f"The team pack “公司话术” needs Huashu 99.0 or newer (this is {__version__}); please update Huashu first."
    )


def test_a_file_that_is_not_a_pack_is_refused_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "notes.huashu"
    path.write_text("这不是话术包\n", encoding="utf-8")
    i18n.install_translators(app, "en")
    assert refusal(qtbot, on_modal, window, path) == "This is not a team pack file (its .huashu header is wrong)."


def test_an_update_that_cannot_be_downloaded_is_told_in_english(  # type: ignore[no-untyped-def]
    qtbot, app, on_modal, window: MainWindow
) -> None:
    # A loopback port nothing listens on: the download fails at once, as with a server that is down.
    url = "https://127.0.0.1:9/company.huashu"
    manifest = core.UrlManifest(manifest_url="https://127.0.0.1:9/company.json", version=2, sha256="0" * 64, url=url)
    channel = Channel(id=1, kind="url", location=manifest.manifest_url, added_at="", last_checked=None, last_error="")
    update = AvailableUpdate(channel, "company", "公司话术", 2, 1, manifest=manifest)
    window.pack_flow.available = [update]
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(box.text())
        box.accept()

    i18n.install_translators(app, "en")
    on_modal(QMessageBox, read)
    assert window.pack_flow.install_available()
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    assert seen[0].startswith(f"Could not connect to {url}: "), seen[0]
    assert not has_chinese(seen[0])
    assert not window.pack_flow.running and window.pack_flow.available == []
