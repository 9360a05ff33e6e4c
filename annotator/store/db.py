"""Opening, creating and migrating project files.

A project is one SQLite file, opened with ``journal_mode=wal`` and ``foreign_keys=1``. Opening
checks, in this order, that the file is a SQLite database, that it is an annotator project, and
that its schema is not newer than this program; an older schema is migrated after a backup copy
of the file is written next to it (``NAME.schema<old>-<timestamp>.bak``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from peewee import OperationalError, DatabaseError, SqliteDatabase

from annotator.domain.errors import Msg, ProjectError
from annotator.store import models as m

SQLITE_MAGIC = b"SQLite format 3\x00"
SERVER_SCHEMES = ("postgresql://", "postgres://")  # team mode: see annotator/store/server.py
BUSY_TIMEOUT_S = 10.0

# Migrations: version N -> N+1, each a function taking the peewee database inside a transaction.
# Append to this list, never edit a released entry. Tests may monkeypatch it.
Migration = Callable[[SqliteDatabase], None]
MIGRATIONS: dict[int, Migration] = {}


def _pragmas(readonly: bool) -> dict[str, Any]:
    p: dict[str, Any] = {"foreign_keys": 1, "synchronous": "full", "cache_size": -32_000}
    if not readonly:
        p["journal_mode"] = "wal"
    return p


def make_database(path: Path, readonly: bool = False) -> SqliteDatabase:
    if readonly:
        return SqliteDatabase(
            f"file:{path}?mode=ro",
            uri=True,
            pragmas=_pragmas(True),
            timeout=BUSY_TIMEOUT_S,
        )
    return SqliteDatabase(str(path), pragmas=_pragmas(False), timeout=BUSY_TIMEOUT_S)


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
        return self.db.execute_sql("PRAGMA integrity_check").fetchone()[0]


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


def _inspect(path: Path) -> tuple[set[str], int | None]:
    """Tables and schema version of an existing file, read without changing a byte of it."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
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
            raise ProjectError(Msg.P006.format(path=path, seconds=BUSY_TIMEOUT_S)) from exc
        raise ProjectError(Msg.P002.format(path=path, detail=exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise ProjectError(Msg.P002.format(path=path, detail=exc)) from exc
    finally:
        con.close()


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
    """Bring an older project up to SCHEMA_VERSION, one atomic step per version."""
    version = project.schema_version()
    if version >= m.SCHEMA_VERSION:
        return
    project.backup_path = backup_file(project.path, f"schema{version}")
    project.migrated_from = version
    while version < m.SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ProjectError(
                Msg.P007.format(
                    path=project.path,
                    version=version + 1,
                    detail=f"no migration from schema {version}",
                    backup=project.backup_path,
                )
            )
        try:
            with project.db.atomic():
                step(project.db)
                m.SchemaVersion.insert(version=version + 1, note=f"migrated from {version}").execute()
        except (DatabaseError, ValueError, KeyError) as exc:
            raise ProjectError(
                Msg.P007.format(path=project.path, version=version + 1, detail=exc, backup=project.backup_path)
            ) from exc
        version += 1


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
    if not exists and not create:
        raise ProjectError(Msg.P004.format(path=path, detail="no such file"))
    if exists:
        _check_sqlite_file(path)
        tables, version = _inspect(path)
        if tables and ("schema_version" not in tables or "article" not in tables):
            raise ProjectError(Msg.P001.format(path=path))
        if version is not None and version > m.SCHEMA_VERSION:
            raise ProjectError(Msg.P003.format(path=path, found=version, supported=m.SCHEMA_VERSION))
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(Msg.P004.format(path=path, detail=exc.strerror or exc)) from exc
    if not readonly and not _writable(path):
        if not exists:
            raise ProjectError(Msg.P005.format(path=path, detail="the folder is not writable"))
        readonly = True  # an existing read-only project can still be looked at
    db = make_database(path, readonly=readonly)
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
    except ProjectError:
        project.close()
        raise
    except OperationalError as exc:
        project.close()
        text = str(exc)
        if "locked" in text:
            raise ProjectError(Msg.P006.format(path=path, seconds=BUSY_TIMEOUT_S)) from exc
        if "readonly" in text or "read-only" in text:
            raise ProjectError(Msg.P005.format(path=path, detail=text)) from exc
        raise ProjectError(Msg.P002.format(path=path, detail=text)) from exc
    except DatabaseError as exc:
        project.close()
        raise ProjectError(Msg.P002.format(path=path, detail=exc)) from exc
    return project


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
