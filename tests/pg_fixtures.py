"""PostgreSQL for the tests (team projects), controlled by ``ANNOTATOR_TEST_PG_URL``.

Unset (the default local run): nothing here runs, tests that need a server skip with a reason,
and every other test runs on SQLite as always.

Set (CI: ``eval "$(bash scripts/ci_postgres.sh start)"``): the URL names a database on a server
on THIS machine (127.0.0.0/8, localhost, ::1 or a Unix socket; anything else is refused) whose
role may create databases. Then

* the ``project`` fixture of the modules in :data:`PG_MODULES` is parametrized: each test runs
  on SQLite (``[sqlite]``) AND on PostgreSQL (``[postgresql]``);
* every PostgreSQL test gets a fresh database of its own (:func:`pg_url`), dropped afterwards.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Iterator

import pytest

PG_ENV = "ANNOTATOR_TEST_PG_URL"
# Test modules whose ``project`` tests also run against PostgreSQL when the URL is set.
PG_MODULES = {
    "test_store",
    "test_annotate",
    "test_merge",
    "test_review_service",
    "test_fastpath",
    "test_assign",
    "test_agreement",
    "test_preannotate",
    "test_import_service",
    "test_articles_service",
}
DB_PREFIX = "annotator_t_"


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")


def pg_skip_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        return f"{PG_ENV} is not set (scripts/ci_postgres.sh starts a local PostgreSQL server and prints it)"
    from annotator.store.server import ServerLocation, is_server_url

    if not is_server_url(url):
        return f"{PG_ENV} is not a postgresql:// URL"
    loc = ServerLocation(url)
    if not _is_loopback(loc.host):
        return f"{PG_ENV} names host {loc.host!r}; the tests only use a server on this machine (127.0.0.1/localhost)"
    import importlib.util

    if importlib.util.find_spec("psycopg2") is None:
        return "psycopg2 is not installed (pip install psycopg2-binary)"
    return None


PG_SKIP = pg_skip_reason()
needs_pg = pytest.mark.skipif(PG_SKIP is not None, reason=PG_SKIP or "")


def with_database(url: str, dbname: str) -> str:
    """``url`` naming another database on the same server (user, password, host, query kept)."""
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(dbname), parts.query, parts.fragment))


class PgAdmin:
    """One autocommit connection to the URL's database, for creating and dropping test databases."""

    def __init__(self, url: str) -> None:
        import psycopg2

        self.url = url
        self.con = psycopg2.connect(url, connect_timeout=10, application_name="annotator-tests")
        self.con.autocommit = True
        self.created: list[str] = []

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.con.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def create(self) -> str:
        """A new empty database; its URL."""
        name = f"{DB_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:10]}"
        # C collation: text sorts by code point, as in SQLite, whatever the cluster's locale
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' LC_CTYPE \'C\'')
        self.created.append(name)
        return with_database(self.url, name)

    def drop(self, url: str) -> None:
        from annotator.store.server import ServerLocation

        name = ServerLocation(url).dbname
        self._drop(name)
        if name in self.created:
            self.created.remove(name)

    def _drop(self, name: str) -> None:
        """DROP DATABASE ... WITH (FORCE). A backend of another role that is still exiting (its
        client just closed) cannot be terminated by this role: wait for it a little."""
        import psycopg2

        for attempt in range(50):
            try:
                self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except (psycopg2.errors.InsufficientPrivilege, psycopg2.errors.ObjectInUse):
                if attempt == 49:
                    raise
                time.sleep(0.1)

    def close(self) -> None:
        for name in list(self.created):
            self._drop(name)
        self.con.close()


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[PgAdmin]:
    if PG_SKIP is not None:
        pytest.skip(PG_SKIP)
    try:
        admin = PgAdmin(os.environ[PG_ENV])
    except Exception as exc:  # noqa: BLE001 - a set URL that does not work is a failure, not a skip
        from annotator.store.server import redact

        pytest.fail(f"{PG_ENV}={redact(os.environ[PG_ENV])}: cannot connect ({exc})")
    # As a user would: a URL without the password (``str(project.path)``, the CLI's --db, the
    # recent-projects menu) authenticates with $PGPASSWORD (or ~/.pgpass).
    from urllib.parse import unquote, urlsplit

    password = urlsplit(os.environ[PG_ENV]).password
    with pytest.MonkeyPatch.context() as mp:
        if password and "PGPASSWORD" not in os.environ:
            mp.setenv("PGPASSWORD", unquote(password))
        yield admin
    admin.close()


@pytest.fixture
def pg_url(pg_admin: PgAdmin) -> Iterator[str]:
    """The URL of a fresh, empty database (dropped after the test, connections and all)."""
    url = pg_admin.create()
    yield url
    pg_admin.drop(url)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if PG_SKIP is not None or "project" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in PG_MODULES:
        metafunc.parametrize("project", ["sqlite", "postgresql"], indirect=True)
