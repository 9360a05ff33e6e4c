"""Text normalisation and the Python <-> Qt (UTF-16) offset mapping."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.text import OffsetMap, content_hash, normalise_text

# Characters that matter: astral emoji, ZWJ family sequences, combining marks, RTL, line and
# paragraph separators, NUL and other controls, BOM, CR/LF variants.
SPECIAL = [
    "😀", "👩\u200d👩\u200d👧", "🇺🇦", "e\u0301", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\u05e9\u05dc\u05d5\u05dd",
    "\u2028", "\u2029", "\x00", "\ufeff", "\r\n", "\r", "\n", "\t", "\x0b", "\x85", "\ufdd0", "\ufffc", "𝔘", "a", " ",
]
texts = st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=5)), max_size=40).map("".join)


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@given(texts)
@settings(max_examples=300)
def test_normalise_is_idempotent_and_removes_qt_rewrites(raw):
    t = normalise_text(raw)
    assert normalise_text(t) == t
    for bad in ("\r", "\u2028", "\u2029", "\x00", "\ufdd0", "\ufdd1", "\ufffc", "\x0b", "\x85"):
        assert bad not in t
    assert not t.startswith("\ufeff")


@given(texts)
@settings(max_examples=300)
def test_offset_map_round_trips_every_index(raw):
    t = normalise_text(raw)
    m = OffsetMap(t)
    assert m.qt_length == utf16_len(t)
    for i in range(len(t) + 1):
        q = m.to_qt(i)
        assert q == utf16_len(t[:i])
        assert m.from_qt(q) == i


@given(texts)
@settings(max_examples=200)
def test_offset_map_rounds_positions_inside_surrogate_pairs_down(raw):
    t = normalise_text(raw)
    m = OffsetMap(t)
    for p in range(m.qt_length + 1):
        i = m.from_qt(p)
        assert 0 <= i <= len(t)
        assert m.to_qt(i) <= p  # never past the position
        assert p - m.to_qt(i) <= 1  # at most the low surrogate of one character


def test_offset_map_rejects_out_of_range():
    m = OffsetMap("a😀")
    for bad in (-1, 3):
        try:
            m.to_qt(bad)
        except IndexError:
            pass
        else:
            raise AssertionError("expected IndexError")
    try:
        m.from_qt(4)
    except IndexError:
        pass
    else:
        raise AssertionError("expected IndexError")


def test_normalise_examples():
    assert normalise_text("\ufeffTitle\r\n\r\nBody\rMore\u2028x") == "Title\n\nBody\nMore\nx"
    assert normalise_text("  a  \n b\t\n") == "a\n b"
    assert normalise_text("a\x00b") == "a\ufffdb"


def test_content_hash_is_stable():
    assert content_hash("abc") == content_hash("abc") != content_hash("abd")
