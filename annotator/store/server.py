"""Team projects on a PostgreSQL server: ``--db postgresql://user@host:5432/dbname``.

The same models, schema versions and migrations as a project file, in one PostgreSQL database
shared by the whole team, so analysts label side by side instead of merging files.

* **The URL** is a libpq connection URI (``postgresql://`` or ``postgres://``), handed to libpq
  as it is: ``?sslmode=require``, ``?connect_timeout=5``, ``?options=-csearch_path%3Dteam`` and
  the rest work. A password may be in the URL, or (better) in ``~/.pgpass`` or ``PGPASSWORD``.
  :class:`ServerLocation` is the project's ``path``: it reads as the URL *without* the
  password (messages, window title, recent projects, export manifests never show it) and keeps
  the full URL for reopening.
* **Opening** connects, then: an empty database becomes a project (tables and
  ``schema_version``, under an advisory lock so two first starts do not race); a database with
  other tables but no annotator schema is refused (P001), so is a newer schema (P003); an older
  schema is migrated with the same :data:`annotator.store.db.MIGRATIONS`, all steps in ONE
  transaction (PostgreSQL's DDL is transactional: a failed migration leaves the database as it
  was, P007). Foreign keys are native (ON DELETE CASCADE / SET NULL as in the models).
  ``readonly`` opens every transaction READ ONLY; a role without INSERT on the tables, or a
  standby server, opens read-only by itself. ``create=False`` refuses an empty database (P004).
* **Backups.** The server's own tools are the backup: ``pg_dump -Fc`` (and point-in-time
  recovery where the team needs it). A migration writes no backup file; run ``pg_dump`` before
  upgrading annotator. :func:`snapshot_to_sqlite` (``annotator backup --db URL``) writes one
  consistent snapshot (a REPEATABLE READ, READ ONLY transaction) as an ordinary project file:
  it opens with annotator, and merges back into a server project.
* **Connections** are per thread, as with SQLite. A connection the server dropped (restart,
  idle timeout) is replaced by the next statement outside a transaction; a transaction that
  loses its connection fails as a whole (nothing half-written) and the next action reconnects.

Only this module and :mod:`annotator.store.fastpath` know about PostgreSQL; services check
:func:`is_server_project` where a file and a server really differ (backups, merge sources).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from peewee import (
    DatabaseError,
    ImproperlyConfigured,
    InterfaceError,
    OperationalError,
    PostgresqlDatabase,
    SchemaManager,
    SqliteDatabase,
)

from annotator.domain.errors import Msg, ProjectError
from annotator.store import db as dbmod
from annotator.store import models as m

SERVER_SCHEMES = dbmod.SERVER_SCHEMES
CONNECT_TIMEOUT_S = 10
# pg_advisory_xact_lock key serialising schema creation and migration ("annotato" in ASCII)
SCHEMA_LOCK = 0x616E6E6F7461746F
SNAPSHOT_BATCH = 2000
_SECRET_PARAMS = {"password", "sslpassword"}


def is_server_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SERVER_SCHEMES)


class ServerLocation(str):
    """A server project's ``path``: the URL without its password (``str(loc)``, f-strings,
    ``repr``), with ``name`` (``dbname@host``) and ``stem`` (``dbname``) for display. The full
    URL (``loc.url``) is kept for reopening and never printed."""

    url: str
    dbname: str
    host: str
    port: str
    user: str

    def __new__(cls, url: str) -> "ServerLocation":
        if isinstance(url, ServerLocation):
            return url
        if not is_server_url(url):
            raise ValueError(f"not a PostgreSQL URL: {redact(str(url))!r}")
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]  # host[:port][,host2...]
        userinfo = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
        user = userinfo.split(":", 1)[0]
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _SECRET_PARAMS]
        params = dict(query)
        dbname = parts.path.lstrip("/") or params.get("dbname", "") or os.environ.get("PGDATABASE", "")
        shown = f"postgresql://{user + '@' if user else ''}{netloc}{parts.path}"
        if query:
            shown += "?" + urlencode(query)
        self = super().__new__(cls, shown)
        self.url = url
        self.dbname = _unquote(dbname)
        self.user = _unquote(user)
        first = netloc.split(",")[0]
        if first.startswith("["):  # [::1]:5432
            host, _, port = first[1:].partition("]")
            port = port.lstrip(":")
        else:
            host, _, port = first.partition(":")
        self.host = _unquote(host) or params.get("host", "") or os.environ.get("PGHOST", "") or "localhost"
        self.port = port or params.get("port", "") or os.environ.get("PGPORT", "") or "5432"
        return self

    @property
    def name(self) -> str:
        """What a window title shows: ``dbname@host``."""
        return f"{self.dbname}@{self.host}"

    @property
    def stem(self) -> str:
        return self.dbname

    # Where "a file next to the project" goes (default names in save dialogs): a server project
    # has no folder, so the user's home folder stands in for it.
    @property
    def parent(self) -> Path:
        return Path.home()

    def with_name(self, name: str) -> Path:
        return Path.home() / name

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """Which project this is (host, port, dbname, libpq ``options`` such as a search_path),
        for "is it the same project" checks."""
        host = "localhost" if self.host in ("127.0.0.1", "::1", "localhost") or self.host.startswith("/") else self.host.lower()
        options = dict(parse_qsl(urlsplit(self.url).query)).get("options", "")
        return host, self.port, self.dbname, options

    def __repr__(self) -> str:
        return f"ServerLocation({str.__str__(self)!r})"

    def __reduce__(self):  # copies and pickles keep the full URL
        return (ServerLocation, (self.url,))


def _unquote(s: str) -> str:
    from urllib.parse import unquote

    return unquote(s)


def redact(url: str) -> str:
    """The URL without its password (for messages); anything else unchanged."""
    if not is_server_url(url):
        return str(url)
    try:
        return str.__str__(ServerLocation(url))
    except ValueError:
        return "postgresql://…"


def same_database(a: object, b: object) -> bool:
    """Whether two server URLs (or locations) name the same database."""
    if not (is_server_url(a) and is_server_url(b)):
        return False
    return ServerLocation(str(getattr(a, "url", a))).identity == ServerLocation(str(getattr(b, "url", b))).identity


def is_server_project(project: object) -> bool:
    return bool(getattr(project, "is_server", False))


# ---- the database -------------------------------------------------------------------------------
class ServerDatabase(PostgresqlDatabase):
    """peewee's PostgreSQL database with a session made read-only on request and a dropped
    connection replaced before (never inside) a transaction."""

    def __init__(self, location: ServerLocation, readonly: bool = False) -> None:
        params: dict[str, Any] = {"dsn": location.url}
        query = dict(parse_qsl(urlsplit(location.url).query))
        if "connect_timeout" not in query and "PGCONNECT_TIMEOUT" not in os.environ:
            params["connect_timeout"] = CONNECT_TIMEOUT_S
        if "application_name" not in query and "PGAPPNAME" not in os.environ:
            params["application_name"] = "annotator"
        self.location = location
        self.readonly = readonly
        super().__init__(location.dbname, **params)

    def _initialize_connection(self, conn) -> None:
        super()._initialize_connection(conn)
        if self.readonly:
            with conn.cursor() as cur:
                cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")

    # -- a dropped connection is replaced outside transactions; failures become P00x messages --
    def _dead(self) -> bool:
        conn = getattr(self._state, "conn", None)
        return conn is not None and bool(getattr(conn, "closed", 0))

    def _reopen(self) -> None:
        try:
            self.close()
        except (OperationalError, InterfaceError):
            self._state.reset()
        self.connect()

    def _failure(self, exc: DatabaseError) -> Exception:
        """The ProjectError for a lost connection or a refused write; other errors (constraints,
        bugs) unchanged, so ``get_or_create`` and friends still see their IntegrityError."""
        text = str(exc).lower()
        if isinstance(exc, (OperationalError, InterfaceError)) and (self._dead() or "connection" in text and "closed" in text):
            return ProjectError(
                Msg.P004.format(
                    path=self.location,
                    detail=f"lost the connection to the server ({_detail(exc, self.location)}); "
                    "nothing from the last action was saved",
                )
            )
        if "permission denied" in text or "read-only transaction" in text:
            return ProjectError(Msg.P005.format(path=self.location, detail=_detail(exc, self.location)))
        return exc

    def _run(self, func, *args, **kwargs):
        if not self.in_transaction() and self._dead():
            self._reopen()
        try:
            return func(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if self.in_transaction() or not self._dead():
                err = self._failure(exc)
                if err is exc:
                    raise
                raise err from exc
        # the connection died before this statement, outside a transaction: once more
        self._reopen()
        try:
            return func(*args, **kwargs)
        except DatabaseError as exc:
            err = self._failure(exc)
            if err is exc:
                raise
            raise err from exc

    def execute_sql(self, sql, params=None, *args, **kwargs):
        try:
            return self._run(super().execute_sql, sql, params, *args, **kwargs)
        except (OperationalError, InterfaceError, ProjectError):
            raise
        except DatabaseError as exc:  # ProgrammingError "permission denied", InternalError read-only ...
            err = self._failure(exc)
            if err is exc:
                raise
            raise err from exc

    def begin(self, *args, **kwargs):
        return self._run(super().begin, *args, **kwargs)

    def commit(self):
        try:
            return super().commit()
        except (OperationalError, InterfaceError) as exc:
            raise ProjectError(
                Msg.P004.format(
                    path=self.location,
                    detail=f"lost the connection to the server while saving ({_detail(exc, self.location)}); "
                    "the last action may not have been saved",
                )
            ) from exc

    def rollback(self):
        if self._dead():
            return  # the server rolled the transaction back when the connection went
        return super().rollback()


@dataclass
class ServerProject(dbmod.Project):
    """A project in a PostgreSQL database; ``path`` is a :class:`ServerLocation`."""

    is_server = True

    def set_info(self, key: str, value: str) -> None:
        with self.db.atomic():
            m.ProjectInfo.insert(key=key, value=value).on_conflict(
                conflict_target=[m.ProjectInfo.key], update={m.ProjectInfo.value: value}
            ).execute()

    def integrity_check(self) -> str:
        """'ok', or what is missing: every model's table must be there (the server checks pages
        and constraints itself; ``amcheck`` is the tool for more)."""
        try:
            tables = _table_names(self.db)  # type: ignore[arg-type]
        except DatabaseError as exc:
            return f"cannot list the tables: {exc}"
        missing = sorted(mdl._meta.table_name for mdl in m.ALL_MODELS if mdl._meta.table_name not in tables)
        return "ok" if not missing else "missing table(s): " + ", ".join(missing)

    @property
    def location(self) -> ServerLocation:
        return self.path  # type: ignore[return-value]


# ---- opening ------------------------------------------------------------------------------------
def _detail(exc: BaseException, location: ServerLocation) -> str:
    """The driver's message in one line, never with the password."""
    text = " ".join(str(exc).split())
    secret = urlsplit(location.url).password
    if secret:
        text = text.replace(secret, "***")
    return text or type(exc).__name__


