"""Merging analysts' project files into a review project: matching, ownership, newer-wins by the
change log, idempotence, and refusal of bad files with no change at all."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.domain.errors import ProjectError
from annotator.services.annotate import AnnotationSession
from annotator.services.merge import merge_files
from annotator.store import open_project
from annotator.store import models as m
from tests.helpers import add_article, add_suggestion, span

T1 = "Sergey Lavrov said that Moscow is ready. The minister added that talks in Geneva would go on."
T2 = "Angela Merkel said that Berlin will help. Officials in Paris disagreed."
T3 = "Joe Biden said that Washington supports Kyiv. Critics in London said that the plan fails."


def seed_articles(texts) -> dict[str, m.Article]:
    """Articles with the same suggestions in every file (as if pre-annotated by one model)."""
    out = {}
    for text in texts:
        a = add_article(text, title=text.split()[0])
        for word in ("Lavrov", "Moscow", "Geneva", "Merkel", "Berlin", "Paris", "Biden", "Kyiv", "London"):
            if word in a.text:
                add_suggestion(a, *span(a, word), "GPE" if word not in ("Lavrov", "Merkel", "Biden") else "PERSON")
        out[text] = a
    return out


def sug(a: m.Article, word: str) -> m.Suggestion:
    s, e = span(a, word)
    return m.Suggestion.get((m.Suggestion.article == a) & (m.Suggestion.start == s) & (m.Suggestion.end == e))


def build_alice(path: Path) -> None:
    p = open_project(path)
    arts = seed_articles([T1, T2])
    a1, a2 = arts[T1], arts[T2]
    ses = AnnotationSession(p, "alice")
    ses.accept(sug(a1, "Lavrov").id)
    ses.reject(sug(a1, "Moscow").id)
    ses.accept(sug(a1, "Geneva").id, label="LOC")
    ses.add(a1.id, "claim", *span(a1, "Moscow is ready"), stance="neutral", source_type="government/official",
            source_start=0, source_end=13, source_name="Sergey Lavrov")
    ses.accept(sug(a2, "Merkel").id)
    ses.set_status(a2.id, "done")
    p.close()


def build_bob(path: Path) -> None:
    p = open_project(path)
    arts = seed_articles([T1, T3])
    a1, a3 = arts[T1], arts[T3]
    ses = AnnotationSession(p, "bob")
    ses.accept(sug(a1, "Lavrov").id)
    ses.accept(sug(a1, "Moscow").id)
    ses.add(a1.id, "claim", *span(a1, "Moscow is ready"), stance="supports", source_name="Lavrov")
    ses.accept(sug(a3, "Biden").id)
    ses.add(a3.id, "entity", *span(a3, "Washington"), "GPE")
    p.close()


def build_review(path: Path) -> None:
    p = open_project(path)
    seed_articles([T1])
    p.close()


def dump(path: Path) -> dict:
    """Every row of every table, for before/after comparisons."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        con.close()


