"""Small icons drawn with QPainter, so they follow the palette and need no files.

Article status: an empty ring (new), a half-filled ring (in progress), a filled disc with a tick
(done), a ring with a slash (skipped): different shapes, not only different colours. Span
swatches show the label colour, filled for decisions and as an outline for suggestions.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZE = 16
DONE_COLOUR = "#009E73"  # Okabe-Ito bluish green
PROGRESS_COLOUR = "#E69F00"  # Okabe-Ito orange


def _canvas() -> tuple[QPixmap, QPainter]:
    pix = QPixmap(SIZE * 2, SIZE * 2)  # drawn at 2x for high-DPI screens
    pix.setDevicePixelRatio(2.0)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pix, painter


@lru_cache(maxsize=32)
def status_icon(status: str, ink: str) -> QIcon:
    """Icon of an article status; ``ink`` is the palette's text colour (for new and skipped)."""
    pix, p = _canvas()
    ring = QRectF(2.5, 2.5, SIZE - 5, SIZE - 5)
    if status == "done":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(DONE_COLOUR))
        p.drawEllipse(ring.adjusted(-1, -1, 1, 1))
        pen = QPen(QColor("#FFFFFF"), 2.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        path = QPainterPath(QPointF(4.8, 8.3))
        path.lineTo(7.0, 10.6)
        path.lineTo(11.3, 5.6)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
    elif status == "in_progress":
        p.setPen(QPen(QColor(PROGRESS_COLOUR), 1.8))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(ring)
        p.setBrush(QColor(PROGRESS_COLOUR))
        p.drawPie(ring, 90 * 16, 180 * 16)
    elif status == "skipped":
        p.setPen(QPen(QColor(ink), 1.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(ring)
        p.drawLine(QPointF(4.5, 11.5), QPointF(11.5, 4.5))
    else:
        p.setPen(QPen(QColor(ink), 1.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(ring)
    p.end()
    return QIcon(pix)


@lru_cache(maxsize=128)
def swatch_icon(colour: str, filled: bool, claim: bool = False) -> QIcon:
    """Colour chip of a span: filled once decided, outlined while suggested; claims are bars."""
    pix, p = _canvas()
    rect = QRectF(2, 4, SIZE - 4, SIZE - 8) if not claim else QRectF(2, 10, SIZE - 4, 3)
    p.setPen(QPen(QColor(colour), 1.5, Qt.PenStyle.SolidLine if filled else Qt.PenStyle.DashLine))
    p.setBrush(QColor(colour) if filled else Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(rect, 2, 2)
    p.end()
    return QIcon(pix)
