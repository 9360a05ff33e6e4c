"""Every analyst action: one transaction, logged, undoable, durable across reopening."""

from __future__ import annotations

import pytest

from annotator.domain.errors import AnnotationError
from annotator.services.annotate import AnnotationSession
from annotator.store import open_project
from annotator.store import models as m
from tests.helpers import add_article, add_suggestion, span, table_snapshot

TEXT = "Sergey Lavrov said that Moscow is ready. The minister added that talks in Geneva would go on."


@pytest.fixture
def setup(project):
    a = add_article(TEXT, title="Talks")
    s_person = add_suggestion(a, *span(a, "Sergey Lavrov"), "PERSON")
    s_gpe = add_suggestion(a, *span(a, "Moscow"), "GPE")
    s_geneva = add_suggestion(a, *span(a, "Geneva"), "ORG")
    c = add_suggestion(a, *span(a, "Moscow is ready"), "CLAIM", kind="claim", quote_type="indirect",
                       source_start=0, source_end=13, source_name="Sergey Lavrov", cue_start=14, cue_end=18)
    return project, a, (s_person, s_gpe, s_geneva, c)


def test_accept_reject_and_open_suggestions(setup):
    project, a, (sp, sg, sge, c) = setup
    ses = AnnotationSession(project, "alice")
    assert len(ses.open_suggestions(a.id)) == 4
    ses.accept(sp.id)
    ses.reject(sg.id)
    anns = {x.label: x for x in ses.annotations(a.id)}
    assert anns["PERSON"].status == "accepted" and anns["PERSON"].suggestion_id == sp.id
    assert anns["GPE"].status == "rejected"
    assert [s.id for s in ses.open_suggestions(a.id)] == sorted([sge.id, c.id], key=lambda i: m.Suggestion[i].start)
    assert ses.status(a.id) == "in_progress"
    # another annotator still sees everything open
    assert len(AnnotationSession(project, "bob").open_suggestions(a.id)) == 4


def test_accept_with_changes_is_corrected_and_claim_fields_are_copied(setup):
    project, a, (sp, sg, sge, c) = setup
    ses = AnnotationSession(project, "alice")
    ses.accept(sge.id, label="GPE")
    ses.accept(c.id)
    anns = {x.kind + x.label: x for x in ses.annotations(a.id)}
    assert anns["entityGPE"].status == "corrected"
    claim = anns["claimCLAIM"]
    assert claim.status == "accepted"
    assert (claim.source_text, claim.source_name, claim.cue_start, claim.quote_type) == ("Sergey Lavrov", "Sergey Lavrov", 14, "indirect")


def test_relabel_resize_stance_source_and_status_rules(setup):
    project, a, (sp, sg, sge, c) = setup
    ses = AnnotationSession(project, "alice")
    aid = ses.accept(c.id).annotation_ids[0]
    ses.update(aid, stance="disputes", source_type="government/official", note="state line")
    rec = ses.annotations(a.id)[0]
    assert rec.status == "accepted"  # stance/source type are labels, not corrections
    assert (rec.stance, rec.source_type, rec.note) == ("disputes", "government/official", "state line")
    s, e = span(a, "The minister")
    ses.update(aid, source_start=s, source_end=e, source_name="Sergey Lavrov")
    rec = ses.annotations(a.id)[0]
    assert rec.status == "corrected" and rec.source_text == "The minister"
    pid = ses.accept(sp.id).annotation_ids[0]
    ses.update(pid, end=6)  # "Sergey"
    assert [x for x in ses.annotations(a.id) if x.id == pid][0].status == "corrected"


def test_add_and_delete(setup):
    project, a, _ = setup
    ses = AnnotationSession(project, "alice")
    s, e = span(a, "talks in Geneva would go on")
    r = ses.add(a.id, "claim", s, e, source_start=41, source_end=53, stance="neutral")
    rec = [x for x in ses.annotations(a.id) if x.id == r.annotation_ids[0]][0]
    assert rec.status == "added" and rec.source_text == "The minister" and rec.suggestion_id is None
    ses.delete(rec.id)
    assert ses.annotations(a.id) == []


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda ses, a: ses.add(a.id, "entity", 5, 2, "PERSON"), "empty or reversed"),
        (lambda ses, a: ses.add(a.id, "entity", 0, 10_000, "PERSON"), "outside the article text"),
        (lambda ses, a: ses.add(a.id, "entity", 0, 5, "NOPE"), "unknown label 'NOPE'"),
        (lambda ses, a: ses.add(a.id, "claim", 0, 5, stance="maybe"), "unknown stance 'maybe'"),
        (lambda ses, a: ses.add(a.id, "claim", 0, 5, source_type="alien"), "unknown source type 'alien'"),
        (lambda ses, a: ses.accept(999_999), "no suggestion with id 999999"),
        (lambda ses, a: ses.update(999_999, label="ORG"), "no annotation with id 999999"),
        (lambda ses, a: ses.undo(), "nothing to undo"),
        (lambda ses, a: ses.redo(), "nothing to redo"),
    ],
)
def test_invalid_actions_are_refused_and_write_nothing(setup, call, message):
    project, a, _ = setup
    ses = AnnotationSession(project, "alice")
    before = (m.Annotation.select().count(), m.Action.select().count(), m.Change.select().count())
    with pytest.raises(AnnotationError, match=message):
        call(ses, a)
    assert before == (m.Annotation.select().count(), m.Action.select().count(), m.Change.select().count())


def test_empty_annotator_name_is_refused(project):
    with pytest.raises(AnnotationError, match="must not be empty"):
        AnnotationSession(project, "  ")