def _p001(location: ServerLocation) -> str:
    return Msg.P001.format(path=location).replace("a SQLite database", "a PostgreSQL database")


def _table_names(db: ServerDatabase) -> set[str]:
    """Tables of the current schema (the first of ``search_path``; peewee 3 would only look in
    ``public``), so ``?options=-csearch_path%3Dteam`` puts a project in schema ``team``."""
    rows = db.execute_sql("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()").fetchall()
    return {r[0] for r in rows}


def _read_version(db: ServerDatabase) -> int:
    return dbmod._read_version(db)


def _can_write(db: ServerDatabase) -> bool:
    row = db.execute_sql(
        "SELECT NOT pg_is_in_recovery() AND has_table_privilege(current_user, %s, 'INSERT, UPDATE, DELETE')",
        ("annotation" if "annotation" in _table_names(db) else "schema_version",),
    ).fetchone()
    return bool(row[0])


def _create(db: ServerDatabase) -> None:
    """Tables and schema_version in an empty database (another client may be doing the same)."""
    with db.atomic():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        if not _table_names(db):
            dbmod.create_schema(db)


def _migrate(project: ServerProject) -> None:
    """Every step from the database's version to SCHEMA_VERSION in one transaction."""
    db = project.db
    location = project.path
    target = m.SCHEMA_VERSION
    no_backup = "none written (a server project is migrated in one transaction; take backups with pg_dump)"
    try:
        with db.atomic():
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            version = _read_version(db)  # again: another client may have migrated meanwhile
            if version >= target:
                return
            start = version
            while version < target:
                step = dbmod.MIGRATIONS.get(version)
                if step is None:
                    raise ProjectError(
                        Msg.P007.format(path=location, version=version + 1, detail=f"no migration from schema {version}", backup=no_backup)
                    )
                try:
                    step(db)
                    m.SchemaVersion.insert(version=version + 1, note=f"migrated from {version}").execute()
                except (DatabaseError, ValueError, KeyError) as exc:
                    raise ProjectError(
                        Msg.P007.format(path=location, version=version + 1, detail=_detail(exc, location), backup=no_backup)
                    ) from exc
                version += 1
            project.migrated_from = start
    except DatabaseError as exc:  # the commit itself failed
        raise ProjectError(
            Msg.P007.format(path=location, version=target, detail=_detail(exc, location), backup=no_backup)
        ) from exc


