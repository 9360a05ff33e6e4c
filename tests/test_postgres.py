"""Team projects on a PostgreSQL server: opening and refusing, migrations, read-only use, lost
connections, backups as SQLite snapshots, the CLI, merging into a server project, and several
processes labelling at once without losing anything.

Tests marked ``needs_pg`` skip (with the reason) unless ANNOTATOR_TEST_PG_URL names a server on
this machine (``eval "$(bash scripts/ci_postgres.sh start)"``); the rest run everywhere. The
store, annotate, review and merge modules also run their ``project`` tests against PostgreSQL
then (tests/pg_fixtures.py).
"""

from __future__ import annotations

import copy
import inspect
import json
import multiprocessing
import shutil
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.domain.errors import ProjectError
from annotator.services.annotate import AnnotationSession
from annotator.services.backup import backup_project
from annotator.services.merge import check_sources, merge_files
from annotator.store import SCHEMA_VERSION, open_project
from annotator.store import db as dbmod
from annotator.store import models as m
from annotator.store.server import ServerLocation, is_server_project, redact, same_database
from tests import pg_workers
from tests import test_merge as tm
from tests.helpers import add_article, add_suggestion, span
from tests.pg_fixtures import PgAdmin, needs_pg, with_database

TEXT = "Sergey Lavrov said that Moscow is ready. The minister added that talks in Geneva would go on."
SECRET = "s3cr@t/pw"
URL = "postgresql://ann:s3cr%40t%2Fpw@db.example.org:6543/news?sslmode=require&password=other"


# ---- helpers: every row of a project, file or server ----------------------------------------------
def _pg(url: str):
    import psycopg2

    return psycopg2.connect(url, connect_timeout=10)


def dump_any(target) -> dict:
    """Every row of every table, ordered by primary key (a file: test_merge's own dump)."""
    if not isinstance(target, str):
        return _sqlite_dump(target)
    con = _pg(getattr(target, "url", target))
    try:
        with con.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            tables = [r[0] for r in cur.fetchall()]
            out = {}
            for t in tables:
                cur.execute(f'SELECT * FROM "{t}" ORDER BY 1')
                out[t] = cur.fetchall()
            return out
    finally:
        con.close()


def state_any(target, annotator: str) -> dict:
    """test_merge's state_of, for a file or a server project."""
    if not isinstance(target, str):
        return _sqlite_state(target, annotator)
    con = _pg(getattr(target, "url", target))
    try:
        with con.cursor() as cur:
            cur.execute(
                """SELECT a.uid, ar.content_hash, a.layer, a.kind, a.start, a."end", a.label, a.status, a.stance,
                          a.source_name, a.source_type, a.note, a.created_at, a.updated_at,
                          s.kind, s.start, s."end", s.label
                   FROM annotation a JOIN annotator n ON n.id = a.annotator_id JOIN article ar ON ar.id = a.article_id
                   LEFT JOIN suggestion s ON s.id = a.suggestion_id WHERE n.name = %s ORDER BY a.uid""",
                (annotator,),
            )
            anns = cur.fetchall()
            cur.execute(
                """SELECT st.uid, ar.content_hash, st.layer, st.status, st.note, st.updated_at FROM article_status st
                   JOIN annotator n ON n.id = st.annotator_id JOIN article ar ON ar.id = st.article_id
                   WHERE n.name = %s ORDER BY st.uid""",
                (annotator,),
            )
            sts = cur.fetchall()
            cur.execute(
                """SELECT ac.uid, ac.kind, ac.state, ac.undone_seq, c.uid FROM action ac JOIN annotator n ON n.id = ac.annotator_id
                   LEFT JOIN change c ON c.action_id = ac.id WHERE n.name = %s AND ac.kind != 'merge'
                   ORDER BY ac.uid COLLATE "C", c.uid COLLATE "C" NULLS FIRST""",
                (annotator,),
            )
            log = cur.fetchall()
        return {"annotations": anns, "statuses": sts, "log": log}
    finally:
        con.close()


