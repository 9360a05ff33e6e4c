"""The review service: merged view, adjudication into the gold layer (durable, undoable), accept
everything agreed in one step, the review queue and progress."""

from __future__ import annotations

import pytest

from annotator.domain.errors import AnnotationError
from annotator.services.agreement import compute_agreement
from annotator.services.annotate import AnnotationSession
from annotator.services.review import ReviewSession
from annotator.store import open_project
from annotator.store import models as m
from tests.helpers import add_article, add_suggestion, span

TEXT = "Sergey Lavrov said that Moscow is ready. The minister added that talks in Geneva would go on."
TEXT2 = "Angela Merkel said that Berlin will help."


@pytest.fixture
def two_annotators(project):
    a = add_article(TEXT, title="Talks")
    s = {
        "lavrov": add_suggestion(a, *span(a, "Sergey Lavrov"), "PERSON"),
        "moscow": add_suggestion(a, *span(a, "Moscow"), "GPE"),
        "geneva": add_suggestion(a, *span(a, "Geneva"), "GPE"),
        "claim": add_suggestion(a, *span(a, "Moscow is ready"), "CLAIM", kind="claim", quote_type="indirect",
                                source_start=0, source_end=13, source_name="Sergey Lavrov", cue_start=14, cue_end=18),
    }
    alice, bob = AnnotationSession(project, "alice"), AnnotationSession(project, "bob")
    alice.accept(s["lavrov"].id)
    alice.accept(s["moscow"].id)
    alice.accept(s["geneva"].id, label="LOC")
    alice.accept(s["claim"].id, stance="neutral", source_type="government/official")
    bob.accept(s["lavrov"].id)
    bob.reject(s["moscow"].id)
    bob.accept(s["geneva"].id)
    bob.accept(s["claim"].id, stance="supports", source_type="government/official")
    bob.add(a.id, "claim", *span(a, "talks in Geneva would go on"), stance="neutral", source_name="the minister")
    return project, a, s


def keyed(view):
    return {(i.kind, view.text[i.start:i.end]): i for i in view.items}


def gold_rows(project):
    return sorted(
        (g.kind, g.label, g.start, g.end, g.status, g.stance, g.source_name, g.suggestion_id)
        for g in m.Annotation.select().where(m.Annotation.layer == "gold")
    )


def test_merged_view_marks_agreement_and_who_said_what(two_annotators):
    project, a, s = two_annotators
    view = ReviewSession(project, "rita").view(a.id)
    assert view.annotators == ("alice", "bob") and view.status == "new"
    items = keyed(view)
    lav = items[("entity", "Sergey Lavrov")]
    assert lav.agreed and lav.versions[0].annotators == ("alice", "bob") and lav.state == "open"
    mos = items[("entity", "Moscow")]
    assert not mos.agreed and mos.missing == ("bob",) and mos.rejected_by == ("bob",)
    assert mos.versions[0].annotators == ("alice",) and "missing" in mos.differences
    gen = items[("entity", "Geneva")]
    assert {v.annotators: v.spans[0].label for v in gen.versions} == {("alice",): "LOC", ("bob",): "GPE"}
    assert gen.differences == ("label",)
    claim = items[("claim", "Moscow is ready")]
    assert {v.spans[0].stance for v in claim.versions} == {"neutral", "supports"} and claim.differences == ("stance",)
    talks = items[("claim", "talks in Geneva would go on")]
    assert talks.missing == ("alice",) and talks.versions[0].annotators == ("bob",)
    assert (view.agreed, view.disagreements, view.open) == (1, 4, 5)