def open_server_project(url: str, create: bool = True, readonly: bool = False) -> ServerProject:
    """Open (and create or migrate when needed) the team project in the database at ``url``.

    Binds the models to it. Raises ProjectError for a server that cannot be reached or refuses
    the login (P004), a database with other tables (P001), a newer schema (P003), no project
    with ``create=False`` (P004), no right to create it (P005), a failed migration (P007).
    """
    try:
        location = ServerLocation(str(getattr(url, "url", url)))
    except ValueError as exc:
        raise ProjectError(Msg.P004.format(path=redact(str(url)), detail=exc)) from exc
    if not location.dbname:
        raise ProjectError(Msg.P004.format(path=location, detail="the URL names no database (postgresql://host/DBNAME)"))
    db = ServerDatabase(location, readonly=readonly)
    project = ServerProject(path=location, db=db, readonly=readonly)  # type: ignore[arg-type]
    try:
        try:
            db.connect(reuse_if_open=True)
        except ImproperlyConfigured as exc:
            raise ProjectError(
                Msg.P004.format(path=location, detail="PostgreSQL support needs the psycopg2 package (pip install psycopg2-binary)")
            ) from exc
        m.database_proxy.initialize(db)
        tables = _table_names(db)
        if not tables:
            if not create:
                raise ProjectError(Msg.P004.format(path=location, detail="the database holds no annotator project"))
            if readonly:
                raise ProjectError(Msg.P005.format(path=location, detail="cannot create a project in a read-only session"))
            _create(db)
            tables = _table_names(db)
        if "schema_version" not in tables or "article" not in tables:
            raise ProjectError(_p001(location))
        version = _read_version(db)
        if version > m.SCHEMA_VERSION:
            raise ProjectError(Msg.P003.format(path=location, found=version, supported=m.SCHEMA_VERSION))
        if not readonly and not _can_write(db):
            project.readonly = db.readonly = readonly = True  # can still be looked at
            db.close()
            db.connect()
        if version < m.SCHEMA_VERSION:
            if readonly:
                raise ProjectError(Msg.P005.format(path=location, detail=f"schema {version} needs migrating"))
            _migrate(project)
    except ProjectError:
        _close_quietly(project)
        raise
    except (OperationalError, InterfaceError) as exc:
        _close_quietly(project)
        text = _detail(exc, location)
        if "permission denied" in text or "read-only transaction" in text:
            raise ProjectError(Msg.P005.format(path=location, detail=text)) from exc
        raise ProjectError(Msg.P004.format(path=location, detail=text)) from exc
    except DatabaseError as exc:
        _close_quietly(project)
        text = _detail(exc, location)
        if "permission denied" in text:
            raise ProjectError(Msg.P005.format(path=location, detail=text)) from exc
        raise ProjectError(Msg.P004.format(path=location, detail=text)) from exc
    return project


