"""Background work: loading the spaCy pipeline, importing and pre-annotating, one task at a time.

Each task runs in its own ``QThread``. peewee keeps one SQLite connection *per thread* for a
database object, and the models are bound (through ``database_proxy``) to the open project's
database object, so a task simply opens its thread's own connection on the same database object
(``project.db.connect()``) and closes it when done: the models are bound correctly and no
connection crosses threads. The main window cancels and waits for tasks before it switches or
closes the project, so the binding never changes under a running task.
"""

from __future__ import annotations

import threading
from pathlib import Path
import traceback
from collections import deque
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal

from annotator.domain.errors import AnnotatorError
from annotator.services.backup import backup_project, rolling_backup
from annotator.services.importing import import_paths
from annotator.services.preannotate import PreannotationEngine, pending_ids, preannotate
from annotator.store.db import Project

# fn(progress(done, total, message), cancel_event, notify(obj)) -> result
TaskFn = Callable[[Callable[[int, int, str], None], threading.Event, Callable[[Any], None]], Any]
EngineFactory = Callable[[], PreannotationEngine]


class Task(QThread):
    """Runs ``fn`` in a thread with its own database connection to ``project`` (if any)."""

    progressed = Signal(int, int, str)
    notified = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, title: str, fn: TaskFn, project: Project | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._fn = fn
        self._project = project
        self.cancel_event = threading.Event()

    def run(self) -> None:
        db = self._project.db if self._project is not None else None
        try:
            if db is not None:
                db.connect(reuse_if_open=True)
            result = self._fn(self.progressed.emit, self.cancel_event, self.notified.emit)
        except AnnotatorError as exc:
            self.failed.emit(exc.message)
        except Exception as exc:  # noqa: BLE001 - reported to the user as a dialog, never lost
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.failed.emit(f"{self.title} failed unexpectedly: {detail}\n\n{traceback.format_exc()}")
        else:
            self.succeeded.emit(result)
        finally:
            if db is not None and not db.is_closed():
                db.close()

    def cancel(self) -> None:
        self.cancel_event.set()