def test_adjudication_into_gold_is_durable_and_undoable(two_annotators, tmp_path):
    project, a, s = two_annotators
    rev = ReviewSession(project, "rita")
    items = keyed(rev.view(a.id))

    # accept everything agreed: one action
    res = rev.accept_agreed(a.id)
    assert len(res.annotation_ids) == 1
    assert rev.accept_agreed(a.id) is None  # nothing left
    gold = rev.session.annotations(a.id)
    assert [(g.label, g.status, g.suggestion_id) for g in gold] == [("PERSON", "accepted", s["lavrov"].id)]
    rev.undo()
    assert rev.session.annotations(a.id) == []
    rev.redo()
    assert len(rev.session.annotations(a.id)) == 1

    # choose bob's Geneva, then change to alice's: the first choice is replaced, not duplicated
    gen = items[("entity", "Geneva")]
    rev.accept(a.id, gen.key, "bob")
    rev.accept(a.id, gen.key, "alice")
    item = keyed(rev.view(a.id))[("entity", "Geneva")]
    assert item.state == "accepted" and item.chosen == ("alice",)
    assert [(g.label, g.status) for g in item.gold] == [("LOC", "corrected")]

    # the claim: alice's version, edited (stance); claim fields are copied
    claim = items[("claim", "Moscow is ready")]
    rev.accept(a.id, claim.key, "alice", stance="disputes")
    (gc,) = keyed(rev.view(a.id))[("claim", "Moscow is ready")].gold
    assert (gc.stance, gc.source_type, gc.source_name, gc.source_start, gc.cue_start, gc.quote_type) == (
        "disputes", "government/official", "Sergey Lavrov", 0, 14, "indirect")
    assert gc.suggestion_id == s["claim"].id

    # reject Moscow (alice alone): a rejected gold decision on the suggestion
    mos = items[("entity", "Moscow")]
    rev.reject(a.id, mos.key)
    assert keyed(rev.view(a.id))[("entity", "Moscow")].state == "rejected"
    # bob's extra claim: reject, then change one's mind and accept it (one gold row remains)
    talks = items[("claim", "talks in Geneva would go on")]
    rev.reject(a.id, talks.key)
    rev.accept(a.id, talks.key, "bob")
    rev.mark_reviewed(a.id)

    expected = [
        ("claim", "CLAIM", *span(a, "Moscow is ready"), "accepted", "disputes", "Sergey Lavrov", s["claim"].id),
        ("claim", "CLAIM", *span(a, "talks in Geneva would go on"), "added", "neutral", "the minister", None),
        ("entity", "LOC", *span(a, "Geneva"), "corrected", None, None, s["geneva"].id),
        ("entity", "GPE", *span(a, "Moscow"), "rejected", None, None, s["moscow"].id),
        ("entity", "PERSON", *span(a, "Sergey Lavrov"), "accepted", None, None, s["lavrov"].id),
    ]
    assert gold_rows(project) == sorted(expected)
    assert rev.progress().reviewed == 1 and rev.progress().total == 1
    # the annotators' work is untouched
    assert m.Annotation.select().where(m.Annotation.layer == "work").count() == 9

    # durable: reopen, same gold; the undo history survives
    path = project.path
    project.close()
    p2 = open_project(path)
    try:
        rev2 = ReviewSession(p2, "rita")
        assert gold_rows(p2) == sorted(expected)
        view = rev2.view(a.id)
        assert view.status == "done" and view.open == 0
        rev2.undo()  # un-mark reviewed
        assert rev2.view(a.id).status == "in_progress"
        rev2.undo()  # undo accepting bob's talks claim: back to the rejection
        assert keyed(rev2.view(a.id))[("claim", "talks in Geneva would go on")].state == "rejected"
        # agreement against gold now exists (gold status in progress counts as touched)
        rep = compute_agreement(p2)
        assert rep.has_gold and {g.a for g in rep.entities.gold} == {"alice", "bob"}
    finally:
        p2.close()


def test_errors(two_annotators):
    project, a, s = two_annotators
    rev = ReviewSession(project, "rita")
    items = keyed(rev.view(a.id))
    with pytest.raises(AnnotationError, match="no review item"):
        rev.accept(a.id, "entity:1:2", "alice")
    with pytest.raises(AnnotationError, match="has no version"):
        rev.accept(a.id, items[("claim", "talks in Geneva would go on")].key, "alice")
    with pytest.raises(AnnotationError, match="unknown stance"):
        rev.accept(a.id, items[("claim", "Moscow is ready")].key, "alice", stance="maybe")
    assert rev.session.annotations(a.id) == [] and not rev.can_undo()


