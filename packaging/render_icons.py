"""Render resources/irdesk.svg to the PNG sizes of the freedesktop hicolor icon theme.

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py

writes resources/icons/hicolor/NxN/apps/irdesk.png for every size in SIZES. The
PNGs are committed: installing the desktop files then needs neither Qt nor an
SVG renderer, and menus that ignore scalable icons still get a sharp one.

Qt's own SVG renderer draws them so the icon looks the same as the window icon
irdesk sets from the SVG. The "IR" in the icon is set in DejaVu Sans Bold, which
irdesk ships; it is registered first so the result does not depend on the
fonts of the machine that renders.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "resources" / "irdesk.svg"
THEME = REPO / "resources" / "icons" / "hicolor"
FONT = REPO / "resources" / "fonts" / "DejaVuSans-Bold.ttf"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def icon_path(size: int) -> Path:
    return THEME / f"{size}x{size}" / "apps" / "irdesk.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    if QFontDatabase.addApplicationFont(str(FONT)) < 0:
        print(f"cannot load {FONT}", file=sys.stderr)
        return 1
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    for size in SIZES:
        target = icon_path(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(target), "PNG"):
            print(f"cannot write {target}", file=sys.stderr)
            return 1
        print(f"{target.relative_to(REPO)}: {size}x{size}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
