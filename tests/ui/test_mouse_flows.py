"""The same flows with the mouse only: drags in the text, inspector buttons, the context menu."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QToolButton
from uihelpers import Db, drag, point_of

LEFT = Qt.MouseButton.LeftButton


def click_button(qtbot, inspector, action_name: str) -> None:
    button = next(b for b in inspector.findChildren(QToolButton) if b.defaultAction() is not None and b.defaultAction().objectName() == action_name and b.isVisible())
    qtbot.mouseClick(button, LEFT)


def click_span(qtbot, view, offset: int) -> None:
    qtbot.mouseClick(view.viewport(), LEFT, pos=point_of(view, offset))


def test_click_span_then_inspector_accept_and_reject(open_window, db: Db, qtbot):
    w = open_window()
    text = w.bench.doc.text
    lavrov = text.index("Sergey Lavrov")
    click_span(qtbot, w.view, lavrov + 3)
    item = w.bench.focused()
    assert (item.start, item.label, item.decided) == (lavrov, "PERSON", False)
    click_button(qtbot, w.inspector, "accept")
    assert [(r["start"], r["status"]) for r in db.annotations(1)] == [(lavrov, "accepted")]
    syria = text.index("Syrian Foreign")
    muallem = text.index("Muallem", syria)
    click_span(qtbot, w.view, muallem + 1)
    click_button(qtbot, w.inspector, "reject")
    statuses = {r["start"]: r["status"] for r in db.annotations(1)}
    assert statuses[muallem - len("Walid ")] == "rejected" or statuses.get(muallem) == "rejected"


def test_drag_snaps_to_words_and_alt_keeps_exact(open_window, db: Db, qtbot):
    w = open_window()
    text = w.bench.doc.text
    start = text.index("jihadists")
    drag(w.view, start + 2, start + 5)  # inside the word
    assert w.view.selection() == (start, start + len("jihadists"))
    w.view.clear_selection()  # a press inside a selection would start dragging the text
    drag(w.view, start + 2, start + 5, Qt.KeyboardModifier.AltModifier)
    assert w.view.selection() == (start + 2, start + 5)


def test_new_claim_and_source_with_mouse(open_window, db: Db, qtbot):
    w = open_window()
    text = w.bench.doc.text
    claim = "Russia warns US it will strike back"
    c0 = text.index(claim)
    drag(w.view, c0, c0 + len(claim))
    # context menu on the selection: "New claim from selection"
    _context_menu_pick(qtbot, w, c0 + 2, "new_claim")
    (row,) = [r for r in db.annotations(1) if r["kind"] == "claim"]
    assert (row["start"], row["end"]) == (c0, c0 + len(claim))
    s0 = text.index("Sergey Lavrov")
    drag(w.view, s0, s0 + len("Sergey Lavrov"))
    click_button(qtbot, w.inspector, "set_source")
    click_button(qtbot, w.inspector, "stance:neutral")
    (row,) = [r for r in db.annotations(1) if r["kind"] == "claim"]
    assert (row["source_name"], row["stance"]) == ("Sergey Lavrov", "neutral")
    click_button(qtbot, w.inspector, "delete_span")
    assert [r for r in db.annotations(1) if r["kind"] == "claim"] == []


def test_context_menu_reject_and_done_button(open_window, db: Db, qtbot):
    w = open_window()
    text = w.bench.doc.text
    lavrov = text.index("Sergey Lavrov")
    _context_menu_pick(qtbot, w, lavrov + 1, "reject")
    assert [(r["start"], r["status"]) for r in db.annotations(1)] == [(lavrov, "rejected")]
    click_button(qtbot, w.inspector, "accept_all")
    assert all(r["status"] in ("accepted", "rejected") for r in db.annotations(1))
    click_button(qtbot, w.inspector, "mark_done")
    assert db.status(1) == "done" and w.bench.article_id == 2
    # picking an article in the list opens it
    table = w.article_list.table
    row = w.article_list.model.row_of(4)
    rect = table.visualRect(w.article_list.model.index(row, 1))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    assert w.bench.article_id == 4


def _context_menu_pick(qtbot, w, offset: int, action_name: str) -> None:
    """Right-click at ``offset`` and click ``action_name`` in the menu that pops up."""
    picked = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        action = next(a for a in menu.actions() if a.objectName() == action_name)
        qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(action).center())
        picked.append(action_name)

    QTimer.singleShot(50, pick)
    pos = point_of(w.view, offset)
    vp = w.view.viewport()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, vp.mapToGlobal(pos))
    QApplication.sendEvent(vp, event)
    qtbot.waitUntil(lambda: picked == [action_name])
