"""Render the app icon (SVG) to the PNG sizes of the freedesktop hicolor theme, with Qt.

    python packaging/render_icons.py resources/icons/annotator.svg OUT_DIR

writes OUT_DIR/annotator.svg and OUT_DIR/hicolor/<N>x<N>/apps/annotator.png for each size, so
``install.sh`` can copy OUT_DIR/hicolor into ``~/.local/share/icons/`` as it is. PNGs are made at
build time rather than kept in the repository. Needs PySide6 (QtSvg is in PySide6-Essentials);
run with QT_QPA_PLATFORM=offscreen on a machine without a display.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, out: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # keeps Qt alive while rendering
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, out / "annotator.svg")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "annotator.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"render_icons: could not write {target}")
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / "annotator.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    for path in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
