"""Read-only access to another project file, for merging it into the open (review) project.

:func:`open_source` checks the file thoroughly before anything reads its rows: that it exists,
is a SQLite database that passes ``PRAGMA quick_check``, has the annotator tables with every
column this version writes, and has exactly this version's schema. Every problem becomes a
:class:`~annotator.domain.errors.ProjectError` with an ``R0xx`` message that says nothing was
merged. The file is opened with a plain ``sqlite3`` connection in ``mode=ro`` and never
written; the peewee proxy (bound to the review project) is not touched.

Rows come back as plain dicts keyed by column name (foreign keys as ``article_id`` etc.), the
shape the merge service works with.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Iterator

from annotator.domain.errors import Msg, ProjectError
from annotator.store import models as m
from annotator.store.db import BUSY_TIMEOUT_S, SQLITE_MAGIC

# Tables a project must have to be merged, and the model each must match.
_TABLES: dict[str, type[m.BaseModel]] = {
    model._meta.table_name: model
    for model in (
        m.SchemaVersion,
        m.Annotator,
        m.Article,
        m.Preannotation,
        m.ArticleTokens,
        m.Suggestion,
        m.Annotation,
        m.ArticleStatus,
        m.Action,
        m.Change,
    )
}
# Article columns read by default: everything except the text (fetched on demand).
_ARTICLE_COLUMNS = [f.column_name for f in m.Article._meta.sorted_fields if f.name != "text"]


def _columns(model: type[m.BaseModel]) -> list[str]:
    return [f.column_name for f in model._meta.sorted_fields]


class MergeSource:
    """An open, validated, read-only project file. Use :func:`open_source` to get one."""

    def __init__(self, path: Path, con: sqlite3.Connection, schema_version: int) -> None:
        self.path = path
        self._con = con
        self.schema_version = schema_version

    # ---- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> "MergeSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- reading -------------------------------------------------------------------------------
    def _rows(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        try:
            cur = self._con.execute(sql, tuple(params))
            names = [d[0] for d in cur.description]
            for row in cur:
                yield dict(zip(names, row))
        except sqlite3.Error as exc:
            raise _read_error(self.path, exc) from exc

    def _select(self, model: type[m.BaseModel], columns: list[str] | None = None, order: str = "id") -> Iterator[dict[str, Any]]:
        cols = ", ".join(f'"{c}"' for c in (columns or _columns(model)))
        return self._rows(f'SELECT {cols} FROM "{model._meta.table_name}" ORDER BY "{order}"')

    def annotators(self) -> Iterator[dict[str, Any]]:
        return self._select(m.Annotator)

    def articles(self) -> Iterator[dict[str, Any]]:
        """Articles without their text, with ``text_length`` (code points) added."""
        cols = ", ".join(f'"{c}"' for c in _ARTICLE_COLUMNS)
        return self._rows(f'SELECT {cols}, length("text") AS text_length FROM "article" ORDER BY "id"')

    def texts(self, article_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(article_ids))
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f'SELECT "id", "text" FROM "article" WHERE "id" IN ({marks})', chunk):
                out[row["id"]] = row["text"]
        return out

    def tokens(self, article_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Stored token boundaries (``article_tokens`` rows) of the given articles."""
        ids = list(article_ids)
        cols = ", ".join(f'"{c}"' for c in _columns(m.ArticleTokens))
        out: dict[int, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f'SELECT {cols} FROM "article_tokens" WHERE "article_id" IN ({marks})', chunk):
                out[row["article_id"]] = row
        return out

    def preannotations(self) -> Iterator[dict[str, Any]]:
        return self._select(m.Preannotation)

    def suggestions(self) -> Iterator[dict[str, Any]]:
        return self._select(m.Suggestion)

    def annotations(self) -> Iterator[dict[str, Any]]:
        return self._select(m.Annotation)

    def statuses(self) -> Iterator[dict[str, Any]]:
        return self._select(m.ArticleStatus)

    def actions(self) -> Iterator[dict[str, Any]]:
        return self._select(m.Action)

    def changes(self) -> Iterator[dict[str, Any]]:
        return self._select(m.Change)


def _read_error(path: Path, exc: sqlite3.Error) -> ProjectError:
    text = str(exc)
    if "locked" in text:
        return ProjectError(Msg.P006.format(path=path, seconds=BUSY_TIMEOUT_S))
    return ProjectError(Msg.R004.format(path=path, detail=text))


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file (hard links and symlinks included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def open_source(path: str | os.PathLike[str]) -> MergeSource:
    """Open ``path`` read-only after checking it is a healthy project of this schema version."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ProjectError(Msg.R002.format(path=path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise ProjectError(Msg.R008.format(path=path, detail=exc.strerror or exc)) from exc
    if not head:
        raise ProjectError(Msg.R003.format(path=path, detail="the file is empty"))
    if head != SQLITE_MAGIC:
        raise ProjectError(Msg.R004.format(path=path, detail="no SQLite header"))
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise ProjectError(Msg.R008.format(path=path, detail=exc)) from exc
    try:
        version = _validate(path, con)
    except BaseException:
        con.close()
        raise
    return MergeSource(path, con, version)


def _validate(path: Path, con: sqlite3.Connection) -> int:
    try:
        check = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
        if check != ["ok"]:
            raise ProjectError(Msg.R004.format(path=path, detail="; ".join(str(c) for c in check)))
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = sorted(set(_TABLES) - tables)
        if missing:
            detail = "no annotator tables" if "article" not in tables else "missing table(s) " + ", ".join(missing)
            raise ProjectError(Msg.R003.format(path=path, detail=detail))
        row = con.execute('SELECT MAX("version") FROM "schema_version"').fetchone()
        version = int(row[0] or 0)
        if version > m.SCHEMA_VERSION:
            raise ProjectError(Msg.R005.format(path=path, found=version, supported=m.SCHEMA_VERSION))
        if version < m.SCHEMA_VERSION:
            raise ProjectError(Msg.R006.format(path=path, found=version, supported=m.SCHEMA_VERSION))
        for name, model in _TABLES.items():
            have = {r[1] for r in con.execute(f'PRAGMA table_info("{name}")')}
            lacking = [c for c in _columns(model) if c not in have]
            if lacking:
                raise ProjectError(
                    Msg.R003.format(path=path, detail=f"table {name} lacks column(s) {', '.join(lacking)}")
                )
        return version
    except sqlite3.Error as exc:
        raise _read_error(path, exc) from exc
    except (TypeError, ValueError) as exc:
        raise ProjectError(Msg.R004.format(path=path, detail=exc)) from exc
