"""File > Back up project and the rolling automatic backups, with the real window."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog


def _count(path, table="annotation") -> int:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_back_up_project_from_the_menu(open_window, qtbot, tmp_path, monkeypatch):
    w = open_window()
    qtbot.keyClick(w.view, Qt.Key.Key_A)  # one decision, saved at once
    dest = tmp_path / "copy.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    with qtbot.waitSignal(w.background.backedUp, timeout=20_000) as sig:
        w.actions["backup"].trigger()
    assert sig.args == [str(dest)]
    assert _count(dest) == 1 and _count(dest, "article") == 5


def test_automatic_backup_only_after_changes(open_window, qtbot):
    w = open_window()
    folder = w.project.path.with_name(w.project.path.name + ".backups")
    with qtbot.waitSignal(w.background.backedUp, timeout=20_000):
        w._auto_backup()
    assert len(list(folder.glob("*.sqlite"))) == 1
    w._auto_backup()  # nothing changed: no new copy
    qtbot.wait(200)
    assert len(list(folder.glob("*.sqlite"))) == 1
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    with qtbot.waitSignal(w.background.backedUp, timeout=20_000) as sig:
        w._auto_backup()
    assert len(list(folder.glob("*.sqlite"))) == 2 and _count(sig.args[0]) == 1
