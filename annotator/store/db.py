"""Opening, creating and migrating project files.

A project is one SQLite file, opened with ``journal_mode=wal`` and ``foreign_keys=1``. Opening
checks, in this order, that the file is a SQLite database, that it is an annotator project, and
that its schema is not newer than this program; an older schema is migrated after a backup copy
of the file is written next to it (``NAME.schema<old>-<timestamp>.bak``).

Failures while the project is in use: every write transaction starts with ``BEGIN IMMEDIATE``
(it takes the write lock first, so two programs writing the same file wait for each other
instead of failing at once when a read snapshot went stale), and SQLite's failures (locked,
read-only, disk full or failing, corrupt) become ProjectErrors with the P00x messages (see
:mod:`annotator.store.guard`). A project on a read-only medium opens read-only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from peewee import OperationalError, DatabaseError, SqliteDatabase

from annotator.domain.errors import Msg, ProjectError
from annotator.store import guard
from annotator.store import models as m

SQLITE_MAGIC = b"SQLite format 3\x00"
SERVER_SCHEMES = ("postgresql://", "postgres://")  # team mode: see annotator/store/server.py
BUSY_TIMEOUT_S = 10.0

# Migrations: version N -> N+1, each a function taking the peewee database inside a transaction.
# Append to this list, never edit a released entry. Tests may monkeypatch it.
Migration = Callable[[SqliteDatabase], None]


def _v1_to_v2(db: SqliteDatabase) -> None:
    """Schema 2 adds ``article_tokens`` (token boundaries stored by pre-annotation). Existing
    articles get theirs at the next ``annotator preannotate``; until then exports tokenise them."""
    db.create_tables([m.ArticleTokens])


MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}


def _pragmas(readonly: bool) -> dict[str, Any]:
    p: dict[str, Any] = {"foreign_keys": 1, "synchronous": "full", "cache_size": -32_000}
    if not readonly:
        p["journal_mode"] = "wal"
    return p


class ProjectDatabase(SqliteDatabase):
    """SqliteDatabase for one project file.

    * Write transactions begin ``IMMEDIATE`` (set by :func:`make_database`).
    * A rollback after SQLite has already rolled the transaction back (it does so by itself on
      a full disk or an I/O error) is a no-op, so the original error reaches the caller instead
      of peewee's "cannot rollback - no transaction is active".
    * Failures of statements, BEGIN and COMMIT are raised as ProjectErrors (``guard.translate``).
      Errors while iterating a cursor are raw; :func:`guard.call` translates those too.
    """

    def __init__(self, database: str, project_path: Path, **kwargs: Any) -> None:
        self.project_path = project_path
        self.readonly_reason: str | None = None  # why a read-only project is (set by open_project)
        super().__init__(database, **kwargs)

    def _translated(self, exc: Exception) -> Exception:
        err = guard.translate(exc, self.project_path, readonly_reason=self.readonly_reason)
        return exc if err is None else err

    def _in_transaction(self) -> bool:
        conn = None if self.is_closed() else self._state.conn
        return bool(conn is not None and conn.in_transaction)

    def _execute_cursor(self, sql, params, **cursor_options):  # type: ignore[override]
        if sql.startswith("ROLLBACK TO SAVEPOINT") and not self._in_transaction():
            return None  # SQLite already rolled back the whole transaction
        try:
            return super()._execute_cursor(sql, params, **cursor_options)
        except DatabaseError as exc:
            err = self._translated(exc)
            if err is exc:
                raise
            raise err from exc
        except UnicodeDecodeError as exc:  # invalid UTF-8 in the file's schema or data
            raise guard.DatabaseCorrupt(Msg.P002.format(path=self.project_path, detail=exc)) from exc

    def begin(self, lock_type: str | None = None) -> None:
        try:
            super().begin(lock_type)
        except DatabaseError as exc:
            err = self._translated(exc)
            if err is exc:
                raise
            raise err from exc

    def commit(self) -> None:
        try:
            super().commit()
        except DatabaseError as exc:
            err = self._translated(exc)
            if err is exc:
                raise
            raise err from exc

    def rollback(self) -> None:
        if not self.is_closed() and not self._in_transaction():
            return
        try:
            super().rollback()
        except DatabaseError as exc:
            err = self._translated(exc)
            if err is exc:
                raise
            raise err from exc


def make_database(path: Path, readonly: bool = False, immutable: bool = False) -> SqliteDatabase:
    """The database object of a project file (not connected yet).

    ``immutable``: read a file on a read-only medium without SQLite's shared-memory file
    (which cannot be created there); only used when no ``-wal`` file holds recent changes.
    """
    timeout = guard.lock_budget()
    if readonly:
        flags = "mode=ro&immutable=1" if immutable else "mode=ro"
        return ProjectDatabase(
            f"file:{path}?{flags}", path, uri=True, pragmas=_pragmas(True), timeout=timeout
        )
    return ProjectDatabase(str(path), path, pragmas=_pragmas(False), timeout=timeout, lock_type="IMMEDIATE")


@dataclass
class Project:
    """An open project file. ``db`` is bound to the models through ``database_proxy``."""

    path: Path
    db: SqliteDatabase
    readonly: bool = False
    migrated_from: int | None = None
    backup_path: Path | None = None

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- project settings -------------------------------------------------------------------
    def get_info(self, key: str, default: str | None = None) -> str | None:
        row = m.ProjectInfo.get_or_none(m.ProjectInfo.key == key)
        return row.value if row else default

    def set_info(self, key: str, value: str) -> None:
        with self.db.atomic():
            m.ProjectInfo.insert(key=key, value=value).on_conflict_replace().execute()

    def schema_version(self) -> int:
        return _read_version(self.db)

    def integrity_check(self) -> str:
        """"ok", or SQLite's account of the damage (also when the damage stops the check itself)."""
        try:
            rows = self.db.execute_sql("PRAGMA integrity_check").fetchall()
        except (sqlite3.DatabaseError, DatabaseError, ProjectError) as exc:
            return str(exc)
        return "\n".join(str(r[0]) for r in rows)


