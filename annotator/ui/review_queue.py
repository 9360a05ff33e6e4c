"""The review queue: the articles to adjudicate, unreviewed first, most disagreement first.

Shown in place of the article list while the review mode is on. The order and the counts come
from :meth:`annotator.services.review.ReviewSession.queue` once, when the mode starts (or after a
merge); afterwards only the reviewed marks change (the rows stay where they are, so the list does
not jump under the reviewer), and :meth:`ReviewQueueList.progress` counts reviewed / total.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import ArticleState
from annotator.services.review import QueueEntry
from annotator.ui.article_list import list_table
from annotator.ui.icons import status_icon

_Role = Qt.ItemDataRole
_ROOT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex


class ReviewQueueModel(QAbstractTableModel):
    """Rows of :class:`QueueEntry`: reviewed mark, title, annotators, items, disagreements."""

    COLUMNS = ("", "Title", "Annotators", "Items", "Disagree")
    TIPS = (
        "Reviewed (a tick) or not",
        "Article title",
        "Annotators who labelled the article",
        "Review items: groups of overlapping spans",
        "Items the annotators do not all agree on",
    )
    STATUS, TITLE, ANNOTATORS, ITEMS, DISAGREEMENTS = range(5)

    def __init__(self, ink: str, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[QueueEntry] = []
        self._ink = ink

    def set_entries(self, entries: list[QueueEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def row_of(self, article_id: int | None) -> int | None:
        for row, e in enumerate(self.entries):
            if e.article_id == article_id:
                return row
        return None

    def set_status(self, article_id: int, status: str) -> bool:
        """This reviewer's gold status of an article changed; True if the row exists."""
        row = self.row_of(article_id)
        if row is None:
            return False
        e = self.entries[row]
        self.entries[row] = replace(e, status=status, reviewed=status == ArticleState.DONE.value)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        return True

    # ---- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _Role.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == _Role.DisplayRole:
            return self.COLUMNS[section]
        if role == _Role.ToolTipRole:
            return self.TIPS[section]
        return None

    def data(self, index: Index, role: int = _Role.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == _Role.UserRole:
            return e
        if role == _Role.ToolTipRole:
            state = "reviewed" if e.reviewed else "not reviewed"
            return f"{e.title or f'Article {e.article_id}'}\n{state} · annotators: {', '.join(e.annotators)} · {e.items} item(s), {e.disagreements} disagreement(s)"
        if role == _Role.FontRole and not e.reviewed and col != self.STATUS:
            font = QFont()
            font.setBold(True)
            return font
        if col == self.STATUS:
            status = ArticleState.DONE.value if e.reviewed else e.status
            if role == _Role.DecorationRole:
                return status_icon(status, self._ink)
            if role == _Role.AccessibleTextRole:
                return "reviewed" if e.reviewed else "not reviewed"
            return None
        if role == _Role.DisplayRole:
            if col == self.TITLE:
                return e.title or f"Article {e.article_id}"
            if col == self.ANNOTATORS:
                return ", ".join(e.annotators)
            if col == self.ITEMS:
                return e.items
            if col == self.DISAGREEMENTS:
                return e.disagreements
        if role == _Role.TextAlignmentRole and col in (self.ITEMS, self.DISAGREEMENTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ReviewQueueList(QWidget):
    """The queue panel; emits :attr:`articleChosen` when the reviewer picks a row."""

    articleChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_queue")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        self.title = QLabel(self)
        self.title.setObjectName("review_queue_title")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.model = ReviewQueueModel(self.palette().color(QPalette.ColorRole.Text).name(), self)
        self.table = list_table(
            self, "review_queue_table", self.model, ReviewQueueModel.TITLE,
            ((ReviewQueueModel.STATUS, 26), (ReviewQueueModel.ANNOTATORS, 84), (ReviewQueueModel.ITEMS, 44),
             (ReviewQueueModel.DISAGREEMENTS, 64)),
        )  # fmt: skip
        layout.addWidget(self.table, 1)
        self.empty = QLabel(
            "Nothing to review yet: no article has been labelled by an annotator. Bring the analysts' "
            "project files in with File › Merge annotations…",
            self,
        )
        self.empty.setObjectName("review_queue_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.empty, 1)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self._current_id: int | None = None
        self.set_entries([])

    # ---- content ------------------------------------------------------------------------------
    def set_entries(self, entries: list[QueueEntry]) -> None:
        self.model.set_entries(entries)
        self.table.setVisible(bool(entries))
        self.empty.setVisible(not entries)
        self._update_title()
        self.select(self._current_id)

    def ids(self) -> list[int]:
        return [e.article_id for e in self.model.entries]

    def set_status(self, article_id: int, status: str) -> None:
        if self.model.set_status(article_id, status):
            self._update_title()

    def progress(self) -> tuple[int, int]:
        """(reviewed, total) over the queue."""
        entries = self.model.entries
        return sum(1 for e in entries if e.reviewed), len(entries)

    def _update_title(self) -> None:
        reviewed, total = self.progress()
        self.title.setText(f"Review queue — {reviewed} / {total} reviewed (most disagreement first)")

    # ---- navigation ---------------------------------------------------------------------------
    def neighbour(self, article_id: int | None, step: int) -> int | None:
        ids = self.ids()
        if not ids:
            return None
        if article_id not in ids:
            return ids[0] if step > 0 else ids[-1]
        i = ids.index(article_id) + step
        return ids[i] if 0 <= i < len(ids) else None

    def next_unreviewed(self, after: int | None = None) -> int | None:
        """The first unreviewed article after ``after`` in queue order (wrapping), else None."""
        entries = self.model.entries
        ids = [e.article_id for e in entries]
        start = ids.index(after) + 1 if after in ids else 0
        for e in entries[start:] + entries[:start]:
            if not e.reviewed and e.article_id != after:
                return e.article_id
        return None

    def select(self, article_id: int | None) -> None:
        """Show ``article_id`` as the current row without emitting :attr:`articleChosen`."""
        self._current_id = article_id
        row = self.model.row_of(article_id)
        sel = self.table.selectionModel()
        sel.blockSignals(True)
        if row is None:
            sel.clearSelection()
        else:
            index = self.model.index(row, ReviewQueueModel.TITLE)
            sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        sel.blockSignals(False)
        self.table.viewport().update()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = current.data(_Role.UserRole) if current.isValid() else None
        if entry is not None and entry.article_id != self._current_id:
            self._current_id = entry.article_id
            self.articleChosen.emit(entry.article_id)
