"""The one mapping between stored offsets and the widget: highlighted ranges and selections in
the real ArticleView agree with OffsetMap for text with emoji, ZWJ sequences, combining marks
and right-to-left scripts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor

from annotator.domain.model import AnnotationRecord
from annotator.domain.scheme import load_scheme
from annotator.domain.text import normalise_text
from annotator.resources import default_scheme_path
from annotator.ui.article_view import ArticleView
from annotator.ui.document import ArticleDocument

PIECES = st.sampled_from(
    [
        "a", "Z", " ", "\n", "é", "e\u0301", "👍", "👩\u200d👩\u200d👧", "🇺🇦", "שלום", "مرحبا", "\u200f",
        "𝔘", "中文", "—", "“", "x\u0308\u0323", "🏳️\u200d🌈", "\t",
    ]
)
TEXTS = st.lists(PIECES, min_size=1, max_size=40).map("".join).map(normalise_text).filter(bool)


def _record(start: int, end: int) -> AnnotationRecord:
    return AnnotationRecord(1, "u1", 1, "t", "work", "entity", start, end, "PERSON", "added")


def _covered(view: ArticleView) -> set[int]:
    """Qt positions that carry a highlight format, read back from the block layouts."""
    out: set[int] = set()
    block = view.document().firstBlock()
    while block.isValid():
        for fr in block.layout().formats():
            out.update(range(block.position() + fr.start, block.position() + fr.start + fr.length))
        block = block.next()
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, data=st.data())
def test_highlight_and_selection_match_offset_map(qtbot, text, data):
    n = len(text)
    start = data.draw(st.integers(0, n - 1))
    end = data.draw(st.integers(start + 1, n))
    doc = ArticleDocument(1, text, [], [_record(start, end)])
    view = ArticleView(load_scheme(default_scheme_path()))
    qtbot.addWidget(view)
    view.show_document(doc)
    assert view.toPlainText() == text  # loaded unchanged
    off = doc.offsets
    expected = set(range(off.to_qt(start), off.to_qt(end)))
    # paragraph separators are not characters of any block: they carry no format
    separators = {off.to_qt(i) for i, ch in enumerate(text) if ch == "\n"}
    assert _covered(view) == expected - separators
    # a selection made in the widget maps back to the same Python offsets
    cursor = view.textCursor()
    cursor.setPosition(off.to_qt(start))
    cursor.setPosition(off.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert view.selection() == (start, end)
    assert view.textCursor().selectedText().replace("\u2029", "\n") == text[start:end]