_sqlite_dump = tm.dump
_sqlite_state = tm.state_of


def replay_matches(rows_of_changes, annotations, statuses) -> None:
    """The change log, replayed in id order, gives exactly the annotation and status tables."""
    replay: dict[tuple[str, str], dict] = {}
    for target, uid, op, after in rows_of_changes:
        if op == "delete":
            del replay[(target, uid)]
        else:
            replay[(target, uid)] = json.loads(after)
    want_a = {u: (r["label"], r["status"], r["start"], r["end"], r["note"]) for (t, u), r in replay.items() if t == "annotation"}
    want_s = {u: (r["status"], r["note"]) for (t, u), r in replay.items() if t == "article_status"}
    assert want_a == annotations
    assert want_s == statuses


# ---- no server needed ----------------------------------------------------------------------------
def test_location_never_shows_the_password():
    loc = ServerLocation(URL)
    assert str(loc) == "postgresql://ann@db.example.org:6543/news?sslmode=require"
    assert SECRET not in f"{loc} {loc!r} {loc.name} {loc.stem}" and "s3cr" not in repr(loc)
    assert (loc.name, loc.stem, loc.dbname, loc.host, loc.port, loc.user) == (
        "news@db.example.org", "news", "news", "db.example.org", "6543", "ann")
    assert loc.url == URL and copy.copy(loc).url == URL and copy.deepcopy(loc).url == URL
    assert loc.parent == Path.home() and loc.with_name("news-export.jsonl") == Path.home() / "news-export.jsonl"
    assert redact(URL) == str(loc) and redact("/tmp/x.sqlite") == "/tmp/x.sqlite"
    assert str(ServerLocation("postgres://h/db")) == "postgresql://h/db"
    assert ServerLocation("postgresql://[::1]:5433/db").identity == ("localhost", "5433", "db", "")
    assert not same_database("postgresql://h/db?options=-csearch_path%3Da", "postgresql://h/db?options=-csearch_path%3Db")
    assert same_database("postgresql://a:x@127.0.0.1:5432/db", "postgresql://b@localhost/db")
    assert not same_database("postgresql://h/db", "postgresql://h/other")
    assert not same_database("postgresql://h/db", Path("/tmp/db"))


def test_a_server_is_refused_as_a_file_to_merge(tmp_path):
    with pytest.raises(ProjectError, match="into itself"):
        check_sources(["postgresql://ann:pw@127.0.0.1/team"], "postgresql://ann@localhost:5432/team")
    with pytest.raises(ProjectError) as err:
        check_sources([URL], tmp_path / "review.sqlite")
    assert "PostgreSQL database" in err.value.message and "nothing was merged" in err.value.message
    assert "s3cr" not in err.value.message
    assert not (tmp_path / "review.sqlite").exists()


def test_cli_where_prints_the_url_without_password(capsys, monkeypatch):
    assert main(["where", "--db", URL]) == 0
    assert capsys.readouterr().out.strip() == "postgresql://ann@db.example.org:6543/news?sslmode=require"
    monkeypatch.setenv("ANNOTATOR_DB", URL)
    assert main(["where"]) == 0
    assert capsys.readouterr().out.strip() == redact(URL)


def test_unreachable_server_is_a_clear_error(capsys):
    with socket.socket() as s:  # a port on this machine that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://ann:{SECRET.replace('@', '%40').replace('/', '%2F')}@127.0.0.1:{port}/team?connect_timeout=3"
    started = time.monotonic()
    with pytest.raises(ProjectError) as err:
        open_project(url)
    assert time.monotonic() - started < 10
    msg = err.value.message
    assert msg.startswith(f"postgresql://ann@127.0.0.1:{port}/team") and "cannot open the project" in msg
    assert "s3cr" not in msg
    assert main(["stats", "--db", url]) == 2
    out = capsys.readouterr()
    assert "cannot open the project" in out.err and "s3cr" not in out.err + out.out


