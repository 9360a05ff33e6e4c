"""Review (adjudication): the annotators' work side by side, and the reviewer's gold layer.

For one article, :meth:`ReviewSession.view` groups the decided work-layer annotations of the
annotators who touched the article (status in progress or done) into **items**: marks of one
kind that overlap, directly or through a chain (see :func:`annotator.services.agreement.group_marks`).
Within an item, annotators whose marks are the same (span, label; for claims stance, source
type and speaker, names compared as in the agreement figures) share a **version**. An item is
*agreed* when at least two annotators touched the article and all of them gave the same version;
otherwise it is a disagreement, and the item says who said what (``versions``), who marked
nothing there (``missing``; ``rejected_by`` when they explicitly rejected a suggestion there) and
what differs (``differences``).

The reviewer decides into the gold layer through an
:class:`~annotator.services.annotate.AnnotationSession` with ``layer="gold"``: every decision is
one logged action, durable and undoable like any annotation (``undo``/``redo`` here or on
``session``):

* :meth:`ReviewSession.accept` copies one annotator's version of an item (all its spans, with the
  claim fields and the suggestion it came from), optionally edited (``**changes``), replacing any
  earlier gold decision on that item;
* :meth:`ReviewSession.reject` records "not a span" for every span of the item (rejected gold
  annotations), replacing any earlier gold decision;
* :meth:`ReviewSession.accept_agreed` copies every agreed item that has no gold decision yet, in
  ONE action (one undo step);
* :meth:`ReviewSession.mark_reviewed` sets the article's gold status to ``done`` (reviewed).

An item's ``state`` is ``open`` (no gold annotation of this reviewer overlaps it), ``accepted``
(a decided gold span overlaps it) or ``rejected`` (only rejected gold annotations do).
:meth:`ReviewSession.queue` orders the articles to review (unreviewed first, most disagreement
first) and :meth:`ReviewSession.progress` counts reviewed / total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from annotator.domain.errors import AnnotationError, Msg
from annotator.domain.model import AnnotationRecord, ArticleState, Layer, Status
from annotator.store import models as m
from annotator.store.db import Project
from annotator.services.agreement import (
    POSITIVE,
    Group,
    article_disagreements,
    group_marks,
    load_corpus,
    mark_from,
    touched_states,
)
from annotator.services.annotate import EDITABLE, ActionResult, AnnotationSession, to_record

# Fields copied from an annotator's annotation into the gold layer.
COPIED = tuple(f for f in EDITABLE if f != "note")


@dataclass
class ItemVersion:
    """What some annotators (``annotators``) said about an item.

    ``annotations``: each of those annotators' own records (their ids, notes, times);
    ``spans``: the representative records that :meth:`ReviewSession.accept` copies (for claims whose
    speakers agree under different spellings, the annotator with the fullest name).
    """

    annotators: tuple[str, ...]
    spans: tuple[AnnotationRecord, ...]
    annotations: dict[str, tuple[AnnotationRecord, ...]] = field(default_factory=dict)


@dataclass
class ReviewItem:
    key: str  # "<kind>:<start>:<end>", stable while the annotators' work does not change
    kind: str
    start: int
    end: int
    agreed: bool
    versions: tuple[ItemVersion, ...]
    missing: tuple[str, ...] = ()  # annotators who touched the article but marked nothing here
    rejected_by: tuple[str, ...] = ()  # of those, who rejected a suggestion overlapping the item
    differences: tuple[str, ...] = ()  # missing, count, span, label, stance, source_type, source
    gold: tuple[AnnotationRecord, ...] = ()  # this reviewer's gold annotations overlapping the item
    state: str = "open"  # open | accepted | rejected
    chosen: tuple[str, ...] = ()  # annotators whose version equals the gold decision

    @property
    def reviewed(self) -> bool:
        return self.state != "open"

    def version_of(self, annotator: str) -> ItemVersion | None:
        for v in self.versions:
            if annotator in v.annotators:
                return v
        return None


@dataclass
class ArticleReview:
    article_id: int
    title: str
    text: str
    annotators: tuple[str, ...]  # who touched the article (eligible)
    items: list[ReviewItem]
    status: str  # the reviewer's gold status of the article
    extra_gold: tuple[AnnotationRecord, ...] = ()  # gold spans outside every item (added by the reviewer)

    @property
    def agreed(self) -> int:
        return sum(1 for i in self.items if i.agreed)

    @property
    def disagreements(self) -> int:
        return sum(1 for i in self.items if not i.agreed)

    @property
    def open(self) -> int:
        return sum(1 for i in self.items if i.state == "open")

    def item(self, key: str) -> ReviewItem | None:
        for i in self.items:
            if i.key == key:
                return i
        return None


@dataclass(frozen=True)
class QueueEntry:
    article_id: int
    title: str
    annotators: tuple[str, ...]
    items: int
    disagreements: int
    reviewed: bool
    status: str  # gold status (new, in_progress, done, skipped)


@dataclass(frozen=True)
class ReviewProgress:
    reviewed: int
    total: int

    @property
    def fraction(self) -> float:
        return self.reviewed / self.total if self.total else 0.0


def _overlaps(rec: AnnotationRecord, item: ReviewItem | Group) -> bool:
    return rec.kind == item.kind and rec.start < item.end and item.start < rec.end


def _same_decision(gold: Sequence[AnnotationRecord], spans: Sequence[AnnotationRecord]) -> bool:
    def sig(r: AnnotationRecord) -> tuple:
        return (r.kind, r.start, r.end, r.label, r.stance, r.source_type, (r.source_name or r.source_text or "").casefold())

    return sorted(map(sig, gold)) == sorted(map(sig, spans))


class ReviewSession:
    """A reviewer adjudicating the annotators' work into the gold layer of ``project``."""

    def __init__(self, project: Project, reviewer: str, done_only: bool = False) -> None:
        self.project = project
        self.session = AnnotationSession(project, reviewer, layer=Layer.GOLD)
        self.done_only = done_only

    @property
    def reviewer(self) -> str:
        return self.session.annotator_name

    # ---- the merged view -----------------------------------------------------------------------
    def annotators(self, article_id: int) -> tuple[str, ...]:
        """Annotators who touched the article in their work layer."""
        q = (
            m.ArticleStatus.select(m.Annotator.name)
            .join(m.Annotator)
            .where(
                (m.ArticleStatus.article == article_id)
                & (m.ArticleStatus.layer == Layer.WORK.value)
                & (m.ArticleStatus.status.in_(touched_states(self.done_only)))
            )
            .order_by(m.Annotator.name)
            .tuples()
        )
        return tuple(n for (n,) in q)

    def view(self, article_id: int) -> ArticleReview:
        text = self.session.text(article_id)
        title = m.Article.select(m.Article.title).where(m.Article.id == article_id).scalar() or ""
        eligible = self.annotators(article_id)
        rows = (
            m.Annotation.select(m.Annotation, m.Annotator.name)
            .join(m.Annotator)
            .where(
                (m.Annotation.article == article_id)
                & (m.Annotation.layer == Layer.WORK.value)
                & (m.Annotator.name.in_(list(eligible) or [""]))
            )
            .order_by(m.Annotation.start, m.Annotation.end, m.Annotation.id)
        )
        records: dict[int, AnnotationRecord] = {}
        marks: dict[str, list] = {n: [] for n in eligible}
        rejected: list[AnnotationRecord] = []
        for row in rows:
            rec = to_record(row, row.annotator.name)
            if rec.status in POSITIVE:
                records[rec.id] = rec
                marks[rec.annotator].append(mark_from(rec))
            elif rec.status == Status.REJECTED.value:
                rejected.append(rec)
        gold = self.session.annotations(article_id)
        used: set[int] = set()
        items = []
        for g in group_marks(marks):
            versions = []
            for v in g.versions:
                per = {
                    n: tuple(
                        sorted(
                            (records[mk.annotation_id] for mk in marks[n] if _in(mk, g)),
                            key=lambda r: (r.start, r.end, r.id),
                        )
                    )
                    for n in v.annotators
                }
                rep = max(v.annotators, key=lambda n: (sum(len(r.source_name or r.source_text or "") for r in per[n]), [-ord(c) for c in n]))
                versions.append(ItemVersion(v.annotators, per[rep], per))
            present = set(g.annotators)
            missing = tuple(n for n in eligible if n not in present)
            item = ReviewItem(
                key=g.key,
                kind=g.kind,
                start=g.start,
                end=g.end,
                agreed=g.agreed(eligible),
                versions=tuple(versions),
                missing=missing,
                rejected_by=tuple(sorted({r.annotator for r in rejected if r.annotator in missing and _overlaps(r, g)})),
                differences=g.differences(eligible),
            )
            item.gold = tuple(r for r in gold if _overlaps(r, item))
            used.update(r.id for r in item.gold)
            decided = [r for r in item.gold if r.status in POSITIVE]
            if decided:
                item.state = "accepted"
                item.chosen = tuple(n for v in versions if _same_decision(decided, v.spans) for n in v.annotators)
            elif item.gold:
                item.state = "rejected"
            items.append(item)
        extra = tuple(r for r in gold if r.id not in used)
        return ArticleReview(article_id, title, text, eligible, items, self.session.status(article_id), extra)

    def item(self, article_id: int, key: str) -> ReviewItem:
        item = self.view(article_id).item(key)
        if item is None:
            raise AnnotationError(Msg.R020.format(article=article_id, key=key))
        return item

    # ---- decisions -----------------------------------------------------------------------------
    def _replaced(self, article_id: int, item: ReviewItem, suggestions: set[int]) -> list[int]:
        """Gold annotations a new decision on ``item`` replaces (same item, or same suggestion)."""
        ids = [r.id for r in item.gold]
        ids += [r.id for r in self.session.annotations(article_id) if r.suggestion_id in suggestions and r.id not in ids]
        return ids

    def accept(self, article_id: int, key: str, annotator: str, **changes: Any) -> ActionResult:
        """Copy ``annotator``'s version of item ``key`` into the gold layer (one undoable action).

        ``changes`` (fields of an annotation: label, start, end, stance, source_*, source_type,
        cue_*, quote_type, note) edit the copy; only for a version of one span. Replaces any gold
        decision already made on the item.
        """
        item = self.item(article_id, key)
        version = item.version_of(annotator)
        if version is None:
            raise AnnotationError(Msg.R021.format(article=article_id, annotator=annotator, key=key))
        spans = version.annotations[annotator]
        if changes and len(spans) != 1:
            raise AnnotationError(f"item {key} has {len(spans)} spans in {annotator}'s version; accept it, then edit each span")
        adds = []
        for r in spans:
            spec: dict[str, Any] = {"kind": r.kind, **{f: getattr(r, f) for f in COPIED}}
            if r.suggestion_id is not None:
                spec["suggestion"] = r.suggestion_id
            spec.update(changes)
            adds.append(spec)
        suggestions = {a["suggestion"] for a in adds if a.get("suggestion") is not None}
        text = self.session.text(article_id)
        what = ", ".join(f"{r.label} '{_clip(text[r.start:r.end])}'" for r in spans)
        edited = " (edited)" if changes else ""
        return self.session.apply_batch(
            article_id,
            f"review: accept {annotator}'s {what}{edited}",
            add=adds,
            delete=self._replaced(article_id, item, suggestions),
        )

    def reject(self, article_id: int, key: str) -> ActionResult:
        """Record that item ``key`` is not a span (one rejected gold annotation per distinct span)."""
        item = self.item(article_id, key)
        seen: dict[tuple, dict[str, Any]] = {}
        for v in item.versions:
            for recs in v.annotations.values():
                for r in recs:
                    k = (r.kind, r.start, r.end, r.label)
                    spec = seen.setdefault(k, {"kind": r.kind, "start": r.start, "end": r.end, "label": r.label, "status": Status.REJECTED.value})
                    if r.suggestion_id is not None and "suggestion" not in spec and r.suggestion_id not in {
                        s.get("suggestion") for s in seen.values()
                    }:
                        spec["suggestion"] = r.suggestion_id
        adds = list(seen.values())
        suggestions = {a["suggestion"] for a in adds if a.get("suggestion") is not None}
        text = self.session.text(article_id)
        return self.session.apply_batch(
            article_id,
            f"review: reject {item.kind} '{_clip(text[item.start:item.end])}'",
            add=adds,
            delete=self._replaced(article_id, item, suggestions),
        )

    def accept_agreed(self, article_id: int) -> ActionResult | None:
        """Copy every agreed item without a gold decision into gold, as ONE action; None if none."""
        view = self.view(article_id)
        todo = [i for i in view.items if i.agreed and i.state == "open"]
        if not todo:
            return None
        taken = {r.suggestion_id for r in self.session.annotations(article_id) if r.suggestion_id is not None}
        adds = []
        for item in todo:
            for r in item.versions[0].spans:
                spec: dict[str, Any] = {"kind": r.kind, **{f: getattr(r, f) for f in COPIED}}
                if r.suggestion_id is not None and r.suggestion_id not in taken:
                    spec["suggestion"] = r.suggestion_id
                    taken.add(r.suggestion_id)
                adds.append(spec)
        return self.session.apply_batch(article_id, f"review: accept {len(todo)} agreed item(s)", add=adds)

    def mark_reviewed(self, article_id: int, reviewed: bool = True) -> ActionResult:
        """Set the gold status: ``done`` (reviewed) or back to ``in_progress``."""
        return self.session.set_status(article_id, ArticleState.DONE.value if reviewed else ArticleState.IN_PROGRESS.value)

    def undo(self) -> ActionResult:
        return self.session.undo()

    def redo(self) -> ActionResult:
        return self.session.redo()

    def can_undo(self) -> bool:
        return self.session.can_undo()

    def can_redo(self) -> bool:
        return self.session.can_redo()

    # ---- the queue -----------------------------------------------------------------------------
    def _gold_status(self) -> dict[int, str]:
        return dict(
            m.ArticleStatus.select(m.ArticleStatus.article, m.ArticleStatus.status)
            .where((m.ArticleStatus.layer == Layer.GOLD.value) & (m.ArticleStatus.annotator == self.session.annotator))
            .tuples()
        )

    def _reviewed_any(self) -> set[int]:
        return {
            a
            for (a,) in m.ArticleStatus.select(m.ArticleStatus.article)
            .where((m.ArticleStatus.layer == Layer.GOLD.value) & (m.ArticleStatus.status == ArticleState.DONE.value))
            .tuples()
        }

    def queue(self, include_reviewed: bool = True) -> list[QueueEntry]:
        """Articles touched by at least one annotator: unreviewed first, most disagreement first."""
        corpus = load_corpus(self.done_only)
        mine = self._gold_status()
        reviewed = self._reviewed_any()
        arts = sorted({a for s in corpus.touched.values() for a in s})
        out = []
        for art in arts:
            who = tuple(n for n in corpus.annotators if art in corpus.touched.get(n, set()))
            items, dis = article_disagreements(corpus, art)
            done = art in reviewed
            if done and not include_reviewed:
                continue
            out.append(QueueEntry(art, corpus.titles.get(art, ""), who, items, dis, done, mine.get(art, ArticleState.NEW.value)))
        out.sort(key=lambda e: (e.reviewed, -e.disagreements, -len(e.annotators), e.article_id))
        return out

    def next_article(self, after: int | None = None) -> int | None:
        """The first unreviewed article of the queue (after ``after`` in queue order, wrapping)."""
        ids = [e.article_id for e in self.queue(include_reviewed=False)]
        if not ids:
            return None
        if after in ids:
            i = ids.index(after)
            rest = ids[i + 1 :] + ids[:i]
            return rest[0] if rest else None
        return ids[0]

    def progress(self) -> ReviewProgress:
        """Reviewed (gold status done, by any reviewer) / total (articles touched by an annotator,
        plus any reviewed article)."""
        corpus = load_corpus(self.done_only)
        arts = {a for s in corpus.touched.values() for a in s}
        reviewed = self._reviewed_any()
        total = arts | reviewed
        return ReviewProgress(len(reviewed & total), len(total))


def _in(mk, g: Group) -> bool:
    return mk.kind == g.kind and g.start <= mk.start and mk.end <= g.end


def _clip(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"

