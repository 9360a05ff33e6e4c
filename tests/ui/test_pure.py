"""The Qt-free parts of the UI: colours and contrast, word snapping, the article document."""

from __future__ import annotations

from annotator.domain.model import AnnotationRecord, SuggestionRecord
from annotator.domain.scheme import load_scheme
from annotator.resources import default_scheme_path
from annotator.services.annotate import ActionEffect
from annotator.ui import colours
from annotator.ui.document import ArticleDocument
from annotator.ui.snap import move_boundary, snap_to_words


def test_every_label_colour_gets_readable_text_in_both_fills():
    scheme = load_scheme(default_scheme_path())
    for base in ("#FFFFFF", "#1E1E1E"):
        for e in scheme.entities:
            for fill in (e.colour, colours.blend(e.colour, base, 0.38)):
                assert colours.contrast_ratio(colours.text_on(fill), fill) >= 4.5, (e.label, fill)
    assert colours.contrast_ratio(colours.claim_colour("#FFFFFF"), "#FFFFFF") >= 4.5
    assert colours.contrast_ratio(colours.claim_colour("#1E1E1E"), "#1E1E1E") >= 4.5


def test_snap_widens_to_words_and_trims_space():
    text = "The US-led coalition, said Lavrov’s aide."
    assert text[slice(*snap_to_words(text, 5, 8))] == "US-led"
    assert text[slice(*snap_to_words(text, 21, 30))] == "said Lavrov’s"
    assert snap_to_words(text, 3, 4) == (3, 4)  # only a space: unchanged
    t2 = "cafe\u0301 noir"
    assert t2[slice(*snap_to_words(t2, 0, 4))] == "cafe\u0301"  # never splits a combining mark


def test_move_boundary_by_tokens():
    text = "The US-led coalition, said Lavrov"
    s, e = 4, 10  # US-led
    assert text[slice(*move_boundary(text, s, e, "end", +1))] == "US-led coalition"
    assert text[slice(*move_boundary(text, s, e, "start", -1))] == "The US-led"
    assert move_boundary(text, s, e, "end", -1) == (s, e)  # one token: the span may not become empty
    assert move_boundary(text, 0, 3, "start", -1) == (0, 3)  # cannot leave the text
    assert move_boundary(text, 4, 6, "start", +1) == (4, 6)  # "US" inside "US-led": no token start


def _sugg(i, start, end, label="PERSON", kind="entity"):
    return SuggestionRecord(i, 1, kind, start, end, label)


def _ann(i, start, end, status="accepted", suggestion=None, label="PERSON"):
    return AnnotationRecord(i, f"u{i}", 1, "ana", "work", "entity", start, end, label, status, suggestion)


def test_document_apply_accept_undo_reject_and_navigation():
    text = "Alice met Bob.\nCarol called Dave in Paris."
    doc = ArticleDocument(1, text, [_sugg(1, 0, 5), _sugg(2, 10, 13), _sugg(3, 15, 20)], [])
    assert doc.block_starts == [0, 15]
    assert doc.first_open() == ("s", 1)
    assert doc.neighbour(("s", 1), +1) == ("s", 2)
    assert doc.neighbour(("s", 3), +1) is None
    change = doc.apply(ActionEffect(1, (_ann(7, 0, 5, suggestion=1),)))
    assert change.replaced == [(("s", 1), ("a", 7))] and not change.added and not change.removed
    assert doc.get(("a", 7)).decided and doc.open_count() == 2
    assert doc.next_open_after(0) == ("s", 2)
    # undo: the annotation goes, the suggestion is open again
    change = doc.apply(ActionEffect(1, (), ((7, 1),)))
    assert change.replaced == [(("a", 7), ("s", 1))] and doc.get(("a", 7)) is None
    # reject: not drawn, but listed
    doc.apply(ActionEffect(1, (_ann(8, 15, 20, "rejected", 3),)))
    assert ("a", 8) not in {i.key for i in doc.items()}
    assert ("a", 8) in {i.key for i in doc.all_items()}
    assert doc.keys_in_block(1) == set()
    assert [i.key for i in doc.at(11)] == [("s", 2)]
