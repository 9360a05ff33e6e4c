"""Faults of the project file as the analyst meets them in the real window: a lock held by
another program, a read-only project, a full disk, and reopening after the app was killed.

The rule in every case: one clear dialog (the P00x message), the failed action is not on the
undo stack and not in the file, the window stays responsive and the next action works once the
fault is gone.
"""

from __future__ import annotations

import random
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox
from uihelpers import Db

from annotator.services.annotate import AnnotationSession
from annotator.store import guard, open_project
from tests.test_crash import check_after_crash, run_worker
from tests.test_faults import LockHolder

K = Qt.Key
M = Qt.KeyboardModifier


def press(qtbot, window, key, modifiers=M.NoModifier) -> None:
    qtbot.keyClick(window.view, key, modifiers)


def error_dialog(window) -> QMessageBox | None:
    boxes = [b for b in window.findChildren(QMessageBox, "error_dialog") if b.isVisible()]
    return boxes[-1] if boxes else None


def close_dialogs(window, qtbot=None) -> None:
    """Close the error dialogs and give the keyboard back to the article view."""
    for box in window.findChildren(QMessageBox, "error_dialog"):
        box.close()
    if qtbot is not None:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.view.setFocus()


class Ticker:
    """A timer that counts its ticks: it only ticks while the event loop runs."""

    def __init__(self) -> None:
        self.ticks = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        self.ticks += 1

    def alive(self, qtbot) -> bool:
        before = self.ticks
        qtbot.wait(150)
        return self.ticks > before


def test_a_lock_past_the_budget_gives_p006_and_the_window_stays_usable(open_window, project_path, db: Db, qtbot,
                                                                       monkeypatch):
    monkeypatch.setattr(guard, "LOCK_BUDGET_S", 0.5)
    w = open_window()
    bench = w.bench
    press(qtbot, w, K.Key_A)  # one change to undo later
    assert bench.stack.count() == 1 and len(db.annotations()) == 1
    ticker = Ticker()
    holder = LockHolder(project_path)
    try:
        start, ticks = time.monotonic(), ticker.ticks
        press(qtbot, w, K.Key_A)
        took = time.monotonic() - start
        assert ticker.ticks - ticks >= 2  # the window was not frozen while it waited
        box = error_dialog(w)
        assert box is not None
        assert box.text() == f"{project_path}: the database is locked by another program; tried for 0 s"
        assert 0.4 <= took < 3.0, took  # waited for the budget, then gave up: never frozen for long
        assert bench.stack.count() == 1  # the failed accept is not on the undo stack
        assert len(db.annotations()) == 1  # nor in the file
        assert ticker.alive(qtbot)  # the event loop runs while the dialog is open
        close_dialogs(w, qtbot)
        # undo while locked: a dialog, and the undo stack still matches the log
        w.actions["undo"].trigger()
        assert error_dialog(w) is not None and "locked by another program" in error_dialog(w).text()
        assert bench.stack.count() == 1 and bench.stack.index() == 1
        assert len(db.annotations()) == 1
        close_dialogs(w, qtbot)
        # reading still works: another article opens while the lock is held
        press(qtbot, w, K.Key_PageDown)
        assert bench.article_id == 2 and bench.doc is not None
        assert ticker.alive(qtbot)
    finally:
        holder.release()
    close_dialogs(w, qtbot)
    press(qtbot, w, K.Key_A)
    assert bench.stack.count() == 2 and len(db.annotations()) == 2
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert db.annotations() == [] and error_dialog(w) is None


def test_a_lock_shorter_than_the_budget_is_waited_for_and_the_window_keeps_painting(open_window, project_path,
                                                                                     db: Db, qtbot, monkeypatch):
    monkeypatch.setattr(guard, "LOCK_BUDGET_S", 5.0)
    w = open_window()
    ticker = Ticker()
    holder = LockHolder(project_path, seconds=1.0)
    try:
        before = ticker.ticks
        start = time.monotonic()
        press(qtbot, w, K.Key_A)  # returns when the edit is saved
        took = time.monotonic() - start
        during = ticker.ticks - before
    finally:
        holder.release()
    assert took >= 0.7, took  # it waited for the other program...
    assert during >= 4, during  # ...and the event loop kept running meanwhile (timers, painting)
    assert error_dialog(w) is None
    assert w.bench.stack.count() == 1 and len(db.annotations()) == 1


