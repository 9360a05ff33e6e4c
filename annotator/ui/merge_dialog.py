"""File › Merge annotations…: bring analysts' project files into the open (review) project.

The dialog lists the chosen files and checks them in a worker thread as soon as they are added:
each file alone (:func:`annotator.services.merge.check_sources`: a SQLite database, an annotator
project of this schema, not the open project itself), then all of them together by running
:func:`annotator.services.merge.merge_files` inside a transaction that is rolled back, so the
preview says exactly what the merge will do (articles added or matched, each annotator's new,
updated and removed annotations) or gives the refusal of a bad file, as one line ending in
"nothing was merged". Merge runs the real merge in a worker thread with a busy bar; it is all or
nothing, so a refused file must be removed first. The summary then says what was merged.

``merged(report)`` tells the main window to re-read the list, the history and the open article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import AnnotatorError
from annotator.services.merge import MergeReport, check_sources, merge_files
from annotator.store.db import Project
from annotator.ui.workers import DialogTask

PROJECT_FILTER = "annotator projects (*.sqlite *.annotator.sqlite *.db);;All files (*)"


@dataclass
class CheckResult:
    paths: list[str]  # the files checked
    problems: dict[str, str]  # path -> refusal message (files refused on their own)
    preview: MergeReport | None = None  # what merging every file would do
    error: str = ""  # the refusal of the files together (a consistency problem), if any


def _first_paragraph(message: str) -> str:
    return message.partition("\n\n")[0]


class MergeDialog(QDialog):
    """See the module docstring."""

    checked = Signal(object)  # CheckResult
    merged = Signal(object)  # MergeReport
    failed = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge_dialog")
        self.setWindowTitle("Merge annotations")
        self.project = project
        self.paths: list[str] = []
        self.result: CheckResult | None = None
        self._job = DialogTask(project, self)
        self._job.ended.connect(self._task_ended)
        self._recheck = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Bring the analysts' project files into {project.path.name}. Each analyst's work keeps their name; "
            "nobody's work is overwritten; merging a file again changes nothing. Every file is checked first, "
            "and the merge is all or nothing.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("merge_files")
        self.table.setHorizontalHeaderLabels(["File", "Check"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(0, 220)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Add files…", self)
        self.add_button.setObjectName("merge_add")
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setObjectName("merge_remove")
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.summary = QPlainTextEdit(self)
        self.summary.setObjectName("merge_summary")
        self.summary.setReadOnly(True)
        self.summary.setPlaceholderText("Add the analysts' project files to see what will be merged.")
        layout.addWidget(self.summary, 1)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("merge_progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.progress.hide()
        layout.addWidget(self.progress)
        buttons = QDialogButtonBox(self)
        self.merge_button = QPushButton("&Merge", self)
        self.merge_button.setObjectName("merge_button")
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self.add_button.clicked.connect(self._browse)
        self.remove_button.clicked.connect(self._remove_selected)
        self.merge_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        self._update_buttons()
        self.resize(760, 480)

    # ---- files --------------------------------------------------------------------------------
    def _browse(self) -> None:
        where = self.project.path
        start = str(where.parent) if isinstance(where, Path) else str(Path.home())  # a server project has a URL
        paths, _ = QFileDialog.getOpenFileNames(self, "Analysts' project files", start, PROJECT_FILTER)
        if paths:
            self.add_paths(paths)

    def add_paths(self, paths: list[str | Path]) -> None:
        """Add files (each once) and check them all again."""
        for p in paths:
            p = str(Path(p).expanduser())
            if p not in self.paths:
                self.paths.append(p)
        self._check()

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            if r < len(self.paths):
                del self.paths[r]
        self._check()

    def _show_files(self) -> None:
        problems = self.result.problems if self.result else {}
        self.table.setRowCount(len(self.paths))
        for r, p in enumerate(self.paths):
            name = QTableWidgetItem(Path(p).name)
            name.setToolTip(p)
            self.table.setItem(r, 0, name)
            if self.result is None:
                text = "checking…"
            elif p in problems:
                text = "✗ " + problems[p]
            elif self.result.error:
                text = "? checked alone; the files together were refused (see below)"
            else:
                text = "✓ can be merged"
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.table.setItem(r, 1, item)
        self.table.resizeRowsToContents()

    # ---- work ---------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self._job.running()

    def _run(self, title: str, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run ``fn`` in a worker thread; ``done(result)`` (or the failure) follows once it has ended,
        unless the files changed meanwhile: then they are checked again instead."""
        self.progress.setRange(0, 0)
        self.progress.show()
        self._job.start(title, fn, partial(self._deliver, done), partial(self._deliver, self._failed))
        self._update_buttons()

    def _task_ended(self) -> None:
        self.progress.hide()
        self._update_buttons()

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        if self._recheck:  # the files changed while the task ran
            self._recheck = False
            self._check()
        else:
            callback(value)

    def _check(self) -> None:
        self.result = None
        self._show_files()
        if not self.paths:
            self.summary.setPlainText("")
            self._update_buttons()
            return
        if self.is_running():
            self._recheck = True  # again when the running task ends
            return
        paths, project = list(self.paths), self.project

        def work() -> CheckResult:
            problems: dict[str, str] = {}
            for p in paths:
                try:
                    check_sources([p], project.path)
                except AnnotatorError as exc:
                    problems[p] = exc.message
            result = CheckResult(paths, problems)
            if problems:
                return result
            try:
                with project.db.atomic() as txn:  # a dry run: everything is rolled back
                    result.preview = merge_files(project, paths)
                    txn.rollback()
            except AnnotatorError as exc:
                result.error = exc.message
            return result

        self.summary.setPlainText("Checking…")
        self._run("Checking the files", work, self._checked)

    def _checked(self, result: CheckResult) -> None:
        if result.paths != self.paths:
            return  # the files changed meanwhile: a new check follows
        self.result = result
        self._show_files()
        if result.problems:
            lines = list(result.problems.values())
            lines.append("Remove the refused file(s) to merge the others (a merge is all or nothing).")
            self.summary.setPlainText("\n".join(lines))
        elif result.error:
            self.summary.setPlainText(result.error)
        elif result.preview is not None:
            head = "Will merge:" if result.preview.changed else "Nothing new to merge (everything is merged already):"
            self.summary.setPlainText(head + "\n" + result.preview.summary())
        self._update_buttons()
        self.checked.emit(result)

    def can_merge(self) -> bool:
        r = self.result
        return bool(self.paths) and r is not None and not r.problems and not r.error and r.preview is not None

    def start(self) -> None:
        """Merge every listed file (in a worker thread)."""
        if not self.can_merge() or self.is_running():
            return
        paths, project = list(self.paths), self.project
        self.summary.setPlainText("Merging…")
        self._run("Merging", lambda: merge_files(project, paths), self._merged)

    def _merged(self, report: MergeReport) -> None:
        head = f"Merged into {self.project.path.name}:" if report.changed else "Nothing new was merged (already merged):"
        self.summary.setPlainText(head + "\n" + report.summary())
        self.paths = []
        self.result = None
        self.table.setRowCount(0)
        self.merged.emit(report)

    def _failed(self, message: str) -> None:
        message = _first_paragraph(message)
        self.summary.setPlainText(message)
        self.failed.emit(message)

    def _update_buttons(self) -> None:
        running = self.is_running()
        self.merge_button.setEnabled(self.can_merge() and not running)
        self.add_button.setEnabled(not running)
        self.remove_button.setEnabled(not running and bool(self.paths))
        self.close_button.setEnabled(not running)

    # ---- closing ------------------------------------------------------------------------------
    def wait(self, ms: int = 30000) -> bool:
        return self._job.wait(ms)

    def reject(self) -> None:
        if self.is_running():
            return  # a merge is one transaction: let it finish
        super().reject()

    def closeEvent(self, event) -> None:
        if self.is_running():
            event.ignore()
            return
        super().closeEvent(event)