def test_queue_orders_by_disagreement_and_progress(two_annotators):
    project, a, s = two_annotators
    b = add_article(TEXT2, title="Help")
    c = add_article("Nobody opened this one.", title="Untouched")
    for who in ("alice", "bob"):
        AnnotationSession(project, who).add(b.id, "entity", *span(b, "Angela Merkel"), "PERSON")
    rev = ReviewSession(project, "rita")
    q = rev.queue()
    assert [e.article_id for e in q] == [a.id, b.id]  # c was touched by nobody
    assert (q[0].disagreements, q[1].disagreements) == (4, 0)
    assert rev.next_article() == a.id and rev.next_article(after=a.id) == b.id
    assert (rev.progress().reviewed, rev.progress().total) == (0, 2)
    rev.accept_agreed(b.id)
    rev.mark_reviewed(b.id)
    assert rev.progress().reviewed == 1 and rev.progress().fraction == 0.5
    q = rev.queue()
    assert [e.article_id for e in q] == [a.id, b.id] and q[1].reviewed and q[1].status == "done"
    assert [e.article_id for e in rev.queue(include_reviewed=False)] == [a.id]
    assert c.id not in [e.article_id for e in q]


def test_review_after_merging_separate_files(tmp_path):
    """End to end: analysts label in their own files, the lead merges them and reviews."""
    from tests.test_merge import T1, build_alice, build_bob, build_review, merge

    paths = {n: tmp_path / f"{n}.sqlite" for n in ("alice", "bob", "review")}
    build_alice(paths["alice"])
    build_bob(paths["bob"])
    build_review(paths["review"])
    merge(paths["review"], paths["alice"], paths["bob"])
    p = open_project(paths["review"])
    try:
        art = m.Article.get(m.Article.title == T1.split()[0])
        rev = ReviewSession(p, "lead")
        view = rev.view(art.id)
        assert view.annotators == ("alice", "bob")
        items = keyed(view)
        assert items[("entity", "Lavrov")].agreed
        claim = items[("claim", "Moscow is ready")]
        assert set(claim.differences) >= {"stance", "source_type"}  # same speaker: Lavrov ~ Sergey Lavrov
        assert "source" not in claim.differences
        rev.accept_agreed(art.id)
        rev.accept(art.id, claim.key, "alice")
        assert sorted((g.kind, g.label, g.stance) for g in rev.session.annotations(art.id)) == [
            ("claim", "CLAIM", "neutral"), ("entity", "PERSON", None)]
        first = [e.article_id for e in rev.queue()][0]
        assert first == art.id  # the only article both touched, and it has disagreements
    finally:
        p.close()


def test_apply_batch_is_validated_before_anything_is_written(two_annotators):
    project, a, s = two_annotators
    gold = AnnotationSession(project, "rita", layer="gold")
    gold.accept(s["lavrov"].id)
    before = gold_rows(project)
    n_actions = m.Action.select().count()
    bad_batches = [
        [{"kind": "entity", "start": 0, "end": 6, "label": "GPE"}, {"kind": "entity", "start": 0, "end": 13, "label": "PERSON", "suggestion": s["lavrov"].id}],
        [{"kind": "entity", "start": 0, "end": 6, "label": "NOPE"}],
        [{"kind": "entity", "start": 5, "end": 5000, "label": "GPE"}],
        [{"kind": "claim", "start": 0, "end": 6, "stance": "maybe"}],
        [{"kind": "entity", "start": 0, "end": 6, "label": "GPE", "status": "accepted"}],
    ]
    for batch in bad_batches:
        with pytest.raises(AnnotationError):
            gold.apply_batch(a.id, "bad", add=batch)
    with pytest.raises(AnnotationError, match="already decided by rita in the gold layer"):
        gold.apply_batch(a.id, "dup", add=[{"kind": "entity", "start": 0, "end": 13, "label": "PERSON", "suggestion": s["lavrov"].id}])
    assert gold_rows(project) == before and m.Action.select().count() == n_actions
    # replacing in one step works: delete + insert of the same suggestion, one undo step
    (old,) = gold.annotations(a.id)
    gold.apply_batch(a.id, "swap", add=[{"kind": "entity", "start": 0, "end": 13, "label": "PERSON", "suggestion": s["lavrov"].id, "note": "checked"}], delete=[old.id])
    assert [(g.note, g.status) for g in gold.annotations(a.id)] == [("checked", "accepted")]
    gold.undo()
    assert gold_rows(project) == before
