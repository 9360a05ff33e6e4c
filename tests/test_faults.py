"""Faults of the project file: another program writing or holding the lock, a read-only file or
folder, a full disk, a damaged file, a file from a newer version.

Every fault must give one clear P00x message (never a traceback or a misleading text) and lose
nothing that was saved before: each test compares the tables with a dump taken before the
fault, after reopening the file.

How the faults are made (tests run as root here, and root ignores file permissions):

* locks: a second connection, in another process, holding ``BEGIN EXCLUSIVE``; the budget is
  set with ``guard.LOCK_BUDGET_S`` or ``$ANNOTATOR_LOCK_BUDGET``;
* read-only: ``open_project(readonly=True)`` (a ``mode=ro`` connection) everywhere, and a
  read-only bind mount of the project's folder where mounting works (as root in a container
  with CAP_SYS_ADMIN; skipped otherwise) -- the only way to get a real EROFS as root;
* full disk: ``PRAGMA max_page_count`` lowered on the project's connection (SQLite then
  answers exactly as on a full disk: "database or disk is full"), and a real 1 MB tmpfs where
  mounting works;
* damage: truncation, a broken header, a page of the annotation table overwritten with
  garbage, a garbage ``-wal`` file, random byte flips (seeded).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.domain.errors import AnnotationError, ProjectError
from annotator.services.annotate import AnnotationSession
from annotator.store import guard, open_project
from annotator.store import models as m
from tests.test_crash import (
    ROOT,
    WorkerRun,
    build_project,
    check_database,
    dump_tables,
    start_worker,
)

HOLDER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
con.execute("BEGIN EXCLUSIVE")
print("LOCKED", flush=True)
if len(sys.argv) > 2:
    time.sleep(float(sys.argv[2]))
else:
    sys.stdin.readline()
con.execute("ROLLBACK")
print("RELEASED", flush=True)
"""


