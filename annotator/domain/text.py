"""Text normalisation and the one mapping between Python and Qt offsets.

Everything outside the Qt widgets uses Python ``str`` indices (code points). Qt's text classes
count UTF-16 code units and rewrite some characters when text is loaded (CRLF, lone CR, U+2028,
U+2029 become paragraph breaks; a leading BOM disappears; U+FDD0/U+FDD1/U+FFFC are frame and
object markers). :func:`normalise_text` removes every such difference on import, so the stored
text is loaded into Qt unchanged and :class:`OffsetMap` is the only conversion needed.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right

# Characters Qt's QTextDocument treats specially; replaced on import so that a document shows
# exactly the stored text.
_QT_SPECIAL = {
    "\u2028": "\n",  # LINE SEPARATOR -> paragraph break in Qt
    "\u2029": "\n",  # PARAGRAPH SEPARATOR
    "\ufdd0": "\ufffd",  # QTextBeginningOfFrame
    "\ufdd1": "\ufffd",  # QTextEndOfFrame
    "\ufffc": "\ufffd",  # object replacement character (images in QTextDocument)
    "\x00": "\ufffd",  # NUL: truncates C strings and is invisible
}
# C0 controls other than TAB and LF, plus DEL and the C1 NEL: shown as nothing or as boxes; a form
# feed or vertical tab is a line break for some readers and not for others. Turned into spaces so
# offsets in a dataset mean the same to every consumer.
_CONTROL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\x85]")
_SPECIAL_RE = re.compile("[" + "".join(_QT_SPECIAL) + "]")
_TRAILING_WS_RE = re.compile(r"[ \t]+\n")


def normalise_text(text: str) -> str:
    """Return the canonical stored form of an article text.

    * a leading BOM (U+FEFF) is dropped;
    * CRLF and lone CR become LF; U+2028 and U+2029 become LF;
    * NUL and Qt's internal marker characters become U+FFFD;
    * other control characters become spaces;
    * trailing spaces at line ends and leading/trailing blank space of the whole text are removed.

    Idempotent: ``normalise_text(normalise_text(t)) == normalise_text(t)``.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPECIAL_RE.sub(lambda m: _QT_SPECIAL[m.group(0)], text)
    text = _CONTROL_RE.sub(" ", text)
    text = _TRAILING_WS_RE.sub("\n", text)
    # strip() also removes U+FEFF? No: str.strip removes whitespace only; a BOM left after
    # stripping leading whitespace is removed by the loop below to keep the function idempotent.
    text = text.strip()
    while text.startswith("\ufeff"):
        text = text[1:].strip()
    return text


def content_hash(text: str) -> str:
    """Stable hash of a normalised text, used to find duplicates and match articles across files."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class OffsetMap:
    """Converts between code-point offsets (Python) and UTF-16 offsets (Qt) for one text.

    Only characters outside the Basic Multilingual Plane differ (two UTF-16 units, one code
    point), so the map stores their positions and converts with a binary search: O(log n) per
    call, O(number of astral characters) memory.
    """

    __slots__ = ("_astral", "_astral_qt", "length", "qt_length")

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        # Qt position of the *first* unit of each astral character.
        self._astral_qt = [p + k for k, p in enumerate(self._astral)]
        self.length = len(text)
        self.qt_length = self.length + len(self._astral)

    def to_qt(self, index: int) -> int:
        """Code-point index -> UTF-16 position."""
        if not 0 <= index <= self.length:
            raise IndexError(f"offset {index} outside text of length {self.length}")
        return index + bisect_left(self._astral, index)

    def from_qt(self, pos: int) -> int:
        """UTF-16 position -> code-point index.

        A position inside a surrogate pair (between its two units) is rounded down to the start
        of that character, so a Qt selection never splits an emoji in the stored data.
        """
        if not 0 <= pos <= self.qt_length:
            raise IndexError(f"Qt position {pos} outside text of UTF-16 length {self.qt_length}")
        k = bisect_right(self._astral_qt, pos - 1)  # astral chars starting before pos
        if k and self._astral_qt[k - 1] == pos - 1:
            # pos is the low surrogate of astral char k-1: round down to its start
            return self._astral[k - 1]
        return pos - k


_SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
LEAD_TITLE_CHARS = 100


def lead_title(text: str) -> str:
    """A stand-in title for an article that has none: the first sentence of its first non-blank
    line, cut at a word boundary to about 100 characters (with "…")."""
    line = next((s.strip() for s in text.split("\n") if s.strip()), "")
    m = _SENTENCE_END_RE.search(line[20:])
    sentence = line[: 20 + m.end()] if m else line
    if len(sentence) <= LEAD_TITLE_CHARS:
        return sentence
    cut = sentence[:LEAD_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"
