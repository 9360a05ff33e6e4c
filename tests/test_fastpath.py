"""The compiled single-row statements agree with peewee's own queries."""

from __future__ import annotations

from annotator.store import fastpath as fp
from annotator.store import models as m
from tests.helpers import add_article, add_suggestion


def test_get_insert_update_delete_match_peewee(project):
    a = add_article("Anna Lee spoke in Oslo.")
    s = add_suggestion(a, 0, 8, "PERSON", kind="entity")
    got = fp.get_row(m.Suggestion, id=s.id)
    assert got.__data__ == m.Suggestion.get_by_id(s.id).__data__
    assert fp.get_row(m.Suggestion, id=s.id + 100) is None
    assert fp.exists(m.Suggestion, article=a.id, label="PERSON")
    assert not fp.exists(m.Suggestion, article=a.id, label="ORG")
    who = m.Annotator.create(name="x")
    row = fp.insert_row(m.Annotation, {"uid": "u1", "article": a.id, "annotator": who.id, "kind": "entity",
                                       "start": 0, "end": 4, "label": "PERSON", "status": "added", "note": ""})
    assert row.id == m.Annotation.get(m.Annotation.uid == "u1").id and row.article_id == a.id
    fp.update_row(m.Annotation, row.id, {"label": "ORG", "end": 8})
    again = m.Annotation.get_by_id(row.id)
    assert (again.label, again.end, again.start) == ("ORG", 8, 0)
    assert fp.get_row(m.Annotation, uid="u1", annotator=who.id).__data__ == again.__data__
    fp.delete_row(m.Annotation, row.id)
    assert m.Annotation.select().count() == 0


def test_compiled_query_reuses_its_sql_with_new_parameters(project):
    a = add_article("Anna Lee spoke in Oslo.")
    s1 = add_suggestion(a, 0, 8, "PERSON")
    s2 = add_suggestion(a, 18, 22, "GPE")

    def build():
        return m.Suggestion.select(m.Suggestion.label).where(m.Suggestion.id == 0)

    assert fp.run_compiled("test-label", build, (s1.id,)) == [("PERSON",)]
    assert fp.run_compiled("test-label", build, (s2.id,)) == [("GPE",)]
    assert fp.run_compiled("test-label", build, (999,)) == []
