"""Small builders for tests: articles and suggestions inserted directly into a project."""

from __future__ import annotations

from annotator.domain.text import content_hash, normalise_text
from annotator.store import models as m


def add_article(text: str, title: str = "", **fields) -> m.Article:
    text = normalise_text(text)
    h = content_hash(text)
    return m.Article.create(uid="a-" + h[:20], content_hash=h, text=text, title=title,
                            char_count=len(text), word_count=len(text.split()), **fields)


def add_suggestion(article: m.Article, start: int, end: int, label: str = "PERSON", kind: str = "entity", **fields) -> m.Suggestion:
    return m.Suggestion.create(article=article, kind=kind, start=start, end=end, label=label,
                               model_name="test_model", model_version="1", **fields)


def span(article: m.Article, needle: str, occurrence: int = 1) -> tuple[int, int]:
    i = -1
    for _ in range(occurrence):
        i = article.text.index(needle, i + 1)
    return i, i + len(needle)


def table_snapshot() -> dict:
    """Everything an undo must restore, comparable with ==."""
    anns = sorted(
        (a.uid, a.kind, a.start, a.end, a.label, a.status, a.stance, a.source_start, a.source_end,
         a.source_text, a.source_name, a.source_type, a.note, a.suggestion_id)
        for a in m.Annotation.select()
    )
    sts = sorted((s.uid, s.article_id, s.status, s.note) for s in m.ArticleStatus.select())
    return {"annotations": anns, "status": sts}
