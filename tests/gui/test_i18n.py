"""Translations: the committed .ts covers every UI string, compiles like lrelease, and Chinese has a CJK font."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from huashu.gui import i18n, theme
from huashu.gui.qt import QFontDatabase, QFontInfo, QKeySequence, QTranslator

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "huashu_zh_CN.ts"
TOOLS = Path(sys.executable).parent


def _tool(name: str) -> str | None:
    return shutil.which(f"pyside6-{name}", path=str(TOOLS)) or shutil.which(f"pyside6-{name}")


def test_every_message_is_translated() -> None:
    text = TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    messages = i18n.read_ts(TS)
    assert len(messages) > 200
    assert messages[("MainWindow", "Copied")] == "已复制"
    # Placeholders survive translation.
    for (_ctx, source), translation in messages.items():
        for n in range(5):
            assert (f"{{{n}}}" in source) == (f"{{{n}}}" in translation), source


def test_ts_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    lupdate = _tool("lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not available")
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "desktop" / "huashu" / "gui").glob("*.py"))
    subprocess.run(
        [lupdate, *sources, "-ts", str(fresh), "-locations", "none"], check=True, capture_output=True
    )
    import xml.etree.ElementTree as ET

    wanted = {
        (ctx.findtext("name"), msg.findtext("source"))
        for ctx in ET.parse(fresh).getroot().iter("context")
        for msg in ctx.iter("message")
    }
    missing = wanted - set(i18n.read_ts(TS))
    assert not missing, f"run lupdate and translate: {sorted(missing)[:10]}"


def test_in_memory_catalogue_matches_lrelease(tmp_path: Path) -> None:
    messages = i18n.read_ts(TS)
    ours = i18n.CatalogueTranslator(i18n.compile_qm(messages, "zh_CN"), len(messages))
    assert ours.language() == "zh_CN"
    lrelease = _tool("lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not available")
    qm = tmp_path / "huashu_zh_CN.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(qm)], check=True, capture_output=True)
    theirs = QTranslator()
    assert theirs.load(str(qm))
    for (context, source), translation in messages.items():
        assert ours.translate(context, source) == theirs.translate(context, source) == translation
    assert ours.translate("MainWindow", "not a message") == ""
    assert ours.translate("SomeOtherContext", "Copied") == ""


def test_install_and_switch(app) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui.qt import QCoreApplication

    installed = i18n.install_translators(app, "en")
    assert i18n.current_language() == "en" and "source" in installed
    assert QCoreApplication.translate("MainWindow", "Copied") == "Copied"
    installed = i18n.install_translators(app, "zh_CN")
    assert "huashu_zh_CN" in installed and "qtbase_zh_CN" in installed
    assert QCoreApplication.translate("MainWindow", "Copied") == "已复制"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"  # Qt 6 standard buttons
    assert i18n.language_for("zh_TW") == "zh_CN" and i18n.language_for("de_DE") == "en"


def test_a_ts_is_compiled_once_and_a_broken_cache_is_rebuilt(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui.qt import QCoreApplication
    from huashu.paths import user_cache_dir

    ts = Path(__file__).parents[2] / "resources" / "translations" / "huashu_zh_CN.ts"
    stale = user_cache_dir() / "translations" / "huashu_zh_CN-c0-0123456789abcdef.qm"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(i18n.QM_MAGIC)  # built from an older .ts (or by an older compiler)
    first = i18n._translator_from_ts(ts, "zh_CN")
    assert not stale.exists()
    cached = list((user_cache_dir() / "translations").glob("huashu_zh_CN-*.qm"))
    assert len(cached) == 1 and isinstance(first, i18n.CatalogueTranslator)
    again = i18n._translator_from_ts(ts, "zh_CN")
    assert not isinstance(again, i18n.CatalogueTranslator)  # loaded from the cache, not parsed
    assert again.translate("MainWindow", "Copied") == "已复制"
    cached[0].write_bytes(b"not a catalogue")
    rebuilt = i18n._translator_from_ts(ts, "zh_CN")
    assert isinstance(rebuilt, i18n.CatalogueTranslator) and rebuilt.translate("MainWindow", "Copied") == "已复制"
    assert cached[0].read_bytes().startswith(i18n.QM_MAGIC)
    assert QCoreApplication.translate("MainWindow", "Copied")  # the app's own translators are untouched


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="font names are per platform")
def test_chinese_renders_with_a_simplified_chinese_font(app) -> None:  # type: ignore[no-untyped-def]
    theme.apply(app, "light", 0)
    families = set(QFontDatabase.families())
    wanted = [f for f in theme.FONT_FAMILIES["linux"] if f in families]
    if not any("CJK SC" in f or "Han Sans" in f or "WenQuanYi" in f for f in wanted):
        pytest.skip("no Simplified Chinese font installed")
    assert QFontInfo(app.font()).family() == wanted[0]


def test_switching_language_keeps_the_search(qtbot, find, idle, window) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    find(window, "tk")
    rows = window.model.rowCount()
    try:
        qtbot.keySequence(window, QKeySequence("Ctrl+,"))
        dialog = window.settings_dialog
        dialog.tabs.setCurrentIndex(1)
        dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == "&File", timeout=3000)
        idle(window)
        assert window.search_box.text() == "tk" and window.model.rowCount() == rows
    finally:
        window.settings_applied.emit(replace(window.ctx.settings, language="zh_CN"))
    assert window.search_box.text() == "tk"
