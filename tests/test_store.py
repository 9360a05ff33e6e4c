"""The project file: creation, pragmas, refusal of foreign/corrupt/newer files, migrations."""

from __future__ import annotations

import os
import sqlite3

import peewee
import pytest

from annotator.domain.errors import ProjectError
from annotator.store import SCHEMA_VERSION, open_project
from annotator.store import db as dbmod
from annotator.store import models as m
from tests.helpers import add_article


def test_new_project_has_schema_wal_and_foreign_keys(tmp_path):
    p = open_project(tmp_path / "sub" / "x.sqlite")
    assert p.schema_version() == SCHEMA_VERSION
    assert p.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert p.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert p.integrity_check() == "ok"
    assert {"article", "suggestion", "annotation", "article_status", "action", "change", "schema_version"} <= set(
        p.db.get_tables()
    )
    p.close()


def test_articles_are_unique_by_content_hash(project):
    add_article("Same text.")
    with pytest.raises(peewee.IntegrityError):
        add_article("Same text.")


def test_deleting_an_article_cascades(project):
    a = add_article("Ann Smith spoke.")
    m.Suggestion.create(article=a, kind="entity", start=0, end=9, label="PERSON", model_name="x", model_version="1")
    a.delete_instance()
    assert m.Suggestion.select().count() == 0


def test_missing_file_without_create(tmp_path):
    with pytest.raises(ProjectError, match="no such file"):
        open_project(tmp_path / "nope.sqlite", create=False)


def test_text_file_is_refused(tmp_path):
    f = tmp_path / "notes.sqlite"
    f.write_text("just some notes")
    with pytest.raises(ProjectError) as e:
        open_project(f)
    assert str(f) in e.value.message and "not a SQLite database" in e.value.message
    assert f.read_text() == "just some notes"


def test_foreign_sqlite_database_is_refused_and_unchanged(tmp_path):
    f = tmp_path / "other.sqlite"
    con = sqlite3.connect(f)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    before = f.read_bytes()
    with pytest.raises(ProjectError, match="not an annotator project"):
        open_project(f)
    assert f.read_bytes() == before


def test_truncated_database_is_refused(tmp_path):
    f = tmp_path / "p.sqlite"
    p = open_project(f)
    for i in range(50):
        add_article(f"Article {i} text that fills a page. " * 200)
    p.close()
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(ProjectError) as e:
        open_project(f)
    assert str(f) in e.value.message and "corrupt" in e.value.message


def test_newer_schema_is_refused(tmp_path):
    f = tmp_path / "p.sqlite"
    p = open_project(f)
    m.SchemaVersion.insert(version=SCHEMA_VERSION + 5).execute()
    p.close()
    with pytest.raises(ProjectError, match="newer annotator"):
        open_project(f)


def test_migration_runs_atomically_with_a_verified_backup(tmp_path, monkeypatch):
    f = tmp_path / "p.sqlite"
    p = open_project(f)
    add_article("Kept through the migration.")
    p.close()

    def to_v2(db):
        db.execute_sql("ALTER TABLE article ADD COLUMN language TEXT DEFAULT 'en'")

    monkeypatch.setattr(m, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(dbmod.MIGRATIONS, SCHEMA_VERSION, to_v2)
    p = open_project(f)
    assert p.schema_version() == SCHEMA_VERSION + 1
    assert p.migrated_from == SCHEMA_VERSION
    assert p.backup_path is not None and p.backup_path.exists()
    cols = [r[1] for r in p.db.execute_sql("PRAGMA table_info(article)").fetchall()]
    assert "language" in cols
    p.close()
    # the backup is the old, complete project
    con = sqlite3.connect(p.backup_path)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("SELECT text FROM article").fetchone()[0] == "Kept through the migration."
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_failed_migration_leaves_the_project_unchanged(tmp_path, monkeypatch):
    f = tmp_path / "p.sqlite"
    p = open_project(f)
    add_article("Still here.")
    p.close()

    def broken(db):
        db.execute_sql("ALTER TABLE article ADD COLUMN half_done TEXT")
        db.execute_sql("THIS IS NOT SQL")

    monkeypatch.setattr(m, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(dbmod.MIGRATIONS, SCHEMA_VERSION, broken)
    with pytest.raises(ProjectError, match="migration to schema") as e:
        open_project(f)
    assert "backup" in e.value.message
    con = sqlite3.connect(f)
    cols = [r[1] for r in con.execute("PRAGMA table_info(article)").fetchall()]
    assert "half_done" not in cols
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    con.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_project_opens_read_only(tmp_path):
    f = tmp_path / "p.sqlite"
    p = open_project(f)
    add_article("Read only.")
    p.close()
    os.chmod(f, 0o444)
    p = open_project(f)
    assert p.readonly
    assert m.Article.select().count() == 1
    p.close()