# ---- opening, refusing, migrating ----------------------------------------------------------------
@needs_pg
def test_an_empty_database_becomes_a_project(pg_url, pg_admin):
    p = open_project(pg_url)
    try:
        assert is_server_project(p) and isinstance(p.path, ServerLocation) and not p.readonly
        assert p.schema_version() == SCHEMA_VERSION and p.integrity_check() == "ok"
        assert {mdl._meta.table_name for mdl in m.ALL_MODELS} <= set(p.db.get_tables())
        assert p.get_info("created_at")
        p.set_info("k", "1")
        p.set_info("k", "2")  # an upsert (no INSERT OR REPLACE on PostgreSQL)
        assert p.get_info("k") == "2"
        # foreign keys are the server's own, with the models' ON DELETE rules
        fks = p.db.execute_sql(
            "SELECT conrelid::regclass::text, confdeltype FROM pg_constraint WHERE contype = 'f'"
        ).fetchall()
        expected = sum(1 for mdl in m.ALL_MODELS for f in mdl._meta.sorted_fields if hasattr(f, "rel_model"))
        assert len(fks) == expected and ("suggestion", "c") in fks and ("annotation", "n") in fks
    finally:
        p.close()


@needs_pg
def test_a_database_with_other_tables_is_refused_and_unchanged(pg_url):
    con = _pg(pg_url)
    con.autocommit = True
    con.cursor().execute("CREATE TABLE invoices (id integer PRIMARY KEY, total numeric)")
    con.close()
    with pytest.raises(ProjectError) as err:
        open_project(pg_url)
    assert "not an annotator project" in err.value.message and "PostgreSQL" in err.value.message
    assert list(dump_any(pg_url)) == ["invoices"]


@needs_pg
def test_a_newer_schema_is_refused(pg_url):
    open_project(pg_url).close()
    con = _pg(pg_url)
    con.autocommit = True
    con.cursor().execute("INSERT INTO schema_version (version, applied_at, note) VALUES (99, '', 'future')")
    con.close()
    with pytest.raises(ProjectError, match=r"newer annotator \(schema 99"):
        open_project(pg_url)


@needs_pg
def test_an_empty_database_is_not_created_without_create(pg_url):
    with pytest.raises(ProjectError, match="holds no annotator project"):
        open_project(pg_url, create=False)
    assert dump_any(pg_url) == {}


@needs_pg
def test_missing_database_and_wrong_password(pg_url):
    loc = ServerLocation(pg_url)
    with pytest.raises(ProjectError, match="does not exist"):
        open_project(with_database(pg_url, "annotator_no_such_database"))
    bad = f"postgresql://{loc.user}:wrong-{SECRET.replace('@', '%40').replace('/', '%2F')}@{loc.host}:{loc.port}/{loc.dbname}"
    with pytest.raises(ProjectError) as err:
        open_project(bad)
    assert "password authentication failed" in err.value.message and "s3cr" not in err.value.message


