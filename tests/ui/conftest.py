"""Fixtures for the UI tests: offscreen Qt, isolated settings, a seeded project with suggestions.

Suggestions come from :class:`FakeEngine`, which implements the ``PreannotationEngine`` protocol
with fixed entity and claim suggestions found by plain string search, so these tests never need
the spaCy model (one test in test_real_model.py does, and is skipped without it).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

QStandardPaths.setTestModeEnabled(True)

from uihelpers import Db, FakeEngine

from annotator.resources import seeds_dir
from annotator.services.importing import import_paths
from annotator.services.preannotate import preannotate
from annotator.store import open_project


@pytest.fixture(scope="session")
def template_project(tmp_path_factory) -> Path:
    """A project with the 5 seed articles and fake suggestions, built once per session."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite"
    with open_project(path) as project:
        report = import_paths(project, [seeds_dir()])
        assert len(report.imported) == 5, report.problems
        preannotate(project, FakeEngine())
    return path


@pytest.fixture
def project_path(template_project: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded project for one test."""
    path = tmp_path / "project.sqlite"
    shutil.copy(template_project, path)
    return path


@pytest.fixture
def settings(tmp_path: Path):
    """App settings in a private ini file (never the user's)."""
    from annotator.ui.settings import AppSettings

    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def open_window(qtbot, settings, project_path):
    """Factory: a shown main window on the seeded project as annotator "tester" (no model)."""
    from annotator.ui.main_window import MainWindow

    windows = []

    def make(annotator: str = "tester", path: Path | None = None):
        window = MainWindow(settings, engine_factory=None)
        qtbot.addWidget(window)
        window.load_project(open_project(path or project_path), annotator)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.view.setFocus()
        windows.append(window)
        return window

    yield make
    for w in windows:
        if w.isVisible():
            w.close()


@pytest.fixture
def db(project_path: Path) -> Db:
    return Db(project_path)
