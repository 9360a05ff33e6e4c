"""Qt item models: thin adapters over the article-list service and the open article's spans.

Both hand out their domain objects through ``Qt.ItemDataRole.UserRole``.

:class:`ArticleListModel` holds only the ordered ids that match the filter (a few hundred KB for
50,000 articles) and fetches summaries a page at a time when a row is first drawn, so opening a
huge project never reads all rows, and never any text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from annotator.domain.model import ArticleSummary, Status
from annotator.services.articles import ArticleFilter, ArticleQuery, SortKey
from annotator.ui.document import ArticleDocument, DocChange, SpanItem, SpanKey

PAGE = 200
MAX_PAGES = 64
_Role = Qt.ItemDataRole
_ROOT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex

STATUS_TEXT = {"new": "New", "in_progress": "In progress", "done": "Done", "skipped": "Skipped"}


def display_title(s: ArticleSummary) -> str:
    """The title, else a stand-in from the text (its first sentence), else the external id, else
    the file name, else "Article N"."""
    return s.title or s.lead or s.external_id or PurePath(s.source_file).name or f"Article {s.id}"



class ArticleListModel(QAbstractTableModel):
    """The article list: status, title, outlet, date, open suggestions."""

    COLUMNS: tuple[tuple[str, SortKey], ...] = (
        ("", SortKey.STATUS),
        ("Title", SortKey.TITLE),
        ("Outlet", SortKey.OUTLET),
        ("Date", SortKey.DATE),
        ("Open", SortKey.OPEN),
    )
    STATUS, TITLE, OUTLET, DATE, OPEN = range(5)

    def __init__(self, status_icon: Callable[[str], QIcon], parent=None) -> None:
        super().__init__(parent)
        self._status_icon = status_icon
        self._query: ArticleQuery | None = None
        self._filter = ArticleFilter()
        self._sort = SortKey.ID
        self._descending = False
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = None
        self._pages: OrderedDict[int, list[ArticleSummary]] = OrderedDict()
        # article id -> (summary, per-column role values); entries follow the page cache
        self._cells: dict[int, tuple[ArticleSummary, tuple[dict[int, Any], ...]]] = {}

    # ---- configuration ------------------------------------------------------------------------
    def set_query(self, query: ArticleQuery | None) -> None:
        self._query = query
        self.reload(reset=True)

    @property
    def filter(self) -> ArticleFilter:
        return self._filter

    def set_filter(self, flt: ArticleFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.reload(reset=True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = self.COLUMNS[column][1] if 0 <= column < len(self.COLUMNS) else SortKey.ID
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload(reset=True)

    def reload(self, reset: bool = False) -> None:
        """Re-run the id query; appended ids become row insertions, anything else a reset."""
        ids = self._query.ids(self._filter, self._sort, self._descending) if self._query else []
        old = self._ids
        if not reset and len(ids) > len(old) and ids[: len(old)] == old:
            self.beginInsertRows(QModelIndex(), len(old), len(ids) - 1)
            self._ids = ids
            self._rows = None
            self._pages.pop(len(old) // PAGE, None)
            self.endInsertRows()
            return
        self.beginResetModel()
        self._ids = ids
        self._rows = None
        self._pages.clear()
        self._cells.clear()
        self.endResetModel()

    # ---- lookups ------------------------------------------------------------------------------
    def ids(self) -> list[int]:
        return self._ids

    def row_of(self, article_id: int) -> int | None:
        if self._rows is None:
            self._rows = {aid: row for row, aid in enumerate(self._ids)}
        return self._rows.get(article_id)

    def summary(self, row: int) -> ArticleSummary | None:
        if not 0 <= row < len(self._ids) or self._query is None:
            return None
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            chunk = self._ids[page_no * PAGE : (page_no + 1) * PAGE]
            found = {s.id: s for s in self._query.summaries(chunk)}
            page = [found.get(aid) or ArticleSummary(aid, "", "(deleted)", "", "", "", "", 0) for aid in chunk]
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                for old in self._pages.popitem(last=False)[1]:
                    self._cells.pop(old.id, None)
        else:
            self._pages.move_to_end(page_no)
        return page[row - page_no * PAGE]

    def invalidate(self) -> None:
        """Counts changed for many articles (pre-annotation): re-read pages as they are drawn."""
        self._pages.clear()
        self._cells.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.COLUMNS) - 1))

    def refresh(self, article_id: int) -> None:
        """Re-read one article's summary (status and counts changed)."""
        row = self.row_of(article_id)
        if row is None or self._query is None:
            return
        page = self._pages.get(row // PAGE)
        fresh = self._query.summary(article_id)
        if page is not None and fresh is not None:
            page[row % PAGE] = fresh
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    # ---- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _Role.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == _Role.DisplayRole:
            return self.COLUMNS[section][0]
        if role == _Role.ToolTipRole:
            return ("Status", "Title", "Outlet", "Date", "Open suggestions")[section]
        return None

    def data(self, index: Index, role: int = _Role.DisplayRole) -> Any:
        if role not in _ARTICLE_ROLES or not index.isValid():
            return None
        s = self.summary(index.row())
        if s is None:
            return None
        if role == _Role.UserRole:
            return s
        if role == _Role.ToolTipRole:
            origin = " · ".join(x for x in (f"id {s.external_id}" if s.external_id else "", PurePath(s.source_file).name) if x)
            return (
                f"{s.title or 'Untitled (shown by its first sentence)'}\n{origin + chr(10) if origin else ''}"
                f"{STATUS_TEXT.get(s.status, s.status)} · {s.word_count:,} words · "
                f"{s.open_suggestions} open suggestion(s) · {s.annotations} annotation(s)"
            )
        return self._cell(s, index.column()).get(role)

    def multiData(self, index: Index, span) -> None:
        """All roles of one cell in one call (the delegate asks for ~7 per cell per frame).

        Every role of the span is set or cleared: the delegate reuses the span between cells.
        """
        s = self.summary(index.row()) if index.isValid() else None
        cell = self._cell(s, index.column()) if s is not None else {}
        for i in range(len(span)):
            role_data = span[i]
            value = cell.get(role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _cell(self, s: ArticleSummary, column: int) -> dict[int, Any]:
        cells = self._cells.get(s.id)
        if cells is None or cells[0] is not s:
            cells = self._cells[s.id] = (s, self._row_cells(s))
        return cells[1][column]

    def _row_cells(self, s: ArticleSummary) -> tuple[dict[int, Any], ...]:
        """What each column shows for role, computed once per fetched summary (painting asks
        for several roles of every cell on every frame)."""
        font = {_Role.FontRole: _bold()} if s.status == "new" else {}
        status = STATUS_TEXT.get(s.status, s.status)
        return (
            {_Role.DecorationRole: self._status_icon(s.status), _Role.AccessibleTextRole: status},
            {_Role.DisplayRole: display_title(s), **font},
            {_Role.DisplayRole: s.outlet, **font},
            {_Role.DisplayRole: s.date[:10], **font},
            {
                _Role.DisplayRole: s.open_suggestions or "",
                _Role.TextAlignmentRole: int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                **font,
            },
        )

    def prefetch(self, first_row: int, last_row: int) -> None:
        """Load the pages around the visible rows ahead of scrolling (called when idle)."""
        for row in (first_row - PAGE // 2, last_row + PAGE // 2):
            if 0 <= row < len(self._ids) and row // PAGE not in self._pages:
                self.summary(row)


_ARTICLE_ROLES = frozenset(
    {
        _Role.DisplayRole,
        _Role.UserRole,
        _Role.DecorationRole,
        _Role.FontRole,
        _Role.ToolTipRole,
        _Role.AccessibleTextRole,
        _Role.TextAlignmentRole,
    }
)


@lru_cache(maxsize=1)
def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class SpanListModel(QAbstractListModel):
    """The entities (or the claims) of the open article, in text order, rejected ones included."""

    def __init__(self, kind: str, swatch: Callable[[SpanItem], QIcon], describe: Callable[[SpanItem], str], parent=None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._swatch = swatch
        self._describe = describe
        self._doc: ArticleDocument | None = None
        self._keys: list[tuple] = []  # (sort key..., SpanKey)

    def set_document(self, doc: ArticleDocument | None) -> None:
        self.beginResetModel()
        self._doc = doc
        self._keys = (
            [i.sort_key() + (i.key,) for i in doc.all_items() if i.kind == self.kind] if doc is not None else []
        )
        self.endResetModel()

    def _find(self, key: SpanKey) -> int | None:
        for row, entry in enumerate(self._keys):
            if entry[-1] == key:
                return row
        return None

    def apply(self, change: DocChange) -> None:
        """Row updates, removals and insertions for one document change."""
        doc = self._doc
        if doc is None:
            return
        moved = list(change.removed)
        inserted = list(change.added)
        for old, new in change.replaced:
            row, item = self._find(old), doc.get(new)
            entry = item.sort_key() + (new,) if item is not None else None
            if (
                row is not None
                and entry is not None
                and (row == 0 or self._keys[row - 1] < entry)
                and (row + 1 == len(self._keys) or entry < self._keys[row + 1])
            ):
                self._keys[row] = entry  # same place: an update, no relayout of the view
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
            else:
                moved.append(old)
                inserted.append(new)
        for key in change.changed:
            row, item = self._find(key), doc.get(key)
            if row is not None and item is not None and self._keys[row] == item.sort_key() + (key,):
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))  # same place
            else:
                moved.append(key)
        for key in moved:
            row = self._find(key)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._keys[row]
                self.endRemoveRows()
        for key in inserted + [k for k in change.changed if k in moved]:
            item = doc.get(key)
            if item is None or item.kind != self.kind:
                continue
            entry = item.sort_key() + (item.key,)
            row = bisect_left(self._keys, entry)
            self.beginInsertRows(QModelIndex(), row, row)
            self._keys.insert(row, entry)
            self.endInsertRows()

    def row_of(self, key: SpanKey | None) -> int | None:
        return self._find(key) if key is not None else None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._keys)

    def data(self, index: Index, role: int = _Role.DisplayRole) -> Any:
        if not index.isValid() or self._doc is None:
            return None
        item = self._doc.get(self._keys[index.row()][-1])
        if item is None:
            return None
        if role == _Role.UserRole:
            return item
        if role == _Role.DisplayRole:
            text = " ".join(self._doc.text[item.start : item.end].split())
            if len(text) > 70:
                text = text[:69] + "…"
            if item.is_claim:
                who = item.source_name or "no source"
                return f"“{text}” — {who}"
            return f"{item.label}  {text}"
        if role == _Role.DecorationRole:
            return self._swatch(item)
        if role == _Role.ToolTipRole:
            return self._describe(item)
        if role == _Role.FontRole:
            font = QFont()
            font.setItalic(not item.decided)
            font.setStrikeOut(item.status == Status.REJECTED.value)
            return font
        if role == _Role.ForegroundRole and item.status == Status.REJECTED.value:
            return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None
