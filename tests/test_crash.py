"""Crash safety: a scripted labelling session killed with SIGKILL at random points.

A worker process (``python -c "from tests.test_crash import worker_main; worker_main()" ...``)
makes seeded random labelling actions through :class:`AnnotationSession` (accept, reject,
relabel, resize, add, delete, stance, source, note, status, undo, redo) and moves between
articles like the app does (``set_last_article``; a done or skipped article is left for the next
open one). It prints ``COMMITTED <action uid>`` after an action returns and ``AT <article id>``
after the last article was saved; ``MOVE <article id>`` before saving it. The test kills it at a
random moment (after a random number of COMMITTED lines plus a random few milliseconds), several
times on the same project file, and checks after every kill:

* ``PRAGMA integrity_check`` is ok and no foreign key is broken;
* every action reported committed is in the log, and at most one action is there that was not
  reported (the one that committed just before the kill), the newest;
* every action has its change rows, and replaying every ``change.after`` snapshot in order
  reproduces the ``annotation`` and ``article_status`` tables exactly;
* ``resume_article()`` opens the article where the analyst was (the real main window does too:
  ``tests/ui/test_faults_ui.py``).

The helpers here (:func:`replay_matches`, :func:`run_worker`, :func:`check_after_crash`) are
used by the other fault tests.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

WORKER = "from tests.test_crash import worker_main; worker_main()"
ENTITY_LABELS = ["PERSON", "ORG", "GPE", "NORP", "LOC", "EVENT", "DATE", "FAC", "MISC"]
STANCES = ["supports", "disputes", "neutral"]
SOURCE_TYPES = ["government/official", "expert", "media", "ngo/activist", "business", "citizen", "other"]
PARAGRAPHS = [
    ("Sergey Lavrov said that Moscow is ready for talks in Geneva. “We will not give up on the "
     "ceasefire,” Lavrov told TASS on Friday."),
    ("Walid Muallem said that Syria welcomes the plan 👍. Critics in Washington said that the plan "
     "comes too late."),
    "The mayor of Zürich said that cafe\u0301 owners would get help. Ana Souza said that prices are up 😀.",
    "שלום: Iran said that the agreement stands. مرحبا. Turkey said that it disagrees with Iran.",
    "Reporters said that the meeting in Astana ended early. The UN said that aid convoys are waiting.",
]


# ---- the project -------------------------------------------------------------------------------
def build_project(path: Path, articles: int = 8) -> None:
    """Articles with entity suggestions (capitalised words) and claim suggestions ("X said that Y.")."""
    import re

    from annotator.store import open_project
    from tests.helpers import add_article, add_suggestion

    with open_project(path) as project, project.db.atomic():
        for i in range(articles):
            body = " ".join(PARAGRAPHS[(i + k) % len(PARAGRAPHS)] for k in range(3))
            a = add_article(f"Article {i}\n\n{body}", title=f"Article {i}")
            for mt in re.finditer(r"\b[A-Z][a-z]+\b", a.text):
                add_suggestion(a, mt.start(), mt.end(), ENTITY_LABELS[len(mt.group()) % 4])
            for mt in re.finditer(r"([A-Z][a-z]+) said that ([^.]+)\.", a.text):
                cue = mt.start(1) + len(mt.group(1)) + 1
                add_suggestion(a, mt.start(2), mt.end(2), "CLAIM", kind="claim", quote_type="indirect",
                               source_start=mt.start(1), source_end=mt.end(1), source_name=mt.group(1),
                               cue_start=cue, cue_end=cue + 4)


# ---- the worker ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ann:
    id: int
    kind: str
    label: str
    start: int
    end: int


def _say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def worker_main(argv: list[str] | None = None) -> None:
    """``DB ANNOTATOR SEED ACTIONS [ARTICLE_IDS]``: make ACTIONS random actions, then print DONE.

    With ``$ANNOTATOR_TEST_GO`` set, the actions start when that file appears (so a test can
    make several programs write at the same time)."""
    argv = sys.argv[1:] if argv is None else argv
    db, annotator, seed, count = argv[0], argv[1], int(argv[2]), int(argv[3])
    only = [int(x) for x in argv[4].split(",")] if len(argv) > 4 and argv[4] else None

    from annotator.domain.errors import AnnotationError, ProjectError
    from annotator.services.annotate import AnnotationSession
    from annotator.store import models as m
    from annotator.store import open_project

    rng = random.Random(seed)
    project = open_project(db)
    ses = AnnotationSession(project, annotator)
    ids = [a.id for a in m.Article.select(m.Article.id).order_by(m.Article.id)]
    if only:
        ids = [i for i in ids if i in only]

    def move(aid: int) -> int:
        _say("MOVE", aid)
        ses.set_last_article(aid)
        _say("AT", aid)
        return aid

    def open_ids() -> list[int]:
        return [i for i in ids if ses.status(i) not in ("done", "skipped")]

    go = os.environ.get("ANNOTATOR_TEST_GO")  # a file whose creation starts the actions
    if go:
        deadline = time.monotonic() + 120
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.005)
    current = ses.resume_article()
    current = move(current if current in ids else rng.choice(ids))

    me = ses.annotator.id

    def targets(aid: int):
        """This annotator's annotations and open suggestions of an article, read cheaply
        (the session's record-building reads would dominate the run time)."""
        anns = [Ann(*r) for r in project.db.execute_sql(
            "SELECT id, kind, label, start, \"end\" FROM annotation WHERE article_id = ? AND annotator_id = ? "
            "AND layer = 'work'", (aid, me))]
        sugg = [Ann(r[0], "", "", 0, 0) for r in project.db.execute_sql(
            "SELECT id FROM suggestion WHERE article_id = ? AND id NOT IN (SELECT suggestion_id FROM annotation "
            "WHERE article_id = ? AND annotator_id = ? AND layer = 'work' AND suggestion_id IS NOT NULL)",
            (aid, aid, me))]
        return anns, sugg

    def one(op: str):
        nonlocal current
        aid = current
        text = ses.text(aid)
        anns, sugg = targets(aid)
        ents = [a for a in anns if a.kind == "entity"]
        claims = [a for a in anns if a.kind == "claim"]

        def span(min_len: int = 1, max_len: int = 30) -> tuple[int, int]:
            start = rng.randrange(0, len(text) - min_len)
            return start, min(len(text), start + rng.randint(min_len, max_len))

        if op == "accept" and sugg:
            return ses.accept(rng.choice(sugg).id)
        if op == "reject" and sugg:
            return ses.reject(rng.choice(sugg).id)
        if op == "relabel" and ents:
            a = rng.choice(ents)
            return ses.update(a.id, label=rng.choice([x for x in ENTITY_LABELS if x != a.label]))
        if op == "resize" and anns:
            a = rng.choice(anns)
            start = max(0, a.start + rng.randint(-3, 3))
            end = min(len(text), max(start + 1, a.end + rng.randint(-3, 3)))
            return ses.update(a.id, start=start, end=end)
        if op == "delete" and anns:
            return ses.delete(rng.choice(anns).id)
        if op == "stance" and claims:
            return ses.update(rng.choice(claims).id, stance=rng.choice(STANCES))
        if op == "source" and claims:
            c = rng.choice(claims)
            if rng.random() < 0.2:
                return ses.update(c.id, source_start=None, source_end=None, source_type=None)
            s, e = span(3, 20)
            return ses.update(c.id, source_start=s, source_end=e, source_name=" ".join(text[s:e].split()) or None,
                              source_type=rng.choice(SOURCE_TYPES))
        if op == "note" and anns:
            return ses.update(rng.choice(anns).id, note=f"note {rng.randint(0, 10**6)} ✓")
        if op == "article_note":
            return ses.set_article_note(aid, f"article note {rng.randint(0, 10**6)}")
        if op == "undo" and ses.can_undo():
            return ses.undo()
        if op == "redo" and ses.can_redo():
            return ses.redo()
        if op == "status":
            wanted = rng.choice(["in_progress", "done", "skipped", "done", "new"])
            if ses.status(aid) == wanted:
                return None
            result = ses.set_status(aid, wanted)
            _say("COMMITTED", result.action_uid)
            if wanted in ("done", "skipped"):  # the app opens the next open article
                nxt = ses.next_open_article(after=aid)
                if nxt is not None and nxt in ids:
                    current = move(nxt)
            return None
        if op == "add_claim":
            s, e = span(10, 60)
            return ses.add(aid, "claim", s, e, stance=rng.choice(STANCES))
        s, e = span(2, 25)
        return ses.add(aid, "entity", s, e, rng.choice(ENTITY_LABELS))

    ops = ["accept"] * 6 + ["reject"] * 3 + ["relabel"] * 2 + ["resize"] * 2 + ["delete"] * 2 + ["stance"] * 2 + [
        "source", "source", "note", "article_note", "undo", "undo", "undo", "redo", "redo", "status", "add", "add_claim",
    ]
    done = 0
    while done < count:
        op = rng.choice(ops)
        try:
            result = one(op)
        except AnnotationError as exc:  # e.g. an undo whose record changed since; not an action
            _say("REFUSED", op, json.dumps(exc.message))
            continue
        except ProjectError as exc:  # the database failed (locked past the budget, full disk...)
            _say("FAILED", op, json.dumps(exc.message))
            done += 1
            continue
        if result is not None:
            _say("COMMITTED", result.action_uid)
        done += 1
        if rng.random() < 0.05 or (op == "status" and current not in open_ids()):
            choices = open_ids() or ids
            current = move(rng.choice(choices))
    project.close()
    _say("DONE")


# ---- the parent ------------------------------------------------------------------------------
@dataclass
class WorkerRun:
    committed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    at: int | None = None  # the last article reported saved
    moving_to: int | None = None  # a MOVE not yet confirmed by AT
    done: bool = False
    killed: bool = False
    returncode: int | None = None
    stderr: str = ""

    def feed(self, line: str) -> None:
        kind, _, rest = line.rstrip("\n").partition(" ")
        if kind == "COMMITTED":
            self.committed.append(rest)
        elif kind == "FAILED":
            self.failed.append(rest)
        elif kind == "REFUSED":
            self.refused.append(rest)
        elif kind == "MOVE":
            self.moving_to = int(rest)
        elif kind == "AT":
            self.at, self.moving_to = int(rest), None
        elif kind == "DONE":
            self.done = True


def start_worker(db: Path, annotator: str, seed: int, actions: int, only: list[int] | None = None,
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    args = [sys.executable, "-c", WORKER, str(db), annotator, str(seed), str(actions)]
    if only:
        args.append(",".join(map(str, only)))
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def run_worker(db: Path, annotator: str, seed: int, actions: int, kill_after: int | None = None,
               rng: random.Random | None = None, timeout: float = 120) -> WorkerRun:
    """Run a worker; with ``kill_after``, SIGKILL it a random few ms after that many commits."""
    rng = rng or random.Random(seed)
    proc = start_worker(db, annotator, seed, actions)
    run = WorkerRun()
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    for line in proc.stdout:
        if not line.endswith("\n"):
            break  # a line cut by the kill
        run.feed(line)
        if kill_after is not None and len(run.committed) >= kill_after:
            time.sleep(rng.uniform(0, 0.004))
            proc.send_signal(signal.SIGKILL)
            run.killed = True
            break
        assert time.monotonic() < deadline, "worker too slow"
    for line in proc.stdout.read().splitlines(keepends=True):  # what it printed before it died
        if line.endswith("\n"):
            run.feed(line)
    run.returncode = proc.wait(timeout=timeout)
    run.stderr = proc.stderr.read() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.stdout.close()
    return run


# ---- checks ----------------------------------------------------------------------------------
def dump_tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted: equal dumps mean equal data.

    Read through an ordinary connection in ``query_only`` mode: it changes no data, and unlike a
    ``mode=ro`` connection it removes the -wal and -shm files when it is the last to close.
    """
    con = sqlite3.connect(path)
    con.execute("PRAGMA query_only = 1")
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def table_rows(con: sqlite3.Connection, table: str, fields: tuple[str, ...]) -> dict[str, dict]:
    cols = [f + "_id" if f in ("article", "annotator", "suggestion") else f for f in fields]
    rows = con.execute(f'SELECT {", ".join(cols)} FROM "{table}"').fetchall()
    return {r[fields.index("uid")]: dict(zip(fields, r)) for r in rows}


def replayed(con: sqlite3.Connection) -> dict[str, dict[str, dict]]:
    """The annotation and article_status tables rebuilt from the change log's after snapshots."""
    state: dict[str, dict[str, dict]] = {"annotation": {}, "article_status": {}}
    for target, uid, after in con.execute("SELECT target, target_uid, after FROM change ORDER BY id"):
        if after is None:
            state[target].pop(uid, None)
        else:
            state[target][uid] = json.loads(after)
    return state


def replay_matches(path: Path) -> tuple[bool, str]:
    """Replaying the change log reproduces the annotation and article_status tables exactly."""
    from annotator.services.annotate import _SNAPSHOT_FIELDS, _STATUS_FIELDS

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        state = replayed(con)
        for table, fields in (("annotation", _SNAPSHOT_FIELDS), ("article_status", _STATUS_FIELDS)):
            actual = table_rows(con, table, fields)
            if actual != state[table]:
                missing = set(state[table]) ^ set(actual)
                differ = [u for u in set(state[table]) & set(actual) if state[table][u] != actual[u]]
                return False, f"{table}: {len(missing)} row(s) only on one side, {len(differ)} differ " + (
                    f"(e.g. log {state[table][differ[0]]} vs table {actual[differ[0]]})" if differ else ""
                )
        return True, ""
    finally:
        con.close()


def check_database(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        bare = con.execute(
            "SELECT COUNT(*) FROM action a WHERE a.kind IN ('do','undo','redo') "
            "AND NOT EXISTS (SELECT 1 FROM change c WHERE c.action_id = a.id)"
        ).fetchone()[0]
        assert bare == 0, f"{bare} action(s) without their change rows"
    finally:
        con.close()
    ok, why = replay_matches(path)
    assert ok, why


def check_after_crash(path: Path, annotator: str, committed: set[str], run: WorkerRun) -> set[str]:
    """The checks of the module docstring; returns every action uid of ``annotator`` now in the log."""
    check_database(path)
    con = sqlite3.connect(path)
    try:
        logged = [u for (u,) in con.execute(
            "SELECT a.uid FROM action a JOIN annotator n ON n.id = a.annotator_id WHERE n.name = ? ORDER BY a.id",
            (annotator,),
        )]
        stored_last = con.execute(
            "SELECT s.value FROM annotator_setting s JOIN annotator n ON n.id = s.annotator_id "
            "WHERE n.name = ? AND s.key = 'last_article:work'",
            (annotator,),
        ).fetchone()
    finally:
        con.close()
    lost = committed - set(logged)
    assert not lost, f"{len(lost)} action(s) reported committed are missing"
    extra = [u for u in logged if u not in committed]
    assert len(extra) <= 1, f"{len(extra)} unreported actions in the log"
    if extra:
        assert extra[0] == logged[-1], "the unreported action is not the newest"
    # where the analyst was: the last confirmed article, or the one being saved when killed
    allowed = {run.at, run.moving_to} - {None}
    if allowed:
        assert stored_last is not None and int(stored_last[0]) in allowed, (stored_last, allowed)
    from annotator.services.annotate import AnnotationSession
    from annotator.store import open_project

    with open_project(path) as project:
        assert project.integrity_check() == "ok"
        ses = AnnotationSession(project, annotator)
        last = ses.last_article()
        resume = ses.resume_article()
        if last is not None and ses.status(last) not in ("done", "skipped"):
            assert resume == last
        else:
            assert resume is None or ses.status(resume) not in ("done", "skipped")
    return set(logged)


@pytest.fixture
def fast_dir(tmp_path):
    """A folder in RAM (/dev/shm) when there is one, else ``tmp_path``.

    A process crash loses nothing the process handed to the kernel, so where the file lives
    does not change what SIGKILL can break; in RAM the runs do not wait for the disk's fsyncs
    (about 3 ms per commit here, much more when other jobs share the disk).
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        import tempfile

        with tempfile.TemporaryDirectory(dir=shm, prefix="annotator-crash-") as name:
            yield Path(name)
    else:
        yield tmp_path


def crash_runs(tmp_path: Path, runs: int, seed: int, actions: int, kill_range: tuple[int, int]) -> int:
    db = tmp_path / "crash.sqlite"
    build_project(db)
    rng = random.Random(seed)
    committed: set[str] = set()
    total = 0
    for r in range(runs):
        kill_after = rng.randint(*kill_range)
        run = run_worker(db, "ana", seed * 1000 + r, actions, kill_after=kill_after, rng=rng)
        assert run.killed and not run.done, f"run {r}: the worker ended before the kill ({run.stderr[-2000:]})"
        assert not run.failed, run.failed[:3]
        assert len(run.committed) >= kill_after
        total += len(run.committed)
        committed |= set(run.committed)
        # the in-flight action may have committed unreported: from now on it counts as committed
        committed = check_after_crash(db, "ana", committed, run)
    return total


def test_sigkill_during_a_labelling_session_two_runs(fast_dir):
    """Two kills of a 1,200-action script on one project; at least 1,000 actions committed."""
    total = crash_runs(fast_dir, runs=2, seed=7, actions=1200, kill_range=(500, 1150))
    assert total >= 1000


def test_sigkill_during_a_labelling_session_five_runs(fast_dir):
    """Five kills at random points (seeded), each run resuming the project the last one left."""
    total = crash_runs(fast_dir, runs=5, seed=11, actions=1200, kill_range=(20, 700))
    assert total >= 100


@pytest.mark.slow
def test_sigkill_soak_many_runs(fast_dir):
    """Twenty kills, including very early ones (during start-up and the first actions)."""
    crash_runs(fast_dir, runs=20, seed=23, actions=1500, kill_range=(1, 1400))


def test_replay_check_notices_an_unlogged_change(tmp_path):
    """The replay check itself: a change written without the log is caught."""
    db = tmp_path / "p.sqlite"
    build_project(db, articles=2)
    run = run_worker(db, "ana", 3, 40)
    assert run.done and len(run.committed) >= 30, run.stderr[-2000:]
    assert replay_matches(db)[0]
    con = sqlite3.connect(db)
    con.execute("UPDATE annotation SET label = 'MISC' WHERE id = (SELECT MAX(id) FROM annotation)")
    con.commit()
    con.close()
    assert not replay_matches(db)[0]
