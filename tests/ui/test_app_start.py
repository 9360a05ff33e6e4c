"""Starting the app: first run (name dialog, default project with the seeds), import report,
errors as dialogs, settings remembered."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from uihelpers import Db

from annotator.ui.app import launch
from annotator.ui.dialogs import ImportReportDialog, NameDialog, install_excepthook


@pytest.fixture
def empty_user_dirs(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def _answer_name_dialog(qtbot, name: str) -> None:
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NameDialog)
        dialog.edit.setFocus()
        qtbot.keyClicks(dialog.edit, name)
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)

    QTimer.singleShot(100, answer)


def test_first_run_asks_name_and_creates_default_project_with_seeds(qtbot, settings, empty_user_dirs):
    assert settings.annotator == ""
    _answer_name_dialog(qtbot, "Ana")
    window = launch(settings=settings)
    assert window is not None
    qtbot.addWidget(window)
    db_file = empty_user_dirs / "annotator" / "default.annotator.sqlite"
    assert db_file.exists()
    assert Db(db_file).rows("SELECT COUNT(*) FROM article")[0][0] == 5
    assert settings.annotator == "Ana"
    assert window.status.annotator.text() == "Annotator: Ana"
    assert window.article_list.model.rowCount() == 5
    assert window.bench.article_id == 1
    assert window.status.progress_text.text().startswith("0 / 5")
    window.close()
    # second start: no dialog, same project, no second import
    again = launch(settings=settings)
    qtbot.addWidget(again)
    assert again.bench.session.annotator_name == "Ana"
    assert Db(db_file).rows("SELECT COUNT(*) FROM article")[0][0] == 5
    again.close()


def test_cancelled_name_dialog_does_not_start(qtbot, settings, empty_user_dirs):
    QTimer.singleShot(100, lambda: QApplication.activeModalWidget().reject())
    assert launch(settings=settings) is None


def test_import_report_lists_bad_file_with_reason(open_window, qtbot, tmp_path, db: Db):
    w = open_window()
    good = tmp_path / "good.txt"
    good.write_text("A new article about the Geneva talks. Lavrov said nothing new.", encoding="utf-8")
    bad = tmp_path / "broken.bin"
    bad.write_bytes(b"\x00\x01\x02binary\x00\xff" * 50)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    w.import_paths([str(good), str(bad), str(empty)])
    qtbot.waitUntil(lambda: w.findChild(ImportReportDialog) is not None, timeout=10_000)
    dialog = w.findChild(ImportReportDialog)
    messages = dialog.messages()
    assert any("broken.bin" in m for m in messages), messages
    assert any("empty.txt" in m and "empty" in m for m in messages), messages
    assert "Imported 1 article" in dialog.summary.text()
    assert db.rows("SELECT COUNT(*) FROM article")[0][0] == 6
    assert w.article_list.model.rowCount() == 6
    dialog.close()


def test_errors_are_dialogs_not_tracebacks(qtbot, monkeypatch, tmp_path, settings):
    not_a_db = tmp_path / "notes.sqlite"
    not_a_db.write_text("this is not a database", encoding="utf-8")

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        assert "not a SQLite database" in box.text()
        box.accept()

    QTimer.singleShot(100, close_box)
    assert launch(db=str(not_a_db), annotator="tester", settings=settings) is None

    shown = []
    monkeypatch.setattr("annotator.ui.dialogs.error_box", lambda parent, message, details="", title="": shown.append((message, details)))
    import sys

    saved = sys.excepthook
    try:
        install_excepthook()
        try:
            raise ValueError("boom")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = saved
    assert shown and "ValueError: boom" in shown[0][0] and "Traceback" in shown[0][1]


def test_window_geometry_splitter_and_zoom_are_remembered(open_window, qtbot, settings):
    w = open_window()
    w.resize(790, 640)
    w.splitter.setSizes([200, 600, 300])
    sizes = w.splitter.sizes()
    qtbot.keyClick(w.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    bigger = w.view.font().pointSizeF()
    w.close()
    w2 = open_window()
    assert (w2.width(), w2.height()) == (790, 640)
    assert w2.splitter.sizes() == sizes
    assert w2.view.font().pointSizeF() == bigger


def test_claim_rule_failures_of_a_preannotation_run_are_shown(open_window, qtbot):
    """A pre-annotation run that could not find claims in some article (a bug in the rules) says
    so in an error dialog naming the articles, instead of leaving them silently without claims."""
    from annotator.domain.errors import Msg
    from annotator.services.preannotate import PreannotateReport

    w = open_window()
    report = PreannotateReport(articles=3, entities=12, claims=4)
    report.claim_failures = [
        Msg.M004.format(article=2, title="A lede", detail="RecursionError: maximum recursion depth exceeded")
    ]
    w._on_preannotated(report)
    box = w.findChild(QMessageBox, "error_dialog")
    assert box is not None and box.isVisible()
    assert "claim rules failed on 1 article(s)" in box.text()
    assert "article 2 (A lede)" in box.detailedText() and "RecursionError" in box.detailedText()
    box.close()
