"""The article list panel: search, filters (status, outlet, label) and the lazy, sortable table."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import ArticleState
from annotator.domain.scheme import LabelScheme
from annotator.services.articles import ArticleFilter, ArticleQuery
from annotator.ui.icons import status_icon
from annotator.ui.models import ArticleListModel

SEARCH_DELAY_MS = 250
# (shown text, statuses)
STATUS_FILTERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("All statuses", frozenset()),
    ("Open (new or in progress)", frozenset({ArticleState.NEW.value, ArticleState.IN_PROGRESS.value})),
    ("New", frozenset({ArticleState.NEW.value})),
    ("In progress", frozenset({ArticleState.IN_PROGRESS.value})),
    ("Done", frozenset({ArticleState.DONE.value})),
    ("Skipped", frozenset({ArticleState.SKIPPED.value})),
)



def list_table(parent: QWidget, name: str, model, stretch: int, widths: tuple[tuple[int, int], ...]) -> QTableView:
    """A read-only, single-row-selection list table (the article list, the review queue):
    fixed row height, no grid, the ``stretch`` column takes the free width."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for col, width in widths:
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(col, width)
    return table

class ArticleList(QWidget):
    """Emits :attr:`articleChosen` when the analyst picks a row."""

    articleChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("article_list")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        self.search = QLineEdit(self)
        self.search.setObjectName("article_search")
        self.search.setPlaceholderText("Search titles, outlets, ids (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search_text = QCheckBox("Also search article texts", self)
        self.search_text.setObjectName("search_text")
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("status_filter")
        for text, statuses in STATUS_FILTERS:
            self.status_filter.addItem(text, statuses)
        self.outlet_filter = QComboBox(self)
        self.outlet_filter.setObjectName("outlet_filter")
        self.label_filter = QComboBox(self)
        self.label_filter.setObjectName("label_filter")
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.outlet_filter, 1)
        filters.addWidget(self.label_filter, 1)
        layout.addWidget(self.search)
        layout.addWidget(self.search_text)
        layout.addLayout(filters)

        self._ink = self.palette().color(QPalette.ColorRole.Text).name()
        self.model = ArticleListModel(self._icon, self)
        self.table = list_table(
            self, "article_table", self.model, ArticleListModel.TITLE,
            ((ArticleListModel.STATUS, 26), (ArticleListModel.OUTLET, 80), (ArticleListModel.DATE, 76), (ArticleListModel.OPEN, 44)),
        )  # fmt: skip
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_filter)
        self.search_text.toggled.connect(self._apply_filter)
        for combo in (self.status_filter, self.outlet_filter, self.label_filter):
            combo.activated.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(0)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self.table.verticalScrollBar().valueChanged.connect(self._prefetch_timer.start)
        self._current_id: int | None = None

    def _icon(self, status: str):
        return status_icon(status, self._ink)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._ink = self.palette().color(QPalette.ColorRole.Text).name()

    def _prefetch(self) -> None:
        """When idle after a scroll, load the pages just above and below the visible rows."""
        viewport = self.table.viewport()
        first = self.table.rowAt(0)
        last = self.table.rowAt(viewport.height() - 1)
        if first >= 0:
            self.model.prefetch(first, last if last >= 0 else first)

    # ---- configuration ------------------------------------------------------------------------
    def set_source(self, query: ArticleQuery | None, scheme: LabelScheme | None) -> None:
        """A new project or annotator: refill the filters and the table."""
        self.outlet_filter.clear()
        self.outlet_filter.addItem("All outlets", "")
        for outlet in query.outlets() if query else []:
            self.outlet_filter.addItem(outlet, outlet)
        self.label_filter.clear()
        self.label_filter.addItem("Any label", "")
        for label in (scheme.entity_labels if scheme else []) + ["CLAIM"]:
            self.label_filter.addItem(label.title() if label == "CLAIM" else label, label)
        self.model.set_query(query)
        self._fit_columns(query)

    def refresh_outlets(self, query: ArticleQuery) -> None:
        current = self.outlet_filter.currentData()
        self.outlet_filter.clear()
        self.outlet_filter.addItem("All outlets", "")
        for outlet in query.outlets():
            self.outlet_filter.addItem(outlet, outlet)
        self.outlet_filter.setCurrentIndex(max(0, self.outlet_filter.findData(current)))
        self._fit_columns(query)

    def _fit_columns(self, query: ArticleQuery | None) -> None:
        """Hide the outlet and date columns while no article has one (CSV bodies, most JSONL),
        so the title column gets their width; they come back when an import brings some."""
        has_outlets = self.outlet_filter.count() > 1  # "All outlets" + the project's outlets
        self.table.setColumnHidden(ArticleListModel.OUTLET, not has_outlets)
        self.table.setColumnHidden(ArticleListModel.DATE, not (query is not None and query.has_dates()))

    def current_filter(self) -> ArticleFilter:
        return ArticleFilter(
            statuses=self.status_filter.currentData() or frozenset(),
            outlet=self.outlet_filter.currentData() or "",
            label=self.label_filter.currentData() or "",
            search=self.search.text(),
            search_text=self.search_text.isChecked(),
        )

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())
        if self._current_id is not None:
            self.select(self._current_id)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ---- selection ----------------------------------------------------------------------------
    def select(self, article_id: int | None) -> None:
        """Show ``article_id`` as the current row without emitting :attr:`articleChosen`."""
        self._current_id = article_id
        row = self.model.row_of(article_id) if article_id is not None else None
        sel = self.table.selectionModel()
        sel.blockSignals(True)
        if row is None:
            sel.clearSelection()
        else:
            index = self.model.index(row, ArticleListModel.TITLE)
            sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        sel.blockSignals(False)
        self.table.viewport().update()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        summary = current.data(Qt.ItemDataRole.UserRole)
        if summary is not None and summary.id != self._current_id:
            self._current_id = summary.id
            self.articleChosen.emit(summary.id)

    def neighbour(self, article_id: int | None, step: int) -> int | None:
        """The article ``step`` rows away in the list's current order."""
        ids = self.model.ids()
        if not ids:
            return None
        row = self.model.row_of(article_id) if article_id is not None else None
        if row is None:
            return ids[0] if step > 0 else ids[-1]
        row += step
        return ids[row] if 0 <= row < len(ids) else None
