"""Builders shared by the export, round-trip and export-dialog tests (no tests here).

Projects are made the way the app makes them: articles and suggestions inserted, then an
analyst's decisions through :class:`AnnotationSession`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from annotator.services.annotate import AnnotationSession
from annotator.domain.model import Layer
from tests.helpers import add_article, add_suggestion, span

PEOPLE = ["Angela Merkel", "Olaf Scholz", "Sergey Lavrov", "Ursula von der Leyen", "Antony Blinken", "Kaja Kallas"]
ORGS = ["Reuters", "the European Commission", "NATO", "the Kremlin", "Gazprom", "the United Nations"]
PLACES = ["Berlin", "Moscow", "Brussels", "Kyiv", "Geneva", "Tallinn"]


def article_text(i: int) -> str:
    p, o, g = PEOPLE[i % 6], ORGS[(i + 1) % 6], PLACES[(i + 2) % 6]
    q = PEOPLE[(i + 3) % 6]
    return (
        f"{p} said that {o} will send envoys to {g} next week.\n"
        f"Officials in {g} declined to comment.\n\n"
        f"\"We are ready to talk,\" {q} told reporters in {PLACES[(i + 4) % 6]}.\n\n"
        f"(Report number {i}.)"
    )


@functools.lru_cache(maxsize=1)
def blank_tokenizer():
    from annotator.nlp.tokens import blank_tokenizer as make

    return make("en")


def decide_article(session: AnnotationSession, a, i: int, done: bool = True, reject_one: bool = True) -> None:
    """Suggestions for article ``a`` (entities, a claim) and the analyst's decisions on them."""
    p, o, g = PEOPLE[i % 6], ORGS[(i + 1) % 6], PLACES[(i + 2) % 6]
    q = PEOPLE[(i + 3) % 6]
    s_p = add_suggestion(a, *span(a, p), "PERSON")
    s_o = add_suggestion(a, *span(a, o), "ORG")
    s_g = add_suggestion(a, *span(a, g), "GPE")
    s_g2 = add_suggestion(a, *span(a, g, 2), "GPE")
    s_q = add_suggestion(a, *span(a, q), "ORG")  # wrong label: corrected to PERSON
    said = span(a, "said")
    c = add_suggestion(
        a, *span(a, f"{o} will send envoys to {g} next week"), "CLAIM", kind="claim", quote_type="indirect",
        source_start=span(a, p)[0], source_end=span(a, p)[1], source_name=p, cue_start=said[0], cue_end=said[1],
    )
    session.accept(s_p.id)
    session.accept(s_o.id)
    session.accept(s_g.id)
    if reject_one:
        session.reject(s_g2.id)
    else:
        session.accept(s_g2.id)
    session.accept(s_q.id, label="PERSON")
    session.accept(c.id, stance="neutral", source_type="government/official")
    # A direct quote the analyst drew, with the speaker and the cue.
    qs, qe = span(a, "We are ready to talk,")
    told = span(a, "told")
    session.add(a.id, "claim", qs, qe, stance="supports", source_start=span(a, q)[0], source_end=span(a, q)[1],
                source_name=q, source_type="person", cue_start=told[0], cue_end=told[1], quote_type="direct")
    if done:
        session.set_status(a.id, "done")


def build_project(project, n: int = 6, annotator: str = "alice", done: int | None = None, title_prefix: str = "Talks"):
    """``n`` articles decided by ``annotator``; the first ``done`` (default all) are marked done."""
    session = AnnotationSession(project, annotator)
    arts = []
    for i in range(n):
        a = add_article(article_text(i), title=f"{title_prefix} {i}", outlet="Wire", date=f"2024-01-{i + 1:02d}")
        decide_article(session, a, i, done=(done is None or i < done))
        arts.append(a)
    return session, arts


def add_gold(project, article, reviewer: str = "rev") -> AnnotationSession:
    """A reviewer's adjudication of ``article`` in the gold layer: only the first person and a claim."""
    gold = AnnotationSession(project, reviewer, Layer.GOLD)
    text = article.text
    first = next(p for p in PEOPLE if p in text)
    s, e = span(article, first)
    gold.add(article.id, "entity", s, e, "PERSON")
    cs = text.index(" that ") + 6
    gold.add(article.id, "claim", cs, text.index(" next week"), stance="disputes", source_start=s, source_end=e,
             source_name=first, source_type="person")
    gold.set_status(article.id, "done")
    return gold


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def parse_brat_ann(ann: str) -> dict:
    """A small brat standoff parser: T (with discontinuous fragments), R, A and # lines."""
    out: dict = {"T": {}, "R": {}, "A": {}, "#": {}}
    for line in ann.splitlines():
        if not line:
            continue
        ident, rest = line.split("\t", 1)
        kind = ident[0]
        if kind == "T":
            type_offsets, text = rest.split("\t", 1)
            label, offsets = type_offsets.split(" ", 1)
            frags = [tuple(int(x) for x in frag.split()) for frag in offsets.split(";")]
            out["T"][ident] = {"label": label, "fragments": frags, "text": text}
        elif kind == "R":
            label, a1, a2 = rest.split(" ")
            assert a1.startswith("Arg1:") and a2.startswith("Arg2:")
            out["R"][ident] = {"label": label, "arg1": a1[5:], "arg2": a2[5:]}
        elif kind == "A":
            parts = rest.split(" ")
            out["A"][ident] = {"name": parts[0], "target": parts[1], "value": parts[2] if len(parts) > 2 else True}
        elif kind == "#":
            head, note = rest.split("\t", 1)
            out["#"][ident] = {"target": head.split(" ")[1], "note": note}
        else:
            raise AssertionError(f"unknown brat line {line!r}")
    return out