def state_of(path: Path, annotator: str) -> dict:
    """An annotator's annotations and statuses by uid, in file-independent terms."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        anns = con.execute(
            """SELECT a.uid, ar.content_hash, a.layer, a.kind, a.start, a."end", a.label, a.status, a.stance,
                      a.source_name, a.source_type, a.note, a.created_at, a.updated_at,
                      s.kind, s.start, s."end", s.label
               FROM annotation a JOIN annotator n ON n.id = a.annotator_id JOIN article ar ON ar.id = a.article_id
               LEFT JOIN suggestion s ON s.id = a.suggestion_id WHERE n.name = ? ORDER BY a.uid""",
            (annotator,),
        ).fetchall()
        sts = con.execute(
            """SELECT st.uid, ar.content_hash, st.layer, st.status, st.note, st.updated_at FROM article_status st
               JOIN annotator n ON n.id = st.annotator_id JOIN article ar ON ar.id = st.article_id
               WHERE n.name = ? ORDER BY st.uid""",
            (annotator,),
        ).fetchall()
        log = con.execute(
            """SELECT ac.uid, ac.kind, ac.state, ac.undone_seq, c.uid FROM action ac JOIN annotator n ON n.id = ac.annotator_id
               LEFT JOIN change c ON c.action_id = ac.id WHERE n.name = ? AND ac.kind != 'merge' ORDER BY ac.uid, c.uid""",
            (annotator,),
        ).fetchall()
        return {"annotations": anns, "statuses": sts, "log": log}
    finally:
        con.close()


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """The three project files, built once per module (each test gets copies)."""
    folder = tmp_path_factory.mktemp("merge_templates")
    paths = {n: folder / f"{n}.sqlite" for n in ("alice", "bob", "review")}
    build_alice(paths["alice"])
    build_bob(paths["bob"])
    build_review(paths["review"])
    return paths


@pytest.fixture
def files(templates, tmp_path):
    out = {}
    for name, src in templates.items():
        out[name] = tmp_path / src.name
        shutil.copy(src, out[name])
    return out


def merge(review: Path, *others: Path):
    p = open_project(review)
    try:
        return merge_files(p, list(others))
    finally:
        p.close()


def test_merge_brings_annotations_articles_and_logs(files):
    rep = merge(files["review"], files["alice"], files["bob"])
    fa, fb = rep.files
    assert (fa.articles_added, fa.articles_matched) == (1, 1)  # T2 added, T1 matched
    assert (fb.articles_added, fb.articles_matched) == (1, 1)  # T3 added
    alice = {a.annotator: a for a in fa.annotators}["alice"]
    assert (alice.annotations_new, alice.annotations_updated, alice.annotations_removed) == (5, 0, 0)
    assert alice.statuses == 2 and alice.actions == 6
    assert {a.annotator for a in fb.annotators} == {"bob"}
    # each annotator's rows are exactly the ones of their file (uids, times, suggestion keys)
    for who in ("alice", "bob"):
        assert state_of(files["review"], who) == state_of(files[who], who)
    p = open_project(files["review"])
    try:
        assert m.Article.select().count() == 3
        # added articles came with all their suggestions; decisions point at the review's own rows
        for ann in m.Annotation.select():
            if ann.suggestion_id is not None:
                assert ann.suggestion.article_id == ann.article_id
        t2 = m.Article.get(m.Article.content_hash == m.Article.select(m.Article.content_hash).where(m.Article.title == "Angela").scalar())
        assert m.Suggestion.select().where(m.Suggestion.article == t2).count() == 3
        # the merge is recorded per annotator
        assert m.Action.select().where(m.Action.kind == "merge").count() == 2
    finally:
        p.close()


def test_merging_twice_changes_nothing(files):
    merge(files["review"], files["alice"], files["bob"])
    before = dump(files["review"])
    rep = merge(files["review"], files["alice"], files["bob"], files["alice"])
    assert not rep.changed
    assert dump(files["review"]) == before
    assert "nothing new" in rep.summary()


def test_newer_file_of_the_same_annotator_updates_only_that_annotators_rows(files, tmp_path):
    merge(files["review"], files["alice"], files["bob"])
    old_copy = tmp_path / "alice_old.sqlite"
    shutil.copy(files["alice"], old_copy)
    bob_before = state_of(files["review"], "bob")

    p = open_project(files["alice"])
    ses = AnnotationSession(p, "alice")
    a1 = m.Article.get(m.Article.title == "Sergey")
    anns = {x.label: x for x in ses.annotations(a1.id)}
    ses.update(anns["CLAIM"].id, stance="disputes", note="second look")
    ses.delete(anns["LOC"].id)
    ses.add(a1.id, "entity", *span(a1, "Geneva"), "GPE")
    ses.undo()  # the add is undone: logged, not applied
    ses.set_status(a1.id, "done")
    p.close()

    rep = merge(files["review"], files["alice"])
    alice = rep.files[0].annotators[0]
    assert (alice.annotator, alice.annotations_updated, alice.annotations_removed) == ("alice", 1, 1)
    assert state_of(files["review"], "alice") == state_of(files["alice"], "alice")
    assert state_of(files["review"], "bob") == bob_before

    # an older copy of alice's file changes nothing (the review project has seen all of it)
    before = dump(files["review"])
    rep = merge(files["review"], old_copy)
    assert not rep.changed and rep.files[0].annotators[0].kept >= 2
    assert dump(files["review"]) == before


def test_undo_works_on_merged_actions_in_the_review_project(files):
    merge(files["review"], files["alice"])
    p = open_project(files["review"])
    try:
        ses = AnnotationSession(p, "alice")
        t2 = m.Article.get(m.Article.title == "Angela")
        assert ses.status(t2.id) == "done"
        ses.undo()  # alice's last action: marking T2 done
        assert ses.status(t2.id) == "in_progress"
        ses.redo()
        assert ses.status(t2.id) == "done"
    finally:
        p.close()


def test_a_merged_file_never_touches_other_annotators(files, tmp_path):
    """A file holding an old copy of bob's rows (e.g. a copy of the review project) keeps bob's newer work."""
    merge(files["review"], files["bob"])
    stale = tmp_path / "stale.sqlite"
    shutil.copy(files["review"], stale)
    p = open_project(files["review"])
    ses = AnnotationSession(p, "bob")
    a3 = m.Article.get(m.Article.title == "Joe")
    ses.add(a3.id, "entity", *span(a3, "London"), "GPE")
    p.close()
    bob_now = state_of(files["review"], "bob")
    merge(files["review"], stale, files["alice"])
    assert state_of(files["review"], "bob") == bob_now


def _corrupt_files(tmp_path: Path, alice: Path) -> dict[str, Path]:
    text = tmp_path / "notes.sqlite"
    text.write_text("just some notes\n", encoding="utf-8")
    foreign = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE foo (x)")
    con.execute("INSERT INTO foo VALUES (1)")
    con.commit()
    con.close()
    newer = tmp_path / "newer.sqlite"
    shutil.copy(alice, newer)
    con = sqlite3.connect(newer)
    con.execute("INSERT INTO schema_version (version, applied_at, note) VALUES (99, '', 'future')")
    con.commit()
    con.close()
    truncated = tmp_path / "truncated.sqlite"
    data = alice.read_bytes()
    truncated.write_bytes(data[: len(data) * 2 // 3])
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    return {"text": text, "foreign": foreign, "newer": newer, "truncated": truncated, "empty": empty,
            "missing": tmp_path / "missing.sqlite"}


@pytest.mark.parametrize(
    "kind, words",
    [
        ("text", "not a SQLite database"),
        ("foreign", "not an annotator project"),
        ("newer", "newer annotator (schema 99"),
        ("truncated", "corrupt"),
        ("empty", "not an annotator project"),
        ("missing", "no such file"),
    ],
)
def test_bad_files_are_refused_with_no_change(files, tmp_path, kind, words):
    merge(files["review"], files["bob"])
    bad = _corrupt_files(tmp_path, files["alice"])[kind]
    before = dump(files["review"])
    with pytest.raises(ProjectError) as err:
        merge(files["review"], files["alice"], bad)  # a good file first: all or nothing
    assert words in err.value.message and "nothing was merged" in err.value.message
    assert str(bad) in err.value.message
    assert dump(files["review"]) == before


def test_merging_a_project_into_itself_is_refused(files):
    before = dump(files["review"])
    with pytest.raises(ProjectError, match="into itself"):
        merge(files["review"], files["review"])
    assert dump(files["review"]) == before


def test_inconsistent_file_is_refused(files, tmp_path):
    broken = tmp_path / "broken.sqlite"
    shutil.copy(files["alice"], broken)
    con = sqlite3.connect(broken)
    con.execute('UPDATE annotation SET "end" = 100000 WHERE id = 1')
    con.commit()
    con.close()
    before = dump(files["review"])
    with pytest.raises(ProjectError, match="inconsistent"):
        merge(files["review"], broken)
    assert dump(files["review"]) == before


def test_older_schema_is_refused(files, tmp_path, monkeypatch):
    monkeypatch.setattr(m, "SCHEMA_VERSION", m.SCHEMA_VERSION + 1)
    with pytest.raises(ProjectError, match="older project file"):
        from annotator.store.merge_source import open_source

        open_source(files["alice"])


def test_decision_on_a_suggestion_the_review_project_lacks_gets_a_copy(files, tmp_path):
    """The review project was pre-annotated differently: the decided suggestion is copied over."""
    p = open_project(files["review"])
    a1 = m.Article.get(m.Article.title == "Sergey")
    m.Suggestion.delete().where((m.Suggestion.article == a1) & (m.Suggestion.label == "PERSON")).execute()
    p.close()
    rep = merge(files["review"], files["alice"])
    assert rep.files[0].suggestions_added == 1
    assert state_of(files["review"], "alice") == state_of(files["alice"], "alice")
    before = dump(files["review"])
    assert not merge(files["review"], files["alice"]).changed
    assert dump(files["review"]) == before


def test_cli_merge(files, capsys):
    assert main(["merge", str(files["alice"]), str(files["bob"]), "--db", str(files["review"])]) == 0
    out = capsys.readouterr().out
    assert "alice: 5 new" in out and "bob:" in out
    assert main(["merge", str(files["alice"]), "--db", str(files["review"])]) == 0
    assert "nothing new" in capsys.readouterr().out
    assert main(["merge", str(files["review"]), "--db", str(files["review"])]) == 2
    assert "into itself" in capsys.readouterr().err
    # a refused file never creates the review project either
    new_review = files["review"].with_name("new_review.sqlite")
    files["review"].with_name("notes.txt").write_text("hello", encoding="utf-8")
    assert main(["merge", str(files["review"].with_name("notes.txt")), "--db", str(new_review)]) == 2
    assert "nothing was merged" in capsys.readouterr().err and not new_review.exists()
    assert main(["merge", str(files["bob"]), "--db", str(new_review), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["articles_added"] == 2


def test_merge_from_a_file_open_in_another_program(files):
    """The analyst's app still has the file open (WAL not checkpointed): committed work is merged."""
    other = open_project(files["alice"])
    ses = AnnotationSession(other, "alice")
    a2 = m.Article.get(m.Article.title == "Angela")
    ses.add(a2.id, "entity", *span(a2, "Berlin"), "GPE")
    expected = state_of(files["alice"], "alice")
    try:
        review = open_project(files["review"])  # rebinds the models to the review project
        try:
            merge_files(review, [files["alice"]])
        finally:
            review.close()
    finally:
        other.close()
    assert state_of(files["review"], "alice") == expected
