"""Colour arithmetic for readable highlights: WCAG contrast, blending, light/dark detection.

Pure functions over ``#RRGGBB`` strings so they can be tested without Qt; the highlighter turns
the results into ``QColor``.
"""

from __future__ import annotations

BLACK = "#000000"
WHITE = "#FFFFFF"
# Okabe-Ito blue: not used by the default entity labels, so claim marks never look like an entity.
CLAIM_LIGHT = "#0072B2"
CLAIM_DARK = "#8CC8F0"


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(v))):02X}" for v in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 = black, 1 = white)."""

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE


def blend(colour: str, base: str, amount: float) -> str:
    """``amount`` of ``colour`` over ``base`` (0 = base, 1 = colour)."""
    c, b = hex_to_rgb(colour), hex_to_rgb(base)
    return rgb_to_hex(tuple(b[i] + (c[i] - b[i]) * amount for i in range(3)))


def is_dark(base: str) -> bool:
    """True when the window background is dark (a dark system palette)."""
    return relative_luminance(base) < 0.2


def claim_colour(base: str) -> str:
    """Underline colour for claims that stays visible on the given page background."""
    return CLAIM_DARK if is_dark(base) else CLAIM_LIGHT