@needs_pg
def test_migration_runs_all_steps_in_one_transaction(pg_url, monkeypatch):
    p = open_project(pg_url)
    add_article("Kept through the migration.")
    p.close()

    def to_v2(db):
        db.execute_sql("ALTER TABLE article ADD COLUMN language TEXT DEFAULT 'en'")

    monkeypatch.setattr(m, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(dbmod.MIGRATIONS, SCHEMA_VERSION, to_v2)
    p = open_project(pg_url)
    try:
        assert p.schema_version() == SCHEMA_VERSION + 1 and p.migrated_from == SCHEMA_VERSION
        assert p.backup_path is None  # a server is backed up with pg_dump
        cols = [r[0] for r in p.db.execute_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'article'").fetchall()]
        assert "language" in cols
        assert m.Article.select(m.Article.text).scalar() == "Kept through the migration."
    finally:
        p.close()
    again = open_project(pg_url)  # nothing left to do
    assert again.migrated_from is None
    again.close()


@needs_pg
def test_a_failed_migration_leaves_the_database_as_it_was(pg_url, monkeypatch):
    p = open_project(pg_url)
    add_article("Still here.")
    p.close()

    def step1(db):
        db.execute_sql("ALTER TABLE article ADD COLUMN language TEXT")

    def step2(db):
        db.execute_sql("ALTER TABLE article ADD COLUMN half_done TEXT")
        db.execute_sql("THIS IS NOT SQL")

    monkeypatch.setattr(m, "SCHEMA_VERSION", SCHEMA_VERSION + 2)
    monkeypatch.setitem(dbmod.MIGRATIONS, SCHEMA_VERSION, step1)
    monkeypatch.setitem(dbmod.MIGRATIONS, SCHEMA_VERSION + 1, step2)
    before = dump_any(pg_url)
    with pytest.raises(ProjectError, match=f"migration to schema {SCHEMA_VERSION + 2} failed") as err:
        open_project(pg_url)
    assert "pg_dump" in err.value.message
    assert dump_any(pg_url) == before  # step 1 was rolled back with step 2
    con = _pg(pg_url)
    with con.cursor() as cur:
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'article'")
        assert not {"language", "half_done"} & {r[0] for r in cur.fetchall()}
    con.close()


@needs_pg
def test_clients_starting_at_once_create_one_project(pg_url):
    ctx = multiprocessing.get_context("spawn")
    n = 3
    barrier, out = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=pg_workers.open_only, args=(pg_url, barrier, out)) for _ in range(n)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=180) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert [r[1] for r in results] == [None] * n, [r[1] for r in results if r[1]]
    assert [r[0] for r in results] == [SCHEMA_VERSION] * n
    assert [row[0] for row in dump_any(pg_url)["schema_version"]] == [SCHEMA_VERSION]


# ---- read-only use, lost connections ---------------------------------------------------------------
@needs_pg
def test_read_only_session_reads_and_refuses_writes(pg_url, tmp_path):
    p = open_project(pg_url)
    a = add_article(TEXT)
    add_suggestion(a, *span(a, "Moscow"), "GPE")
    p.close()
    p = open_project(pg_url, readonly=True)
    try:
        assert p.readonly and m.Article.select().count() == 1
        with pytest.raises(ProjectError, match="read-only"):
            AnnotationSession(p, "alice")  # creating the annotator is a write
        with pytest.raises(ProjectError, match="read-only"):
            merge_files(p, [tmp_path / "x.sqlite"])
    finally:
        p.close()
    assert "annotator" not in {k for k, v in dump_any(pg_url).items() if v}


@needs_pg
def test_a_role_without_write_rights_opens_read_only(pg_url, pg_admin: PgAdmin):
    import psycopg2

    open_project(pg_url).close()
    role = "annotator_reader_" + ServerLocation(pg_url).dbname[-10:]
    try:
        pg_admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'reader-pw'")
    except psycopg2.errors.InsufficientPrivilege:
        pytest.skip("the test role may not create roles (scripts/ci_postgres.sh gives it CREATEROLE)")
    try:
        con = _pg(pg_url)
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        con.close()
        loc = ServerLocation(pg_url)
        p = open_project(f"postgresql://{role}:reader-pw@{loc.host}:{loc.port}/{loc.dbname}")
        try:
            assert p.readonly and m.Article.select().count() == 0
            with pytest.raises(ProjectError, match="read-only"):
                AnnotationSession(p, "alice")
        finally:
            p.close()
    finally:
        pg_admin.drop(pg_url)
        pg_admin.execute(f"DROP ROLE IF EXISTS {role}")


def _terminate_others(admin: PgAdmin, url: str) -> int:
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (ServerLocation(url).dbname,),
    )
    return len(rows)


