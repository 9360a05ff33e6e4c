"""Keyboard flows through the real widgets, checking the database after every step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from uihelpers import Db

K = Qt.Key
M = Qt.KeyboardModifier


def press(qtbot, window, key, modifiers=M.NoModifier) -> None:
    qtbot.keyClick(window.view, key, modifiers)


def test_opens_on_first_open_suggestion_and_a_accepts_it(open_window, db: Db, qtbot):
    w = open_window()
    bench = w.bench
    assert bench.article_id == 1
    first = bench.focused()
    assert first is not None and not first.decided
    assert first.key == bench.doc.first_open()
    press(qtbot, w, K.Key_A)
    rows = db.annotations(1)
    assert [(r["suggestion_id"], r["status"]) for r in rows] == [(first.suggestion_id, "accepted")]
    assert db.status(1) == "in_progress"
    # the focus moved on to the next open suggestion, so A again accepts the next one
    second = bench.focused()
    assert second is not None and not second.decided and second.start >= first.start
    press(qtbot, w, K.Key_A)
    assert len(db.annotations(1)) == 2


def _focus_entity(w, label: str | None = None):
    for item in w.bench.doc.items():
        if item.kind == "entity" and not item.decided and (label is None or item.label == label):
            w.bench.set_focus(item.key)
            return item
    raise AssertionError("no open entity suggestion")


def test_reject_relabel_and_delete(open_window, db: Db, qtbot):
    w = open_window()
    item = _focus_entity(w, "GPE")
    press(qtbot, w, K.Key_X)
    (row,) = db.annotations(1)
    assert (row["suggestion_id"], row["status"]) == (item.suggestion_id, "rejected")
    # relabel: key 2 is ORG in the default scheme
    item2 = _focus_entity(w, "GPE")
    press(qtbot, w, K.Key_2)
    rows = {r["suggestion_id"]: r for r in db.annotations(1)}
    assert rows[item2.suggestion_id]["label"] == "ORG"
    assert rows[item2.suggestion_id]["status"] == "corrected"
    # focus the new annotation and delete it: the suggestion is open again
    ann_id = rows[item2.suggestion_id]["id"]
    w.bench.set_focus(("a", ann_id))
    press(qtbot, w, K.Key_Delete)
    assert ann_id not in {r["id"] for r in db.annotations(1)}
    assert ("s", item2.suggestion_id) in {i.key for i in w.bench.doc.items()}


def test_add_entity_from_selection_and_adjust_boundaries(open_window, db: Db, qtbot):
    w = open_window()
    text = w.bench.doc.text
    start = text.index("Astana peace process")
    w.view.select_range(start, start + len("Astana peace process"))
    press(qtbot, w, K.Key_6)  # EVENT
    (row,) = [r for r in db.annotations(1) if r["status"] == "added"]
    assert (row["start"], row["end"], row["label"], row["kind"]) == (start, start + 20, "EVENT", "entity")
    assert not w.view.textCursor().hasSelection()
    # the new span is focused; Alt+Left moves its end one word left, Alt+Shift+Left extends its start
    assert w.bench.focus == ("a", row["id"])
    press(qtbot, w, K.Key_Left, M.AltModifier)
    (row,) = [r for r in db.annotations(1) if r["id"] == row["id"]]
    assert text[row["start"] : row["end"]] == "Astana peace"
    press(qtbot, w, K.Key_Left, M.AltModifier | M.ShiftModifier)
    (row,) = [r for r in db.annotations(1) if r["id"] == row["id"]]
    assert text[row["start"] : row["end"]] == "the Astana peace"
    # B: boundaries from a selection
    w.view.select_range(start, start + len("Astana peace process"))
    press(qtbot, w, K.Key_B)
    (row,) = [r for r in db.annotations(1) if r["id"] == row["id"]]
    assert text[row["start"] : row["end"]] == "Astana peace process"


def test_claim_with_source_stance_type_and_note(open_window, db: Db, qtbot):
    w = open_window()
    text = w.bench.doc.text
    claim = "Russia warns US it will strike back if militia attacks in Syria don’t end"
    c0 = text.index(claim)
    w.view.select_range(c0, c0 + len(claim))
    press(qtbot, w, K.Key_C)
    (row,) = [r for r in db.annotations(1) if r["kind"] == "claim"]
    assert (row["start"], row["end"], row["status"]) == (c0, c0 + len(claim), "added")
    s0 = text.index("Walid Muallem")
    w.view.select_range(s0, s0 + len("Walid Muallem"))
    press(qtbot, w, K.Key_S)
    press(qtbot, w, K.Key_W)  # stance "disputes"
    combo = w.inspector.source_type_combo
    combo.activated.emit(combo.findData("government/official"))
    w.inspector.note.setText("headline, not a quote")
    w.inspector.note.editingFinished.emit()
    (row,) = [r for r in db.annotations(1) if r["kind"] == "claim"]
    assert (row["source_start"], row["source_end"], row["source_name"]) == (s0, s0 + 13, "Walid Muallem")
    assert row["stance"] == "disputes"
    assert row["source_type"] == "government/official"
    assert row["note"] == "headline, not a quote"
    # the inspector shows it
    assert w.inspector.source_combo.currentText().startswith("Walid Muallem")
    assert [a.isChecked() for a in w.actions.stance_actions] == [False, True, False, False]


def test_suggested_claim_gets_source_from_entity_list(open_window, db: Db, qtbot):
    w = open_window()
    claim = next(i for i in w.bench.doc.items() if i.is_claim and not i.decided)
    w.bench.set_focus(claim.key)
    combo = w.inspector.source_combo
    combo.showPopup()  # the analyst opens the list of candidates
    idx = next(i for i in range(combo.count()) if combo.itemText(i).startswith("Sergey Lavrov"))
    combo.hidePopup()
    combo.activated.emit(idx)
    (row,) = [r for r in db.annotations(1) if r["kind"] == "claim"]
    assert row["source_name"] == "Sergey Lavrov" and row["status"] == "corrected"
    assert row["suggestion_id"] == claim.suggestion_id
    press(qtbot, w, K.Key_Q)
    (row,) = [r for r in db.annotations(1) if r["kind"] == "claim"]
    assert row["stance"] == "supports"


def test_undo_redo_keys(open_window, db: Db, qtbot):
    w = open_window()
    first = w.bench.focused()
    press(qtbot, w, K.Key_A)
    assert len(db.annotations(1)) == 1
    press(qtbot, w, K.Key_Z, M.ControlModifier)
    assert db.annotations(1) == []
    assert w.bench.focus == first.key
    press(qtbot, w, K.Key_Z, M.ControlModifier | M.ShiftModifier)
    assert len(db.annotations(1)) == 1


def test_undo_across_article_switch(open_window, db: Db, qtbot):
    w = open_window()
    press(qtbot, w, K.Key_A)
    press(qtbot, w, K.Key_PageDown)
    assert w.bench.article_id == 2
    press(qtbot, w, K.Key_A)
    assert len(db.annotations(2)) == 1
    press(qtbot, w, K.Key_Z, M.ControlModifier)
    press(qtbot, w, K.Key_Z, M.ControlModifier)
    assert w.bench.article_id == 1  # undo switched back to the article of the change
    assert db.annotations() == []
    press(qtbot, w, K.Key_Z, M.ControlModifier | M.ShiftModifier)
    assert len(db.annotations(1)) == 1
    press(qtbot, w, K.Key_PageUp)
    assert w.bench.article_id == 1


def test_history_survives_closing_the_window(open_window, db: Db, qtbot):
    w = open_window()
    press(qtbot, w, K.Key_A)
    press(qtbot, w, K.Key_A)
    press(qtbot, w, K.Key_Z, M.ControlModifier)
    w.close()
    w2 = open_window()
    assert w2.bench.stack.count() == 2 and w2.bench.stack.index() == 1
    press(qtbot, w2, K.Key_Z, M.ControlModifier | M.ShiftModifier)
    assert len(db.annotations(1)) == 2
    press(qtbot, w2, K.Key_Z, M.ControlModifier)
    press(qtbot, w2, K.Key_Z, M.ControlModifier)
    assert db.annotations(1) == []


def test_done_opens_next_open_article_and_accept_all(open_window, db: Db, qtbot):
    w = open_window()
    open_before = w.bench.doc.open_count()
    press(qtbot, w, K.Key_A, M.ShiftModifier)
    assert len(db.annotations(1)) == open_before
    assert w.bench.doc.open_count() == 0
    press(qtbot, w, K.Key_Return, M.ControlModifier)
    assert db.status(1) == "done"
    assert w.bench.article_id == 2
    qtbot.waitUntil(lambda: w.status.progress_text.text().startswith("1 / 5"))
    # a done article is not resumed: a new window opens on the first open article
    w.close()
    w2 = open_window()
    assert w2.bench.article_id == 2
    # undo of "done" goes back to article 1 and reopens it
    press(qtbot, w2, K.Key_Z, M.ControlModifier)
    assert w2.bench.article_id == 1 and db.status(1) == "in_progress"


def test_j_k_tab_navigation_and_shortcuts_dialog(open_window, qtbot):
    w = open_window()
    first = w.bench.focus
    press(qtbot, w, K.Key_J)
    second = w.bench.focus
    assert second != first
    press(qtbot, w, K.Key_K)
    assert w.bench.focus == first
    press(qtbot, w, K.Key_Tab)
    assert w.bench.focus == second
    press(qtbot, w, K.Key_Backtab, M.ShiftModifier)
    assert w.bench.focus == first
    press(qtbot, w, K.Key_F1)
    from annotator.ui.dialogs import ShortcutsDialog

    dialog = w.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    texts = {dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
    assert texts["Accept"] == "A" and texts["PERSON"] == "1" and texts["supports"] == "Q"
    dialog.close()
    press(qtbot, w, K.Key_F, M.ControlModifier)
    assert w.article_list.search.hasFocus()


def test_article_note_is_saved_when_leaving_the_field(open_window, db: Db, qtbot):
    w = open_window()
    note = w.inspector.article_note
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "check the casualty figures")
    w.view.setFocus()  # leaving the field saves
    qtbot.waitUntil(lambda: db.rows("SELECT note FROM article_status WHERE article_id = 1") == [("check the casualty figures",)])
    qtbot.keyClick(w.view, K.Key_Z, M.ControlModifier)
    assert db.rows("SELECT note FROM article_status WHERE article_id = 1") in ([], [("",)])


def test_keys_come_from_settings(qtbot, settings, project_path, db: Db):
    from annotator.store import open_project
    from annotator.ui.main_window import MainWindow

    settings.set_keys("accept", ("Return", "A"))
    w = MainWindow(settings, engine_factory=None)
    qtbot.addWidget(w)
    w.load_project(open_project(project_path), "tester")
    w.show()
    qtbot.waitUntil(w.isActiveWindow)
    w.view.setFocus()
    qtbot.keyClick(w.view, K.Key_Return)
    assert len(db.annotations(1)) == 1
    assert "Return" in w.actions["accept"].toolTip() or "Enter" in w.actions["accept"].toolTip()
    w.close()


def test_done_goes_on_down_the_list_in_its_sort_order(open_window, db: Db, qtbot):
    from annotator.ui.models import ArticleListModel

    w = open_window()
    model = w.article_list.model
    model.sort(ArticleListModel.TITLE, Qt.SortOrder.DescendingOrder)
    order = model.ids()
    assert order != sorted(order)  # titles descending is not id order
    w.bench.open_article(order[1])
    press(qtbot, w, K.Key_Return, M.ControlModifier)
    assert db.status(order[1]) == "done"
    assert w.bench.article_id == order[2]  # the next row, not the next id
    # skipped rows that are already done; wraps around at the end of the list
    w.bench.open_article(order[-1])
    press(qtbot, w, K.Key_Return, M.ControlModifier)
    assert w.bench.article_id == order[0]
    w.bench.open_article(order[0])
    press(qtbot, w, K.Key_Return, M.ControlModifier)
    assert w.bench.article_id == order[2]  # order[1] is done