class LockHolder:
    """Another process holding the write lock of a project file (``BEGIN EXCLUSIVE``)."""

    def __init__(self, path: Path, seconds: float | None = None) -> None:
        args = [sys.executable, "-c", HOLDER, str(path)] + ([str(seconds)] if seconds is not None else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "LOCKED"

    def release(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("\n")
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
        self.proc.wait(timeout=30)
        self.proc.stdin.close()
        self.proc.stdout.close()


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "p.sqlite"
    build_project(path, articles=3)
    return path


def _suggestions(article_id: int) -> list[int]:
    return [s.id for s in m.Suggestion.select(m.Suggestion.id).where(m.Suggestion.article == article_id)
            .order_by(m.Suggestion.id)]


def _all_writes(ses: AnnotationSession, sugg: list[int]):
    """One call of every kind of write the app makes."""
    return [
        ("accept", lambda: ses.accept(sugg[0])),
        ("reject", lambda: ses.reject(sugg[1])),
        ("add", lambda: ses.add(1, "entity", 0, 7, "ORG")),
        ("status", lambda: ses.set_status(1, "done")),
        ("note", lambda: ses.set_article_note(1, "x")),
        ("last article", lambda: ses.set_last_article(2)),
    ]


# ---- the guard itself ---------------------------------------------------------------------------
def test_translate_maps_every_failure_to_its_message():
    cases = {
        "database is locked": ("P006", "locked by another program"),
        "attempt to write a readonly database": ("P005", "read-only"),
        "database or disk is full": ("P008", "disk is full"),
        "disk I/O error": ("P008", "disk is full or the write failed"),
        "database disk image is malformed": ("P002", "corrupt"),
        "file is not a database": ("P002", "corrupt"),
        "unable to open database file": ("P004", "cannot open"),
    }
    for text, (code, words) in cases.items():
        err = guard.translate(sqlite3.OperationalError(text), "/x/p.sqlite", budget=3)
        assert err is not None and words in err.message and err.message.startswith("/x/p.sqlite: "), (code, err)
    assert guard.translate(sqlite3.IntegrityError("UNIQUE constraint failed: article.uid"), "p") is None
    assert guard.translate(ValueError("database is locked"), "p") is None  # only database errors
    # the failure behind a second error (peewee's rollback after SQLite already rolled back)
    import peewee

    try:
        try:
            raise peewee.OperationalError("database or disk is full")
        except peewee.OperationalError:
            raise peewee.OperationalError("cannot rollback - no transaction is active")
    except peewee.OperationalError as exc:
        err = guard.translate(exc, "p")
    assert isinstance(err, guard.DatabaseFull)


def test_lock_budget_from_constant_or_environment(monkeypatch):
    monkeypatch.delenv(guard.ENV_LOCK_BUDGET, raising=False)
    monkeypatch.setattr(guard, "LOCK_BUDGET_S", 4.0)
    assert guard.lock_budget() == 4.0
    monkeypatch.setenv(guard.ENV_LOCK_BUDGET, "0.25")
    assert guard.lock_budget() == 0.25
    monkeypatch.setenv(guard.ENV_LOCK_BUDGET, "soon")
    assert guard.lock_budget() == 4.0


def test_busy_answers_are_retried_with_growing_backoff(project, monkeypatch):
    sleeps: list[float] = []
    monkeypatch.setattr(guard.time, "sleep", sleeps.append)
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 5:
            raise sqlite3.OperationalError("database is locked")
        return "ok"

    assert guard.call(project, flaky) == "ok"
    assert len(attempts) == 5 and len(sleeps) == 4
    # exponential (with jitter in [0.5, 1.5) of the step): the last wait is longer than the first
    assert sleeps[-1] > sleeps[0] and all(s > 0 for s in sleeps)


def test_a_lock_longer_than_the_budget_gives_p006_in_about_the_budget(project, monkeypatch):
    monkeypatch.setattr(guard, "LOCK_BUDGET_S", 0.4)
    attempts = []

    def locked():
        attempts.append(1)
        raise sqlite3.OperationalError("database is locked")

    start = time.monotonic()
    with pytest.raises(guard.DatabaseBusy) as e:
        guard.call(project, locked)
    took = time.monotonic() - start
    assert 0.35 <= took < 1.5, took
    assert e.value.message == f"{project.path}: the database is locked by another program; tried for 0 s"
    assert 2 <= len(attempts) <= 15  # backoff, not a busy loop


def test_a_write_waits_in_slices_and_calls_the_wait_hook(small, monkeypatch):
    """With a WAIT_HOOK (the app's keeps its window painting), a write waiting for a lock calls
    it every slice; the connection's busy timeout is the whole budget again afterwards."""
    monkeypatch.setattr(guard, "LOCK_BUDGET_S", 5.0)
    calls: list[float] = []
    monkeypatch.setattr(guard, "WAIT_HOOK", lambda: calls.append(time.monotonic()))
    project = open_project(small)
    ses = AnnotationSession(project, "ana")
    holder = LockHolder(small, seconds=0.8)
    try:
        start = time.monotonic()
        ses.accept(_suggestions(1)[0])
    finally:
        holder.release()
    assert time.monotonic() - start >= 0.6
    assert len(calls) >= 4  # about every WAIT_SLICE_S
    assert max(b - a for a, b in zip(calls, calls[1:])) < 0.5
    assert project.db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    calls.clear()
    ses.annotations(1)  # reads do not wait in WAL mode: no slicing, no hook
    assert calls == []
    project.close()


def test_nothing_is_retried_inside_an_outer_transaction(project):
    attempts = []

    def locked():
        attempts.append(1)
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(guard.DatabaseBusy), project.db.atomic():
        guard.call(project, locked)
    assert len(attempts) == 1


# ---- two writers ----------------------------------------------------------------------------
def test_an_action_takes_the_write_lock_when_it_begins(small, monkeypatch):
    """Regression: actions began DEFERRED, read, then wrote. When another program committed in
    between, SQLite refused the write at once ("database is locked", no waiting: the read
    snapshot was stale), so two programs labelling one project failed most of their actions
    (345 and 357 of 400 in a two-process run). Now BEGIN IMMEDIATE takes the write lock first: another
    writer waits for us, and we never fail half-way."""
    project = open_project(small)
    ses = AnnotationSession(project, "ana")
    sugg = _suggestions(1)
    other_results = []
    original = AnnotationSession._drop_redo

    def another_program_writes(self):
        original(self)  # the action has read (a snapshot is open) and is about to write
        con = sqlite3.connect(small, timeout=0.2, isolation_level=None)
        try:
            con.execute("INSERT INTO project_info(key, value) VALUES ('other', 'x')")
            other_results.append("written")
        except sqlite3.OperationalError as exc:
            other_results.append(str(exc))
        finally:
            con.close()

    monkeypatch.setattr(AnnotationSession, "_drop_redo", another_program_writes)
    result = ses.accept(sugg[0])
    assert other_results == ["database is locked"]  # the other program had to wait for us
    assert m.Action.get_or_none(m.Action.uid == result.action_uid) is not None
    project.close()


def test_undo_restores_a_record_whose_row_id_was_reused_by_another_analyst(small):
    """Regression (found by the two-process test below): undoing a delete re-inserted the
    annotation with its old row id. SQLite gives the id of a deleted last row to the next
    insert, so when another analyst added a span in between, the undo failed with a raw
    "UNIQUE constraint failed: annotation.id" (a traceback in the app). Records are identified
    by uid; the re-inserted one now gets a free id, and the log records the id it got."""
    from tests.test_crash import replay_matches

    project = open_project(small)
    alice, bob = AnnotationSession(project, "alice"), AnnotationSession(project, "bob")
    a = alice.add(1, "entity", 0, 7, "ORG").annotation_ids[0]
    alice.update(a, label="GPE")
    alice.delete(a)
    b = bob.add(2, "entity", 0, 7, "ORG").annotation_ids[0]
    assert b == a  # the id was reused
    effect = alice.effect(alice.undo().action_uid)
    (restored,) = alice.annotations(1)
    assert restored.id != a and restored.label == "GPE"
    assert [r.id for r in effect.annotations] == [restored.id]
    alice.undo()  # the relabel, on the re-inserted row
    assert [(r.id, r.label) for r in alice.annotations(1)] == [(restored.id, "ORG")]
    alice.redo()
    alice.redo()
    assert alice.annotations(1) == [] and [r.id for r in bob.annotations(2)] == [b]
    # the same for an article status row
    st = alice.set_status(1, "done")
    alice.undo()
    bob.set_status(2, "done")
    assert alice.effect(alice.redo().action_uid).article_status and alice.status(1) == "done"
    assert st.action_uid
    project.close()
    assert replay_matches(small)[0]


def test_two_sessions_in_two_processes_and_a_cli_import(tmp_path):
    """Two analysts label different articles of one project file in two processes while a
    third imports a folder of 1,500 files with the CLI (the analysts start after its first
    batch, so the three really overlap): every committed action is there, nothing failed, the
    import is complete, the file is intact and the log replays to the tables."""
    db = tmp_path / "shared.sqlite"
    build_project(db, articles=10)
    folder = tmp_path / "incoming"
    folder.mkdir()
    files = 1500
    for i in range(files):
        (folder / f"n{i:04d}.txt").write_text(
            f"Report {i}\n\nOfficials in city {i} said that the roads reopened. " + "Details follow. " * 30,
            encoding="utf-8",
        )
    go = tmp_path / "go"
    env = {"ANNOTATOR_TEST_GO": str(go)}
    workers = {
        "alice": start_worker(db, "alice", 101, 500, only=[1, 2, 3, 4, 5], env=env),
        "bob": start_worker(db, "bob", 202, 500, only=[6, 7, 8, 9, 10], env=env),
    }
    cli_proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", str(folder), "--db", str(db), "--no-preannotate"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    # the analysts start once the import has committed its first batch, so all three overlap
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and cli_proc.poll() is None:
        con = sqlite3.connect(db, timeout=30)
        try:
            if con.execute("SELECT COUNT(*) FROM article").fetchone()[0] > 10:
                break
        finally:
            con.close()
        time.sleep(0.01)
    go.touch()
    out, err = cli_proc.communicate(timeout=300)
    cli = subprocess.CompletedProcess(cli_proc.args, cli_proc.returncode, out, err)
    runs = {}
    for name, proc in workers.items():
        out, err = proc.communicate(timeout=300)
        run = WorkerRun()
        for line in out.splitlines(keepends=True):
            run.feed(line)
        run.returncode, run.stderr = proc.returncode, err
        runs[name] = run
    assert cli.returncode == 0, cli.stderr
    assert f"imported {files} article(s)" in cli.stdout, cli.stdout
    for name, run in runs.items():
        assert run.returncode == 0 and run.done, (name, run.stderr[-3000:])
        assert not run.failed, (name, run.failed[:3])
        assert len(run.committed) >= 400
    check_database(db)
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT COUNT(*) FROM article").fetchone()[0] == 10 + files
        for name, run in runs.items():
            logged = {u for (u,) in con.execute(
                "SELECT a.uid FROM action a JOIN annotator n ON n.id = a.annotator_id WHERE n.name = ?", (name,))}
            assert logged == set(run.committed), name  # none lost, none extra
            touched = {r[0] for r in con.execute(
                "SELECT DISTINCT article_id FROM annotation a JOIN annotator n ON n.id = a.annotator_id "
                "WHERE n.name = ?", (name,))}
            assert touched <= ({1, 2, 3, 4, 5} if name == "alice" else {6, 7, 8, 9, 10})
        # and the three really wrote at the same time
        imported = con.execute("SELECT MIN(imported_at), MAX(imported_at) FROM article WHERE id > 10").fetchone()
        for name in runs:
            acted = con.execute("SELECT MIN(at), MAX(at) FROM action a JOIN annotator n ON n.id = a.annotator_id "
                                "WHERE n.name = ?", (name,)).fetchone()
            assert acted[0] < imported[1] and imported[0] < acted[1], (name, acted, imported)
    finally:
        con.close()


# ---- a lock held by another program ---------------------------------------------------------
def test_a_short_lock_is_waited_for(small, monkeypatch):
    monkeypatch.setattr(guard, "LOCK_BUDGET_S", 5.0)
    project = open_project(small)
    ses = AnnotationSession(project, "ana")
    holder = LockHolder(small, seconds=0.6)
    start = time.monotonic()
    result = ses.accept(_suggestions(1)[0])
    took = time.monotonic() - start
    holder.release()
    assert took >= 0.4, took  # it did wait for the other program
    assert m.Action.get_or_none(m.Action.uid == result.action_uid) is not None
    project.close()


def test_a_long_lock_gives_p006_and_writes_nothing(small, monkeypatch):
    monkeypatch.setattr(guard, "LOCK_BUDGET_S", 0.3)
    project = open_project(small)
    ses = AnnotationSession(project, "ana")
    sugg = _suggestions(1)
    ses.accept(sugg[5])
    before = dump_tables(small)
    holder = LockHolder(small)
    try:
        for name, write in _all_writes(ses, sugg) + [("undo", ses.undo)]:
            start = time.monotonic()
            with pytest.raises(ProjectError) as e:
                write()
            assert e.value.message == f"{small}: the database is locked by another program; tried for 0 s", name
            assert time.monotonic() - start < 2.5, name
        # reading still works while another program writes (WAL)
        assert len(ses.annotations(1)) == 1
    finally:
        holder.release()
    assert dump_tables(small) == before
    # the connection is usable again at once: no transaction was left open
    assert project.db.transaction_depth() == 0
    ses.accept(sugg[0])
    ses.undo()
    project.close()


def test_cli_reports_a_lock_in_one_line(small, tmp_path):
    (tmp_path / "a.txt").write_text("A new article about the talks in Geneva.", encoding="utf-8")
    holder = LockHolder(small)
    try:
        start = time.monotonic()
        cli = subprocess.run(
            [sys.executable, "-m", "annotator", "import", str(tmp_path / "a.txt"), "--db", str(small),
             "--no-preannotate"],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, guard.ENV_LOCK_BUDGET: "0.5"},
        )
        took = time.monotonic() - start
    finally:
        holder.release()
    assert cli.returncode == 2, (cli.stdout, cli.stderr)
    assert cli.stderr.strip().splitlines() == [
        f"annotator: {small}: the database is locked by another program; tried for 0 s"
    ], cli.stderr
    assert took < 30


# ---- read-only --------------------------------------------------------------------------------
def test_read_only_project_reads_and_refuses_every_write(small):
    with open_project(small) as project:
        AnnotationSession(project, "ana")  # the analyst's name is in the file
    before = dump_tables(small)
    project = open_project(small, readonly=True)
    assert project.readonly
    ses = AnnotationSession(project, "ana")  # an annotator already in the file
    sugg = _suggestions(1)
    assert ses.text(1) and len(ses.open_suggestions(1)) == len(sugg)
    assert ses.resume_article() is not None
    for name, write in _all_writes(ses, sugg):
        with pytest.raises(ProjectError) as e:
            write()
        assert e.value.message == (
            f"{small}: the project is read-only (it was opened read-only); open a copy or fix the file permissions"
        ), name
    project.close()
    assert dump_tables(small) == before
    with open_project(small) as again:  # and it is still an ordinary, writable project
        assert not again.readonly
        AnnotationSession(again, "ana").accept(sugg[0])


def _can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def mounts():
    """Mount points made by a test, unmounted afterwards; skips the test where mounting fails."""
    made: list[Path] = []

    def mount(args: list[str], target: Path) -> None:
        if not _can_mount():
            pytest.skip("mounting needs root on Linux")
        target.mkdir(parents=True, exist_ok=True)
        res = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True, check=False)
        if res.returncode != 0:
            pytest.skip(f"cannot mount here: {res.stderr.strip()}")
        made.append(target)

    def read_only_view(src: Path, target: Path) -> Path:
        mount(["--bind", str(src)], target)
        res = subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True, text=True,
                             check=False)
        if res.returncode != 0:
            pytest.skip(f"cannot remount read-only: {res.stderr.strip()}")
        return target

    mount.read_only_view = read_only_view  # type: ignore[attr-defined]
    yield mount
    for target in reversed(made):
        if subprocess.run(["umount", str(target)], capture_output=True, check=False).returncode != 0:
            time.sleep(0.2)
            subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