@needs_pg
def test_a_dropped_connection_is_replaced_and_never_half_writes(pg_url, pg_admin):
    p = open_project(pg_url)
    try:
        a = add_article(TEXT)
        s = add_suggestion(a, *span(a, "Moscow"), "GPE")
        ses = AnnotationSession(p, "alice")
        ses.accept(s.id)
        # the server restarts (or an idle timeout): the next statement reconnects by itself
        assert _terminate_others(pg_admin, pg_url) >= 1
        time.sleep(0.2)
        assert m.Annotation.select().count() == 1
        # the connection goes in the middle of an action: the action fails whole, with a message
        before = dump_any(pg_url)
        with pytest.raises(ProjectError, match="lost the connection to the server"):
            with p.db.atomic():
                m.Annotator.create(name="half")
                _terminate_others(pg_admin, pg_url)
                time.sleep(0.2)
                m.Annotator.create(name="written")
        assert dump_any(pg_url) == before
        # and the next action just works
        ses.reject(add_suggestion(a, *span(a, "Geneva"), "GPE").id)
        assert [x.status for x in ses.annotations(a.id)] == ["accepted", "rejected"]
    finally:
        p.close()


# ---- backups ------------------------------------------------------------------------------------------
def _labelled_server_project(url: str):
    p = open_project(url)
    a = add_article(TEXT, title="Talks")
    sugs = [add_suggestion(a, *span(a, w), "GPE") for w in ("Moscow", "Geneva")]
    ses = AnnotationSession(p, "alice")
    ses.accept(sugs[0].id)
    ses.reject(sugs[1].id)
    ses.add(a.id, "claim", *span(a, "Moscow is ready"), stance="neutral", source_name="Lavrov")
    ses.undo()
    ses.set_status(a.id, "done")
    p.set_info("label_scheme_note", "team")
    return p, a


@needs_pg
def test_backup_is_a_consistent_sqlite_project(pg_url, tmp_path, monkeypatch, capsys):
    p, a = _labelled_server_project(pg_url)
    dest = backup_project(p, tmp_path / "team.sqlite")
    with pytest.raises(Exception, match="exists"):
        backup_project(p, dest)
    with pytest.raises(Exception, match="that is the project itself"):
        backup_project(p, p.path, force=True)
    p.close()
    server, copy_ = dump_any(pg_url), dump_any(dest)
    assert set(server) == set(copy_)
    for table, rows in server.items():
        assert [tuple(r) for r in rows] == [tuple(r) for r in copy_[table]], table
    con = sqlite3.connect(dest)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    # merging the snapshot back into the server changes nothing (it is the same state)
    p = open_project(pg_url)
    try:
        before = dump_any(pg_url)
        assert not merge_files(p, [dest]).changed
        assert dump_any(pg_url) == before
    finally:
        p.close()
    # an ordinary project: it opens, and its undo history works
    snap = open_project(dest)
    ses = AnnotationSession(snap, "alice")
    assert ses.status(a.id) == "done" and [x.description for x in ses.undo_stack()][-1] == "mark article done"
    ses.undo()
    assert ses.status(a.id) == "in_progress"
    snap.close()
    # the CLI: a snapshot in DBNAME.backups/ of the current folder, the URL shown without password
    monkeypatch.chdir(tmp_path)
    assert main(["backup", "--db", pg_url]) == 0
    out = capsys.readouterr().out
    loc = ServerLocation(pg_url)
    made = list((tmp_path / f"{loc.dbname}.backups").glob("*.sqlite"))
    assert len(made) == 1 and f"backed up {loc} to {made[0]}" in out
    secret = __import__("urllib.parse").parse.urlsplit(pg_url).password
    assert not secret or secret not in out


