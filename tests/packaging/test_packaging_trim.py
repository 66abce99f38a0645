"""packaging/trim.py: which Qt plugins, translations, libraries and package data the bundle keeps."""

from __future__ import annotations

import pytest
import trim


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6\\plugins\\platforms\\qoffscreen.dll", True),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/imageformats/libqico.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/imageformats/libqwebp.so", False),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", False),
        ("PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ],
)
def test_plugins(dest: str, kept: bool) -> None:
    assert trim.binary_kept((dest, "/src", "BINARY")) is kept


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/translations/qtbase_zh_TW.qm", False),
        ("PySide6/Qt/translations/qt_help_zh_CN.qm", False),
        ("PySide6/Qt/qml/QtQuick/Controls/qmldir", False),
        ("jieba/dict.txt", True),
        ("jieba/analyse/idf.txt", False),
        ("jieba/posseg/prob_emit.p", False),
        ("jieba/finalseg/prob_emit.p", False),
        ("jieba/lac_small/model_baseline/crfw", False),
        ("pypinyin/pinyin_dict.json", True),
        ("pypinyin/phrases_dict.json", True),
        ("pypinyin/core.pyi", False),
        ("opencc/config/t2s.json", True),
        ("opencc/config/s2t.json", False),
        ("opencc/dictionary/TSPhrases.txt", True),
        ("opencc/dictionary/HKVariants.txt", False),
        ("huashu/resources/library/default_library.csv", True),
        ("huashu/db/migrations/0001_initial.sql", True),
        ("nacl/py.typed", False),
        ("certifi/cacert.pem", True),
    ],
)
def test_data(dest: str, kept: bool) -> None:
    assert trim.data_kept((dest, "/src", "DATA")) is kept


def test_every_kept_package_file_exists_in_the_installed_packages() -> None:
    """The keep-lists name real files: a renamed dictionary would otherwise vanish from the bundle."""
    import importlib.util
    from pathlib import Path

    for package, files in trim.PACKAGE_DATA_KEEP.items():
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.origin is not None, package
        site = Path(spec.origin).parent.parent
        for name in files:
            assert (site / name).is_file(), name


def test_prune_keeps_what_roots_link_to_and_drops_the_rest() -> None:
    links = {
        "/s/QtWidgets.abi3.so": ["libQt6Widgets.so.6", "libQt6Core.so.6"],
        "/s/libQt6Widgets.so.6": ["libQt6Gui.so.6", "libc.so.6"],
        "/s/libQt6Gui.so.6": ["libQt6Core.so.6", "libQt6DBus.so.6"],
        "/s/libqxcb.so": ["libQt6XcbQpa.so.6"],
        "/s/libQt6XcbQpa.so.6": ["libxcb-cursor.so.0"],
        "/s/libQt6WaylandClient.so.6": ["libwayland-client.so.0"],
        "/s/libgtk-3.so.0": ["libgdk-3.so.0"],
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/s/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/s/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/s/libQt6Core.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6DBus.so.6", "/s/libQt6DBus.so.6", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/libQt6XcbQpa.so.6", "BINARY"),
        ("libxcb-cursor.so.0", "/s/libxcb-cursor.so.0", "BINARY"),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", "/s/libQt6WaylandClient.so.6", "BINARY"),
        ("libgtk-3.so.0", "/s/libgtk-3.so.0", "BINARY"),
        ("libgdk-3.so.0", "/s/libgdk-3.so.0", "BINARY"),
        ("libpython3.11.so.1.0", "/s/libpython3.11.so.1.0", "BINARY"),
    ]
    kept, dropped = trim.prune_unreachable(binaries, lambda path: links.get(path, []), trim.default_root)
    assert {d for d, _, _ in dropped} == {
        "PySide6/Qt/lib/libQt6WaylandClient.so.6",
        "libgtk-3.so.0",
        "libgdk-3.so.0",
    }
    assert len(kept) + len(dropped) == len(binaries)
    assert ("libpython3.11.so.1.0", "/s/libpython3.11.so.1.0", "BINARY") in kept


def test_size_report_lists_largest_first() -> None:
    entries = [("a", "/a", "DATA"), ("b", "/b", "DATA"), ("c", "/c", "DATA")]
    sizes = {"/a": 1_000_000, "/b": 3_000_000, "/c": 2_000_000}
    lines = trim.size_report(entries, sizes.__getitem__, top=2)
    assert [line.split()[-1] for line in lines] == ["b", "c"]
