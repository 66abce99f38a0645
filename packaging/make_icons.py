"""Render resources/icons/huashu.svg into the PNG, ICO and ICNS files the builds need (Qt, no other tools)."""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data: (type, pixel size)
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)
# The app icon the window uses too; one source for every platform's icon files.
SVG = Path(__file__).resolve().parent.parent / "resources" / "icons" / "huashu.svg"


def render_pngs(svg: Path) -> dict[int, bytes]:
    """PNG bytes of the icon at every size in PNG_SIZES."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["make_icons"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    out: dict[int, bytes] = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        out[size] = bytes(data.data())
    del _app
    return out


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico with PNG-compressed entries (supported since Windows Vista)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries = b""
    payload = b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns made of PNG elements."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def build(out_dir: Path, svg: Path = SVG) -> dict[str, Path]:
    """Write huashu.ico, huashu.icns, huashu.svg and hicolor/NxN/apps/huashu.png under out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(svg)
    written: dict[str, Path] = {}
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        path = out_dir / "hicolor" / f"{size}x{size}" / "apps" / "huashu.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
    scalable = out_dir / "hicolor" / "scalable" / "apps" / "huashu.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(svg.read_bytes())
    written["png"] = out_dir / "huashu.png"
    written["png"].write_bytes(pngs[256])
    written["ico"] = out_dir / "huashu.ico"
    written["ico"].write_bytes(ico_bytes(pngs))
    written["icns"] = out_dir / "huashu.icns"
    written["icns"].write_bytes(icns_bytes(pngs))
    written["svg"] = out_dir / "huashu.svg"
    written["svg"].write_bytes(svg.read_bytes())
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/icons")
    for kind, path in build(target).items():
        print(f"{kind}: {path}")
