"""Export use case: decided annotations (and optionally suggestions) as datasets.

Files are written to a temporary name in the target folder and renamed into place when
complete, so an interrupted export never leaves a truncated file that looks whole. Articles are
streamed in chunks; memory does not grow with the project.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

from annotator.domain.errors import ExportError, Msg
from annotator.domain.model import Status
from annotator.services.progress import CancelToken, NeverCancel, ProgressFn, no_progress
from annotator.store import models as m

FORMATS = ("jsonl",)
CHUNK = 200


@dataclass
class ExportOptions:
    annotator: str | None = None  # only this annotator's decisions; all annotators when None
    layer: str = "work"
    include_suggestions: bool = False  # --all
    status: tuple[str, ...] = ()  # article statuses to include; all when empty


@dataclass
class ExportReport:
    path: Path
    articles: int = 0
    spans: int = 0
    claims: int = 0
    suggested: int = 0
    files: list[Path] = field(default_factory=list)


@contextmanager
def atomic_output(path: Path, force: bool = False, binary: bool = False) -> Iterator[IO]:
    """Write to a temporary file next to ``path`` and rename it into place on success."""
    path = Path(path)
    if path.exists() and not force:
        raise ExportError(Msg.E001.format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(Msg.E002.format(path=path, detail="the folder does not exist"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(Msg.E002.format(path=path, detail=exc.strerror or exc)) from exc
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": "\n"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _span_text(text: str, start: int | None, end: int | None) -> dict | None:
    if start is None or end is None:
        return None
    return {"text": text[start:end], "start": start, "end": end}


def annotation_json(a: m.Annotation, text: str, annotator: str) -> dict:
    base = {
        "start": a.start,
        "end": a.end,
        "text": text[a.start : a.end],
        "label": a.label,
        "status": a.status,
        "annotator": annotator,
        "updated_at": a.updated_at,
    }
    if a.kind == "entity":
        return base
    source = None
    if a.source_start is not None:
        source = _span_text(text, a.source_start, a.source_end) | {"name": a.source_name or text[a.source_start : a.source_end]}
    elif a.source_text or a.source_name:
        source = {"text": a.source_text or a.source_name, "start": None, "end": None, "name": a.source_name or a.source_text}
    return base | {
        "stance": a.stance,
        "source": source,
        "source_type": a.source_type,
        "cue": _span_text(text, a.cue_start, a.cue_end),
        "quote_type": a.quote_type,
        "note": a.note,
    }


def suggestion_json(s: m.Suggestion, text: str) -> dict:
    base = {
        "start": s.start,
        "end": s.end,
        "text": text[s.start : s.end],
        "label": s.label,
        "status": "suggested",
        "model": f"{s.model_name} {s.model_version}",
    }
    if s.kind == "entity":
        return base
    source = None
    if s.source_start is not None:
        source = _span_text(text, s.source_start, s.source_end) | {"name": s.source_name or text[s.source_start : s.source_end]}
    return base | {
        "stance": None,
        "source": source,
        "source_type": None,
        "cue": _span_text(text, s.cue_start, s.cue_end),
        "quote_type": s.quote_type,
    }


def iter_article_records(opts: ExportOptions) -> Iterator[dict]:
    """One export record per article (the JSONL schema), streamed in chunks."""
    annotators = {a.id: a.name for a in m.Annotator.select()}
    ann_filter = m.Annotation.layer == opts.layer
    if opts.annotator:
        who = m.Annotator.get_or_none(m.Annotator.name == opts.annotator)
        if who is None:
            raise ExportError(Msg.E003.format(detail=f"no annotator named {opts.annotator!r} in the project"))
        ann_filter &= m.Annotation.annotator == who
    q = m.Article.select(m.Article.id).order_by(m.Article.id)
    if opts.status:
        st = m.ArticleStatus.select(m.ArticleStatus.article).where(
            (m.ArticleStatus.status.in_(list(opts.status))) & (m.ArticleStatus.layer == opts.layer)
        )
        if opts.annotator:
            st = st.where(m.ArticleStatus.annotator == who)
        q = q.where(m.Article.id.in_(st))
    ids = [r.id for r in q]
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        arts = list(m.Article.select().where(m.Article.id.in_(chunk)).order_by(m.Article.id))
        anns: dict[int, list[m.Annotation]] = {}
        for a in m.Annotation.select().where(ann_filter & m.Annotation.article.in_(chunk)).order_by(
            m.Annotation.start, m.Annotation.end, m.Annotation.id
        ):
            anns.setdefault(a.article_id, []).append(a)
        sugg: dict[int, list[m.Suggestion]] = {}
        if opts.include_suggestions:
            for s in m.Suggestion.select().where(m.Suggestion.article.in_(chunk)).order_by(
                m.Suggestion.start, m.Suggestion.end, m.Suggestion.id
            ):
                sugg.setdefault(s.article_id, []).append(s)
        for art in arts:
            yield _record(art, anns.get(art.id, []), sugg.get(art.id, []), annotators)


def _record(art: m.Article, anns: list[m.Annotation], suggs: list[m.Suggestion], annotators: dict[int, str]) -> dict:
    text = art.text
    try:
        meta = json.loads(art.meta or "{}")
    except ValueError:
        meta = {}
    meta = {**meta, "uid": art.uid, "title": art.title, "outlet": art.outlet, "date": art.date, "url": art.url,
            "source_file": art.source_file, "external_id": art.external_id}
    spans, claims, rejected = [], [], []
    decided = set()
    for a in anns:
        if a.suggestion_id is not None:
            decided.add(a.suggestion_id)
        rec = annotation_json(a, text, annotators.get(a.annotator_id, "?"))
        if a.status == Status.REJECTED.value:
            rejected.append(rec | {"kind": a.kind})
        elif a.kind == "entity":
            spans.append(rec)
        else:
            claims.append(rec)
    for s in suggs:
        if s.id in decided:
            continue
        (spans if s.kind == "entity" else claims).append(suggestion_json(s, text))
    return {
        "id": art.uid,
        "text": text,
        "meta": meta,
        "spans": spans,
        "claims": claims,
        "rejected": rejected,
        "annotators": sorted({annotators.get(a.annotator_id, "?") for a in anns}),
    }


def export_jsonl(
    path: Path,
    opts: ExportOptions,
    force: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    cancel = cancel or NeverCancel()
    report = ExportReport(path=Path(path))
    total = m.Article.select().count()
    with atomic_output(Path(path), force=force) as fh:
        for rec in iter_article_records(opts):
            if cancel.is_set():
                raise ExportError(Msg.E003.format(detail="cancelled; nothing was written"))
            if not rec["spans"] and not rec["claims"] and not rec["rejected"] and not opts.include_suggestions:
                continue
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            report.articles += 1
            report.spans += sum(1 for s in rec["spans"] if s["status"] != "suggested")
            report.claims += sum(1 for c in rec["claims"] if c["status"] != "suggested")
            report.suggested += sum(1 for s in rec["spans"] + rec["claims"] if s["status"] == "suggested")
            if report.articles % 100 == 0:
                progress(report.articles, total, "exporting")
        if report.articles == 0:
            raise ExportError(
                Msg.E003.format(
                    detail="no article has decided annotations matching the filters (use --all to include suggestions)"
                )
            )
    report.files.append(Path(path))
    return report
