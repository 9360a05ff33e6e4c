"""JSONL round trip: the tool's own export imported into a new project reproduces the same
annotations (layer, annotator, status, stance, source, cue, rejections) and article statuses;
re-importing changes nothing; Prodigy-style files are recorded too; each article is one logged,
undoable action."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.services.annotate import AnnotationSession
from annotator.services.export import ExportOptions, export_dataset
from annotator.services.importing import import_paths
from annotator.services.roundtrip import AnnotationRecorder
from annotator.store import models as m
from annotator.store import open_project
from tests.helpers import add_suggestion, span
from tests.export_support import add_gold, blank_tokenizer, build_project, read_jsonl


def snapshot() -> dict:
    """The annotations and statuses of the bound project, comparable across projects."""
    uid = dict(m.Article.select(m.Article.id, m.Article.uid).tuples())
    who = dict(m.Annotator.select(m.Annotator.id, m.Annotator.name).tuples())
    anns = sorted(
        (uid[a.article_id], who[a.annotator_id], a.layer, a.kind, a.start, a.end, a.label, a.status, a.stance,
         a.source_start, a.source_end, a.source_text, a.source_name, a.source_type, a.cue_start, a.cue_end,
         a.quote_type, a.note, a.updated_at)
        for a in m.Annotation.select()
    )
    sts = sorted((uid[s.article_id], who[s.annotator_id], s.layer, s.status) for s in m.ArticleStatus.select())
    return {"annotations": anns, "status": sts}


def export(path: Path, **kw):
    return export_dataset(path, ExportOptions(**kw), "jsonl", tokenizer=blank_tokenizer())


def strip_volatile(lines: list[dict]) -> list[dict]:
    out = []
    for x in lines:
        x = dict(x)
        x["meta"] = {k: v for k, v in x["meta"].items() if k not in ("external_id", "source_file")}
        out.append(x)
    return out


@pytest.fixture
def exported(tmp_path):
    """Project A (alice's work on 4 articles, 3 done, a reviewer's gold on one) and its exports."""
    a = open_project(tmp_path / "a.sqlite")
    session, arts = build_project(a, n=4, done=3)
    add_gold(a, arts[1])
    # a rejected claim suggestion, and a note
    art = arts[0]
    c = add_suggestion(art, *span(art, "Officials in"), "CLAIM", kind="claim", quote_type="indirect")
    session.reject(c.id)
    claim = next(r for r in session.annotations(art.id) if r.kind == "claim" and r.status == "added")
    session.update(claim.id, note="checked against the video")
    export(tmp_path / "all.jsonl", layer="work", status=("any",))  # alice, every article she touched
    export(tmp_path / "gold.jsonl", layer="gold")
    export(tmp_path / "default.jsonl")
    before = snapshot()
    a.close()
    return tmp_path, before


def test_import_of_own_export_reproduces_the_annotations(exported):
    tmp_path, before = exported
    b = open_project(tmp_path / "b.sqlite")
    rec = AnnotationRecorder(b)
    report = import_paths(b, [tmp_path / "all.jsonl", tmp_path / "gold.jsonl"], on_annotated=rec)
    assert rec.problems == []
    assert len(report.imported) == 4 and report.annotations == rec.recorded > 0
    assert snapshot() == before
    # and exporting the new project gives the same dataset
    export(tmp_path / "b_default.jsonl")
    assert strip_volatile(read_jsonl(tmp_path / "b_default.jsonl")) == strip_volatile(read_jsonl(tmp_path / "default.jsonl"))
    b.close()


def test_reimport_is_idempotent_and_logged_as_undoable_actions(exported):
    tmp_path, before = exported
    b = open_project(tmp_path / "b.sqlite")
    import_paths(b, [tmp_path / "all.jsonl"], on_annotated=AnnotationRecorder(b))
    actions = m.Action.select().count()
    changes = m.Change.select().count()
    state = snapshot()
    rec = AnnotationRecorder(b)
    report = import_paths(b, [tmp_path / "all.jsonl"], on_annotated=rec)
    assert report.imported == [] and len(report.duplicates) > 0
    assert rec.recorded == 0 and rec.unchanged > 0
    assert snapshot() == state and m.Action.select().count() == actions and m.Change.select().count() == changes
    # one action per article, in alice's undo history, with a change row per annotation and status
    session = AnnotationSession(b, "alice")
    stack = session.undo_stack()
    assert len(stack) == 4 and all(x.description.startswith("import ") for x in stack)
    last = stack[-1]
    n_ann = m.Annotation.select().where(m.Annotation.article == last.article_id).count()
    assert m.Change.select().where((m.Change.action == last) & (m.Change.target == "annotation")).count() == n_ann
    session.undo()
    assert m.Annotation.select().where(m.Annotation.article == last.article_id).count() == 0
    session.redo()
    assert snapshot() == state
    b.close()


def test_an_edit_in_the_file_updates_the_annotation(exported):
    tmp_path, _ = exported
    b = open_project(tmp_path / "b.sqlite")
    import_paths(b, [tmp_path / "all.jsonl"], on_annotated=AnnotationRecorder(b))
    lines = read_jsonl(tmp_path / "all.jsonl")
    lines[0]["claims"][0]["stance"] = "disputes"
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    rec = AnnotationRecorder(b)
    import_paths(b, [edited], on_annotated=rec)
    assert rec.recorded == 1 and rec.articles == 1
    row = m.Annotation.get((m.Annotation.kind == "claim") & (m.Annotation.start == lines[0]["claims"][0]["start"]))
    assert row.stance == "disputes"
    b.close()


def test_prodigy_style_file(project, tmp_path):
    text = "Kaja Kallas met Antony Blinken in Tallinn on Monday."
    f = tmp_path / "prodigy.jsonl"
    rows = [
        {"text": text, "spans": [{"start": 0, "end": 11, "label": "PERSON", "token_start": 0, "token_end": 1},
                                 {"start": 34, "end": 41, "label": "GPE"}],
         "answer": "accept", "_annotator_id": "news-bob", "_input_hash": 1, "_task_hash": 2},
        {"text": text + " Again.", "spans": [{"start": 0, "end": 11, "label": "PERSON"}], "answer": "reject",
         "_annotator_id": "news-bob"},
        {"text": "Nobody is named here.", "spans": [{"start": 0, "end": 6, "label": "PERSON"}], "answer": "accept"},
        {"text": "A bad label: Gazprom.", "spans": [{"start": 13, "end": 20, "label": "COMPANY"}], "answer": "accept",
         "_annotator_id": "news-bob"},
        {"text": "Wrong offsets: Gazprom.", "spans": [{"start": 0, "end": 7, "label": "ORG", "text": "Gazprom"}],
         "answer": "accept", "_annotator_id": "news-bob"},
    ]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    rec = AnnotationRecorder(project)
    import_paths(project, [f], on_annotated=rec)
    anns = [(a.annotator.name, a.label, a.start, a.end, a.status) for a in m.Annotation.select().order_by(m.Annotation.start)]
    assert anns == [("news-bob", "PERSON", 0, 11, "added"), ("news-bob", "GPE", 34, 41, "added")]
    assert len(rec.problems) == 3
    assert "no annotator is named" in rec.problems[0] and "--annotator" in rec.problems[0]
    assert "unknown label 'COMPANY'" in rec.problems[1]
    assert "does not match the article text" in rec.problems[2]
    done = [(s.annotator.name, s.status) for s in m.ArticleStatus.select()]
    assert ("news-bob", "done") in done


def test_prodigy_span_matching_a_suggestion_is_accepted_and_linked(project, tmp_path):
    text = "Kaja Kallas met Antony Blinken in Tallinn."
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps({"text": text, "spans": [{"start": 0, "end": 11, "label": "PERSON"}], "answer": "accept"}) + "\n")
    import_paths(project, [f])  # the article first, then a suggestion for it
    art = m.Article.get()
    sug = add_suggestion(art, 0, 11, "PERSON")
    import_paths(project, [f], on_annotated=AnnotationRecorder(project, annotator="carol"))
    row = m.Annotation.get()
    assert (row.annotator.name, row.status, row.suggestion_id) == ("carol", "accepted", sug.id)
    assert AnnotationSession(project, "carol").open_suggestions(art.id) == []


def test_offsets_into_a_raw_text_that_normalisation_changed(project, tmp_path):
    raw = "Line one.\r\nKaja Kallas spoke.  \r\nEnd."
    s = raw.index("Kaja")
    f = tmp_path / "crlf.jsonl"
    f.write_text(json.dumps({"text": raw, "spans": [{"start": s, "end": s + 11, "label": "PERSON"}], "answer": "accept",
                             "_annotator_id": "dan"}) + "\n")
    import_paths(project, [f], on_annotated=AnnotationRecorder(project))
    art = m.Article.get()
    row = m.Annotation.get()
    assert art.text[row.start : row.end] == "Kaja Kallas"


def test_cli_import_with_annotator(exported, capsys):
    tmp_path, before = exported
    db = str(tmp_path / "c.sqlite")
    assert main(["import", "--db", db, "--no-preannotate", "--annotator", "erin", str(tmp_path / "default.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "recorded" in out and "annotation(s)" in out
    with open_project(db) as c:
        names = {a.annotator.name for a in m.Annotation.select()}
        assert names == {"erin"}
        del c
