"""Project statistics for ``annotator stats`` and the status bar."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.store import models as m


@dataclass
class ProjectStats:
    articles: int = 0
    words: int = 0
    preannotated: int = 0
    suggestions: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> label -> n
    annotations: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> status -> n
    article_status: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> status -> n
    models: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def project_stats() -> ProjectStats:
    st = ProjectStats()
    st.articles = m.Article.select().count()
    st.words = m.Article.select(m.fn.COALESCE(m.fn.SUM(m.Article.word_count), 0)).scalar() or 0
    st.preannotated = m.Preannotation.select().count()
    for kind, label, n in (
        m.Suggestion.select(m.Suggestion.kind, m.Suggestion.label, m.fn.COUNT(m.Suggestion.id))
        .group_by(m.Suggestion.kind, m.Suggestion.label)
        .tuples()
    ):
        st.suggestions.setdefault(kind, {})[label] = n
    for name, layer, status, n in (
        m.Annotation.select(m.Annotator.name, m.Annotation.layer, m.Annotation.status, m.fn.COUNT(m.Annotation.id))
        .join(m.Annotator)
        .group_by(m.Annotator.name, m.Annotation.layer, m.Annotation.status)
        .tuples()
    ):
        key = name if layer == "work" else f"{name} (gold)"
        st.annotations.setdefault(key, {})[status] = n
    for name, layer, status, n in (
        m.ArticleStatus.select(m.Annotator.name, m.ArticleStatus.layer, m.ArticleStatus.status, m.fn.COUNT(m.ArticleStatus.id))
        .join(m.Annotator)
        .group_by(m.Annotator.name, m.ArticleStatus.layer, m.ArticleStatus.status)
        .tuples()
    ):
        key = name if layer == "work" else f"{name} (gold)"
        st.article_status.setdefault(key, {})[status] = n
    st.models = [
        f"{a} {b}" for a, b in m.Preannotation.select(m.Preannotation.model_name, m.Preannotation.model_version).distinct().tuples()
    ]
    return st
