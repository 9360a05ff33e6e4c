"""Pre-annotation use case: machine suggestions for articles that need them.

An article is (re)processed only when it has no pre-annotation record for the engine's
fingerprint (model name, model version, claim-rules version) and its current text hash.
Results are written per batch in one transaction: old suggestions no annotation refers to are
replaced; suggestions an analyst already decided on are kept (their decisions point at them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Protocol

from annotator.domain.errors import Msg
from annotator.domain.model import Kind
from annotator.domain.scheme import LabelScheme
from annotator.domain.tokens import tokenizer_id
from annotator.services.progress import CancelToken, NeverCancel, ProgressFn, no_progress
from annotator.services.project import get_scheme
from annotator.services.token_store import token_row
from annotator.store import models as m
from annotator.store.db import Project

READ_CHUNK = 256


class EngineInfo(Protocol):
    name: str
    version: str
    rules_version: str
    fingerprint: str


class PreannotationEngine(Protocol):
    """What this service needs from ``annotator.nlp.engine.Engine`` (passed in by the caller)."""

    info: EngineInfo

    @property
    def max_length(self) -> int: ...

    def annotate(self, texts: Iterable[str], jobs: int = 1) -> Iterator: ...


@dataclass
class PreannotateReport:
    articles: int = 0
    entities: int = 0
    claims: int = 0
    skipped: int = 0  # already up to date
    cancelled: bool = False
    # Articles whose claim rules failed (their entities are stored): user-facing messages (Msg.M004).
    claim_failures: list[str] = field(default_factory=list)


def pending_ids(engine: PreannotationEngine, article_ids: Iterable[int] | None = None, force: bool = False) -> list[int]:
    q = m.Article.select(m.Article.id).order_by(m.Article.id)
    if article_ids is not None:
        q = q.where(m.Article.id.in_(list(article_ids)))
    if not force:
        fresh = m.Preannotation.select(m.Preannotation.article).join(m.Article).where(
            (m.Preannotation.fingerprint == engine.info.fingerprint)
            & (m.Preannotation.text_hash == m.Article.content_hash)
        )
        q = q.where(m.Article.id.not_in(fresh))
    return [r.id for r in q]


def _texts(ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """Stream (id, text, hash) without loading every text at once."""
    for i in range(0, len(ids), READ_CHUNK):
        chunk = ids[i : i + READ_CHUNK]
        rows = (
            m.Article.select(m.Article.id, m.Article.text, m.Article.content_hash)
            .where(m.Article.id.in_(chunk))
            .order_by(m.Article.id)
            .tuples()
        )
        yield from rows


def _suggestion_rows(article_id: int, result, scheme: LabelScheme, info: EngineInfo, now: str) -> list[dict]:
    # insert_many takes its columns from the first row: every row carries every key.
    common = {
        "quote_type": None,
        "source_start": None,
        "source_end": None,
        "source_name": None,
        "cue_start": None,
        "cue_end": None,
        "article": article_id,
        "model_name": info.name,
        "model_version": info.version,
        "rules_version": info.rules_version,
        "created_at": now,
    }
    rows = []
    for e in result.entities:
        label = scheme.map_label(e.label)
        if label is None:
            continue
        rows.append({**common, "kind": Kind.ENTITY.value, "start": e.start, "end": e.end, "label": label})
    for c in result.claims:
        rows.append(
            {
                **common,
                "kind": Kind.CLAIM.value,
                "start": c.start,
                "end": c.end,
                "label": c.label,
                "quote_type": c.quote_type.value if hasattr(c.quote_type, "value") else c.quote_type,
                "source_start": c.source_start,
                "source_end": c.source_end,
                "source_name": c.source_name,
                "cue_start": c.cue_start,
                "cue_end": c.cue_end,
            }
        )
    return rows


def _write(project: Project, done: list[tuple[int, str, object]], engine: PreannotationEngine, scheme, report,
           texts: dict[int, str]) -> None:
    """Store the results of ``done``; ``texts`` holds their article texts (for the stored tokens)."""
    if not done:
        return
    info = engine.info
    now = m.now_iso()
    ids = [d[0] for d in done]
    with project.db.atomic():
        referenced = m.Annotation.select(m.Annotation.suggestion).where(
            m.Annotation.article.in_(ids) & m.Annotation.suggestion.is_null(False)
        )
        kept = {
            (r.article_id, r.kind, r.start, r.end, r.label)
            for r in m.Suggestion.select().where(m.Suggestion.article.in_(ids) & m.Suggestion.id.in_(referenced))
        }
        m.Suggestion.delete().where(m.Suggestion.article.in_(ids) & m.Suggestion.id.not_in(referenced)).execute()
        rows = []
        for aid, _h, result in done:
            for r in _suggestion_rows(aid, result, scheme, info, now):
                if (aid, r["kind"], r["start"], r["end"], r["label"]) not in kept:
                    rows.append(r)
            report.entities += len(result.entities)
            report.claims += len(result.claims)
            error = getattr(result, "claims_error", "")
            if error:
                title = texts.get(aid, "").split("\n", 1)[0][:60] or "untitled"
                report.claim_failures.append(Msg.M004.format(article=aid, title=title, detail=error))
        for i in range(0, len(rows), 500):
            m.Suggestion.insert_many(rows[i : i + 500]).execute()
        token_rows = [
            token_row(aid, tokenizer_id(info.name, info.version), h, texts[aid], result.tokens)
            for aid, h, result in done
            if getattr(result, "tokens", b"") and aid in texts
        ]
        if token_rows:
            m.ArticleTokens.delete().where(m.ArticleTokens.article.in_([r["article"] for r in token_rows])).execute()
            for i in range(0, len(token_rows), 100):
                m.ArticleTokens.insert_many(token_rows[i : i + 100]).execute()
        m.Preannotation.insert_many(
            [
                {
                    "article": aid,
                    "fingerprint": info.fingerprint,
                    "text_hash": h,
                    "model_name": info.name,
                    "model_version": info.version,
                    "done_at": now,
                }
                for aid, h, _ in done
            ]
        ).on_conflict(  # an upsert, portable to PostgreSQL (which has no INSERT OR REPLACE)
            conflict_target=[m.Preannotation.article],
            preserve=[
                m.Preannotation.fingerprint,
                m.Preannotation.text_hash,
                m.Preannotation.model_name,
                m.Preannotation.model_version,
                m.Preannotation.done_at,
            ],
        ).execute()
    report.articles += len(done)


def preannotate(
    project: Project,
    engine: PreannotationEngine,
    article_ids: Iterable[int] | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    write_every: int = 64,
) -> PreannotateReport:
    cancel = cancel or NeverCancel()
    scheme = get_scheme(project)
    report = PreannotateReport()
    all_ids = None if article_ids is None else list(article_ids)
    ids = pending_ids(engine, all_ids, force)
    if all_ids is not None:
        report.skipped = len(all_ids) - len(ids)
    else:
        report.skipped = m.Article.select().count() - len(ids)
    total = len(ids)
    progress(0, total, f"pre-annotating with {engine.info.name} {engine.info.version}")
    meta: list[tuple[int, str]] = []
    in_flight: dict[int, str] = {}  # texts parsed but not yet written (their tokens are stored with them)

    def texts() -> Iterator[str]:
        for aid, text, h in _texts(ids):
            meta.append((aid, h))
            in_flight[aid] = text
            yield text

    pending: list[tuple[int, str, object]] = []
    results = engine.annotate(texts(), jobs=jobs)
    try:
        for n, result in enumerate(results):
            aid, h = meta[n]
            pending.append((aid, h, result))
            if len(pending) >= write_every:
                _write(project, pending, engine, scheme, report, in_flight)
                for aid_done, _h, _r in pending:
                    in_flight.pop(aid_done, None)
                pending = []
                progress(report.articles, total, "pre-annotating")
                if cancel.is_set():
                    report.cancelled = True
                    break
        if not report.cancelled:
            _write(project, pending, engine, scheme, report, in_flight)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
    progress(report.articles, total, "done")
    return report