def test_every_action_undoes_and_redoes_exactly(setup):
    project, a, (sp, sg, sge, c) = setup
    ses = AnnotationSession(project, "alice")
    states = [table_snapshot()]
    pid = ses.accept(sp.id).annotation_ids[0]
    states.append(table_snapshot())
    ses.reject(sg.id)
    states.append(table_snapshot())
    ses.update(pid, label="ORG", start=7)
    states.append(table_snapshot())
    ses.accept_all(a.id)
    states.append(table_snapshot())
    cid = [x for x in ses.annotations(a.id) if x.kind == "claim"][0].id
    ses.update(cid, stance="supports")
    states.append(table_snapshot())
    ses.delete(pid)
    states.append(table_snapshot())
    ses.set_status(a.id, "done")
    states.append(table_snapshot())
    ses.set_article_note(a.id, "check the date")
    states.append(table_snapshot())
    for expected in reversed(states[:-1]):
        ses.undo()
        assert table_snapshot() == expected
    assert not ses.can_undo()
    for expected in states[1:]:
        ses.redo()
        assert table_snapshot() == expected
    assert not ses.can_redo()


def test_new_action_drops_the_redo_history(setup):
    project, a, (sp, sg, *_rest) = setup
    ses = AnnotationSession(project, "alice")
    ses.accept(sp.id)
    ses.undo()
    assert ses.can_redo()
    ses.accept(sg.id)
    assert not ses.can_redo()


def test_undo_history_survives_reopening_the_project(setup, tmp_path):
    project, a, (sp, sg, *_rest) = setup
    ses = AnnotationSession(project, "alice")
    ses.accept(sp.id)
    ses.reject(sg.id)
    path = project.path
    project.close()
    p2 = open_project(path)
    ses2 = AnnotationSession(p2, "alice")
    assert [x.status for x in ses2.annotations(a.id)] == ["accepted", "rejected"]
    ses2.undo()
    assert [x.status for x in ses2.annotations(a.id)] == ["accepted"]
    assert [act.description for act in ses2.undo_stack()] == ["accept PERSON 'Sergey Lavrov'"]
    assert [act.description for act in ses2.redo_stack()] == ["reject GPE 'Moscow'"]
    p2.close()


def test_undo_of_a_specific_action_must_be_the_latest(setup):
    project, a, (sp, sg, *_rest) = setup
    ses = AnnotationSession(project, "alice")
    first = ses.accept(sp.id)
    ses.accept(sg.id)
    with pytest.raises(AnnotationError, match="must be undone first"):
        ses.undo(first.action_uid)


def test_change_log_replays_to_the_current_annotations(setup):
    """The append-only log alone reconstructs the annotation table (audit, merging)."""
    import json

    project, a, (sp, sg, sge, c) = setup
    ses = AnnotationSession(project, "alice")
    pid = ses.accept(sp.id).annotation_ids[0]
    ses.reject(sg.id)
    ses.update(pid, label="ORG")
    ses.accept_all(a.id)
    ses.undo()
    ses.delete(pid)
    replay: dict[str, dict] = {}
    for ch in m.Change.select().where(m.Change.target == "annotation").order_by(m.Change.id):
        if ch.op == "delete":
            del replay[ch.target_uid]
        else:
            replay[ch.target_uid] = json.loads(ch.after)
    current = {x.uid: (x.label, x.status, x.start, x.end) for x in m.Annotation.select()}
    assert {u: (r["label"], r["status"], r["start"], r["end"]) for u, r in replay.items()} == current


def test_gold_layer_is_separate(setup):
    project, a, (sp, *_rest) = setup
    AnnotationSession(project, "alice").accept(sp.id)
    gold = AnnotationSession(project, "rev", layer="gold")
    assert gold.annotations(a.id) == [] and len(gold.open_suggestions(a.id)) == 4
    gold.reject(sp.id)
    assert m.Annotation.select().where(m.Annotation.layer == "gold").count() == 1


def test_resume_and_next_open_article(project):
    arts = [add_article(f"Article number {i} text.") for i in range(4)]
    ses = AnnotationSession(project, "alice")
    assert ses.resume_article() == arts[0].id
    ses.set_last_article(arts[2].id)
    assert ses.resume_article() == arts[2].id
    ses.set_status(arts[2].id, "done")
    assert ses.resume_article() == arts[0].id
    assert ses.next_open_article(arts[2].id) == arts[3].id
    ses.set_status(arts[3].id, "skipped")
    assert ses.next_open_article(arts[2].id) == arts[0].id


def test_next_open_article_follows_the_list_order(project):
    arts = [add_article(f"Article number {i} text.") for i in range(4)]
    ids = [a.id for a in arts]
    order = [ids[3], ids[1], ids[0], ids[2]]  # the list as sorted and filtered
    ses = AnnotationSession(project, "alice")
    ses.set_status(ids[1], "done")
    assert ses.next_open_article(ids[1], order) == ids[0]  # the next row, not the next id
    ses.set_status(ids[2], "done")
    assert ses.next_open_article(ids[2], order) == ids[3]  # wraps around
    ses.set_status(ids[0], "skipped")
    assert ses.next_open_article(ids[1], order) == ids[3]  # done and skipped rows are passed over
    ses.set_status(ids[3], "done")
    assert ses.next_open_article(ids[3], order) is None  # nothing open anywhere
    # an article that the list's filter hides: the next open one by id
    ses.set_status(ids[0], "in_progress")
    assert ses.next_open_article(ids[3], [ids[1]]) == ids[0]
