"""Starting the desktop app: ``annotator`` / ``annotator gui [--db DB] [--annotator NAME]``.

On first launch it asks for the annotator's name (remembered in QSettings) and, when the
default project does not exist yet, creates it and imports the bundled seed articles so there is
something to label at once. The spaCy pipeline loads in the background; the window is usable
before it is ready.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.domain.errors import AnnotatorError
from annotator.resources import default_db_path, seeds_dir
from annotator.services.importing import import_paths
from annotator.services.preannotate import PreannotationEngine
from annotator.store.db import open_project
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
    return app


def spacy_engine_factory(model: str | None) -> EngineFactory:
    """Loads the pipeline when called (in a worker thread: importing spaCy takes a while)."""

    def load() -> PreannotationEngine:
        from annotator.nlp.engine import Engine

        return Engine(model)

    return load


def project_path(db: str | None, settings: AppSettings) -> Path:
    """``--db``, else the last project opened (if it still exists), else the default project."""
    if db:
        return Path(db).expanduser()
    last = settings.last_project
    if last is not None and last.exists():
        return last
    return default_db_path()


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
    return app.exec()