def test_project_on_a_read_only_medium_opens_read_only(tmp_path, mounts):
    """Regression: a project in a read-only folder (a read-only share, a mounted archive)
    could not be opened at all: "not a SQLite database, or the file is corrupt (unable to open
    database file)", because SQLite cannot create the WAL shared-memory file there. Now it
    opens read-only (SQLite's immutable mode: nobody can change a file on a read-only medium)."""
    src = tmp_path / "src"
    src.mkdir()
    build_project(src / "p.sqlite", articles=3)
    with open_project(src / "p.sqlite") as project:
        AnnotationSession(project, "ana")
    before = dump_tables(src / "p.sqlite")
    assert sorted(p.name for p in src.iterdir()) == ["p.sqlite"]  # closed cleanly: no -wal, no -shm
    view = mounts.read_only_view(src, tmp_path / "ro")
    path = view / "p.sqlite"
    assert not os.access(path, os.W_OK)  # EROFS, even for root
    project = open_project(path)
    assert project.readonly
    assert m.Article.select().count() == 3
    ses = AnnotationSession(project, "ana")
    assert len(ses.open_suggestions(1)) == len(_suggestions(1))
    for name, write in _all_writes(ses, _suggestions(1)):
        with pytest.raises(ProjectError) as e:
            write()
        assert e.value.message == (
            f"{path}: the project is read-only (it is on a read-only medium); open a copy or fix the file permissions"
        ), name
    with pytest.raises(ProjectError, match="read-only medium"):
        AnnotationSession(project, "newcomer")  # not even a new annotator's name can be recorded
    project.close()
    assert dump_tables(src / "p.sqlite") == before
    # a new project cannot be made there
    with pytest.raises(ProjectError, match="the folder is not writable"):
        open_project(view / "new.sqlite")


