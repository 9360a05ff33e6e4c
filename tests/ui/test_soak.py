"""Thousands of UI actions in one process: catches reference leaks such as PySide6 6.12.0's
(each call of a void-returning method dropped a reference to None, crashing after ~10^5 calls)."""

from __future__ import annotations

import gc
import sys
import time

from uihelpers import Db

CYCLES = int(__import__("os").environ.get("SOAK_CYCLES", 750))  # x 4 actions = 3,000 actions through QActions and the undo stack
MARGIN = 2_000


def test_soak_accept_undo_redo_next(open_window, db: Db, qtbot):
    w = open_window()
    a = w.actions
    for _ in range(20):  # warm up caches (formats, icons, pages)
        a["accept"].trigger()
        a["undo"].trigger()
    gc.collect()
    none_before = sys.getrefcount(None)
    started = time.monotonic()
    articles = set()
    for i in range(CYCLES):
        a["accept"].trigger()
        a["undo"].trigger()
        a["redo"].trigger()
        if i % 25 == 24:
            a["next_article"].trigger()  # history spans several articles
        else:
            a["next_span"].trigger()
        articles.add(w.bench.article_id)
        if i % 50 == 0:
            qtbot.wait(1)  # let queued repaints and list refreshes run
    elapsed = time.monotonic() - started
    gc.collect()
    none_after = sys.getrefcount(None)
    assert none_before - none_after < MARGIN, (none_before, none_after)
    assert elapsed < 60, elapsed
    assert len(articles) == 5
    # the database agrees with the window: every accepted annotation is in the log's done stack
    rows = db.rows("SELECT COUNT(*) FROM annotation")[0][0]
    assert rows == w.bench.stack.index() > 0
    assert db.rows("PRAGMA integrity_check")[0][0] == "ok"
    # the whole history is still undoable
    while w.bench.stack.canUndo():
        a["undo"].trigger()
    assert db.rows("SELECT COUNT(*) FROM annotation")[0][0] == 0
