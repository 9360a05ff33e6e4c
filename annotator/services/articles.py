"""The article list: summaries with one annotator's status and open-suggestion counts.

Built for projects of tens of thousands of articles: :meth:`ArticleQuery.ids` returns only the
ordered ids that match a filter (one small query), and :meth:`ArticleQuery.summaries` fetches
the metadata and counts of one page of ids at a time. No query here reads ``article.text``
unless a search is explicitly asked to look inside the texts.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.domain.model import ArticleState, ArticleSummary, Kind, Layer, Status
from annotator.domain.text import lead_title
from annotator.services.project import get_or_create_annotator
from annotator.store import fastpath as fp
from annotator.store import models as m


class SortKey(str, enum.Enum):
    """Columns the list can be sorted by."""

    ID = "id"
    STATUS = "status"
    TITLE = "title"
    OUTLET = "outlet"
    DATE = "date"
    OPEN = "open"
    WORDS = "words"


@dataclass(frozen=True)
class ArticleFilter:
    """What the list shows. Empty fields do not filter."""

    statuses: frozenset[str] = frozenset()  # ArticleState values; empty = every status
    outlet: str = ""
    label: str = ""  # an entity label, or "CLAIM": articles with such a suggestion or annotation
    search: str = ""  # case-insensitive substring of title, outlet or external id
    search_text: bool = False  # also look inside the article texts (slow on huge projects)


@dataclass(frozen=True)
class Progress:
    """How far one annotator is: articles done and skipped out of all articles."""

    done: int
    skipped: int
    total: int


@dataclass
class ArticleQuery:
    """Article-list queries for one annotator (and layer) in the open project."""

    annotator_name: str
    layer: str = Layer.WORK.value
    _annotator_id: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.layer = self.layer.value if isinstance(self.layer, Layer) else str(self.layer)
        self._annotator_id = get_or_create_annotator(self.annotator_name).id

    # ---- building blocks ----------------------------------------------------------------------
    def _mine(self, model: type[m.BaseModel]):
        return (model.annotator == self._annotator_id) & (model.layer == self.layer)

    def _status_expr(self):
        """Correlated subquery: this annotator's status of the outer article ('new' if none)."""
        sub = (
            m.ArticleStatus.select(m.ArticleStatus.status)
            .where((m.ArticleStatus.article == m.Article.id) & self._mine(m.ArticleStatus))
        )
        return m.fn.COALESCE(sub, ArticleState.NEW.value)

    def _open_expr(self):
        """Correlated subquery: open suggestions of the outer article for this annotator."""
        decided = m.Annotation.select(m.Annotation.suggestion).where(
            (m.Annotation.article == m.Article.id)
            & self._mine(m.Annotation)
            & m.Annotation.suggestion.is_null(False)
        )
        count = m.Suggestion.select(m.fn.COUNT(m.Suggestion.id)).where(
            (m.Suggestion.article == m.Article.id) & m.Suggestion.id.not_in(decided)
        )
        return m.fn.COALESCE(count, 0)

    def _where(self, flt: ArticleFilter):
        cond = m.Article.id > 0
        if flt.statuses:
            wanted = sorted(flt.statuses)
            if ArticleState.NEW.value in flt.statuses:
                other = m.ArticleStatus.select(m.ArticleStatus.article).where(
                    self._mine(m.ArticleStatus) & m.ArticleStatus.status.not_in(wanted)
                )
                cond &= m.Article.id.not_in(other)
            else:
                having = m.ArticleStatus.select(m.ArticleStatus.article).where(
                    self._mine(m.ArticleStatus) & m.ArticleStatus.status.in_(wanted)
                )
                cond &= m.Article.id.in_(having)
        if flt.outlet:
            cond &= m.Article.outlet == flt.outlet
        if flt.label:
            kind = Kind.CLAIM.value if flt.label == "CLAIM" else Kind.ENTITY.value
            suggested = m.Suggestion.select(m.Suggestion.article).where(
                (m.Suggestion.kind == kind) & (m.Suggestion.label == flt.label)
            )
            annotated = m.Annotation.select(m.Annotation.article).where(
                self._mine(m.Annotation)
                & (m.Annotation.kind == kind)
                & (m.Annotation.label == flt.label)
                & (m.Annotation.status != Status.REJECTED.value)
            )
            cond &= m.Article.id.in_(suggested) | m.Article.id.in_(annotated)
        needle = flt.search.strip().lower()
        if needle:
            fields = [m.Article.title, m.Article.outlet, m.Article.external_id]
            if flt.search_text:
                fields.append(m.Article.text)
            found = None
            for f in fields:
                hit = fp.position(m.fn.lower(f), needle) > 0
                found = hit if found is None else (found | hit)
            cond &= found
        return cond

    def _order(self, sort: SortKey, descending: bool) -> list:
        key = {
            SortKey.ID: None,
            SortKey.STATUS: self._status_expr(),
            SortKey.TITLE: m.fn.lower(m.Article.title),
            SortKey.OUTLET: m.fn.lower(m.Article.outlet),
            SortKey.DATE: m.Article.date,
            SortKey.OPEN: self._open_expr(),
            SortKey.WORDS: m.Article.word_count,
        }[SortKey(sort)]
        ident = m.Article.id.desc() if descending else m.Article.id
        if key is None:
            return [ident]
        return [key.desc() if descending else key.asc(), ident]

    # ---- queries ------------------------------------------------------------------------------
    def ids(self, flt: ArticleFilter = ArticleFilter(), sort: SortKey = SortKey.ID, descending: bool = False) -> list[int]:
        """Ids of the matching articles in display order (never their texts)."""
        q = m.Article.select(m.Article.id).where(self._where(flt)).order_by(*self._order(sort, descending))
        return [row[0] for row in q.tuples()]

    def summaries(self, ids: Sequence[int], counts: bool = True) -> list[ArticleSummary]:
        """Summaries of ``ids``, in the same order; unknown ids are left out.

        ``counts=False`` reads only the metadata (one query), leaving status and counts at
        their defaults. The ids travel as one JSON parameter (``json_each``), so a page of a few
        hundred ids costs four short statements, not four queries with hundreds of parameters.
        (Parameter markers and the JSON subquery come from the store: SQLite or PostgreSQL.)
        """
        ids = list(ids)
        if not ids:
            return []
        db = m.database_proxy
        p, in_ids = fp.param(db), fp.ids_param(db)
        id_list = json.dumps(ids)
        mine = (self._annotator_id, self.layer)
        by_id = {
            r[0]: ArticleSummary(*r[:8], lead=_lead(r[2], r[8], r[9]))
            for r in db.execute_sql(
                "SELECT id, uid, title, outlet, date, external_id, source_file, word_count, meta, "
                f"substr(text, 1, {LEAD_PREFIX}) FROM article WHERE id IN ({in_ids})",
                (id_list,),
            )
        }
        if counts and by_id:
            for aid, status in db.execute_sql(
                f"SELECT article_id, status FROM article_status WHERE annotator_id = {p} AND layer = {p} "
                f"AND article_id IN ({in_ids})",
                (*mine, id_list),
            ):
                by_id[aid].status = status
            for aid, n in db.execute_sql(
                f"SELECT s.article_id, COUNT(*) FROM suggestion s WHERE s.article_id IN ({in_ids}) "
                "AND NOT EXISTS (SELECT 1 FROM annotation a WHERE a.suggestion_id = s.id "
                f"AND a.annotator_id = {p} AND a.layer = {p}) GROUP BY s.article_id",
                (id_list, *mine),
            ):
                by_id[aid].open_suggestions = n
            for aid, n in db.execute_sql(
                f"SELECT article_id, COUNT(*) FROM annotation WHERE annotator_id = {p} AND layer = {p} "
                f"AND status != {p} AND article_id IN ({in_ids}) GROUP BY article_id",
                (*mine, Status.REJECTED.value, id_list),
            ):
                by_id[aid].annotations = n
        return [by_id[i] for i in ids if i in by_id]

    def summary(self, article_id: int, counts: bool = True) -> ArticleSummary | None:
        found = self.summaries([article_id], counts)
        return found[0] if found else None

    def outlets(self) -> list[str]:
        """Distinct non-empty outlets, alphabetically (served by the outlet index)."""
        q = m.Article.select(m.Article.outlet).where(m.Article.outlet != "").distinct().order_by(m.Article.outlet)
        return [r[0] for r in q.tuples()]

    def has_dates(self) -> bool:
        """Whether any article of the project has a date (CSV bodies and most JSONL have none)."""
        return m.Article.select().where(m.Article.date != "").exists()

    def progress(self) -> Progress:
        total = m.Article.select().count()
        counts = dict(
            m.ArticleStatus.select(m.ArticleStatus.status, m.fn.COUNT(m.ArticleStatus.id))
            .where(self._mine(m.ArticleStatus))
            .group_by(m.ArticleStatus.status)
            .tuples()
        )
        return Progress(
            done=counts.get(ArticleState.DONE.value, 0),
            skipped=counts.get(ArticleState.SKIPPED.value, 0),
            total=total,
        )

    def suggestion_count(self, article_id: int) -> int:
        """All suggestions of one article (to notice when pre-annotation added some)."""
        return m.Suggestion.select().where(m.Suggestion.article == article_id).count()


LEAD_PREFIX = 400  # characters of the text read for a stand-in title


def _lead(title: str, meta: str, prefix: str) -> str:
    """The stand-in title of an untitled article: the importer's ``display_title`` (which skips
    outlet and dateline lines), else the first sentence of the text."""
    if title:
        return ""
    if '"display_title"' in meta:
        try:
            found = json.loads(meta).get("display_title")
        except (ValueError, AttributeError):
            found = None
        if isinstance(found, str) and found.strip():
            return found.strip()
    return lead_title(prefix)
