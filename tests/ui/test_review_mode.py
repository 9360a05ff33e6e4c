"""Review mode end to end: two analysts label the seeds differently in their own project files, the
files are merged through File › Merge annotations…, a reviewer adjudicates in the UI with keys and
clicks (and one edit in the inspector), undoes and redoes, marks the article reviewed, and the
default export (the gold layer) contains exactly what the reviewer chose."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDockWidget
from uihelpers import Db

from annotator.services.annotate import AnnotationSession
from annotator.services.export import ExportOptions, write_jsonl_stream
from annotator.services.review import ReviewSession
from annotator.store import open_project
from annotator.ui.merge_dialog import MergeDialog

K = Qt.Key
M = Qt.KeyboardModifier


def sugg(session: AnnotationSession, article: int, text: str, kind: str = "entity"):
    """The first suggestion of ``kind`` whose text starts with ``text``."""
    body = session.text(article)
    return next(s for s in session.suggestions(article) if s.kind == kind and body[s.start:s.end].startswith(text))


def analyst_file(template: Path, path: Path, name: str, work) -> Path:
    shutil.copy(template, path)
    with open_project(path) as project:
        session = AnnotationSession(project, name)
        work(session)
    return path


def ana_work(s: AnnotationSession) -> None:
    for text in ("Walid Muallem", "Sergey Lavrov", "UN", "TASS"):
        s.accept(sugg(s, 1, text).id)
    s.reject(sugg(s, 1, "Iran").id)
    s.accept(sugg(s, 1, "They are dissatisfied", "claim").id, stance="supports", source_type="government/official")
    s.set_status(1, "done")
    s.accept(sugg(s, 2, "Russia").id)  # a second article, labelled by ana alone
    s.set_status(2, "done")


def ben_work(s: AnnotationSession) -> None:
    for text in ("Walid Muallem", "Sergey Lavrov", "Iran"):
        s.accept(sugg(s, 1, text).id)
    s.accept(sugg(s, 1, "UN").id, label="GPE")
    s.reject(sugg(s, 1, "TASS").id)
    s.accept(sugg(s, 1, "They are dissatisfied", "claim").id, stance="disputes", source_type="government/official")
    s.set_status(1, "done")


def press(qtbot, w, key, modifiers=M.NoModifier) -> None:
    qtbot.keyClick(w.view, key, modifiers)


def item_key(mode, text: str, kind: str = "entity") -> str:
    data = mode.data
    return next(i.key for i in data.items if i.kind == kind and data.text[i.start:i.end].startswith(text))


def row_rect(panel, key: str, column: int = 0):
    row = panel._keys.index(key)
    table = panel.table
    table.scrollToItem(table.item(row, column))
    return table.visualRect(table.model().index(row, column))


def click_item(qtbot, mode, key: str) -> None:
    qtbot.mouseClick(mode.panel.table.viewport(), Qt.MouseButton.LeftButton, pos=row_rect(mode.panel, key).center())
    assert mode.current == key


def gold(db: Db, article: int = 1) -> dict[str, tuple]:
    rows = db.rows(
        "SELECT a.start, a.end, a.kind, a.label, a.status, a.stance, a.source_type FROM annotation a "
        "WHERE a.layer = 'gold' AND a.article_id = ? ORDER BY a.start",
        article,
    )
    text = db.rows("SELECT text FROM article WHERE id = ?", article)[0][0]
    # keyed by the span's first three words
    return {" ".join(text[s:e].split()[:3]): (kind, label, status, stance, st) for s, e, kind, label, status, stance, st in rows}


def test_merge_then_adjudicate_with_keys_and_clicks_then_export_gold(open_window, qtbot, template_project, tmp_path, db: Db):
    ana = analyst_file(template_project, tmp_path / "ana.sqlite", "ana", ana_work)
    ben = analyst_file(template_project, tmp_path / "ben.sqlite", "ben", ben_work)
    w = open_window("rita")

    # File › Merge annotations…: check, preview, merge in a worker
    w.actions["merge"].trigger()
    dialog = w.findChild(MergeDialog, "merge_dialog")
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(dialog.checked, timeout=20_000):
        dialog.add_paths([ana, ben])
    assert "Will merge:" in dialog.summary.toPlainText() and dialog.merge_button.isEnabled()
    with qtbot.waitSignal(dialog.merged, timeout=20_000):
        dialog.merge_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running())
    assert "Merged into" in dialog.summary.toPlainText() and "ana: 7 new" in dialog.summary.toPlainText()
    dialog.close()
    w.activateWindow()  # the offscreen platform does not give the activation back by itself
    qtbot.waitUntil(w.isActiveWindow)

    # Review › Start review as rita (Ctrl+Shift+R)
    press(qtbot, w, K.Key_R, M.ControlModifier | M.ShiftModifier)
    mode = w.review_mode
    assert mode.active and w.bench.session.layer == "gold" and w.splitter.widget(0) is mode.queue
    assert w.findChild(QDockWidget, "review_dock").isVisible()
    assert [(e.article_id, e.disagreements) for e in mode.queue.model.entries] == [(1, 4), (2, 0)]
    assert w.bench.article_id == 1 and mode.order == ["ana", "ben"]
    assert mode.progress_label.text() == "0 / 2 reviewed"
    headers = [mode.panel.table.horizontalHeaderItem(c).text() for c in range(mode.panel.table.columnCount())]
    assert headers == ["Item", "Agreement", "1 · ana", "2 · ben", "Gold"]
    assert not w.actions["label:PERSON"].isEnabled() and w.actions["review_accept_1"].isEnabled()
    assert mode.data.agreed == 2 and mode.data.disagreements == 4

    # UN: ana said ORG, ben GPE -> click the row, key 1 takes ana's version
    click_item(qtbot, mode, item_key(mode, "UN"))
    press(qtbot, w, K.Key_1)
    assert gold(db)["UN"] == ("entity", "ORG", "accepted", None, None)
    # the focus moved on to the next open item: the claim; key 2 takes ben's stance
    assert mode.current == item_key(mode, "They are dissatisfied", "claim")
    press(qtbot, w, K.Key_2)
    assert gold(db)["They are dissatisfied"] == ("claim", "CLAIM", "accepted", "disputes", "government/official")
    # Iran: accepted by ben, rejected by ana -> X rejects it
    click_item(qtbot, mode, item_key(mode, "Iran"))
    press(qtbot, w, K.Key_X)
    assert gold(db)["Iran"][2] == "rejected"
    # everything agreed (Walid Muallem, Sergey Lavrov) in one step, then undo and redo that step
    press(qtbot, w, K.Key_A, M.ShiftModifier)
    assert {"Walid Muallem", "Sergey Lavrov"} <= set(gold(db))
    press(qtbot, w, K.Key_Z, M.ControlModifier)
    assert not {"Walid Muallem", "Sergey Lavrov"} & set(gold(db)) and "Iran" in gold(db)
    assert mode.data.item(item_key(mode, "Walid Muallem")).state == "open"
    press(qtbot, w, K.Key_Z, M.ControlModifier | M.ShiftModifier)
    assert gold(db)["Walid Muallem"] == ("entity", "PERSON", "accepted", None, None)
    # TASS: double-click ana's cell (the mouse way of accepting a version)
    tass = item_key(mode, "TASS")
    at = row_rect(mode.panel, tass, 2).center()
    qtbot.mouseClick(mode.panel.table.viewport(), Qt.MouseButton.LeftButton, pos=at)  # Qt 6's QTest sends no
    qtbot.mouseDClick(mode.panel.table.viewport(), Qt.MouseButton.LeftButton, pos=at)  # press before the double click
    assert gold(db)["TASS"] == ("entity", "ORG", "accepted", None, None)
    assert mode.data.open == 0
    # an accepted item is edited through the normal inspector: the claim's source type
    click_item(qtbot, mode, item_key(mode, "They are dissatisfied", "claim"))
    assert w.bench.focused() is not None and w.bench.focused().is_claim
    combo = w.inspector.source_type_combo
    combo.setCurrentIndex(combo.findData("media"))
    combo.activated.emit(combo.currentIndex())
    assert gold(db)["They are dissatisfied"][4] == "media"
    row = mode.panel._keys.index(item_key(mode, "They are dissatisfied", "claim"))
    assert mode.panel.table.item(row, 4).text().startswith("✓ disputes") and "(edited)" in mode.panel.table.item(row, 4).text()

    # mark reviewed and next (Ctrl+Enter): article 2 opens, progress counts it
    press(qtbot, w, K.Key_Return, M.ControlModifier)
    assert db.rows("SELECT status FROM article_status WHERE layer = 'gold' AND article_id = 1") == [("done",)]
    assert w.bench.article_id == 2 and mode.progress_label.text() == "1 / 2 reviewed"
    assert mode.queue.model.entries[0].reviewed

    # the default export takes the gold layer: exactly the reviewer's choices
    out = io.StringIO()
    write_jsonl_stream(out, ExportOptions())
    lines = [json.loads(line) for line in out.getvalue().split("\n") if line]  # JSONL: "\n" ends a record
    accept = [x for x in lines if x["answer"] == "accept"]
    reject = [x for x in lines if x["answer"] == "reject"]
    assert len(accept) == 1 and accept[0]["layer"] == "gold" and accept[0]["annotators"] == ["rita"]
    record = accept[0]
    assert record["meta"]["uid"] == db.rows("SELECT uid FROM article WHERE id = 1")[0][0]
    spans = sorted((s["text"], s["label"]) for s in record["spans"])
    assert spans == [("Sergey Lavrov", "PERSON"), ("TASS", "ORG"), ("UN", "ORG"), ("Walid Muallem", "PERSON")]
    (claim,) = record["claims"]
    assert claim["text"].startswith("They are dissatisfied") and claim["stance"] == "disputes"
    assert claim["source_type"] == "media" and claim["source"]["name"] == "Muallem"
    assert [(x["spans"][0]["text"], x["spans"][0]["label"], x["layer"]) for x in reject] == [("Iran", "GPE", "gold")]
    # the annotators' own work is untouched
    assert db.rows("SELECT COUNT(*) FROM annotation WHERE layer = 'work'") == [(13,)]

    # back to labelling: the article list, the labelling keys and the work layer return
    w.actions["stop_review"].trigger()
    assert not mode.active and w.bench.session.layer == "work" and w.splitter.widget(0) is w.article_list
    assert w.actions["label:PERSON"].isEnabled() and not w.actions["review_accept_1"].isEnabled()
    assert w.actions["mark_done"].isEnabled() and w.actions["accept_all"].isEnabled()


def test_review_errors_are_dialogs_and_keys_need_an_item(open_window, qtbot, db: Db, project_path, monkeypatch):
    w = open_window("rita")
    # no annotator has touched anything: an empty queue, a message in the panel, nothing breaks
    w.actions["start_review"].trigger()
    mode = w.review_mode
    assert mode.active and mode.queue.empty.isVisible() and not mode.queue.model.entries
    press(qtbot, w, K.Key_1)
    press(qtbot, w, K.Key_X)
    press(qtbot, w, K.Key_Return, M.ControlModifier)
    assert db.rows("SELECT COUNT(*) FROM annotation WHERE layer = 'gold'") == [(0,)]

    # a service error during a decision becomes an error dialog with the message
    session = AnnotationSession(w.project, "ana")
    session.accept(sugg(session, 1, "UN").id)
    session.set_status(1, "done")
    mode.refresh_queue()
    w.bench.open_article(1)
    key = item_key(mode, "UN")
    mode.select_item(key)
    shown = []
    monkeypatch.setattr("annotator.ui.main_window.show_error", lambda parent, message: shown.append(message))
    monkeypatch.setattr(ReviewSession, "accept", lambda *a, **k: (_ for _ in ()).throw(_boom()))
    press(qtbot, w, K.Key_1)
    assert shown == ["article 1: the item changed"]


def test_the_review_mode_is_not_restored_at_start_up(open_window, qtbot):
    w = open_window("rita")
    w.actions["start_review"].trigger()
    assert w.findChild(QDockWidget, "review_dock").isVisible()
    w.close()  # saves the window state with the review dock in it
    w2 = open_window("rita")
    assert not w2.review_mode.active and w2.findChild(QDockWidget, "review_dock") is None
    assert w2.splitter.widget(0) is w2.article_list and w2.bench.session.layer == "work"


def _boom():
    from annotator.domain.errors import AnnotationError

    return AnnotationError("article 1: the item changed")


def test_review_screenshots_are_written(qapp, tmp_path):
    from annotator.ui.demo import PatternEngine
    from annotator.ui.screenshot import write_review_screenshots

    written = write_review_screenshots(tmp_path, PatternEngine())
    assert sorted(p.name for p in written) == ["agreement.png", "review-mode.png"]
    for path in written:
        assert QImage(str(path)).width() == 1440