def test_a_read_only_project_can_be_read_and_refuses_edits_clearly(qtbot, settings, project_path, db: Db):
    """Regression: opening an article saved it as the last one (a write), which failed in a
    read-only project, so no article could be opened at all (every click gave an error)."""
    from annotator.ui.main_window import MainWindow

    with open_project(project_path) as rw:
        AnnotationSession(rw, "tester")  # the analyst's name is in the file
    before = db.rows("SELECT COUNT(*) FROM annotation")
    window = MainWindow(settings, engine_factory=None)
    qtbot.addWidget(window)
    window.load_project(open_project(project_path, readonly=True), "tester")
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    assert "(read-only)" in window.windowTitle()
    bench = window.bench
    assert bench.article_id == 1 and bench.doc is not None and error_dialog(window) is None
    window.article_list.articleChosen.emit(3)
    assert bench.article_id == 3 and error_dialog(window) is None
    focused = bench.focused()
    assert focused is not None and not focused.decided
    press(qtbot, window, K.Key_A)
    box = error_dialog(window)
    assert box is not None and box.text() == (
        f"{project_path}: the project is read-only (it was opened read-only); open a copy or fix the file permissions"
    )
    assert bench.stack.count() == 0
    assert db.rows("SELECT COUNT(*) FROM annotation") == before
    close_dialogs(window)
    window.close()


def test_a_full_disk_gives_p008_and_keeps_every_earlier_change(open_window, db: Db, qtbot):
    w = open_window()
    bench = w.bench
    pages = w.project.db.execute_sql("PRAGMA page_count").fetchone()[0]
    w.project.db.execute_sql(f"PRAGMA max_page_count = {pages}")
    done = 0
    box = None
    for _ in range(400):
        item = bench.focused()
        if item is None:
            break
        bench.set_note("n" * 2000 + str(done))  # a big change: fills the pages quickly
        box = error_dialog(w)
        if box is not None:
            break
        done += 1
        bench.step(1)
    assert box is not None, "the page limit was never reached"
    assert "the disk is full or the write failed" in box.text() and "nothing from the last action was saved" in box.text()
    assert bench.stack.count() == done
    assert len(db.annotations()) == done
    assert db.rows("PRAGMA integrity_check") == [("ok",)]
    close_dialogs(w, qtbot)
    w.project.db.execute_sql("PRAGMA max_page_count = 1073741823")
    bench.set_note("room again")
    assert error_dialog(w) is None and bench.stack.count() == done + 1


def test_after_a_crash_the_window_reopens_where_the_analyst_was(open_window, project_path, db: Db, qtbot):
    """A labelling session killed with SIGKILL: the real main window opens on the article the
    analyst was on, with the history of every committed action."""
    rng = random.Random(99)
    run = run_worker(project_path, "tester", 99, 800, kill_after=rng.randint(150, 350), rng=rng)
    assert run.killed and not run.failed
    check_after_crash(project_path, "tester", set(run.committed), run)
    last = int(db.rows("SELECT s.value FROM annotator_setting s JOIN annotator a ON a.id = s.annotator_id "
                       "WHERE a.name = 'tester' AND s.key = 'last_article:work'")[0][0])
    assert last in {run.at, run.moving_to}
    closed = {r[0] for r in db.rows("SELECT article_id FROM article_status s JOIN annotator a ON a.id = s.annotator_id "
                                    "WHERE a.name = 'tester' AND status IN ('done', 'skipped')")}
    done_actions, undone_actions = (db.rows(
        "SELECT COUNT(*) FROM action x JOIN annotator a ON a.id = x.annotator_id WHERE a.name = 'tester' "
        f"AND x.kind = 'do' AND x.state = '{state}'")[0][0] for state in ("done", "undone"))
    w = open_window("tester")
    if last not in closed:
        assert w.bench.article_id == last
    else:
        assert w.bench.article_id is None or w.bench.article_id not in closed
    assert w.article_list.model.rowCount() == 5
    if w.bench.doc is not None:
        assert w.view.toPlainText().replace("\u00a0", " ") == w.bench.doc.text.replace("\u00a0", " ")
    assert w.bench.stack.count() == done_actions + undone_actions
    assert w.bench.stack.index() == done_actions
    assert error_dialog(w) is None