def test_project_with_unmerged_wal_on_a_read_only_medium_is_refused_clearly(tmp_path, mounts):
    """The latest commits are still in the -wal file (the writer was killed) and there is no
    -shm file: SQLite cannot read such a WAL without writing, so the project is refused with
    P005 naming the -wal file; after copying it somewhere writable, nothing is lost."""
    src = tmp_path / "src"
    src.mkdir()
    db = src / "p.sqlite"
    build_project(db, articles=2)
    writer = (
        "import os, signal, sqlite3, sys\n"
        "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "con.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "con.execute(\"INSERT INTO project_info(key, value) VALUES ('only-in-wal', 'kept')\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", writer, str(db)], check=False)
    assert Path(f"{db}-wal").stat().st_size > 0
    Path(f"{db}-shm").unlink()
    view = mounts.read_only_view(src, tmp_path / "ro")
    proc = subprocess.run(  # a fresh process: no SQLite state shared with this one
        [sys.executable, "-m", "annotator", "stats", "--db", str(view / "p.sqlite")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2
    assert "the project is read-only (its latest changes are in p.sqlite-wal" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(view / "p.sqlite", copy / "p.sqlite")
    shutil.copy(view / "p.sqlite-wal", copy / "p.sqlite-wal")
    with open_project(copy / "p.sqlite") as project:
        assert project.get_info("only-in-wal") == "kept"


# ---- a full disk ------------------------------------------------------------------------------
def test_full_disk_gives_p008_and_keeps_everything_saved(small):
    project = open_project(small)
    ses = AnnotationSession(project, "ana")
    sugg = _suggestions(1)
    pages = project.db.execute_sql("PRAGMA page_count").fetchone()[0]
    project.db.execute_sql(f"PRAGMA max_page_count = {pages}")  # SQLite: "database or disk is full"
    done: list[str] = []
    error = None
    for i in range(2000):
        snapshot = dump_tables(small)
        try:
            done.append(ses.add(1 + i % 3, "entity", 0, 5, "PERSON", note="n" * 400).action_uid)
        except ProjectError as exc:
            error = exc
            break
    assert error is not None, "the page limit was never reached"
    assert error.message.startswith(f"{small}: the disk is full or the write failed (database or disk is full)")
    assert "nothing from the last action was saved" in error.message
    assert dump_tables(small) == snapshot  # the failed action left nothing behind
    assert project.db.transaction_depth() == 0
    # other writes fail the same way, with the same message (no "cannot rollback")
    with pytest.raises(ProjectError, match="the disk is full"):
        ses.accept_all(1)
    # space again: the same session goes on
    project.db.execute_sql("PRAGMA max_page_count = 1073741823")
    ses.accept(sugg[0])
    project.close()
    with open_project(small) as again:
        assert again.integrity_check() == "ok"
        assert {u for (u,) in m.Action.select(m.Action.uid).tuples()} >= set(done)
    check_database(small)


def test_full_tmpfs_gives_p008_and_loses_nothing(tmp_path, mounts):
    """A real full file system (a 1 MB tmpfs): the failed action is rolled back, the message
    is P008, and after making room every earlier action is in the file."""
    disk = tmp_path / "disk"
    mounts(["-t", "tmpfs", "-o", "size=1m", "tmpfs"], disk)
    db = disk / "p.sqlite"
    build_project(db, articles=2)
    project = open_project(db)
    ses = AnnotationSession(project, "ana")
    done: list[str] = []
    error = None
    for i in range(5000):
        try:
            done.append(ses.add(1 + i % 2, "entity", 0, 5, "PERSON", note="x" * 1500).action_uid)
        except ProjectError as exc:
            error = exc
            break
    assert error is not None and "the disk is full or the write failed" in error.message, error
    assert len(done) > 5
    try:
        project.close()
    except ProjectError:
        pass  # the final checkpoint may fail for want of space; the WAL keeps the data
    subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)
    check_database(db)
    with open_project(db):
        assert {u for (u,) in m.Action.select(m.Action.uid).tuples()} >= set(done)


# ---- damaged files ----------------------------------------------------------------------------
def _project_with_work(path: Path) -> None:
    build_project(path, articles=4)
    with open_project(path) as project:
        ses = AnnotationSession(project, "ana")
        for aid in range(1, 5):
            for sid in _suggestions(aid)[:12]:
                ses.accept(sid)


def _unchanged(path: Path, data: bytes) -> bool:
    return path.read_bytes() == data


def test_truncated_or_headless_file_is_refused_and_left_alone(tmp_path):
    for name, damage in (
        ("truncated", lambda b: b[: len(b) // 3]),
        ("header", lambda b: b"\x00" * 100 + b[100:]),
        ("one page", lambda b: b[:4096]),
    ):
        path = tmp_path / f"{name.replace(' ', '_')}.sqlite"
        _project_with_work(path)
        data = damage(path.read_bytes())
        path.write_bytes(data)
        with pytest.raises(ProjectError) as e:
            open_project(path)
        assert e.value.message.startswith(f"{path}: not a SQLite database, or the file is corrupt"), (name, e.value)
        assert _unchanged(path, data), name


def test_a_damaged_table_gives_p002_when_it_is_read_not_a_traceback(tmp_path):
    path = tmp_path / "p.sqlite"
    _project_with_work(path)
    con = sqlite3.connect(path)
    root, page_size = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'annotation'").fetchone()[0], \
        con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = random.Random(5).randbytes(page_size)
    path.write_bytes(bytes(data))
    project = open_project(path)  # page 1 is fine: the damage shows on reading the table
    assert project.integrity_check() != "ok"
    ses = AnnotationSession(project, "ana")
    for name, call in (
        ("annotations", lambda: ses.annotations(1)),
        ("open suggestions", lambda: ses.open_suggestions(1)),
        ("accept", lambda: ses.accept(_suggestions(2)[-1])),
        ("undo", ses.undo),
    ):
        with pytest.raises(ProjectError) as e:
            call()
        assert e.value.message.startswith(f"{path}: not a SQLite database, or the file is corrupt"), (name, e.value)
    project.close()


def test_a_garbage_wal_file_is_ignored_and_nothing_is_lost(tmp_path):
    path = tmp_path / "p.sqlite"
    _project_with_work(path)
    before = dump_tables(path)
    Path(f"{path}-wal").write_bytes(random.Random(1).randbytes(50_000))
    with open_project(path) as project:
        assert project.integrity_check() == "ok"
    assert dump_tables(path) == before


def test_random_damage_never_gives_anything_but_a_project_error(tmp_path):
    """Seeded byte flips anywhere in the file: opening, reading and labelling either work or
    raise a ProjectError with a P00x message; no other exception ever escapes."""
    original = tmp_path / "orig.sqlite"
    _project_with_work(original)
    data = original.read_bytes()
    rng = random.Random(2024)
    outcomes = {"ok": 0, "refused": 0}
    for i in range(40):
        path = tmp_path / f"d{i}.sqlite"
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 8, 64])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path.write_bytes(bytes(damaged))
        try:
            project = open_project(path)
        except ProjectError as exc:
            assert exc.message.startswith(str(path)), exc.message
            outcomes["refused"] += 1
            continue
        try:
            ses = AnnotationSession(project, "ana")
            for aid in range(1, 5):
                ses.annotations(aid)
                ses.open_suggestions(aid)
                ses.suggestions(aid)
            ses.accept(_suggestions(1)[-1])
            ses.undo()
            outcomes["ok"] += 1
        except ProjectError as exc:
            assert exc.message.startswith(str(path)), exc.message
            outcomes["refused"] += 1
        except AnnotationError:  # a damaged value (e.g. a flipped offset) refused as a bad annotation
            outcomes["refused"] += 1
        finally:
            project.close()
    assert outcomes["refused"] > 0


# ---- a newer file ------------------------------------------------------------------------------
def test_a_file_from_a_newer_version_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "p.sqlite"
    _project_with_work(path)
    con = sqlite3.connect(path)
    con.execute(f"INSERT INTO schema_version VALUES ({m.SCHEMA_VERSION + 1}, '2031-01-01T00:00:00', 'future')")
    con.execute("ALTER TABLE annotation ADD COLUMN confidence REAL")
    con.execute("CREATE TABLE future_thing (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    data = path.read_bytes()
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ProjectError) as e:
        open_project(path)
    assert e.value.message == (
        f"{path}: this project was written by a newer annotator (schema {m.SCHEMA_VERSION + 1}, this version "
        f"reads up to {m.SCHEMA_VERSION}); update annotator to open it"
    )
    assert _unchanged(path, data)
    # nothing else was written: no backup; at most SQLite's empty -wal and its -shm index
    after = {p.name: p for p in tmp_path.iterdir()}
    assert set(after) - set(before) <= {"p.sqlite-wal", "p.sqlite-shm"}
    assert "p.sqlite-wal" not in after or after["p.sqlite-wal"].stat().st_size == 0