def _close_quietly(project: ServerProject) -> None:
    try:
        project.close()
    except DatabaseError:
        pass


# ---- a consistent snapshot as a project file -----------------------------------------------------
def snapshot_to_sqlite(project: ServerProject, dest: str | os.PathLike[str]) -> Path:
    """Copy every table of the server project into a new SQLite project file at ``dest``.

    One REPEATABLE READ, READ ONLY transaction: the copy is one consistent state even while the
    team keeps labelling. The file is an ordinary project (same schema version, same ids) that
    opens with annotator and merges back into a server project. Written to ``dest.part`` and
    renamed when complete and checked.
    """
    dest = Path(dest)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    db = project.db
    if db.in_transaction():
        raise ProjectError(Msg.P004.format(path=project.path, detail="a snapshot cannot be taken inside another transaction"))
    out = SqliteDatabase(str(tmp))
    try:
        out.connect()
        with out.atomic():
            for model in m.ALL_MODELS:
                SchemaManager(model, database=out).create_all(safe=False)
        con = out.connection()
        con.execute("BEGIN")  # the whole copy is one SQLite transaction (one sync, not one per row)
        with db.atomic():
            db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for model in m.ALL_MODELS:
                _copy_table(db, con, model)
        con.execute("COMMIT")
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        bad_refs = con.execute("PRAGMA foreign_key_check").fetchall()
        out.close()
    except (DatabaseError, sqlite3.Error, OSError) as exc:
        if not out.is_closed():
            out.close()
        tmp.unlink(missing_ok=True)
        raise ProjectError(Msg.P004.format(path=project.path, detail=f"backup failed: {_detail(exc, project.path)}")) from exc
    if ok != "ok" or bad_refs:
        tmp.unlink(missing_ok=True)
        raise ProjectError(
            Msg.P004.format(path=project.path, detail=f"the snapshot failed its checks ({ok}; {len(bad_refs)} broken reference(s))")
        )
    os.replace(tmp, dest)
    return dest


def _copy_table(db: ServerDatabase, con: sqlite3.Connection, model: type[m.BaseModel]) -> None:
    cols = [f.column_name for f in model._meta.sorted_fields]
    pk = model._meta.primary_key.column_name
    table = model._meta.table_name
    col_sql = ", ".join(f'"{c}"' for c in cols)
    insert = f'INSERT INTO "{table}" ({col_sql}) VALUES ({", ".join("?" * len(cols))})'
    first = f'SELECT {col_sql} FROM "{table}" ORDER BY "{pk}" LIMIT {SNAPSHOT_BATCH}'
    more = f'SELECT {col_sql} FROM "{table}" WHERE "{pk}" > %s ORDER BY "{pk}" LIMIT {SNAPSHOT_BATCH}'
    at = cols.index(pk)
    rows = db.execute_sql(first).fetchall()
    while rows:
        con.executemany(insert, rows)
        if len(rows) < SNAPSHOT_BATCH:
            break
        rows = db.execute_sql(more, (rows[-1][at],)).fetchall()


__all__ = [
    "ServerLocation",
    "ServerProject",
    "is_server_project",
    "is_server_url",
    "open_server_project",
    "redact",
    "same_database",
    "snapshot_to_sqlite",
]