@needs_pg
def test_snapshots_taken_while_the_team_labels_are_consistent(pg_url, tmp_path):
    p = open_project(pg_url)
    for i in range(4):
        a = add_article(f"{TEXT} Story {i}.", title=f"t{i}")
        for w in ("Moscow", "Geneva", "Lavrov"):
            add_suggestion(a, *span(a, w), "GPE")
    p.close()
    ctx = multiprocessing.get_context("spawn")
    barrier, out, stop = ctx.Barrier(3), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(target=pg_workers.annotate, args=(pg_url, f"w{i}", i, None, barrier, out, stop, 60.0))
        for i in range(2)
    ]
    for proc in procs:
        proc.start()
    p = open_project(pg_url)
    snaps = []
    try:
        barrier.wait(timeout=120)
        for i in range(4):
            time.sleep(0.4)
            snaps.append(backup_project(p, tmp_path / f"snap{i}.sqlite"))
    finally:
        stop.set()
        results = [out.get(timeout=180) for _ in procs]
        for proc in procs:
            proc.join(timeout=60)
        p.close()
    assert [r[3] for r in results] == [None, None], [r[3] for r in results if r[3]]
    sizes = []
    for snap in snaps:
        con = sqlite3.connect(snap)
        changes = con.execute("SELECT target, target_uid, op, after FROM change ORDER BY id").fetchall()
        anns = {u: (lab, st, s, e, n) for u, lab, st, s, e, n in con.execute(
            'SELECT uid, label, status, start, "end", note FROM annotation')}
        sts = {u: (st, n) for u, st, n in con.execute("SELECT uid, status, note FROM article_status")}
        replay_matches(changes, anns, sts)  # every snapshot is one moment of the whole project
        orphans = con.execute("SELECT COUNT(*) FROM change WHERE action_id NOT IN (SELECT id FROM action)").fetchone()[0]
        assert orphans == 0
        sizes.append(len(changes))
        con.close()
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]  # taken while the log grew


