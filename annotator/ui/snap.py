"""Word-boundary snapping and token-wise boundary moves (no spaCy: plain character classes).

A word character is a letter, digit, connector or combining mark; an apostrophe or hyphen
between two word characters joins them (``don't``, ``al-Nusra``). Snapping never splits a
word, so selecting part of a name with the mouse selects the whole name; holding Alt skips it.
"""

from __future__ import annotations

import unicodedata

_JOINERS = "'’-‐"


def is_word_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LNM" or cat == "Pc"


def _joined(text: str, i: int) -> bool:
    """Whether position ``i`` (between text[i-1] and text[i]) is inside a word."""
    if i <= 0 or i >= len(text):
        return False
    a, b = text[i - 1], text[i]
    if is_word_char(a) and is_word_char(b):
        return True
    if b in _JOINERS and is_word_char(a) and i + 1 < len(text) and is_word_char(text[i + 1]):
        return True
    if a in _JOINERS and is_word_char(b) and i >= 2 and is_word_char(text[i - 2]):
        return True
    # a combining mark belongs to the character before it
    return unicodedata.category(b)[0] == "M"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim surrounding white space and widen ``[start, end)`` to whole words.

    Returns the input unchanged when the selection holds only white space.
    """
    s, e = max(0, start), min(len(text), end)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s >= e:
        return start, end
    while _joined(text, s):
        s -= 1
    while _joined(text, e):
        e += 1
    return s, e


def _is_start(text: str, i: int) -> bool:
    return not text[i].isspace() and not _joined(text, i)


def _is_end(text: str, i: int) -> bool:
    return not text[i - 1].isspace() and not _joined(text, i)


def _next(text: str, pos: int, want_start: bool) -> int:
    """Next token start (or end) strictly after ``pos``; ``len(text)`` if none."""
    test = _is_start if want_start else _is_end
    for i in range(pos + 1, len(text)):
        if test(text, i):
            return i
    return len(text)


def _previous(text: str, pos: int, want_start: bool) -> int:
    """Previous token start (or end) strictly before ``pos``; 0 if none."""
    test = _is_start if want_start else _is_end
    for i in range(pos - 1, 0, -1):
        if test(text, i):
            return i
    return 0


def move_boundary(text: str, start: int, end: int, edge: str, direction: int) -> tuple[int, int]:
    """Move the ``edge`` ("start" or "end") of a span one token left (-1) or right (+1).

    The span never becomes empty and never leaves the text; an impossible move returns the span
    unchanged.
    """
    if edge == "start":
        s = _previous(text, start, True) if direction < 0 else _next(text, start, True)
        return (s, end) if 0 <= s < end else (start, end)
    e = _previous(text, end, False) if direction < 0 else _next(text, end, False)
    return (start, e) if start < e <= len(text) else (start, end)
