"""Schema migrations: every released schema opens with the current code, nothing is lost.

``tests/data/schemas/schema-N.sqlite`` is a small project written by the release with schema N
(``scripts/make_schema_fixture.py``; never regenerated). A copy of each is opened with the
current code and must: pass ``integrity_check``; have the current schema, table by table and
column by column the same as a new project's; keep every row of the original (new columns
may be added); keep a working history (the log replays to the tables, an old action can still
be redone and undone) and accept new work. When a migration ran, the backup copy it wrote must
hold exactly the original data.

The machinery is tested with monkeypatched future migrations on the same fixtures: a good
v2 (and v3) migration; a failing step after a successful one (all or nothing: the file keeps
its old schema and data, the message names the backup); a step that breaks a reference; a
missing step; a read-only project that needs migrating.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import ProjectError
from annotator.services.annotate import AnnotationSession
from annotator.store import db as dbmod
from annotator.store import models as m
from annotator.store import open_project
from tests.test_crash import dump_tables, replay_matches

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
FIXTURES = sorted(SCHEMAS.glob("schema-*.sqlite"))


def test_there_is_a_fixture_for_every_released_schema():
    versions = sorted(int(p.stem.split("-")[1]) for p in FIXTURES)
    assert versions == list(range(1, m.SCHEMA_VERSION + 1)), (
        f"add tests/data/schemas/schema-{m.SCHEMA_VERSION}.sqlite with scripts/make_schema_fixture.py"
    )


def structure(path: Path) -> dict:
    """Tables with their columns (name, type, not null, default, pk), indexes and references."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"):
            cols = sorted(tuple(r[1:]) for r in con.execute(f'PRAGMA table_info("{table}")'))
            idx = sorted(
                (bool(r[2]), tuple(c[2] for c in con.execute(f'PRAGMA index_info("{r[1]}")')))
                for r in con.execute(f'PRAGMA index_list("{table}")')
            )
            refs = sorted(tuple(r[2:5]) + (r[6],) for r in con.execute(f'PRAGMA foreign_key_list("{table}")'))
            out[table] = (cols, idx, refs)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def current_structure(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("fresh") / "fresh.sqlite"
    open_project(path).close()
    return structure(path)


def _copy(fixture: Path, tmp_path: Path) -> Path:
    dest = tmp_path / fixture.name
    shutil.copy(fixture, dest)
    return dest


def _kept(original: dict[str, list[tuple]], now_path: Path) -> None:
    """Every original row is still there (projected on the original columns)."""
    con = sqlite3.connect(now_path)
    try:
        for table, rows in original.items():
            if not rows:
                continue
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            width = len(rows[0])
            now = sorted(con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols[:width])} FROM "{table}"'),
                         key=repr)
            missing = set(rows) - set(now)
            assert not missing, f"{table}: {len(missing)} row(s) lost, e.g. {min(missing, key=repr)}"
    finally:
        con.close()


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_every_released_schema_opens_with_its_data(fixture, tmp_path, current_structure):
    path = _copy(fixture, tmp_path)
    original = dump_tables(fixture)
    found = int(fixture.stem.split("-")[1])
    project = open_project(path)
    try:
        assert project.integrity_check() == "ok"
        assert project.schema_version() == m.SCHEMA_VERSION
        if found < m.SCHEMA_VERSION:
            assert project.migrated_from == found
            assert project.backup_path is not None and dump_tables(project.backup_path) == original
        else:
            assert project.migrated_from is None and project.backup_path is None
        # the history still works: the log replays, the redo stack can be redone and undone
        ana = AnnotationSession(project, "ana")
        redo = ana.redo_stack()
        if redo:
            ana.redo()
            ana.undo()
        undo_before = len(ana.undo_stack())
        assert undo_before > 0
        # new work
        aid = ana.resume_article()
        assert aid is not None
        sugg = ana.open_suggestions(aid)
        if sugg:
            ana.accept(sugg[0].id)
        ana.add(aid, "entity", 0, 3, "MISC")
        assert len(ana.undo_stack()) == undo_before + 1 + bool(sugg)
    finally:
        project.close()
    assert structure(path) == current_structure
    _kept({t: r for t, r in original.items() if t not in ("action", "change", "annotation", "article_status",
                                                          "annotator_setting")}, path)
    ok, why = replay_matches(path)
    assert ok, why


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_opening_changes_no_saved_data(fixture, tmp_path):
    """Only opening (no new work): every table holds exactly what the fixture holds (plus the
    migration's schema_version rows)."""
    path = _copy(fixture, tmp_path)
    original = dump_tables(fixture)
    open_project(path).close()
    now = dump_tables(path)
    if int(fixture.stem.split("-")[1]) == m.SCHEMA_VERSION:
        assert now == original
    else:
        _kept(original, path)


# ---- the machinery, with future versions monkeypatched ------------------------------------------
def _v2(db) -> None:
    db.execute_sql("ALTER TABLE annotation ADD COLUMN confidence REAL")
    db.execute_sql("UPDATE annotation SET confidence = 1.0")
    db.execute_sql("CREATE INDEX annotation_confidence ON annotation (confidence)")


