"""File › Merge annotations… refuses a bad file with its message and changes nothing; File › Assign
work… writes the assignments and the article list's "My queue" shows the annotator's queue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from test_review_mode import ana_work, analyst_file
from uihelpers import Db

from annotator.domain.errors import AnnotatorError
from annotator.services import assign as assign_service
from annotator.services.merge import check_sources
from annotator.store import open_project
from annotator.ui.assign_dialog import AssignDialog
from annotator.ui.merge_dialog import MergeDialog

TABLES = ("article", "suggestion", "annotation", "article_status", "action", "change", "annotator")


def counts(db: Db) -> dict[str, int]:
    return {t: db.rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}


def refusal(path: Path, review: Path | None = None) -> str:
    try:
        check_sources([path], review)
    except AnnotatorError as exc:
        return exc.message
    raise AssertionError(f"{path} was not refused")


def test_merge_dialog_refuses_a_bad_file_with_its_message_and_changes_nothing(qtbot, template_project, project_path, tmp_path, db: Db):
    good = analyst_file(template_project, tmp_path / "ana.sqlite", "ana", ana_work)
    bad = tmp_path / "notes.sqlite"
    bad.write_text("these are my notes, not a project", encoding="utf-8")
    before = counts(db)
    with open_project(project_path) as project:
        dialog = MergeDialog(project)
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitSignal(dialog.checked, timeout=20_000):
            dialog.add_paths([good, bad, project_path])
        qtbot.waitUntil(lambda: not dialog.is_running())
        message = refusal(bad)
        itself = refusal(project_path, project_path)
        assert "nothing was merged" in message and "review project itself" in itself
        cells = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
        assert cells == ["✓ can be merged", "✗ " + message, "✗ " + itself]
        assert message in dialog.summary.toPlainText() and itself in dialog.summary.toPlainText()
        assert not dialog.merge_button.isEnabled()
        dialog.start()  # all or nothing: refused while a bad file is listed
        assert not dialog.is_running() and counts(db) == before

        # remove the refused files (select their rows, Remove): the good one can be merged
        for _ in range(2):
            dialog.table.selectRow(1)
            with qtbot.waitSignal(dialog.checked, timeout=20_000):
                qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
        assert dialog.paths == [str(good)] and dialog.merge_button.isEnabled()
        assert "Will merge:" in dialog.summary.toPlainText() and "ana: 7 new" in dialog.summary.toPlainText()
        assert counts(db) == before  # the preview is a dry run
        with qtbot.waitSignal(dialog.merged, timeout=20_000) as merged:
            qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        assert merged.args[0].changed
        after = counts(db)
        assert after["annotation"] == before["annotation"] + 7 and after["article"] == before["article"]
        # merging the same file again changes nothing
        with qtbot.waitSignal(dialog.checked, timeout=20_000):
            dialog.add_paths([good])
        assert dialog.summary.toPlainText().startswith("Nothing new to merge")
        qtbot.waitUntil(lambda: not dialog.is_running())
        dialog.close()


def test_assign_dialog_writes_assignments_and_my_queue_shows_them(open_window, qtbot, db: Db):
    w = open_window("ana")
    check = w.my_queue.check
    assert not check.isEnabled() and not check.isChecked() and w.article_list.model.rowCount() == 5

    w.actions["assign"].trigger()
    dialog = w.findChild(AssignDialog, "assign_dialog")
    assert dialog is not None and dialog.names() == ["ana"]
    # a bad plan: the one-line message, nothing written
    dialog.names_edit.setText("ana, ben, ana")
    assert not dialog.run()
    assert dialog.summary.toPlainText() == "annotator 'ana' is named twice"
    assert db.rows("SELECT COUNT(*) FROM assignment") == [(0,)]

    dialog.names_edit.setText("ana, ben, cleo")
    dialog.overlap_spin.setValue(2)
    dialog.seed_spin.setValue(7)
    with qtbot.waitSignal(dialog.assigned) as done:
        qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    report = done.args[0]
    assert dialog.summary.toPlainText() == report.summary()
    assert report.summary().startswith("assigned 5 article(s) to 2 of 3 annotator(s) each (seed 7)")
    rows = db.rows("SELECT n.name, a.article_id FROM assignment a JOIN annotator n ON n.id = a.annotator_id")
    per_article: dict[int, set[str]] = {}
    for name, art in rows:
        per_article.setdefault(art, set()).add(name)
    assert sorted(per_article) == [1, 2, 3, 4, 5] and all(len(v) == 2 for v in per_article.values())
    loads = sorted(sum(1 for v in per_article.values() if n in v) for n in ("ana", "ben", "cleo"))
    assert loads == [3, 3, 4] and report.loads == {n: sum(1 for v in per_article.values() if n in v) for n in ("ana", "ben", "cleo")}
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["ana", "ben", "cleo"]
    dialog.close()

    # the article list shows ana's queue (switched on by itself once ana has assignments)
    mine = [s.id for s in assign_service.queue("ana")]
    assert check.isEnabled() and check.isChecked() and check.text() == f"My queue ({len(mine)} to do)"
    assert w.article_list.model.ids() == mine
    first = mine[0]
    w.bench.open_article(first)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # mark done
    assert db.status(first) == "done"
    assert check.text() == f"My queue ({len(mine) - 1} to do)"
    check.setChecked(False)
    assert w.article_list.model.rowCount() == 5
    check.setChecked(True)
    assert w.article_list.model.ids() == [i for i in mine if i != first]