class DialogTask(QObject):
    """A dialog's one background job at a time: ``start(title, fn, done, failed)`` runs ``fn()``
    in a :class:`Task`; once the thread has ended, ``ended`` is emitted (the dialog re-enables its
    buttons) and then ``done(result)`` or ``failed(message)`` is called.

    The thread's signals go to methods of this object (not to lambdas), so Qt delivers them to a
    receiver that lives as long as the dialog that owns it."""

    ended = Signal()

    def __init__(self, project: Project | None, parent: QObject) -> None:
        super().__init__(parent)
        self._project = project
        self._task: Task | None = None
        self._callbacks: tuple[Callable[[Any], None], Callable[[str], None]] | None = None
        self._outcome: tuple[Callable[[Any], None], Any] | None = None

    def running(self) -> bool:
        return self._task is not None

    def start(self, title: str, fn: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[str], None]) -> None:
        if self._task is not None:
            raise RuntimeError("a task is already running")
        task = Task(title, lambda progress, cancel, notify: fn(), self._project, self)
        self._callbacks, self._outcome = (done, failed), None
        task.succeeded.connect(self._on_succeeded)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_finished)
        self._task = task
        task.start()

    def wait(self, ms: int = 30000) -> bool:
        return self._task.wait(ms) if self._task is not None else True

    def _on_succeeded(self, result: Any) -> None:
        if self._callbacks is not None:
            self._outcome = (self._callbacks[0], result)

    def _on_failed(self, message: str) -> None:
        if self._callbacks is not None:
            self._outcome = (self._callbacks[1], message)

    def _on_finished(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.wait()  # "finished" comes from the thread itself: let it end before deleting the QThread
            task.deleteLater()
        outcome, self._outcome, self._callbacks = self._outcome, None, None
        self.ended.emit()
        if outcome is not None:  # after the worker has ended, so the dialog's buttons are ready
            outcome[0](outcome[1])


class TaskRunner(QObject):
    """A queue of :class:`Task` objects run one after another."""

    started = Signal(str)
    progressed = Signal(int, int, str)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[Task] = deque()
        self.current: Task | None = None

    def submit(self, task: Task) -> Task:
        task.progressed.connect(self.progressed)
        task.finished.connect(self._next)
        self._queue.append(task)
        if self.current is None:
            self._next()
        return task

    def _next(self) -> None:
        if self.current is not None:
            self.current.deleteLater()
        self.current = self._queue.popleft() if self._queue else None
        if self.current is None:
            self.idle.emit()
            return
        self.started.emit(self.current.title)
        self.current.start()

    def busy(self) -> bool:
        return self.current is not None

    def cancel_all(self) -> None:
        for task in self._queue:
            task.cancel()
            task.deleteLater()
        self._queue.clear()
        if self.current is not None:
            self.current.cancel()

    def shutdown(self) -> None:
        """Cancel everything and wait for the running task to stop."""
        self.cancel_all()
        if self.current is not None:
            self.current.finished.disconnect(self._next)
            self.current.wait()
            self.current.deleteLater()
            self.current = None


class Background(QObject):
    """The app's background jobs: the NLP engine, imports and pre-annotation."""

    modelReady = Signal(str)  # label of the loaded pipeline
    modelFailed = Signal(str)
    suggestionsReady = Signal(object)  # list of article ids, or None for "some articles"
    preannotated = Signal(object)  # PreannotateReport
    imported = Signal(object)  # ImportReport
    backedUp = Signal(object)  # path (str) of the copy
    failed = Signal(str)

    def __init__(self, engine_factory: EngineFactory | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self._factory = engine_factory
        self.engine: PreannotationEngine | None = None
        self._loading = False

    @property
    def enabled(self) -> bool:
        return self._factory is not None

    def _load_model(self) -> None:
        if self.engine is not None or self._loading or self._factory is None:
            return
        self._loading = True
        factory = self._factory
        task = Task("Loading the language model", lambda progress, cancel, notify: factory(), parent=self)
        task.succeeded.connect(self._on_model)
        task.failed.connect(self._on_model_failed)
        self.runner.submit(task)

    def _on_model(self, engine: PreannotationEngine) -> None:
        self.engine, self._loading = engine, False
        info = engine.info
        self.modelReady.emit(f"{info.name} {info.version}")

    def _on_model_failed(self, message: str) -> None:
        self._loading = False
        self._factory = None  # do not retry on every article
        self.modelFailed.emit(message)

    def preannotate(self, project: Project, first: int | None = None, article_ids: list[int] | None = None) -> None:
        """Suggest entities and claims for articles that need it; ``first`` is done before the rest."""
        if self._factory is None and self.engine is None:
            return
        self._load_model()

        def work(progress, cancel, notify):
            engine = self.engine
            if engine is None:  # the model failed to load
                return None
            if first is not None and pending_ids(engine, [first]):
                preannotate(project, engine, [first], cancel=cancel)
                notify([first])
            report = preannotate(project, engine, article_ids, progress=progress, cancel=cancel, write_every=8)
            return report

        task = Task("Pre-annotating", work, project, self)
        task.notified.connect(self.suggestionsReady)
        task.progressed.connect(self._on_preannotate_progress)
        task.succeeded.connect(self._on_preannotated)
        task.failed.connect(self.failed)
        self.runner.submit(task)

    def _on_preannotate_progress(self, done: int, total: int, message: str) -> None:
        self.suggestionsReady.emit(None)

    def _on_preannotated(self, report: object) -> None:
        if report is not None:
            self.preannotated.emit(report)

    def import_paths(self, project: Project, paths: list[str]) -> None:
        def work(progress, cancel, notify):
            return import_paths(project, paths, progress=progress, cancel=cancel)

        task = Task("Importing", work, project, self)
        task.succeeded.connect(self.imported)
        task.failed.connect(self.failed)
        self.runner.submit(task)

    def backup(self, project: Project, dest: str | None = None) -> None:
        """A consistent copy (SQLite online backup) off the UI thread; ``dest`` None = rolling."""

        def work(progress, cancel, notify):
            path = rolling_backup(project) if dest is None else backup_project(project, Path(dest), force=True)
            return str(path)

        task = Task("Backing up", work, project, self)
        task.succeeded.connect(self.backedUp)
        task.failed.connect(self.failed)
        self.runner.submit(task)
