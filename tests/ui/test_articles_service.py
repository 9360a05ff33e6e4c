"""The article-list service: per-annotator status, open counts, filters, sorting, paging."""

from __future__ import annotations

from annotator.services.annotate import AnnotationSession
from annotator.services.articles import ArticleFilter, ArticleQuery, SortKey
from annotator.store import open_project


def test_filters_sorting_and_counts(project_path):
    with open_project(project_path) as project:
        ana = AnnotationSession(project, "ana")
        first = ana.open_suggestions(1)[0]
        ana.accept(first.id)
        ana.set_status(2, "done")
        ana.set_status(3, "skipped")
        q = ArticleQuery("ana")
        assert q.ids() == [1, 2, 3, 4, 5]
        assert q.ids(ArticleFilter(statuses=frozenset({"done"}))) == [2]
        assert q.ids(ArticleFilter(statuses=frozenset({"new", "in_progress"}))) == [1, 4, 5]
        assert q.ids(ArticleFilter(statuses=frozenset({"new"}))) == [4, 5]
        assert q.ids(ArticleFilter(outlet="TASS")) == [
            s.id for s in q.summaries([1, 2, 3, 4, 5]) if s.outlet == "TASS"
        ]
        assert set(q.ids(ArticleFilter(search="press tv"))) == {s.id for s in q.summaries(range(1, 6)) if s.outlet == "Press TV"}
        assert q.ids(ArticleFilter(search="jabhat al-nusra", search_text=True))
        assert q.ids(ArticleFilter(label="DATE"))  # has a DATE suggestion
        assert q.ids(ArticleFilter(label="FAC")) == []
        s1 = q.summary(1)
        assert s1.status == "in_progress" and s1.annotations == 1
        assert s1.open_suggestions == len(ana.open_suggestions(1))
        # another annotator sees nothing of ana's work
        bo = ArticleQuery("bo")
        assert bo.summary(1).status == "new" and bo.summary(1).open_suggestions == len(ana.suggestions(1))
        by_open = q.ids(sort=SortKey.OPEN, descending=True)
        counts = [q.summary(i).open_suggestions for i in by_open]
        assert counts == sorted(counts, reverse=True)
        by_status = q.ids(sort=SortKey.STATUS)
        assert [q.summary(i).status for i in by_status] == sorted(q.summary(i).status for i in by_status)
        titles = [q.summary(i).title.lower() for i in q.ids(sort=SortKey.TITLE)]
        assert titles == sorted(titles)
        p = q.progress()
        assert (p.done, p.skipped, p.total) == (1, 1, 5)
        assert "TASS" in q.outlets()
        assert q.suggestion_count(1) == len(ana.suggestions(1))
