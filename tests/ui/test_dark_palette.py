"""The article view follows a dark system palette and keeps every highlight readable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from annotator.ui.colours import contrast_ratio, is_dark


def _dark_palette(base: QPalette) -> QPalette:
    pal = QPalette(base)
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.Base, "#1b1b1d"),
        (QPalette.ColorRole.AlternateBase, "#26262a"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.WindowText, "#e8e8e8"),
        (QPalette.ColorRole.ButtonText, "#e8e8e8"),
        (QPalette.ColorRole.Button, "#2d2d30"),
    ):
        pal.setColor(role, QColor(colour))
    return pal


def _highlight_contrasts(view) -> list[float]:
    """WCAG contrast of every formatted range (text colour on its fill) in the shown blocks."""
    text = view.palette().color(QPalette.ColorRole.Text).name()
    base = view.palette().color(QPalette.ColorRole.Base).name()
    ratios = []
    block = view.document().firstBlock()
    for _ in range(40):
        if not block.isValid():
            break
        for rng in block.layout().formats():
            fmt = rng.format
            bg = fmt.background().color().name() if fmt.background().style() != Qt.BrushStyle.NoBrush else base
            fg = fmt.foreground().color().name() if fmt.foreground().style() != Qt.BrushStyle.NoBrush else text
            ratios.append(contrast_ratio(fg, bg))

        block = block.next()
    return ratios


def test_view_follows_a_dark_palette_with_readable_highlights(open_window, qtbot, tmp_path):
    w = open_window()
    light = _highlight_contrasts(w.view)
    assert light and min(light) >= 4.5, min(light)
    w.view.setPalette(_dark_palette(w.view.palette()))
    qtbot.wait(50)
    assert is_dark(w.view.palette().color(QPalette.ColorRole.Base).name())
    dark = _highlight_contrasts(w.view)
    assert dark and min(dark) >= 4.5, min(dark)
    # the unformatted text is light on dark
    assert contrast_ratio("#e8e8e8", "#1b1b1d") >= 7
    w.grab().save(str(tmp_path / "dark.png"))  # looked at: darker fills, light text, readable
