"""Database failures as user messages: locked, read-only, full or failing disk, corrupt file.

SQLite reports these as ``OperationalError``/``DatabaseError`` with a short English text, and
peewee re-raises them under its own classes (sometimes chained behind a second error raised
while rolling back). :func:`translate` turns every such failure, wherever it sits in the chain,
into a :class:`ProjectError` with the P00x message of ``annotator.domain.errors``:

====================================================  =======================================
SQLite says                                           the user reads
====================================================  =======================================
database is locked / table is locked                  P006 (after retrying, see below)
attempt to write a readonly database                  P005
database or disk is full / disk I/O error             P008 (nothing of the action was saved)
database disk image is malformed / not a database     P002
unable to open database file                          P004
====================================================  =======================================

:func:`guarded` / :func:`guarded_write` (decorators for methods of objects with a ``project``)
and :func:`call` / :func:`call_write` run one whole transaction and retry it while the database
is locked by another program, with
exponential backoff and jitter, within a time budget (:func:`lock_budget`: ``LOCK_BUDGET_S`` or
``$ANNOTATOR_LOCK_BUDGET`` seconds), then raise P006. Retrying is safe because a failed
transaction was rolled back in full; inside an outer transaction nothing is retried (only the
outermost transaction can be re-run). SQLite's own busy handler waits first (the connection's
busy timeout is the budget), so the Python-level retries matter for the "busy" answers SQLite
gives without waiting (a WAL snapshot that went stale, recovery by another connection).
With a ``WAIT_HOOK`` installed (the desktop app's), writes wait in slices and call the hook in
between, so the window keeps painting while it waits.
"""

from __future__ import annotations

import functools
import os
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import SqliteDatabase

from annotator.domain.errors import Msg, ProjectError

F = TypeVar("F", bound=Callable[..., Any])

LOCK_BUDGET_S = 10.0  # how long an action waits for a lock held by another program
ENV_LOCK_BUDGET = "ANNOTATOR_LOCK_BUDGET"
_BACKOFF_START_S = 0.01
_BACKOFF_MAX_S = 0.5
# Called (in the waiting thread) between attempts while a lock is waited for; the desktop app
# sets it to process paint and timer events, so its window never freezes for the whole budget.
# With a hook, SQLite waits in slices of WAIT_SLICE_S and the backoff sleeps are kept as short.
WAIT_HOOK: Callable[[], None] | None = None
WAIT_SLICE_S = 0.1
_in_hook = False

_LOCKED = ("database is locked", "database table is locked", "database schema is locked",
           "could not serialize access", "deadlock detected")
_READONLY = ("readonly database", "read-only database", "attempt to write a read-only")
_FULL = ("database or disk is full", "disk i/o error", "no space left on device")
_CORRUPT = ("database disk image is malformed", "file is not a database", "malformed database schema",
            "file is encrypted or is not a database", "could not decode to utf-8", "foreign key mismatch")
_CANTOPEN = ("unable to open database file",)


class DatabaseBusy(ProjectError):
    """P006: another program held the write lock for longer than the budget."""


class DatabaseReadOnly(ProjectError):
    """P005: the file or its folder cannot be written."""


class DatabaseFull(ProjectError):
    """P008: the disk is full or a write failed; the transaction was rolled back."""


class DatabaseCorrupt(ProjectError):
    """P002: SQLite found damage in the file."""


def lock_budget() -> float:
    """Seconds to wait for a lock: ``$ANNOTATOR_LOCK_BUDGET`` if set, else ``LOCK_BUDGET_S``."""
    raw = os.environ.get(ENV_LOCK_BUDGET)
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    return float(LOCK_BUDGET_S)


