"""Pre-annotation bookkeeping with a fake engine (no model): idempotence, redo on model or text
change, kept suggestions that analysts already decided on, cancellation."""

from __future__ import annotations

import threading

from annotator.services.annotate import AnnotationSession
from annotator.services.preannotate import pending_ids, preannotate
from annotator.store import models as m
from tests.conftest import FakeEngine
from tests.helpers import add_article

TEXTS = [
    "Anna said that the bridge was closed. Berlin agreed.",
    "Carlos said that prices would rise.",
    "no capitals here at all.",
]


def test_preannotate_stores_entities_and_claims_with_model_version(project, fake_engine):
    arts = [add_article(t) for t in TEXTS]
    rep = preannotate(project, fake_engine)
    assert rep.articles == 3 and rep.skipped == 0
    ents = m.Suggestion.select().where(m.Suggestion.kind == "entity")
    assert {(s.article_id, s.article.text[s.start : s.end]) for s in ents} >= {(arts[0].id, "Anna"), (arts[0].id, "Berlin")}
    claim = m.Suggestion.get(m.Suggestion.kind == "claim", m.Suggestion.article == arts[1].id)
    assert arts[1].text[claim.start : claim.end] == "prices would rise"
    assert (claim.source_name, claim.model_name, claim.model_version) == ("Carlos", "fake_model", "1.0")
    assert arts[1].text[claim.cue_start : claim.cue_end] == "said"


def test_preannotate_is_idempotent(project, fake_engine):
    for t in TEXTS:
        add_article(t)
    preannotate(project, fake_engine)
    n = m.Suggestion.select().count()
    seen = fake_engine.seen
    rep = preannotate(project, fake_engine)
    assert rep.articles == 0 and rep.skipped == 3
    assert fake_engine.seen == seen and m.Suggestion.select().count() == n


def test_new_model_version_redoes_but_keeps_decided_suggestions(project, fake_engine):
    a = add_article(TEXTS[0])
    preannotate(project, fake_engine)
    anna = m.Suggestion.get(m.Suggestion.label == "PERSON", m.Suggestion.start == 0)
    ses = AnnotationSession(project, "alice")
    ses.accept(anna.id)
    v2 = FakeEngine(version="2.0")
    assert pending_ids(v2) == [a.id]
    preannotate(project, v2)
    # the accepted decision still points at its suggestion; no duplicate suggestion for "Anna"
    assert ses.annotations(a.id)[0].suggestion_id == anna.id
    assert m.Suggestion.select().where(m.Suggestion.article == a, m.Suggestion.start == 0).count() == 1
    others = m.Suggestion.select().where(m.Suggestion.article == a, m.Suggestion.id != anna.id)
    assert all(s.model_version == "2.0" for s in others)
    assert pending_ids(v2) == []


def test_changed_text_is_redone(project, fake_engine):
    a = add_article(TEXTS[1])
    preannotate(project, fake_engine)
    m.Article.update(content_hash="changed").where(m.Article.id == a.id).execute()
    assert pending_ids(fake_engine) == [a.id]


def test_cancel_stops_after_a_whole_batch(project, fake_engine):
    for i in range(10):
        add_article(f"Person{i} said that item {i} is fine.")
    cancel = threading.Event()
    calls = []

    def progress(done, total, msg):
        calls.append(done)
        if done >= 4:
            cancel.set()

    rep = preannotate(project, fake_engine, progress=progress, cancel=cancel, write_every=4)
    assert rep.cancelled and rep.articles == 4
    assert m.Preannotation.select().count() == 4
    # the rest is picked up later
    rep2 = preannotate(project, fake_engine)
    assert rep2.articles == 6


def test_a_failure_of_the_claim_rules_on_one_article_is_reported_and_the_batch_goes_on(project, monkeypatch):
    """A bug in the claim rules on one text (it happened: endless recursion on a name) keeps that
    article's entities, stores no claims for it, names it in the report, and the other articles
    are pre-annotated as usual."""
    import spacy

    import annotator.nlp.claims as claims
    from annotator.domain.model import ClaimSuggestion, QuoteType
    from annotator.nlp.engine import doc_to_suggestions

    def extract(doc):
        if "circle" in doc.text:
            raise RecursionError("maximum recursion depth exceeded")
        return [ClaimSuggestion(0, 4, QuoteType.INDIRECT)]

    monkeypatch.setattr(claims, "extract_claims", extract)

    class BlankEngine(FakeEngine):
        def annotate(self, texts, jobs=1):
            nlp = spacy.blank("en")
            for doc in nlp.pipe(texts):
                doc.ents = [doc.char_span(0, len(doc[0].text), label="PERSON")]
                yield doc_to_suggestions(doc)

    arts = [add_article(t) for t in ("Anna said so.", "Names run in a circle here.", "Carlos said so.")]
    rep = preannotate(project, BlankEngine())
    assert rep.articles == 3 and rep.claims == 2
    assert len(rep.claim_failures) == 1
    message = rep.claim_failures[0]
    assert f"article {arts[1].id} (Names run in a circle here.)" in message and "RecursionError" in message
    kinds = {(s.article_id, s.kind) for s in m.Suggestion.select()}
    assert (arts[1].id, "entity") in kinds and (arts[1].id, "claim") not in kinds
    assert {(a.id, "claim") for a in (arts[0], arts[2])} <= kinds
    assert pending_ids(BlankEngine()) == []  # recorded as done: rerunning the same rules fails the same way
