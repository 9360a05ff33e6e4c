"""Splitting articles among annotators, with a chosen overlap, and each annotator's queue.

:func:`assign` gives every article to ``overlap`` of the ``k`` named annotators so that

* the loads are balanced: every annotator gets ``N * overlap / k`` articles, rounded up or down
  (the loads never differ by more than one);
* the pairs overlap evenly: among the choices that keep the loads balanced, the set of annotators
  for the next article is the one whose pairs have shared the fewest articles so far, so every
  pair of annotators shares about ``N * overlap * (overlap - 1) / (k * (k - 1))`` articles and
  agreement can be measured for every pair;
* it is deterministic for a seed: articles are taken in a seeded random order and ties are
  broken by the same random generator.

The plan is stored in the ``assignment`` table. Running it again does not duplicate anything:
articles that already have an assignment are left as they are and only new articles (imported
since) are assigned, continuing the balance. ``replace=True`` deletes the whole plan first.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Sequence

from annotator.domain.errors import AnnotatorError, Msg
from annotator.domain.model import ArticleState, ArticleSummary, Layer
from annotator.store import models as m
from annotator.store.db import Project
from annotator.services.project import get_or_create_annotator

# Above this many candidate sets per article, the choice is made greedily one annotator at a time.
_MAX_COMBINATIONS = 5000


@dataclass
class AssignReport:
    annotators: list[str]
    overlap: int
    seed: int
    assigned: int = 0  # articles assigned by this run
    already: int = 0  # articles left as they were (assigned before)
    replaced: int = 0  # assignment rows deleted by replace=True
    loads: dict[str, int] = field(default_factory=dict)  # whole plan, per annotator
    pairs: dict[str, int] = field(default_factory=dict)  # "a+b" -> shared articles (whole plan)

    def summary(self) -> str:
        lines = [
            f"assigned {self.assigned} article(s) to {self.overlap} of {len(self.annotators)} annotator(s) each "
            f"(seed {self.seed}); {self.already} already assigned" + (f"; replaced {self.replaced} assignment(s)" if self.replaced else "")
        ]
        lines.append("per annotator: " + ", ".join(f"{k} {v}" for k, v in self.loads.items()))
        if self.pairs:
            lines.append("shared per pair: " + ", ".join(f"{k} {v}" for k, v in self.pairs.items()))
        return "\n".join(lines)


def parse_names(names: str | Sequence[str]) -> list[str]:
    items = names.split(",") if isinstance(names, str) else list(names)
    out: list[str] = []
    for n in (str(x).strip() for x in items):
        if not n:
            continue
        if n in out:
            raise AnnotatorError(Msg.R011.format(name=n))
        out.append(n)
    if not out:
        raise AnnotatorError(Msg.R010)
    return out


def _choose(
    names: list[str], overlap: int, loads: dict[str, int], pairs: dict[frozenset, int], rng: random.Random
) -> tuple[str, ...]:
    """The annotators for one article: the least loaded ones, ties settled by pair counts."""
    order = sorted(names, key=lambda n: (loads[n], rng.random()))
    threshold = loads[order[overlap - 1]]
    must = [n for n in order if loads[n] < threshold]
    tied = [n for n in order if loads[n] == threshold]
    need = overlap - len(must)

    def cost(chosen: Sequence[str]) -> tuple[int, int]:
        counts = [pairs.get(frozenset(p), 0) for p in itertools.combinations(chosen, 2)]
        return (max(counts, default=0), sum(c * c for c in counts))

    n_comb = 1
    for i in range(need):
        n_comb = n_comb * (len(tied) - i) // (i + 1)
    if n_comb <= _MAX_COMBINATIONS:
        best, best_cost = None, None
        for extra in itertools.combinations(tied, need):  # tied is in random order: ties are random
            c = cost(must + list(extra))
            if best_cost is None or c < best_cost:
                best, best_cost = must + list(extra), c
        chosen = best or must
    else:
        chosen = list(must)
        pool = list(tied)
        while len(chosen) < overlap:
            pick = min(pool, key=lambda n: sum(pairs.get(frozenset((n, c)), 0) for c in chosen))
            pool.remove(pick)
            chosen.append(pick)
    return tuple(sorted(chosen, key=names.index))


def assign(
    project: Project,
    annotators: str | Sequence[str],
    overlap: int = 2,
    seed: int = 0,
    replace: bool = False,
) -> AssignReport:
    """Assign every article to ``overlap`` of ``annotators`` (see the module docstring)."""
    names = parse_names(annotators)
    if not 1 <= overlap <= len(names):
        raise AnnotatorError(Msg.R012.format(n=len(names), overlap=overlap))
    report = AssignReport(names, overlap, seed)
    rng = random.Random(seed)
    with project.db.atomic():
        rows = {n: get_or_create_annotator(n) for n in names}
        if replace:
            report.replaced = m.Assignment.delete().execute()
        ids = {r.id: n for n, r in rows.items()}
        existing: dict[int, set[str]] = {}
        for art, who in m.Assignment.select(m.Assignment.article, m.Assignment.annotator).tuples():
            existing.setdefault(art, set()).add(ids.get(who, ""))
        loads = {n: 0 for n in names}
        pairs: dict[frozenset, int] = {}
        for who in existing.values():
            known = sorted(w for w in who if w)
            for n in known:
                loads[n] += 1
            for p in itertools.combinations(known, 2):
                pairs[frozenset(p)] = pairs.get(frozenset(p), 0) + 1
        articles = [a for (a,) in m.Article.select(m.Article.id).order_by(m.Article.id).tuples()]
        todo = [a for a in articles if a not in existing]
        report.already = len(articles) - len(todo)
        rng.shuffle(todo)
        new_rows = []
        for art in todo:
            chosen = _choose(names, overlap, loads, pairs, rng)
            for n in chosen:
                loads[n] += 1
                new_rows.append({"article": art, "annotator": rows[n].id})
            for p in itertools.combinations(chosen, 2):
                pairs[frozenset(p)] = pairs.get(frozenset(p), 0) + 1
        for i in range(0, len(new_rows), 500):
            m.Assignment.insert_many(new_rows[i : i + 500]).on_conflict_ignore().execute()
        report.assigned = len(todo)
    report.loads = loads
    report.pairs = {
        f"{a}+{b}": pairs.get(frozenset((a, b)), 0) for a, b in itertools.combinations(names, 2)
    }
    return report


def assignments() -> dict[str, list[int]]:
    """Annotator name -> assigned article ids (in id order), for the whole project."""
    out: dict[str, list[int]] = {}
    q = (
        m.Assignment.select(m.Annotator.name, m.Assignment.article)
        .join(m.Annotator)
        .order_by(m.Annotator.name, m.Assignment.article)
        .tuples()
    )
    for name, art in q:
        out.setdefault(name, []).append(art)
    return out


def queue(annotator: str, include_skipped: bool = True) -> list[ArticleSummary]:
    """The articles assigned to ``annotator`` that the annotator has not marked done, in id order.

    Each summary carries the annotator's own status (``new``, ``in_progress``, ``skipped``) and
    the number of the annotator's decided or rejected annotations. An unknown annotator or one
    without assignments has an empty queue.
    """
    who = m.Annotator.get_or_none(m.Annotator.name == (annotator or "").strip())
    if who is None:
        return []
    assigned = m.Assignment.select(m.Assignment.article).where(m.Assignment.annotator == who)
    status = {
        a: s
        for a, s in m.ArticleStatus.select(m.ArticleStatus.article, m.ArticleStatus.status)
        .where((m.ArticleStatus.annotator == who) & (m.ArticleStatus.layer == Layer.WORK.value))
        .tuples()
    }
    counts = dict(
        m.Annotation.select(m.Annotation.article, m.fn.COUNT(m.Annotation.id))
        .where((m.Annotation.annotator == who) & (m.Annotation.layer == Layer.WORK.value))
        .group_by(m.Annotation.article)
        .tuples()
    )
    rows = (
        m.Article.select(
            m.Article.id, m.Article.uid, m.Article.title, m.Article.outlet, m.Article.date,
            m.Article.external_id, m.Article.source_file, m.Article.word_count,
        )
        .where(m.Article.id.in_(assigned))
        .order_by(m.Article.id)
    )
    out = []
    for r in rows:
        st = status.get(r.id, ArticleState.NEW.value)
        if st == ArticleState.DONE.value or (st == ArticleState.SKIPPED.value and not include_skipped):
            continue
        out.append(
            ArticleSummary(
                id=r.id, uid=r.uid, title=r.title, outlet=r.outlet, date=r.date, external_id=r.external_id,
                source_file=r.source_file, word_count=r.word_count, status=st, annotations=counts.get(r.id, 0),
            )
        )
    return out


def queues(annotators: Sequence[str] | None = None) -> dict[str, list[ArticleSummary]]:
    """Every annotator's queue (those with assignments, or the names given)."""
    names = list(annotators) if annotators is not None else sorted(assignments())
    return {n: queue(n) for n in names}
