"""Import use case: files and folders -> articles in the project (then pre-annotation).

Articles are inserted in batches, each batch in one transaction, so an interrupted import leaves
only whole articles. Duplicates (same normalised text, in the project or earlier in the batch)
are skipped and reported; bad files are reported with the file and the reason and the rest of the
batch goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.model import ArticleInput
from annotator.domain.text import content_hash
from annotator.importers import MAX_CHARS, CsvOptions, discover, read_file
from annotator.services.progress import CancelToken, NeverCancel, ProgressFn, no_progress
from annotator.store import models as m
from annotator.store.db import Project

BATCH = 200


@dataclass
class ImportReport:
    files: int = 0
    imported: list[int] = field(default_factory=list)  # article ids
    duplicates: list[str] = field(default_factory=list)  # messages naming file and article
    problems: list[ImportProblem] = field(default_factory=list)
    annotations: int = 0  # decided annotations carried by the files (own JSONL export)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.imported) or (not self.problems and not self.cancelled)


def article_uid(text_hash: str) -> str:
    return "a-" + text_hash[:20]


def _row(a: ArticleInput, h: str) -> dict:
    return {
        "uid": article_uid(h),
        "content_hash": h,
        "external_id": a.external_id,
        "title": a.title,
        "outlet": a.outlet,
        "date": a.date,
        "url": a.url,
        "source_file": a.source_file,
        "meta": json.dumps(a.meta, ensure_ascii=False, default=str),
        "imported_at": m.now_iso(),
        "char_count": len(a.text),
        "word_count": len(a.text.split()),
        "text": a.text,
    }


def _flush(project: Project, batch: list[ArticleInput], report: ImportReport, on_annotated) -> None:
    if not batch:
        return
    hashes = [content_hash(a.text) for a in batch]
    with project.db.atomic():
        existing = {
            r.content_hash: r.title or r.external_id or r.uid
            for r in m.Article.select(m.Article.content_hash, m.Article.title, m.Article.external_id, m.Article.uid).where(
                m.Article.content_hash.in_(list(set(hashes)))
            )
        }
        rows, carried = [], []
        for a, h in zip(batch, hashes):
            if h in existing:
                report.duplicates.append(
                    Msg.I015.format(file=_where(a), title=existing[h] or "untitled")
                )
                if a.annotations:
                    carried.append((h, a))
                continue
            existing[h] = a.title or a.external_id or "untitled"
            rows.append(_row(a, h))
            if a.annotations:
                carried.append((h, a))
        for i in range(0, len(rows), 100):
            m.Article.insert_many(rows[i : i + 100]).execute()
        if rows:
            ids = dict(
                m.Article.select(m.Article.content_hash, m.Article.id)
                .where(m.Article.content_hash.in_([r["content_hash"] for r in rows]))
                .tuples()
            )
            report.imported.extend(ids[r["content_hash"]] for r in rows)
    if carried and on_annotated is not None:
        report.annotations += on_annotated(carried)
    batch.clear()


def _where(a: ArticleInput) -> str:
    if a.external_id:
        return f"{a.source_file} (id {a.external_id})"
    return a.source_file or "<input>"


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    csv: CsvOptions | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    max_chars: int = MAX_CHARS,
    on_annotated=None,
) -> ImportReport:
    """Import every supported file under ``paths``.

    ``on_annotated(list[(content_hash, ArticleInput)]) -> int`` records annotations carried by
    the files (the tool's own JSONL export); it is called after their articles are committed.
    """
    cancel = cancel or NeverCancel()
    report = ImportReport()
    files, problems = discover(paths)
    report.problems.extend(problems)
    report.files = len(files)
    batch: list[ArticleInput] = []
    for n, path in enumerate(files):
        if cancel.is_set():
            report.cancelled = True
            break
        progress(n, len(files), str(path))
        for item in read_file(path, csv=csv, max_chars=max_chars):
            if isinstance(item, ImportProblem):
                report.problems.append(item)
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                _flush(project, batch, report, on_annotated)
        # Whole files stay together unless a file holds more than a batch.
        if len(batch) >= BATCH // 2:
            _flush(project, batch, report, on_annotated)
    if not report.cancelled:
        _flush(project, batch, report, on_annotated)
        progress(len(files), len(files), "done")
    return report