def _v3(db) -> None:
    db.execute_sql("CREATE TABLE label_alias (label TEXT PRIMARY KEY, alias TEXT NOT NULL)")
    db.execute_sql("INSERT INTO label_alias SELECT DISTINCT label, lower(label) FROM annotation")


@pytest.fixture
def future(monkeypatch):
    """``future(steps)``: pretend this version writes schema N + len(steps)."""

    def set_steps(*steps):
        base = m.SCHEMA_VERSION
        monkeypatch.setattr(m, "SCHEMA_VERSION", base + len(steps))
        for k, step in enumerate(steps):
            monkeypatch.setitem(dbmod.MIGRATIONS, base + k, step)
        return base

    return set_steps


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_a_two_step_migration_keeps_everything_and_writes_a_verified_backup(fixture, tmp_path, future):
    path = _copy(fixture, tmp_path)
    original = dump_tables(path)
    found = int(fixture.stem.split("-")[1])
    base = future(_v2, _v3)
    project = open_project(path)
    try:
        assert project.schema_version() == base + 2
        assert project.migrated_from == found  # older fixtures also take the released steps
        assert project.backup_path is not None and project.backup_path.exists()
        assert project.backup_path.name.startswith(f"{path.name}.schema{found}-")
        assert dump_tables(project.backup_path) == original  # the backup is the original, complete
        con = sqlite3.connect(project.backup_path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        con.close()
        assert project.integrity_check() == "ok"
        notes = [r[0] for r in project.db.execute_sql("SELECT note FROM schema_version ORDER BY version")]
        assert notes[-2:] == [f"migrated from {base}", f"migrated from {base + 1}"]
    finally:
        project.close()
    _kept(original, path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT COUNT(*) FROM annotation WHERE confidence = 1.0").fetchone()[0] == len(original["annotation"])
    assert con.execute("SELECT COUNT(*) FROM label_alias").fetchone()[0] > 0
    con.close()
    # opening again: nothing more to do
    with open_project(path) as again:
        assert again.migrated_from is None


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_a_failing_step_leaves_the_file_as_it_was(fixture, tmp_path, future):
    """Regression: each step committed on its own, so when step 2 of 2 failed the file was left
    at the intermediate schema while the message said "the project is unchanged". Now every
    step runs in one transaction."""
    path = _copy(fixture, tmp_path)
    original = dump_tables(path)
    original_structure = structure(path)

    def broken(db):
        db.execute_sql("ALTER TABLE article ADD COLUMN half_done TEXT")
        db.execute_sql("UPDATE article SET half_done = 'x'")
        db.execute_sql("THIS IS NOT SQL")

    base = future(_v2, broken)
    with pytest.raises(ProjectError) as e:
        open_project(path)
    msg = e.value.message
    assert msg.startswith(f"{path}: migration to schema {base + 2} failed (")
    assert "the project is unchanged and a backup is at " in msg
    backup = Path(msg.rsplit("a backup is at ", 1)[1])
    assert dump_tables(backup) == original
    assert dump_tables(path) == original  # not even step 1 stayed
    assert structure(path) == original_structure
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("fixture", FIXTURES[-1:], ids=lambda p: p.stem)
def test_a_step_that_breaks_a_reference_is_refused(fixture, tmp_path, future):
    path = _copy(fixture, tmp_path)
    original = dump_tables(path)

    def orphans(db):
        db.execute_sql("PRAGMA defer_foreign_keys = ON")  # as a table rebuild would
        db.execute_sql("UPDATE annotation SET article_id = 9999 WHERE id = (SELECT MIN(id) FROM annotation)")

    future(orphans)
    with pytest.raises(ProjectError, match="broken reference, first in table annotation") as e:
        open_project(path)
    assert "the project is unchanged" in e.value.message
    assert dump_tables(path) == original


@pytest.mark.parametrize("fixture", FIXTURES[-1:], ids=lambda p: p.stem)
def test_a_missing_step_is_refused_before_anything_changes(fixture, tmp_path, monkeypatch):
    path = _copy(fixture, tmp_path)
    original = dump_tables(path)
    monkeypatch.setattr(m, "SCHEMA_VERSION", m.SCHEMA_VERSION + 1)
    monkeypatch.delitem(dbmod.MIGRATIONS, m.SCHEMA_VERSION - 1, raising=False)
    with pytest.raises(ProjectError, match=f"no migration from schema {m.SCHEMA_VERSION - 1}"):
        open_project(path)
    assert dump_tables(path) == original


@pytest.mark.parametrize("fixture", FIXTURES[-1:], ids=lambda p: p.stem)
def test_a_read_only_project_is_not_migrated(fixture, tmp_path, future):
    path = _copy(fixture, tmp_path)
    data = path.read_bytes()
    future(_v2)
    with pytest.raises(ProjectError, match="read-only .*needs migrating"):
        open_project(path, readonly=True)
    assert path.read_bytes() == data
    assert not list(tmp_path.glob("*.bak"))
