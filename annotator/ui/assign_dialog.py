"""Assigning work: File › Assign work… and the "My queue" filter of the article list.

:class:`AssignDialog` collects what ``annotator assign`` takes (the annotators, the overlap, the
seed, whether to replace the existing plan), calls :func:`annotator.services.assign.assign` and
shows its summary: the load of every annotator and the articles every pair shares. The current
plan is shown when the dialog opens. Errors are one-line messages in the dialog.

:class:`MyQueueFilter` adds a "My queue" check box to the article list: when it is on, the list
shows only the current annotator's queue (:func:`annotator.services.assign.queue`: the articles
assigned to them that they have not marked done), still with the list's own search, filters and
sorting. It is switched on by itself for an annotator who has assignments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import AnnotatorError
from annotator.services import assign as assign_service
from annotator.services.articles import ArticleFilter, ArticleQuery, SortKey
from annotator.services.export import work_annotators
from annotator.store.db import Project
from annotator.ui.article_list import ArticleList


class QueueQuery:
    """An :class:`ArticleQuery` whose ids are restricted to one annotator's queue."""

    def __init__(self, inner: ArticleQuery, annotator: str) -> None:
        self._inner = inner
        self.annotator = annotator

    def ids(self, flt: ArticleFilter | None = None, sort: SortKey = SortKey.ID, descending: bool = False) -> list[int]:
        mine = {s.id for s in assign_service.queue(self.annotator)}
        return [i for i in self._inner.ids(flt or ArticleFilter(), sort, descending) if i in mine]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class MyQueueFilter(QObject):
    """The "My queue" check box of an :class:`ArticleList` (see the module docstring)."""

    def __init__(self, article_list: ArticleList, current: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(article_list)
        self.list = article_list
        self._current = current  # the open article, to keep it selected
        self.query: ArticleQuery | None = None
        self.annotator = ""
        self.check = QCheckBox("My queue", article_list)
        self.check.setObjectName("my_queue")
        self.check.setToolTip("Only the articles assigned to you that you have not marked done (File › Assign work…)")
        self.check.setEnabled(False)
        layout = article_list.layout()
        layout.insertWidget(layout.indexOf(article_list.search_text) + 1, self.check)
        self.check.toggled.connect(self._apply)

    def attach(self, query: ArticleQuery | None, annotator: str) -> None:
        """A project or annotator was loaded: the list's query and whose queue to show."""
        self.query, self.annotator = query, annotator
        self.recount(check=True)

    def recount(self, check: bool = False) -> None:
        """Re-read the queue's size; ``check``: switch the filter on if the annotator has one."""
        if self.query is None:
            return
        try:
            assigned = bool(assign_service.assignments().get(self.annotator))
            size = len(assign_service.queue(self.annotator)) if assigned else 0
        except AnnotatorError:
            assigned, size = False, 0
        self.check.setText(f"My queue ({size} to do)" if assigned else "My queue (nothing assigned)")
        self.check.setEnabled(assigned)
        want = self.check.isChecked() and assigned
        if check:
            want = assigned
        if want != self.check.isChecked():
            self.check.setChecked(want)  # -> _apply
        elif check:
            self._apply()

    def _apply(self, *_args) -> None:
        if self.query is None:
            return
        on = self.check.isChecked()
        self.list.model.set_query(QueueQuery(self.query, self.annotator) if on else self.query)
        self.list.select(self._current())

    def ids(self) -> list[int]:
        """The article ids the list shows now."""
        return list(self.list.model.ids())


class AssignDialog(QDialog):
    """File › Assign work… (see the module docstring)."""

    assigned = Signal(object)  # AssignReport

    def __init__(self, project: Project, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assign_dialog")
        self.setWindowTitle("Assign work")
        self.project = project
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Every article goes to the chosen number of annotators (the overlap), so that agreement can be "
            "measured; loads are balanced and every pair of annotators shares about as many articles as every "
            "other. The same names, overlap and seed give the same plan. Articles that already have an "
            "assignment keep it unless you replace the plan.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        known = sorted(set(work_annotators()) | set(assign_service.assignments()) | ({current} if current else set()))
        self.names_edit = QLineEdit(", ".join(known), self)
        self.names_edit.setObjectName("assign_names")
        self.names_edit.setPlaceholderText("ana, ben, cleo")
        self.names_edit.setToolTip("The annotators' names, separated by commas")
        form.addRow("Annotators", self.names_edit)
        self.overlap_spin = QSpinBox(self)
        self.overlap_spin.setObjectName("assign_overlap")
        self.overlap_spin.setToolTip("How many annotators label each article (2 or more to measure agreement)")
        form.addRow("Overlap", self.overlap_spin)
        self.seed_spin = QSpinBox(self)
        self.seed_spin.setObjectName("assign_seed")
        self.seed_spin.setRange(0, 2_000_000_000)
        self.seed_spin.setToolTip("The same seed gives the same plan")
        form.addRow("Seed", self.seed_spin)
        self.replace_check = QCheckBox("Replace the existing plan (otherwise only unassigned articles are assigned)", self)
        self.replace_check.setObjectName("assign_replace")
        form.addRow("", self.replace_check)
        layout.addLayout(form)

        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("assign_table")
        self.table.setHorizontalHeaderLabels(["Annotator", "Assigned", "Queue (not done)"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.summary = QPlainTextEdit(self)
        self.summary.setObjectName("assign_summary")
        self.summary.setReadOnly(True)
        self.summary.setMaximumHeight(110)
        layout.addWidget(self.summary)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.assign_button = QPushButton("&Assign", self)
        self.assign_button.setObjectName("assign_button")
        self.assign_button.setDefault(True)
        buttons.addButton(self.assign_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.assign_button.clicked.connect(self.run)
        layout.addWidget(buttons)
        self.names_edit.textChanged.connect(self._names_changed)
        self._names_changed()
        self.overlap_spin.setValue(min(2, max(1, self.overlap_spin.maximum())))
        self._show_plan()
        self.summary.setPlainText(self._plan_text())
        self.resize(620, 520)

    # ---- input --------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return [n.strip() for n in self.names_edit.text().split(",") if n.strip()]

    def _names_changed(self) -> None:
        n = len(self.names())
        self.overlap_spin.setRange(1, max(1, n))
        self.assign_button.setEnabled(n > 0)

    # ---- output -------------------------------------------------------------------------------
    def _plan_text(self) -> str:
        plan = assign_service.assignments()
        if not plan:
            return "No article is assigned yet."
        return "Current plan: " + ", ".join(f"{n} {len(ids)}" for n, ids in plan.items()) + " article(s)."

    def _show_plan(self) -> None:
        plan = assign_service.assignments()
        names = sorted(plan)
        self.table.setRowCount(len(names))
        for row, n in enumerate(names):
            queue = len(assign_service.queue(n))
            for col, value in enumerate((n, len(plan[n]), queue)):
                item = QTableWidgetItem(str(value))
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)

    def run(self) -> bool:
        """Assign with the dialog's choices; True on success (the summary shows the plan)."""
        try:
            report = assign_service.assign(
                self.project,
                self.names(),
                overlap=self.overlap_spin.value(),
                seed=self.seed_spin.value(),
                replace=self.replace_check.isChecked(),
            )
        except AnnotatorError as exc:
            self.summary.setPlainText(exc.message)
            return False
        self.summary.setPlainText(report.summary())
        self._show_plan()
        self.assigned.emit(report)
        return True