# ---- the CLI and the services on a server project ---------------------------------------------------
@needs_pg
def test_cli_commands_on_a_server_project(pg_url, tmp_path, capsys, monkeypatch):
    from annotator.resources import default_scheme_path

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Angela Merkel said that Berlin will help.", encoding="utf-8")
    assert main(["import", "--db", pg_url, str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 0
    out = capsys.readouterr().out
    loc = ServerLocation(pg_url)
    assert f"into {loc}" in out
    assert main(["scheme", "--db", pg_url, "--set", str(default_scheme_path())]) == 0
    assert main(["scheme", "--db", pg_url, "--set", str(default_scheme_path())]) == 0  # stored again: an upsert
    capsys.readouterr()
    monkeypatch.setenv("ANNOTATOR_DB", str(loc))  # no password: $PGPASSWORD (set by the fixtures) has it
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 2
    assert main(["stats"]) == 0
    assert f"project:      {loc}" in capsys.readouterr().out
    assert main(["assign", "--annotators", "a,b", "--overlap", "1"]) == 0
    assert main(["export", "--db", pg_url, "--all", "--out", str(tmp_path / "x.jsonl"), "--no-tokens"]) == 0
    assert len((tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    manifest = (tmp_path / "x.jsonl.manifest.json").read_text(encoding="utf-8")
    assert json.loads(manifest)["project"] == str(loc)
    secret = __import__("urllib.parse").parse.urlsplit(pg_url).password
    assert not secret or secret not in manifest


@needs_pg
def test_article_list_queries_agree_with_sqlite(pg_url, tmp_path):
    from annotator.services.articles import ArticleFilter, ArticleQuery, SortKey

    def build(target) -> dict:
        p = open_project(target)
        try:
            arts = [add_article(t, title=t.split()[0], outlet=o) for t, o in (
                (TEXT, "Reuters"), ("Angela Merkel said that Berlin will help.", "AP"),
                ("Ünïcode Straße in München.", "dpa"))]
            for a in arts:
                for w in ("Moscow", "Berlin", "München"):
                    if w in a.text:
                        add_suggestion(a, *span(a, w), "GPE")
            ses = AnnotationSession(p, "alice")
            ses.accept(m.Suggestion.select().where(m.Suggestion.article == arts[0]).first().id)
            ses.set_status(arts[1].id, "done")
            q = ArticleQuery("alice")
            out = {}
            for name, flt in {
                "all": ArticleFilter(), "search": ArticleFilter(search="merkel"),
                "text": ArticleFilter(search="geneva", search_text=True), "done": ArticleFilter(statuses=frozenset({"done"})),
                "new": ArticleFilter(statuses=frozenset({"new"})), "label": ArticleFilter(label="GPE"),
                "outlet": ArticleFilter(outlet="AP"),
            }.items():
                ids = q.ids(flt)
                out[name] = [(s.title, s.status, s.open_suggestions, s.annotations) for s in q.summaries(ids)]
            for key in SortKey:
                out[f"sort-{key.value}"] = [s.title for s in q.summaries(q.ids(sort=key, descending=True))]
            out["outlets"] = q.outlets()
            out["progress"] = q.progress()
            return out
        finally:
            p.close()

    assert build(pg_url) == build(tmp_path / "same.sqlite")


# ---- merging analysts' files into a server project ------------------------------------------------
templates = tm.templates  # the analysts' files, built once per module


@pytest.fixture
def pg_files(templates, tmp_path, pg_url, monkeypatch):
    """test_merge's files, with the review project on the server."""
    out = {}
    for name in ("alice", "bob"):
        out[name] = tmp_path / templates[name].name
        shutil.copy(templates[name], out[name])
    tm.build_review(pg_url)
    out["review"] = pg_url
    monkeypatch.setattr(tm, "dump", dump_any)
    monkeypatch.setattr(tm, "state_of", state_any)
    return out


SERVER_MERGE_TESTS = [
    "test_merge_brings_annotations_articles_and_logs",
    "test_merging_twice_changes_nothing",
    "test_newer_file_of_the_same_annotator_updates_only_that_annotators_rows",
    "test_undo_works_on_merged_actions_in_the_review_project",
    "test_merging_a_project_into_itself_is_refused",
    "test_inconsistent_file_is_refused",
    "test_decision_on_a_suggestion_the_review_project_lacks_gets_a_copy",
    "test_merge_from_a_file_open_in_another_program",
]


@needs_pg
@pytest.mark.parametrize("name", SERVER_MERGE_TESTS)
def test_merge_into_a_server_project(name, pg_files, tmp_path):
    """test_merge's tests, unchanged, with a server review project."""
    fn = getattr(tm, name)
    given = {"files": pg_files, "tmp_path": tmp_path}
    fn(**{k: given[k] for k in inspect.signature(fn).parameters})


_BAD = next(mk for mk in tm.test_bad_files_are_refused_with_no_change.pytestmark if mk.name == "parametrize").args[1]


@needs_pg
@pytest.mark.parametrize("kind, words", _BAD)
def test_bad_files_are_refused_by_a_server_project(pg_files, tmp_path, kind, words):
    tm.test_bad_files_are_refused_with_no_change(pg_files, tmp_path, kind, words)


@needs_pg
def test_a_merged_snapshot_never_touches_other_annotators(pg_files, tmp_path):
    """test_merge's "copy of the review project" is, for a server, a backup snapshot."""
    tm.merge(pg_files["review"], pg_files["bob"])
    p = open_project(pg_files["review"])
    stale = backup_project(p, tmp_path / "stale.sqlite")
    ses = AnnotationSession(p, "bob")
    a3 = m.Article.get(m.Article.title == "Joe")
    ses.add(a3.id, "entity", *span(a3, "London"), "GPE")
    p.close()
    bob_now = state_any(pg_files["review"], "bob")
    tm.merge(pg_files["review"], stale, pg_files["alice"])
    assert state_any(pg_files["review"], "bob") == bob_now
    assert state_any(pg_files["review"], "alice") == state_any(pg_files["alice"], "alice")


@needs_pg
def test_cli_merge_into_a_server_project(pg_files, capsys):
    review = pg_files["review"]
    loc = ServerLocation(review)
    assert main(["merge", str(pg_files["alice"]), str(pg_files["bob"]), "--db", review]) == 0
    out = capsys.readouterr().out
    assert "alice: 5 new" in out and f"merged into {loc}" in out
    assert main(["merge", str(pg_files["alice"]), "--db", str(loc)]) == 0
    assert "nothing new" in capsys.readouterr().out
    assert main(["merge", review, "--db", review]) == 2
    assert "into itself" in capsys.readouterr().err


@needs_pg
def test_review_after_merging_into_a_server_project(pg_files):
    from tests.test_review_service import keyed

    from annotator.services.review import ReviewSession

    tm.merge(pg_files["review"], pg_files["alice"], pg_files["bob"])
    p = open_project(pg_files["review"])
    try:
        art = m.Article.get(m.Article.title == tm.T1.split()[0])
        rev = ReviewSession(p, "lead")
        view = rev.view(art.id)
        assert view.annotators == ("alice", "bob")
        claim = keyed(view)[("claim", "Moscow is ready")]
        rev.accept_agreed(art.id)
        rev.accept(art.id, claim.key, "alice")
        assert sorted((g.kind, g.label, g.stance) for g in rev.session.annotations(art.id)) == [
            ("claim", "CLAIM", "neutral"), ("entity", "PERSON", None)]
    finally:
        p.close()


# ---- several analysts at once ------------------------------------------------------------------------
@needs_pg
def test_concurrent_writers_lose_nothing(pg_url):
    """N processes, each M AnnotationSession actions as a different annotator, all at once on the
    same articles: every committed action is in the log, every annotator's final state is what
    that annotator saw, and the change log replays to the annotation and status tables."""
    n, actions = 4, 40
    p = open_project(pg_url)
    for i in range(3):
        a = add_article(f"{TEXT} Report {i} from Vienna.", title=f"r{i}")
        for w in ("Lavrov", "Moscow", "Geneva", "Vienna"):
            add_suggestion(a, *span(a, w), "GPE" if w != "Lavrov" else "PERSON")
    p.close()
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(n), ctx.Queue()
    names = [f"analyst{i}" for i in range(n)]
    procs = [ctx.Process(target=pg_workers.annotate, args=(pg_url, name, 1000 + i, actions, barrier, out))
             for i, name in enumerate(names)]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    results = {r[0]: r for r in (out.get(timeout=300) for _ in procs)}
    for proc in procs:
        proc.join(timeout=60)
    assert all(proc.exitcode == 0 for proc in procs)
    errors = [r[3] for r in results.values() if r[3]]
    assert not errors, errors[0]
    assert time.monotonic() - started < 300

    p = open_project(pg_url)
    try:
        for name in names:
            _, done, final, _ = results[name]
            assert len(done) == actions
            who = m.Annotator.get(m.Annotator.name == name)
            logged = {u for (u,) in m.Action.select(m.Action.uid).where(m.Action.annotator == who).tuples()}
            assert logged == set(done)  # every committed action, nothing else
            now = sorted(
                (x.uid, x.article_id, x.label, x.status, x.start, x.end, x.note)
                for x in m.Annotation.select().where(m.Annotation.annotator == who)
            )
            assert now == final
        changes = list(m.Change.select(m.Change.target, m.Change.target_uid, m.Change.op, m.Change.after)
                       .order_by(m.Change.id).tuples())
        anns = {x.uid: (x.label, x.status, x.start, x.end, x.note) for x in m.Annotation.select()}
        sts = {x.uid: (x.status, x.note) for x in m.ArticleStatus.select()}
        replay_matches(changes, anns, sts)
        assert m.Action.select().count() == n * actions
        assert len(anns) > 0 and m.Change.select().count() >= n * actions
    finally:
        p.close()
