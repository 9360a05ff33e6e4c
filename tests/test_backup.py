"""Backups are consistent copies, also while another process writes to the project."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from annotator.domain.errors import ExportError
from annotator.services.backup import backup_project, rolling_backup
from tests.conftest import ROOT
from tests.helpers import add_article


def test_backup_copy_is_complete_and_checked(project, tmp_path):
    for i in range(20):
        add_article(f"Article {i}.")
    dest = backup_project(project, tmp_path / "copy.sqlite")
    con = sqlite3.connect(dest)
    assert con.execute("SELECT COUNT(*) FROM article").fetchone()[0] == 20
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with pytest.raises(ExportError, match="use --force"):
        backup_project(project, dest)
    with pytest.raises(ExportError, match="project file itself"):
        backup_project(project, project.path, force=True)


def test_rolling_backups_keep_the_newest(project):
    paths = [rolling_backup(project, keep=3) for _ in range(5)]
    kept = sorted(p.name for p in paths[0].parent.glob("*.sqlite"))
    assert len(kept) == 3 and paths[-1].name in kept


def test_backup_while_another_process_writes(project, tmp_path):
    writer = textwrap.dedent(
        f"""
        from annotator.store import open_project
        from tests.helpers import add_article
        p = open_project({str(project.path)!r})
        for i in range(3000):
            add_article("Concurrent article %d." % i)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], cwd=ROOT)
    copies = []
    try:
        for i in range(5):
            copies.append(backup_project(project, tmp_path / f"b{i}.sqlite"))
    finally:
        proc.wait(timeout=120)
    for c in copies:
        con = sqlite3.connect(c)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = con.execute("SELECT COUNT(*) FROM article").fetchone()[0]
        # every copy is a snapshot of whole articles
        assert n == con.execute("SELECT COUNT(DISTINCT content_hash) FROM article").fetchone()[0]
        con.close()
