"""Icons drawn from the shipped SVGs at the screen's pixel ratio, tinted to the theme."""

from __future__ import annotations

from functools import cache

from huashu.gui import theme
from huashu.gui.qt import QByteArray, QGuiApplication, QIcon, QPainter, QPixmap, QSize, QSvgRenderer, Qt
from huashu.paths import resource

APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


@cache
def _svg(name: str) -> str:
    return resource("icons", f"{name}.svg").read_text(encoding="utf-8")


def _render(svg: str, size: int, ratio: float) -> QPixmap:
    """Rasterise at device pixels so icons stay sharp on HiDPI screens (no scaled-up 1x bitmaps)."""
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _ratio() -> float:
    screen = QGuiApplication.primaryScreen()
    return max(1.0, screen.devicePixelRatio()) if screen is not None else 1.0


@cache
def app_icon() -> QIcon:
    """The app icon, drawn by Qt's SVG icon engine at whatever size the window manager asks for.

    Cached: checking that the engine is there renders it once (~4 ms), and the app, the main
    window and the tray all ask for it while starting.
    """
    icon = QIcon(str(resource("icons", "huashu.svg")))
    if icon.isNull() or (not icon.availableSizes() and icon.pixmap(16).isNull()):
        # Without the SVG icon engine plugin: fixed sizes rendered here.
        icon = QIcon()
        for size in APP_ICON_SIZES:
            icon.addPixmap(_render(_svg("huashu"), size, 1.0))
    return icon


def icon(name: str, color: str | None = None, size: int = 18) -> QIcon:
    """A monochrome UI icon in `color` (default: the theme's muted text colour)."""
    tint = color or theme.colors().muted
    return _tinted(name, tint, size, _ratio())


@cache
def _tinted(name: str, tint: str, size: int, ratio: float) -> QIcon:
    svg = _svg(name).replace("currentColor", tint)
    result = QIcon()
    result.addPixmap(_render(svg, size, ratio))
    if ratio != 1.0:
        result.addPixmap(_render(svg, size, 1.0))
    return result


def pixmap(name: str, color: str | None = None, size: int = 18) -> QPixmap:
    return icon(name, color, size).pixmap(QSize(size, size), _ratio())
