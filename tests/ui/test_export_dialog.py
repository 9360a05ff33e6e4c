"""File > Export dialog: runs the export in a worker thread with progress, shows a summary of
what was written, reports errors as one line, and can be cancelled without leaving files."""

from __future__ import annotations

import json
import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QStandardPaths  # noqa: E402

from annotator.domain.errors import Msg  # noqa: E402
from annotator.ui.export_dialog import ExportDialog  # noqa: E402
from tests.export_support import blank_tokenizer, build_project, read_jsonl  # noqa: E402

QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def dialog(qtbot, project):
    build_project(project, n=4)
    dlg = ExportDialog(project, annotator="alice", tokenizer_factory=blank_tokenizer)
    qtbot.addWidget(dlg)
    yield dlg
    dlg.wait()


@pytest.mark.parametrize("fmt", ["jsonl", "spacy", "conll", "csv", "brat"])
def test_each_format_from_the_dialog(dialog, qtbot, tmp_path, fmt):
    out = tmp_path / ("brat_out" if fmt == "brat" else f"out.{fmt}")
    dialog.set_format(fmt)
    dialog.path_edit.setText(str(out))
    with qtbot.waitSignal(dialog.exportFinished, timeout=30000) as blocker:
        dialog.export_button.click()
    report = blocker.args[0]
    assert report.articles == 4 and out.exists()
    text = dialog.summary.toPlainText()
    assert "4 article(s)" in text and "wrote " in text and str(out) in text and "manifest.json" in text
    qtbot.waitUntil(lambda: not dialog.is_running())
    assert dialog.export_button.isEnabled() and dialog.close_button.isEnabled()
    assert json.loads((tmp_path / (out.name + ".manifest.json")).read_text())["format"] == fmt


def test_options_from_the_widgets(dialog, tmp_path, qtbot):
    dialog.status_checks["in_progress"].setChecked(True)
    dialog.suggestions_check.setChecked(True)
    for i in range(dialog.label_list.count()):
        item = dialog.label_list.item(i)
        if item.text() not in ("PERSON", "CLAIM"):
            item.setCheckState(item.checkState().Unchecked)
    dialog.split_check.setChecked(True)
    dialog.split_spins[0].setValue(0.5)
    dialog.split_spins[1].setValue(0.5)
    dialog.split_spins[2].setValue(0.0)
    dialog.seed_spin.setValue(3)
    opts = dialog.options()
    assert opts.status == ("done", "in_progress") and opts.include_suggestions
    assert opts.labels == ("PERSON", "CLAIM") and opts.split == (0.5, 0.5) and opts.seed == 3
    assert opts.annotator == "alice" and opts.layer == "auto"
    dialog.path_edit.setText(str(tmp_path / "s.jsonl"))
    with qtbot.waitSignal(dialog.exportFinished, timeout=30000):
        dialog.export_button.click()
    assert "split: train 2, dev 2" in dialog.summary.toPlainText()
    spans = [s for x in read_jsonl(tmp_path / "s.train.jsonl") for s in x["spans"]]
    assert spans and {s["label"] for s in spans} == {"PERSON"}


def test_errors_are_one_line_messages(dialog, qtbot, tmp_path):
    out = tmp_path / "exists.csv"
    out.write_text("keep")
    dialog.set_format("csv")
    dialog.path_edit.setText(str(out))
    with qtbot.waitSignal(dialog.exportFailed, timeout=30000) as blocker:
        dialog.export_button.click()
    assert blocker.args[0] == Msg.E001.format(path=out)
    assert dialog.summary.toPlainText() == Msg.E001.format(path=out) and out.read_text() == "keep"
    qtbot.waitUntil(lambda: not dialog.is_running())
    dialog.force_check.setChecked(True)
    with qtbot.waitSignal(dialog.exportFinished, timeout=30000):
        dialog.export_button.click()
    assert out.read_text(encoding="utf-8-sig").startswith("article_id,")


def test_cancel_leaves_no_files(qtbot, project, tmp_path):
    build_project(project, n=12)
    started, release = threading.Event(), threading.Event()

    class SlowTokenizer:
        name = "slow"

        def __init__(self):
            self.inner = blank_tokenizer()

        def tokenize(self, text):
            started.set()
            release.wait(5)
            return self.inner.tokenize(text)

    dlg = ExportDialog(project, tokenizer_factory=SlowTokenizer)
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(tmp_path / "c.jsonl"))
    with qtbot.waitSignal(dlg.exportFailed, timeout=30000) as blocker:
        dlg.export_button.click()
        assert started.wait(10)
        assert dlg.cancel_button.isEnabled() and not dlg.export_button.isEnabled()
        dlg.cancel_button.click()
        release.set()
    assert blocker.args[0] == Msg.E005
    dlg.wait()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("project.sqlite")] == []
