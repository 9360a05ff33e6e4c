"""Starting the desktop app: ``annotator`` / ``annotator gui [--db DB] [--annotator NAME]``.

On first launch it asks for the annotator's name (remembered in QSettings) and, when the
default project does not exist yet, creates it and imports the bundled seed articles so there is
something to label at once. The spaCy pipeline loads in the background; the window is usable
before it is ready.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.domain.errors import AnnotatorError
from annotator.resources import default_db_path, resources_dir, seeds_dir
from annotator.services.importing import import_paths
from annotator.services.preannotate import PreannotationEngine
from annotator.store.db import SERVER_SCHEMES, open_project
from annotator.ui.dialogs import NameDialog, install_excepthook
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import APPLICATION, ORGANISATION, AppSettings
from annotator.ui.workers import EngineFactory


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("annotator")
    app.setDesktopFileName("annotator")  # matches packaging/annotator.desktop (Wayland app id)
    icon = resources_dir() / "icons" / "annotator.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def spacy_engine_factory(model: str | None) -> EngineFactory:
    """Loads the pipeline when called (in a worker thread: importing spaCy takes a while)."""

    def load() -> PreannotationEngine:
        from annotator.nlp.engine import Engine

        return Engine(model)

    return load


def project_path(db: str | None, settings: AppSettings) -> Path | str:
    """``--db``, else the last project opened (if it still exists), else the default project.

    A team project's ``postgresql://`` URL (``--db``, the last project, ``$ANNOTATOR_DB``) is
    passed on as it is."""
    if db:
        return db if db.startswith(SERVER_SCHEMES) else Path(db).expanduser()
    last = settings.last_project
    if isinstance(last, str):  # a team project: the server is asked when it is opened
        return last
    if last is not None and last.exists():
        return last
    env = os.environ.get("ANNOTATOR_DB", "")
    return env if env.startswith(SERVER_SCHEMES) else default_db_path()


def launch(
    db: str | None = None,
    annotator: str | None = None,
    engine_factory: EngineFactory | None = None,
    settings: AppSettings | None = None,
) -> MainWindow | None:
    """Open the main window (without running the event loop); None if the user gave up."""
    settings = settings or AppSettings()
    name = (annotator or settings.annotator or "").strip()
    if not name:
        name = NameDialog.ask() or ""
        if not name:
            return None
    settings.annotator = name
    path = project_path(db, settings)
    first_run = not db and path == default_db_path() and (not path.exists() or path.stat().st_size == 0)
    try:
        project = open_project(path)
        if first_run:
            import_paths(project, [seeds_dir()])
    except AnnotatorError as exc:
        box = QMessageBox(QMessageBox.Icon.Critical, "annotator", exc.message)
        box.setObjectName("error_dialog")
        box.exec()
        if db or not isinstance(path, str) or os.environ.get("ANNOTATOR_DB", "").startswith(SERVER_SCHEMES):
            return None
        # the remembered team project is out of reach (server down, no password saved): start
        # with the default project; File > Recent projects offers the team project again
        try:
            project = open_project(default_db_path())
        except AnnotatorError:
            return None
    window = MainWindow(settings, engine_factory)
    window.load_project(project, name)
    window.show()
    return window


def run(db: str | None = None, annotator: str | None = None, model: str | None = None) -> int:
    """Entry point of ``annotator gui``: returns the process exit code."""
    app = create_app()
    install_excepthook()
    window = launch(db, annotator, spacy_engine_factory(model))
    if window is None:
        return 2
    if os.environ.get(SMOKE_ENV) == "1":
        smoke_test(window)
    return app.exec()


# ---- smoke test (packaging) -------------------------------------------------------------------
SMOKE_ENV = "ANNOTATOR_SMOKE_TEST"


def smoke_test(
    window: MainWindow,
    timeout_s: float | None = None,
    quit_after_ms: int = 300,
    exit_app: Callable[[int], None] | None = None,
    out: TextIO | None = None,
) -> None:
    """``ANNOTATOR_SMOKE_TEST=1 annotator``: prove a start works without anyone looking.

    Once the window is shown, the first article is open and the background work has finished
    (the model loaded and pre-annotated the articles), print one line to standard output::

        SMOKE OK window=<title> articles=<n> suggestions=<n> model=<name>-<version>|none

    (``suggestions``: of the open article) and quit with exit code 0 after ``quit_after_ms``.
    An error dialog (say, the model failed to load) or ``timeout_s`` (default
    ``$ANNOTATOR_SMOKE_TIMEOUT`` or 300 s) prints ``SMOKE FAIL <reason>`` and quits with 1.
    Used by tests/test_packaging.py on the PyInstaller bundle.
    """
    if timeout_s is None:
        timeout_s = float(os.environ.get("ANNOTATOR_SMOKE_TIMEOUT", "300"))
    if exit_app is None:
        app = QApplication.instance()
        app.setQuitOnLastWindowClosed(False)  # so that closing the window keeps our exit code
        exit_app = app.exit
    stream = out or sys.stdout
    errors: list[str] = []
    window.background.modelFailed.connect(errors.append)
    window.background.failed.connect(errors.append)
    deadline = time.monotonic() + timeout_s
    timer = QTimer(window)
    timer.setInterval(100)

    def finish(line: str, code: int) -> None:
        timer.stop()
        if stream is not None:  # None in a frozen app without a console
            enc = getattr(stream, "encoding", None) or "utf-8"
            stream.write(line.encode(enc, "backslashreplace").decode(enc) + "\n")
            stream.flush()

        def close() -> None:
            window.close()
            exit_app(code)

        QTimer.singleShot(quit_after_ms, close)

    def check() -> None:
        bench, background = window.bench, window.background
        if errors:
            finish("SMOKE FAIL " + (errors[0].strip().splitlines() or ["error"])[0], 1)
        elif window.isVisible() and bench.doc is not None and bench.query is not None and not background.runner.busy():
            engine = background.engine
            model = f"{engine.info.name}-{engine.info.version}" if engine is not None else "none"
            finish(
                f"SMOKE OK window={window.windowTitle()} articles={window.article_list.model.rowCount()} "
                f"suggestions={bench.query.suggestion_count(bench.doc.article_id)} model={model}",
                0,
            )
        elif time.monotonic() > deadline:
            finish(f"SMOKE FAIL timeout: no article shown with the model ready after {timeout_s:g} s", 1)

    timer.timeout.connect(check)
    timer.start()
