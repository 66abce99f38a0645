"""The committed installer configs: Linux desktop entry and MIME type, Inno Setup, macOS plist, icons."""

from __future__ import annotations

import ast
import configparser
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
MIME = "application/x-huashu-pack"


def test_desktop_entry() -> None:
    path = PACKAGING / "linux" / "huashu.desktop"
    parser = configparser.RawConfigParser(delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name[zh_CN]"] == "话术助手"
    assert entry["Exec"].endswith("%f")
    assert entry["Icon"] == "huashu"
    assert entry["Terminal"] == "false"
    assert MIME in entry["MimeType"].split(";")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_mime_type() -> None:
    ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
    root = ET.parse(PACKAGING / "linux" / "huashu-mime.xml").getroot()
    assert root.tag == f"{ns}mime-info"
    (mime,) = root.findall(f"{ns}mime-type")
    assert mime.get("type") == MIME
    assert [g.get("pattern") for g in mime.findall(f"{ns}glob")] == ["*.huashu"]
    assert mime.find(f"{ns}icon").get("name") == "huashu"  # type: ignore[union-attr]
    comments = {
        c.get("{http://www.w3.org/XML/1998/namespace}lang"): c.text for c in mime.findall(f"{ns}comment")
    }
    assert comments[None] and comments["zh_CN"] == "话术包"


@pytest.mark.skipif(not shutil.which("update-mime-database"), reason="shared-mime-info not installed")
def test_mime_database_accepts_it(tmp_path: Path) -> None:
    (tmp_path / "packages").mkdir()
    shutil.copy(PACKAGING / "linux" / "huashu-mime.xml", tmp_path / "packages" / "huashu.xml")
    subprocess.run(["update-mime-database", str(tmp_path)], check=True, capture_output=True)
    assert f"{MIME}:*.huashu" in (tmp_path / "globs2").read_text()


def iss_text() -> str:
    raw = (PACKAGING / "windows" / "huashu.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM: Inno Setup before 6.3 needs it for the Chinese text"
    return raw[3:].decode("utf-8")


def iss_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        match = re.fullmatch(r"\[(\w+)\]", line)
        if match:
            current = match.group(1)
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def test_inno_setup_per_user_install_and_association() -> None:
    text = iss_text()
    sections = iss_sections(text)
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["PrivilegesRequiredOverridesAllowed"] == "commandline"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["ChangesAssociations"] == "yes"
    assert setup["AppId"] == "{{D6C35439-6451-478A-BD47-356E505E496D}"
    registry = "\n".join(sections["Registry"])
    assert all(line.startswith("Root: HKA;") for line in sections["Registry"]), "HKA follows the install mode"
    assert '"""{app}\\{#AppExe}"" ""%1"""' in registry  # huashu.exe "%1", both quoted
    assert "Software\\Classes\\{#AssocExt}\\OpenWithProgids" in registry
    icons = "\n".join(sections["Icons"])
    assert "{autoprograms}" in icons
    assert re.search(r"\{autostartup\}.*Tasks: autostart", icons)
    assert "createallsubdirs" in "\n".join(sections["Files"])
    assert '#define AssocExt ".huashu"' in text


def test_inno_setup_tasks_and_messages_are_defined() -> None:
    text = iss_text()
    sections = iss_sections(text)
    tasks = {re.match(r'Name: "(\w+)"', line).group(1) for line in sections["Tasks"]}  # type: ignore[union-attr]
    assert tasks == {"desktopicon", "assoc", "autostart"}
    used = set(re.findall(r"Tasks: (\w+)", text))
    assert used <= tasks
    autostart = next(line for line in sections["Tasks"] if '"autostart"' in line)
    assert "Flags: unchecked" in autostart, "autostart is optional and off by default"
    custom = {line.split("=", 1)[0] for line in sections["CustomMessages"]}
    for message in set(re.findall(r"\{cm:(\w+)", text)) - {
        "CreateDesktopIcon",
        "AdditionalIcons",
        "LaunchProgram",
    }:
        assert f"english.{message}" in custom, message
        assert f"chinesesimplified.{message}" in custom, message


def spec_bundle_plist() -> dict[str, object]:
    tree = ast.parse((PACKAGING / "huashu.spec").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "BUNDLE":
            for keyword in node.keywords:
                if keyword.arg == "info_plist":
                    assert isinstance(keyword.value, ast.Dict)
                    return {
                        ast.literal_eval(k): v  # type: ignore[arg-type]
                        for k, v in zip(keyword.value.keys, keyword.value.values, strict=True)
                    }
    raise AssertionError("no BUNDLE(..., info_plist=...) in huashu.spec")


def test_macos_bundle_plist() -> None:
    plist = spec_bundle_plist()
    assert ast.literal_eval(plist["LSUIElement"]) is False  # type: ignore[arg-type]
    assert ast.literal_eval(plist["NSHighResolutionCapable"]) is True  # type: ignore[arg-type]
    doc_types = plist["CFBundleDocumentTypes"]
    source = ast.unparse(doc_types)  # type: ignore[arg-type]
    assert "'CFBundleTypeExtensions': ['huashu']" in source
    assert "'CFBundleTypeRole': 'Viewer'" in source
    exported = ast.unparse(plist["UTExportedTypeDeclarations"])  # type: ignore[arg-type]
    assert "'public.filename-extension': ['huashu']" in exported
    assert MIME in exported


def test_spec_maps_resources_like_pyproject() -> None:
    spec = (PACKAGING / "huashu.spec").read_text(encoding="utf-8")
    assert 'tree(ROOT / "resources", "huashu/resources")' in spec
    assert 'tree(ROOT / "db", "huashu/db")' in spec
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"huashu.resources" = "resources"' in pyproject and '"huashu.db" = "db"' in pyproject


def test_icons_render(tmp_path: Path) -> None:
    import make_icons

    # In a subprocess: rendering creates a QGuiApplication, which must not leak into the GUI tests.
    subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), str(tmp_path)], check=True, capture_output=True
    )
    out = {kind: tmp_path / f"huashu.{kind}" for kind in ("ico", "icns", "png", "svg")}
    ico = out["ico"].read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    for i in range(count):
        width, _, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i])
        assert ico[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + size <= len(ico)
        assert width == (make_icons.ICO_SIZES[i] % 256)
    icns = out["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "huashu.png").is_file()
    assert (tmp_path / "hicolor" / "scalable" / "apps" / "huashu.svg").is_file()

    from PySide6.QtGui import QImage

    image = QImage(str(out["ico"]))
    assert not image.isNull() and image.width() in make_icons.ICO_SIZES