def _chain(exc: BaseException):
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def translate(
    exc: BaseException, path: str | Path, budget: float | None = None, readonly_reason: str | None = None
) -> ProjectError | None:
    """The ProjectError for a database failure anywhere in ``exc``'s chain, or None.

    A ProjectError in the chain is returned as it is. Other errors (a constraint, a bug in a
    statement) are not database failures and give None. ``readonly_reason``: why the project
    is read-only, when it was opened so.
    """
    for e in _chain(exc):
        if isinstance(e, ProjectError):
            return e
    for e in _chain(exc):
        if not isinstance(e, (sqlite3.Error, PeeweeDatabaseError)):
            continue
        text = str(e).lower()
        if any(s in text for s in _LOCKED):
            seconds = lock_budget() if budget is None else budget
            return DatabaseBusy(Msg.P006.format(path=path, seconds=seconds))
        if any(s in text for s in _READONLY):
            reason = readonly_reason or "the file or its folder cannot be written"
            return DatabaseReadOnly(Msg.P005.format(path=path, detail=reason))
        if any(s in text for s in _FULL):
            return DatabaseFull(Msg.P008.format(path=path, detail=str(e)))
        if any(s in text for s in _CORRUPT):
            return DatabaseCorrupt(Msg.P002.format(path=path, detail=str(e)))
        if any(s in text for s in _CANTOPEN):
            return ProjectError(Msg.P004.format(path=path, detail=str(e)))
    return None


def set_busy_timeout(db: Any, seconds: float) -> None:
    """Set SQLite's busy timeout of the calling thread's connection (cached; SQLite only)."""
    if not isinstance(db, SqliteDatabase) or db.is_closed():
        return
    state = db._state
    conn = state.conn
    ms = max(1, int(seconds * 1000))
    if getattr(state, "annotator_busy", None) == (id(conn), ms):
        return
    conn.execute(f"PRAGMA busy_timeout = {ms}")
    state.annotator_busy = (id(conn), ms)


def call(project: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` (one whole transaction), translating failures, retrying locks."""
    return _call(project, fn, args, kwargs, write=False)


def call_write(project: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """:func:`call` for a write transaction: while it waits for the lock, WAIT_HOOK runs.

    (Reads never wait for a lock in WAL mode, so only writes pay for waiting in slices.)
    """
    return _call(project, fn, args, kwargs, write=True)


def _call(project: Any, fn: Callable[..., Any], args: tuple, kwargs: dict, write: bool) -> Any:
    db = project.db
    path = project.path
    reason = getattr(db, "readonly_reason", None)
    if db.transaction_depth() > 0:  # part of a larger transaction: only the outermost can retry
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            err = translate(exc, path, readonly_reason=reason)
            if err is None or err is exc:
                raise
            raise err from exc
    budget = lock_budget()
    hooked = write and WAIT_HOOK is not None and not _in_hook
    first = min(budget, WAIT_SLICE_S) if hooked else budget
    set_busy_timeout(db, first)
    start = time.monotonic()
    delay = _BACKOFF_START_S
    retried = False
    try:
        while True:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                err = translate(exc, path, budget, reason)
                if err is None:
                    raise
                if not isinstance(err, DatabaseBusy) or db.transaction_depth() > 0:
                    if err is exc:
                        raise
                    raise err from exc
                remaining = budget - (time.monotonic() - start)
                if remaining <= 0:
                    if err is exc:
                        raise
                    raise err from exc
                if hooked:
                    _run_hook()
                pause = min(delay * (0.5 + random.random()), remaining)
                time.sleep(min(pause, WAIT_SLICE_S / 2) if hooked else pause)
                delay = min(delay * 2, _BACKOFF_MAX_S)
                remaining = budget - (time.monotonic() - start)
                set_busy_timeout(db, max(min(remaining, WAIT_SLICE_S) if hooked else remaining, 0.001))
                retried = True
    finally:
        if retried or first != budget:  # other statements on this connection wait the whole budget
            try:
                set_busy_timeout(db, budget)
            except sqlite3.Error:
                pass


def _run_hook() -> None:
    """Call WAIT_HOOK, never re-entering it (the hook may run code that waits for a lock)."""
    global _in_hook
    hook = WAIT_HOOK
    if hook is None or _in_hook:
        return
    _in_hook = True
    try:
        hook()
    finally:
        _in_hook = False


def guarded(method: F) -> F:
    """Decorator: run a method of an object with a ``project`` attribute through :func:`call`."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _call(self.project, method, (self, *args), kwargs, write=False)

    return wrapper  # type: ignore[return-value]


def guarded_write(method: F) -> F:
    """Decorator: :func:`guarded` for a method that writes (see :func:`call_write`)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _call(self.project, method, (self, *args), kwargs, write=True)

    return wrapper  # type: ignore[return-value]
