"""The main window: article list | legend + article view | inspector, menus and status bar.

It wires the actions (:mod:`annotator.ui.actions`) to the :class:`Workbench`, turns workbench
signals into minimal widget updates, and runs the project-level operations (new, open, import,
switch annotator) with the background tasks.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import AnnotatorError, Msg
from annotator.domain.model import ArticleState
from annotator.resources import default_db_path
from annotator.services.annotate import AnnotationSession
from annotator.services.importing import ImportReport
from annotator.store.db import Project, open_project
from annotator.ui.actions import Actions
from annotator.ui.article_list import ArticleList
from annotator.ui.article_view import ArticleView
from annotator.ui.assign_dialog import MyQueueFilter
from annotator.ui.dialogs import (
    ImportReportDialog,
    NameDialog,
    ShortcutsDialog,
    show_error,
)
from annotator.ui.document import DocChange
from annotator.ui.inspector import Inspector
from annotator.ui.legend import Legend
from annotator.ui.review_mode import ReviewMode
from annotator.ui.settings import AppSettings
from annotator.ui.statusbar import StatusPanel
from annotator.ui.workbench import Workbench
from annotator.ui.workers import Background, EngineFactory

AUTO_BACKUP_MINUTES = 10  # rolling automatic backups (only when something changed)

REFRESH_DELAY_MS = 40
IMPORT_FILTER = "Articles (*.txt *.jsonl *.json *.csv *.html *.htm);;All files (*)"
PROJECT_FILTER = "annotator projects (*.sqlite *.annotator.sqlite *.db);;All files (*)"


class MainWindow(QMainWindow):
    """One window = one project, one annotator, one undo history."""

    def __init__(self, settings: AppSettings, engine_factory: EngineFactory | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.settings = settings
        self.project: Project | None = None
        self.bench = Workbench(self)
        self.background = Background(engine_factory, self)
        self._last_backup_marker: tuple | None = None
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(AUTO_BACKUP_MINUTES * 60_000)
        self.backup_timer.timeout.connect(self._auto_backup)
        self.backup_timer.start()
        self.actions = Actions(self, settings)
        self._build_widgets()
        self._build_menus()
        self._wire()
        self.review_mode = ReviewMode(self)
        self.my_queue = MyQueueFilter(self.article_list, lambda: self.bench.article_id)
        self.bench.progressChanged.connect(self.my_queue.recount)
        self._touched: set[int] = set()
        self._progress_dirty = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._flush_refresh)
        self._restore_state()

    # ---- construction -------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.article_list = ArticleList(self)
        centre = QWidget(self)
        centre.setObjectName("centre")
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 6, 0, 6)
        column.setSpacing(2)
        self.legend = Legend(centre)
        self.view: ArticleView | None = None
        self._centre_layout = column
        column.addWidget(self.legend)
        self.inspector = Inspector(self.bench, self.actions, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.article_list)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.inspector)
        # explicit minimums, so the window fits small screens (children squeeze rather than push)
        self.article_list.setMinimumWidth(200)
        centre.setMinimumWidth(260)
        self.inspector.setMinimumWidth(260)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([340, 680, 420])
        self.setCentralWidget(self.splitter)
        self.status = StatusPanel(self.statusBar(), self.actions["cancel_task"])
        self.recent_menu = QMenu("&Recent projects", self)
        self.recent_menu.setObjectName("recent_menu")

    def _ensure_view(self) -> ArticleView:
        """The article view is created with the first project (it needs the label scheme)."""
        if self.view is None:
            assert self.bench.scheme is not None
            self.view = ArticleView(self.bench.scheme, self)
            self._centre_layout.addWidget(self.view, 1)
            self.view.set_zoom(self.settings.zoom)
            self.view.set_menu_factory(self._context_menu)
            self.view.spanClicked.connect(self.bench.set_focus)
            self.view.tabPressed.connect(lambda forward: self.bench.step(1 if forward else -1))
            self.setFocusProxy(self.view)
        return self.view

    def _build_menus(self) -> None:
        a = self.actions
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([a["new_project"], a["open_project"], a["open_server"]])
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([a["import_files"], a["import_folder"], a["export"], a["preannotate"], a["cancel_task"]])
        file_menu.addSeparator()
        file_menu.addActions([a["merge"], a["assign"], a["backup"]])
        file_menu.addSeparator()
        file_menu.addAction(a["switch_annotator"])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        edit = menu.addMenu("&Edit")
        edit.addActions([a["undo"], a["redo"]])
        self.annotate_menu = menu.addMenu("&Annotate")
        self.navigate_menu = menu.addMenu("&Navigate")
        self.navigate_menu.addActions(
            [a[n] for n in ("next_span", "previous_span", "next_article", "previous_article")]
        )
        self.navigate_menu.addSeparator()
        self.navigate_menu.addActions([a[n] for n in ("mark_done", "mark_skipped", "reopen", "search")])
        view = menu.addMenu("&View")
        view.addActions([a["zoom_in"], a["zoom_out"], a["zoom_reset"]])
        view.addSeparator()
        view.addAction(a["agreement"])
        review = menu.addMenu("&Review")
        review.setObjectName("review_menu")
        review.addActions([a["start_review"], a["stop_review"]])
        review.addSeparator()
        review.addActions([a[f"review_accept_{n}"] for n in range(1, 10)])
        review.addActions([a["review_reject"], a["review_accept_agreed"]])
        review.addSeparator()
        review.addActions([a[n] for n in ("review_next_item", "review_previous_item", "review_next_article", "review_previous_article")])
        review.addSeparator()
        review.addAction(a["review_mark_next"])
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(a["shortcuts"])

    def _fill_annotate_menu(self) -> None:
        a = self.actions
        m = self.annotate_menu
        m.clear()
        m.addActions([a[n] for n in ("accept", "reject", "accept_all", "delete_span")])
        m.addSeparator()
        labels = m.addMenu("&Label")
        labels.addActions(a.label_actions)
        m.addActions([a["new_claim"], a["set_source"]])
        stance = m.addMenu("&Stance")
        stance.addActions(a.stance_actions)
        m.addSeparator()
        bounds = m.addMenu("&Boundaries")
        bounds.addActions([a[n] for n in ("set_boundaries", "extend_start", "shrink_start", "extend_end", "shrink_end")])

    def _context_menu(self) -> QMenu:
        a = self.actions
        menu = QMenu(self)
        menu.setObjectName("span_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions([a["accept"], a["reject"], a["delete_span"]])
        menu.addSeparator()
        labels = menu.addMenu("Label")
        labels.addActions(a.label_actions)
        menu.addActions([a["new_claim"], a["set_source"], a["set_boundaries"]])
        stance = menu.addMenu("Stance")
        stance.addActions(a.stance_actions)
        return menu

    def _wire(self) -> None:
        a, b = self.actions, self.bench
        sel = self._selection
        simple = {
            "accept": b.accept,
            "reject": b.reject,
            "accept_all": b.accept_all,
            "delete_span": b.delete,
            "new_claim": lambda: b.new_claim(sel()),
            "set_source": lambda: b.set_source(sel()),
            "set_boundaries": lambda: b.set_boundaries(sel()),
            "extend_start": lambda: b.nudge("start", -1),
            "shrink_start": lambda: b.nudge("start", +1),
            "extend_end": lambda: b.nudge("end", +1),
            "shrink_end": lambda: b.nudge("end", -1),
            "next_span": lambda: b.step(+1),
            "previous_span": lambda: b.step(-1),
            "mark_done": lambda: b.mark(ArticleState.DONE.value),
            "mark_skipped": lambda: b.mark(ArticleState.SKIPPED.value),
            "reopen": lambda: b.mark(ArticleState.IN_PROGRESS.value),
            "next_article": lambda: self._step_article(+1),
            "previous_article": lambda: self._step_article(-1),
            "undo": b.undo,
            "redo": b.redo,
            "search": self.article_list.focus_search,
            "zoom_in": lambda: self._zoom(+1),
            "zoom_out": lambda: self._zoom(-1),
            "zoom_reset": lambda: self._zoom(None),
            "new_project": self._new_project,
            "open_project": self._open_project_dialog,
            "open_server": self._open_server_dialog,
            "import_files": self._import_files_dialog,
            "import_folder": self._import_folder_dialog,
            "export": self._export_dialog,
            "merge": self._merge_dialog,
            "assign": self._assign_dialog,
            "backup": self._backup_dialog,
            "agreement": self.show_agreement,
            "preannotate": self.preannotate_all,
            "cancel_task": self.background.runner.cancel_all,
            "switch_annotator": self._switch_annotator,
            "shortcuts": self.show_shortcuts,
            "quit": self.close,
        }
        for name, slot in simple.items():
            a[name].triggered.connect(partial(_call, slot))
        b.stack.canUndoChanged.connect(a["undo"].setEnabled)
        b.stack.canRedoChanged.connect(a["redo"].setEnabled)
        b.stack.undoTextChanged.connect(lambda t: a["undo"].setText(f"&Undo {t}" if t else "&Undo"))
        b.stack.redoTextChanged.connect(lambda t: a["redo"].setText(f"&Redo {t}" if t else "&Redo"))
        b.documentOpened.connect(self._on_opened)
        b.documentChanged.connect(self._on_changed)
        b.focusChanged.connect(self._on_focus)
        b.articleTouched.connect(self._on_touched)
        b.progressChanged.connect(self._on_progress_changed)
        b.saved.connect(self.status.mark_saved)
        b.failed.connect(self.show_error)
        b.notice.connect(lambda text: self.statusBar().showMessage(text, 5000))
        b.selectionUsed.connect(lambda: self.view and self.view.clear_selection())
        self.article_list.articleChosen.connect(b.open_article)
        b.article_order = self.article_list.model.ids  # Ctrl+Enter goes on down the list as sorted and filtered
        bg = self.background
        bg.runner.started.connect(self.status.task_started)
        bg.runner.progressed.connect(self.status.task_progress)
        bg.runner.idle.connect(self.status.task_done)
        bg.modelReady.connect(lambda label: self.status.set_model(f"Model: {label}"))
        bg.modelFailed.connect(self._on_model_failed)
        bg.suggestionsReady.connect(self._on_suggestions)
        bg.preannotated.connect(self._on_preannotated)
        bg.imported.connect(self._on_imported)
        bg.backedUp.connect(lambda path: self.statusBar().showMessage(f"Backed up to {path}", 8000))
        bg.failed.connect(self.show_error)

    def _selection(self) -> tuple[int, int] | None:
        return self.view.selection() if self.view is not None else None

    def _label(self, label: str) -> None:
        self.bench.apply_label(label, self._selection())

    # ---- project ------------------------------------------------------------------------------
    def load_project(self, project: Project, annotator: str, session: AnnotationSession | None = None) -> None:
        """Show ``project`` as ``annotator`` (history rebuilt, last article resumed).

        ``session``: the review mode's gold-layer session; without it the window labels (and
        leaves the review mode).
        """
        if session is None:
            self.review_mode.leave_ui()
        self.project = project
        self.settings.add_recent(project.path)
        self.bench.load(project, annotator, session)
        scheme = self.bench.scheme
        assert scheme is not None
        self.actions.set_scheme(scheme)
        for action in self.actions.label_actions:
            action.triggered.connect(partial(_call, partial(self._label, action.data())))
        for action in self.actions.stance_actions:
            action.triggered.connect(partial(_call, partial(self.bench.set_stance, action.data())))
        self._fill_annotate_menu()
        self.inspector.set_scheme_controls()
        self.legend.set_scheme(scheme)
        view = self._ensure_view()
        view.set_scheme(scheme)
        self.article_list.set_source(self.bench.query, scheme)
        self.my_queue.attach(self.bench.query, annotator)
        self.article_list.select(self.bench.article_id)
        self.actions["start_review"].setText(f"Start &review as {annotator}")
        if self.bench.doc is not None:
            self._on_opened(self.bench.doc)
        self.status.set_annotator(annotator)
        self.status.set_progress(self.bench.query.progress())
        self._fill_recent_menu()
        self.setWindowTitle(f"{project.path.name} — annotator" + (" (read-only)" if project.readonly else ""))
        self.background.preannotate(project, first=self.bench.article_id)
        if not self.background.enabled:
            self.status.set_model("Model: off")
        view.setFocus()

    def switch_project(self, path: Path) -> bool:
        """Open another project file in this window; on failure the current one stays open."""
        annotator = self.bench.session.annotator_name if self.bench.session else self.settings.annotator
        old = self.project.path if self.project else None
        self.background.runner.shutdown()
        if self.project is not None:
            self.project.close()
        try:
            project = open_project(path)
        except AnnotatorError as exc:
            self.show_error(exc.message)
            if old is not None:
                self.load_project(open_project(old), annotator)
            return False
        self.load_project(project, annotator)
        return True

    def _new_project(self) -> None:
        start = str(default_db_path().parent)
        path, _ = QFileDialog.getSaveFileName(self, "New project", start, PROJECT_FILTER)
        if path:
            if Path(path).exists():
                self.show_error(f"{path}: the file exists; choose Open project to open it")
                return
            self.switch_project(Path(path))

    def _open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(default_db_path().parent), PROJECT_FILTER)
        if path:
            self.switch_project(Path(path))

    def _open_server_dialog(self, url: str = "") -> None:
        """A team project on a PostgreSQL server (File > Open team project)."""
        from annotator.ui.open_server_dialog import OpenServerDialog

        if not url:
            url = next((str(p) for p in self.settings.recent_projects() if isinstance(p, str)), "")
        chosen = OpenServerDialog.ask(url, self)
        if chosen:
            self.switch_project(chosen)

    def _open_recent(self, path: Path | str) -> None:
        if isinstance(path, str):  # a team project: its URL (never a password) in the dialog
            self._open_server_dialog(path)
        else:
            self.switch_project(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_projects():
            act = self.recent_menu.addAction(str(path))
            act.triggered.connect(partial(_call, partial(self._open_recent, path)))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def _switch_annotator(self) -> None:
        current = self.bench.session.annotator_name if self.bench.session else ""
        name = NameDialog.ask(current, self)
        if name and name != current and self.project is not None:
            self.settings.annotator = name
            self.load_project(self.project, name)

    # ---- import and pre-annotation ------------------------------------------------------------
    def _import_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import articles", str(Path.home()), IMPORT_FILTER)
        if paths:
            self.import_paths(paths)

    def _import_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a folder of articles", str(Path.home()))
        if path:
            self.import_paths([path])

    def import_paths(self, paths: list[str]) -> None:
        """Import files or folders in the background; a report dialog follows."""
        if self.project is not None:
            self.background.import_paths(self.project, [str(p) for p in paths])

    def _export_dialog(self) -> None:
        if self.project is None or self.bench.session is None:
            return
        from annotator.ui.export_dialog import (
            ExportDialog,  # written alongside; loaded on demand
        )

        dialog = ExportDialog(self.project, annotator=self.bench.session.annotator_name, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _merge_dialog(self) -> None:
        if self.project is None:
            return
        from annotator.ui.merge_dialog import MergeDialog

        dialog = MergeDialog(self.project, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(self._on_merged)
        dialog.open()

    def _on_merged(self, _report) -> None:
        """Other files' work arrived: re-read the list, the history, the open article, the queue."""
        self.article_list.model.reload()
        if self.bench.query is not None:
            self.article_list.refresh_outlets(self.bench.query)
        self.bench.rebuild_history()
        self.bench.reload_article()
        self.my_queue.recount()
        self.review_mode.refresh_queue()
        self._on_progress_changed()

    def _assign_dialog(self) -> None:
        if self.project is None:
            return
        from annotator.ui.assign_dialog import AssignDialog

        current = self.settings.annotator or (self.bench.session.annotator_name if self.bench.session else "")
        dialog = AssignDialog(self.project, current, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.assigned.connect(lambda _report: self.my_queue.recount(check=True))
        dialog.open()

    def show_agreement(self) -> None:
        """View › Agreement: the figures of the open project in a window of their own."""
        if self.project is None:
            return
        from annotator.ui.agreement_view import AgreementView

        dialog = AgreementView(self.project, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.articleChosen.connect(self.bench.open_article)
        dialog.show()

    def preannotate_all(self) -> None:
        if self.project is not None:
            self.background.preannotate(self.project, first=self.bench.article_id)

    def _on_imported(self, report: ImportReport) -> None:
        self.article_list.model.reload()
        if self.bench.query is not None:
            self.article_list.refresh_outlets(self.bench.query)
        self._on_progress_changed()
        if self.bench.doc is None and report.imported:
            self.bench.open_article(report.imported[0])
        dialog = ImportReportDialog(report, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if report.imported and self.project is not None:
            self.background.preannotate(self.project, first=self.bench.article_id, article_ids=list(report.imported))

    def _on_suggestions(self, article_ids: list[int] | None) -> None:
        doc, query = self.bench.doc, self.bench.query
        if doc is None or query is None:
            return
        if article_ids is None:
            if query.suggestion_count(doc.article_id) == doc.suggestion_count:
                return
        elif doc.article_id not in article_ids:
            return
        self.bench.reload_article()
        self._touched.add(doc.article_id)
        self._refresh_timer.start()

    def _on_preannotated(self, report) -> None:
        self.article_list.model.invalidate()
        self.statusBar().showMessage(
            f"Pre-annotated {report.articles} article(s): {report.entities} entities, {report.claims} claims", 6000
        )
        failures = report.claim_failures
        if failures:  # rare (a bug in the claim rules): say so rather than show silently empty claims
            self.show_error(Msg.M005.format(count=len(failures)) + "\n\n" + "\n".join(failures))

    def _on_model_failed(self, message: str) -> None:
        self.status.set_model("Model: not loaded")
        self.show_error(message)

    # ---- reactions ----------------------------------------------------------------------------
    def _on_opened(self, doc) -> None:
        view = self._ensure_view()
        view.show_document(doc, self.bench.focus)
        self.article_list.select(doc.article_id if doc else None)

    def _on_changed(self, change: DocChange) -> None:
        if self.view is not None:
            self.view.apply_change(change)

    def _on_focus(self, key) -> None:
        if self.view is not None:
            self.view.set_focus_key(key)

    def _on_touched(self, article_id: int) -> None:
        self._touched.add(article_id)
        self._refresh_timer.start()

    def _on_progress_changed(self) -> None:
        self._progress_dirty = True
        self._refresh_timer.start()

    def _flush_refresh(self) -> None:
        """Coalesced list and progress updates, after the edit itself is on screen."""
        for aid in self._touched:
            self.article_list.model.refresh(aid)
        if self.bench.article_id in self._touched:
            self.inspector.refresh_status()
        self._touched.clear()
        if self._progress_dirty and self.bench.query is not None:
            self._progress_dirty = False
            self.status.set_progress(self.bench.query.progress())

    def _step_article(self, step: int) -> None:
        target = self.article_list.neighbour(self.bench.article_id, step)
        if target is not None:
            self.bench.open_article(target)

    def _zoom(self, step: int | None) -> None:
        self.settings.zoom = 0 if step is None else self.settings.zoom + step
        if self.view is not None:
            self.view.set_zoom(self.settings.zoom)

    def show_error(self, message: str) -> None:
        show_error(self, message)

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self.actions.shortcut_rows(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # ---- state --------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(1440, 900)

    def _restore_state(self) -> None:
        geometry = self.settings.restore_bytes("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(self.sizeHint())
        state = self.settings.restore_bytes("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.restore_bytes("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # ---- backups ------------------------------------------------------------------------------
    def _backup_dialog(self) -> None:
        if self.project is None or getattr(self.project, 'is_server', False):
            self.show_error("Team projects on a server are backed up on the server (pg_dump); see docs/team.md.")
            return
        path = self.project.path
        default = str(path.with_name(f"{path.stem}-backup-{time.strftime('%Y%m%d-%H%M')}.sqlite"))
        dest, _ = QFileDialog.getSaveFileName(self, "Back up project", default, "Project files (*.sqlite)")
        if dest:
            self.background.backup(self.project, dest)

    def _auto_backup(self) -> None:
        """Rolling automatic backup, only when something changed since the last one."""
        if self.project is None or getattr(self.project, 'is_server', False) or self.project.readonly:
            return
        marker = (str(self.project.path), self.bench.stack.index(), self.bench.stack.count())
        if marker == self._last_backup_marker:
            return
        self._last_backup_marker = marker
        self.background.backup(self.project)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.review_mode.shutdown()
        self.background.runner.shutdown()
        self.inspector.article_note.clearFocus()  # saves a note being typed
        self.settings.save_bytes("window/geometry", self.saveGeometry())
        self.settings.save_bytes("window/state", self.saveState())
        self.settings.save_bytes("window/splitter", self.splitter.saveState())
        self.settings.sync()
        if self.project is not None:
            self.project.close()
        super().closeEvent(event)


def _call(slot, *_args) -> None:
    """Adapter for ``triggered(bool)``: call a slot without the checked flag."""
    slot()
