"""What the PyInstaller spec leaves out of the bundle: unused Qt plugins, libraries, translations and data."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence

# A TOC entry of PyInstaller 6: (destination name, source path, typecode).
Entry = tuple[str, str, str]

# Qt plugins the app loads, by plugin type and file stem (Linux lib*.so, Windows *.dll, macOS lib*.dylib).
QT_PLUGINS_KEEP: dict[str, set[str]] = {
    # X11 (also used under Wayland through XWayland), Windows, macOS, and headless for the self-test.
    "platforms": {
        "libqxcb",
        "qwindows",
        "libqcocoa",
        "libqoffscreen",
        "qoffscreen",
        "libqminimal",
        "qminimal",
    },
    # Desktop portal file dialogs. The GTK3 theme is left out: it would bundle the build machine's GTK.
    "platformthemes": {"libqxdgdesktopportal"},
    # IBus and compose key input on Linux; fcitx5 installs its own plugin into the system Qt paths.
    "platforminputcontexts": {"libcomposeplatforminputcontextplugin", "libibusplatforminputcontextplugin"},
    "xcbglintegrations": {"libqxcb-glx-integration", "libqxcb-egl-integration"},
    "imageformats": {"libqico", "qico", "libqsvg", "qsvg", "libqicns"},
    "iconengines": {"libqsvgicon", "qsvgicon"},
    "styles": {"qmodernwindowsstyle", "qwindowsvistastyle", "libqmacstyle"},
}

# Qt's own catalogues: only the base strings (dialog buttons, context menus) in Simplified Chinese.
QT_TRANSLATIONS_KEEP = {"qtbase_zh_CN.qm"}

# Data files of third-party packages that the app reads; everything else in these packages is dropped.
PACKAGE_DATA_KEEP: dict[str, set[str]] = {
    "jieba": {"jieba/dict.txt"},  # the HMM model is Python code (finalseg/prob_*.py), not the .p pickles
    "opencc": {
        "opencc/config/t2s.json",
        "opencc/dictionary/TSCharacters.txt",
        "opencc/dictionary/TSPhrases.txt",
    },
    "pypinyin": {"pypinyin/pinyin_dict.json", "pypinyin/phrases_dict.json"},
}

_PLUGIN_STEM = re.compile(r"^([^.]+)")


def _dest(entry: Entry) -> str:
    return entry[0].replace("\\", "/")


def is_qt(dest: str) -> bool:
    return dest.startswith("PySide6/") or dest.startswith("shiboken6/")


def plugin_kept(dest: str) -> bool:
    """Whether a Qt plugin (destination path containing /plugins/<type>/<file>) is one the app uses."""
    parts = dest.split("/")
    if "plugins" not in parts:
        return True
    index = parts.index("plugins")
    if len(parts) < index + 3:
        return True
    kind = parts[index + 1]
    match = _PLUGIN_STEM.match(parts[index + 2])
    stem = match.group(1) if match else parts[index + 2]
    return stem in QT_PLUGINS_KEEP.get(kind, set())


def data_kept(entry: Entry) -> bool:
    dest = _dest(entry)
    name = dest.rsplit("/", 1)[-1]
    if is_qt(dest):
        if "/translations/" in dest:
            return name in QT_TRANSLATIONS_KEEP
        if "/qml/" in dest:
            return False
        return plugin_kept(dest)
    top = dest.split("/", 1)[0]
    if top in PACKAGE_DATA_KEEP:
        return dest in PACKAGE_DATA_KEEP[top]
    return not name.endswith(".pyi") and name != "py.typed"


def binary_kept(entry: Entry) -> bool:
    dest = _dest(entry)
    if is_qt(dest) and "/plugins/" in dest:
        return plugin_kept(dest)
    return "/qml/" not in dest


def _key(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].lower()


def prune_unreachable(
    binaries: Sequence[Entry],
    imports_of: Callable[[str], Iterable[str]],
    is_root: Callable[[Entry], bool],
) -> tuple[list[Entry], list[Entry]]:
    """Drop shared libraries that no root (extension module, kept plugin, interpreter) links to.

    PyInstaller resolved dependencies before the plugins were filtered, so libraries needed only by
    dropped plugins (Wayland, EGLFS, GTK, Qt Quick for the virtual keyboard...) are still listed.
    `imports_of(source_path)` lists the library names a binary links against.
    """
    by_key: dict[str, Entry] = {}
    for entry in binaries:
        if entry[2] != "SYMLINK":  # a link named like its target must not stand in for the real file
            by_key.setdefault(_key(entry[0]), entry)
    reachable: set[str] = set()
    todo = [entry for entry in binaries if is_root(entry)]
    for entry in todo:
        reachable.add(_key(entry[0]))
    while todo:
        entry = todo.pop()
        for name in imports_of(entry[1]):
            key = _key(name)
            if key in by_key and key not in reachable:
                reachable.add(key)
                todo.append(by_key[key])
    kept = [entry for entry in binaries if entry[2] == "SYMLINK" or _key(entry[0]) in reachable]
    dropped = [entry for entry in binaries if entry[2] != "SYMLINK" and _key(entry[0]) not in reachable]
    return kept, dropped


def drop_dangling_symlinks(*tocs: list[Entry]) -> list[list[Entry]]:
    """Remove SYMLINK entries (src is the target, relative to the link) whose target was dropped."""
    present = {_dest(e) for toc in tocs for e in toc if e[2] != "SYMLINK"}

    def target(entry: Entry) -> str:
        link_dir = posixpath.dirname(_dest(entry))
        return posixpath.normpath(posixpath.join(link_dir, entry[1].replace("\\", "/")))

    return [[e for e in toc if e[2] != "SYMLINK" or target(e) in present] for toc in tocs]


def default_root(entry: Entry) -> bool:
    """Extension modules, the Qt plugins that survived filtering, and the Python runtime itself."""
    dest = _dest(entry)
    name = dest.rsplit("/", 1)[-1].lower()
    return entry[2] == "EXTENSION" or "/plugins/" in dest or name.startswith(("libpython", "python3"))


def size_report(entries: Iterable[Entry], sizes: Callable[[str], int], top: int = 15) -> list[str]:
    """The largest entries, for the build log."""
    rows = sorted(((sizes(e[1]), _dest(e)) for e in entries), reverse=True)[:top]
    return [f"{size / 1e6:8.2f} MB  {dest}" for size, dest in rows]