def _read_version(db: SqliteDatabase) -> int:
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _check_sqlite_file(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except PermissionError as exc:
        raise ProjectError(Msg.P005.format(path=path, detail=exc.strerror)) from exc
    except OSError as exc:
        raise ProjectError(Msg.P004.format(path=path, detail=exc.strerror or exc)) from exc
    if head and head != SQLITE_MAGIC:
        raise ProjectError(Msg.P002.format(path=path, detail="no SQLite header"))


def _check_columns(db: SqliteDatabase, path: Path) -> None:
    """Every table and column of this version is there (a damaged or hand-edited schema would
    otherwise fail later, in the middle of some action, with an error that looks like a bug)."""
    for model in m.ALL_MODELS:
        table = model._meta.table_name
        have = {r[1] for r in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}
        if not have:
            raise ProjectError(Msg.P002.format(path=path, detail=f"the table {table} is missing"))
        missing = [f.column_name for f in model._meta.sorted_fields if f.column_name not in have]
        if missing:
            raise ProjectError(
                Msg.P002.format(path=path, detail=f"the table {table} has no column {', '.join(missing)}")
            )
        wanted = {f.rel_model._meta.table_name for f in model._meta.refs}
        refs = {r[2] for r in db.execute_sql(f'PRAGMA foreign_key_list("{table}")').fetchall()}
        if refs != wanted:
            raise ProjectError(
                Msg.P002.format(path=path, detail=f"the table {table} refers to {', '.join(sorted(refs - wanted))}")
            )


def _wal_pending(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _inspect(path: Path, immutable: bool = False) -> tuple[set[str], int | None]:
    """Tables and schema version of an existing file, read without changing a byte of it."""
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    try:
        con = sqlite3.connect(f"file:{path}?{flags}", uri=True, timeout=guard.lock_budget())
    except sqlite3.Error as exc:
        raise ProjectError(Msg.P002.format(path=path, detail=exc)) from exc
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = None
        if "schema_version" in tables:
            version = int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
        return tables, version
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise ProjectError(Msg.P006.format(path=path, seconds=guard.lock_budget())) from exc
        if "unable to open" in str(exc) and not immutable and not os.access(path.parent, os.W_OK):
            # A WAL project on a read-only medium: SQLite cannot create its shared-memory file.
            raise _ReadOnlyMedium(str(exc)) from exc
        raise ProjectError(Msg.P002.format(path=path, detail=exc)) from exc
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged name in the schema
        raise ProjectError(Msg.P002.format(path=path, detail=exc)) from exc
    finally:
        con.close()


class _ReadOnlyMedium(Exception):
    pass


def _writable(path: Path) -> bool:
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent, os.W_OK)


def create_schema(db: SqliteDatabase) -> None:
    with db.atomic():
        db.create_tables(m.ALL_MODELS)
        m.SchemaVersion.insert(version=m.SCHEMA_VERSION, note="created").execute()
        m.ProjectInfo.insert(key="created_at", value=m.now_iso()).on_conflict_ignore().execute()


def backup_file(path: Path, label: str, dest: Path | None = None) -> Path:
    """Consistent copy of a live SQLite file using SQLite's online backup API.

    Safe while other connections (the app, an import) are writing: the copy is one snapshot.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if dest is None:
        dest = path.with_name(f"{path.name}.{label}-{stamp}.bak")
        n = 1
        while dest.exists():
            n += 1
            dest = path.with_name(f"{path.name}.{label}-{stamp}-{n}.bak")
    tmp = dest.with_name(dest.name + ".part")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=delete")  # a self-contained single file
            ok = out.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            out.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectError(Msg.P004.format(path=path, detail=f"backup failed: {exc}")) from exc
    finally:
        src.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise ProjectError(Msg.P002.format(path=path, detail=f"the backup copy failed its integrity check: {ok}"))
    os.replace(tmp, dest)
    return dest


def migrate(project: Project) -> None:
    """Bring an older project up to SCHEMA_VERSION: every step in ONE transaction.

    All or nothing: when any step fails (or leaves a broken foreign key) the file keeps its old
    schema and data, as the P007 message says; a project is never left half-way between
    versions. The backup copy is written (and checked) before the first step. A step that
    rebuilds a table must use ``PRAGMA defer_foreign_keys`` (``foreign_keys`` cannot change
    inside a transaction).
    """
    version = project.schema_version()
    if version >= m.SCHEMA_VERSION:
        return
    missing = [v for v in range(version, m.SCHEMA_VERSION) if v not in MIGRATIONS]
    project.backup_path = backup_file(project.path, f"schema{version}")
    project.migrated_from = version
    if missing:
        raise ProjectError(
            Msg.P007.format(
                path=project.path,
                version=missing[0] + 1,
                detail=f"no migration from schema {missing[0]}",
                backup=project.backup_path,
            )
        )
    try:
        with project.db.atomic():
            while version < m.SCHEMA_VERSION:
                MIGRATIONS[version](project.db)
                m.SchemaVersion.insert(version=version + 1, note=f"migrated from {version}").execute()
                version += 1
            broken = project.db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise ValueError(f"{len(broken)} row(s) with a broken reference, first in table {broken[0][0]}")
    except (DatabaseError, ValueError, KeyError, ProjectError) as exc:
        project.migrated_from = None
        detail = exc.message if isinstance(exc, ProjectError) else exc
        raise ProjectError(
            Msg.P007.format(path=project.path, version=version + 1, detail=detail, backup=project.backup_path)
        ) from exc


def open_project(path: str | os.PathLike[str], create: bool = True, readonly: bool = False) -> Project:
    """Open (and create or migrate when needed) the project file at ``path``.

    Binds the peewee models to it. Raises ProjectError with a specific message for a missing,
    foreign, corrupt, newer or read-only file.
    """
    if isinstance(path, str) and path.startswith(SERVER_SCHEMES):
        from annotator.store.server import open_server_project

        return open_server_project(path, create=create, readonly=readonly)
    path = Path(path).expanduser()
    exists = path.exists() and path.stat().st_size > 0
    if not exists and (not create or readonly):
        raise ProjectError(Msg.P004.format(path=path, detail="no such file"))
    immutable = False
    if exists:
        _check_sqlite_file(path)
        try:
            tables, version = _inspect(path)
        except _ReadOnlyMedium as exc:
            if _wal_pending(path):
                raise ProjectError(
                    Msg.P005.format(
                        path=path,
                        detail=f"its latest changes are in {path.name}-wal, which cannot be read where "
                        "nothing may be written",
                    )
                ) from exc
            immutable = readonly = True
            tables, version = _inspect(path, immutable=True)
        if tables and ("schema_version" not in tables or "article" not in tables):
            raise ProjectError(Msg.P001.format(path=path))
        if version is not None and version > m.SCHEMA_VERSION:
            raise ProjectError(Msg.P003.format(path=path, found=version, supported=m.SCHEMA_VERSION))
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(Msg.P004.format(path=path, detail=exc.strerror or exc)) from exc
    reason = "it was opened read-only"
    if immutable:
        reason = "it is on a read-only medium"
    elif not readonly and not _writable(path):
        if not exists:
            raise ProjectError(Msg.P005.format(path=path, detail="the folder is not writable"))
        readonly = True  # an existing read-only project can still be looked at
        reason = "the file or its folder cannot be written"
    db = make_database(path, readonly=readonly, immutable=immutable)
    if readonly and isinstance(db, ProjectDatabase):
        db.readonly_reason = reason
    m.database_proxy.initialize(db)
    project = Project(path=path, db=db, readonly=readonly)
    try:
        db.connect(reuse_if_open=True)
        tables = set(db.get_tables())
        if not exists or not tables:
            if readonly:
                raise ProjectError(Msg.P005.format(path=path, detail="cannot create a project here"))
            create_schema(db)
        elif "schema_version" not in tables or "article" not in tables:
            raise ProjectError(Msg.P001.format(path=path))
        else:
            version = _read_version(db)
            if version > m.SCHEMA_VERSION:
                raise ProjectError(Msg.P003.format(path=path, found=version, supported=m.SCHEMA_VERSION))
            if version < m.SCHEMA_VERSION:
                if readonly:
                    raise ProjectError(
                        Msg.P005.format(path=path, detail=f"schema {version} needs migrating")
                    )
                migrate(project)
            _check_columns(db, path)
    except ProjectError:
        project.close()
        raise
    except OperationalError as exc:
        project.close()
        text = str(exc)
        if "locked" in text:
            raise ProjectError(Msg.P006.format(path=path, seconds=guard.lock_budget())) from exc
        if "readonly" in text or "read-only" in text:
            raise ProjectError(Msg.P005.format(path=path, detail=text)) from exc
        raise ProjectError(Msg.P002.format(path=path, detail=text)) from exc
    except (DatabaseError, sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        project.close()
        raise ProjectError(Msg.P002.format(path=path, detail=exc)) from exc
    return project


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
