"""Compiled single-row statements for the labelling hot path.

peewee builds SQL anew for every query, which for a 25-column table costs more than SQLite
takes to run it (about 2-4 ms per action). The analyst's actions touch one row at a time by
primary key or by a few equality conditions, so their statements are built once per shape,
cached, and executed with new parameters. Results are ordinary model instances.

The statements work on SQLite and on PostgreSQL (team projects): identifiers are quoted and
parameters marked the database's way, and an insert on PostgreSQL returns its new id with
``RETURNING`` (there is no "last row id" to ask for afterwards). The few SQL fragments that
differ between the two for the services (:func:`ids_param`, :func:`position`) are here too.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from peewee import PostgresqlDatabase

from annotator.store.models import BaseModel, fn

M = TypeVar("M", bound=BaseModel)
_sql_cache: dict[tuple, tuple[str, tuple[str, ...]]] = {}


def _cols(model: type[BaseModel]) -> list[tuple[str, str]]:
    """(field name, column name) for every field; FK fields hold ids (``article`` -> ``article_id``)."""
    return [(f.name, f.column_name) for f in model._meta.sorted_fields]


def _q(db, name: str) -> str:
    q = getattr(db, "quote", '""')  # peewee: the opening and closing quote characters
    return f"{q[0]}{name}{q[1]}"


def get_row(model: type[M], **eq: Any) -> M | None:
    """The first row whose fields equal ``eq`` (field names; FKs by id), or None."""
    db = model._meta.database
    keys = tuple(sorted(eq))
    ck = ("get", model, keys, _kind(db))
    entry = _sql_cache.get(ck)
    if entry is None:
        fields = model._meta.fields
        cols = _cols(model)
        where = " AND ".join(f"{_q(db, fields[k].column_name)} = {db.param}" for k in keys)
        sql = f"SELECT {', '.join(_q(db, c) for _, c in cols)} FROM {_q(db, model._meta.table_name)} WHERE {where} LIMIT 1"
        entry = _sql_cache[ck] = (sql, tuple(n for n, _ in cols))
    sql, names = entry
    row = db.execute_sql(sql, tuple(_db_value(eq[k]) for k in keys)).fetchone()
    if row is None:
        return None
    inst = model(**dict(zip(names, row)))
    inst._dirty.clear()
    return inst


def exists(model: type[BaseModel], **eq: Any) -> bool:
    db = model._meta.database
    keys = tuple(sorted(eq))
    ck = ("exists", model, keys, _kind(db))
    entry = _sql_cache.get(ck)
    if entry is None:
        fields = model._meta.fields
        where = " AND ".join(f"{_q(db, fields[k].column_name)} = {db.param}" for k in keys)
        entry = _sql_cache[ck] = (f"SELECT 1 FROM {_q(db, model._meta.table_name)} WHERE {where} LIMIT 1", ())
    return db.execute_sql(entry[0], tuple(_db_value(eq[k]) for k in keys)).fetchone() is not None


def insert_row(model: type[M], values: dict[str, Any]) -> M:
    """Insert one row (field names as keys; FKs by id) and return it as a model instance.

    Missing fields get the model's Python-side defaults, as ``Model.create`` would give them.
    """
    db = model._meta.database
    missing = {f.name: d for f, d in model._meta.defaults.items() if f.name not in values}
    if missing:
        values = {**{k: d() if callable(d) else d for k, d in missing.items()}, **values}
    keys = tuple(values)
    pk = model._meta.primary_key
    returning = pk.name not in values and _is_postgres(db)
    ck = ("insert", model, keys, _kind(db))
    sql = _sql_cache.get(ck)
    if sql is None:
        fields = model._meta.fields
        cols = ", ".join(_q(db, fields[k].column_name) for k in keys)
        sql = f"INSERT INTO {_q(db, model._meta.table_name)} ({cols}) VALUES ({', '.join([db.param] * len(keys))})"
        if returning:  # PostgreSQL has no last-row-id: the statement returns the new key
            sql += f" RETURNING {_q(db, pk.column_name)}"
        _sql_cache[ck] = sql
    cur = db.execute_sql(sql, tuple(_db_value(values[k]) for k in keys))
    inst = model(**values)
    if pk.name not in values:
        setattr(inst, pk.name, cur.fetchone()[0] if returning else db.last_insert_id(cur))
    inst._dirty.clear()
    return inst


def update_row(model: type[BaseModel], pk_value: Any, values: dict[str, Any]) -> None:
    db = model._meta.database
    keys = tuple(values)
    ck = ("update", model, keys, _kind(db))
    sql = _sql_cache.get(ck)
    if sql is None:
        fields = model._meta.fields
        sets = ", ".join(f"{_q(db, fields[k].column_name)} = {db.param}" for k in keys)
        pk = model._meta.primary_key.column_name
        sql = f"UPDATE {_q(db, model._meta.table_name)} SET {sets} WHERE {_q(db, pk)} = {db.param}"
        _sql_cache[ck] = sql
    db.execute_sql(sql, tuple(_db_value(values[k]) for k in keys) + (pk_value,))


def delete_row(model: type[BaseModel], pk_value: Any) -> None:
    db = model._meta.database
    ck = ("delete", model, _kind(db))
    sql = _sql_cache.get(ck)
    if sql is None:
        pk = model._meta.primary_key.column_name
        sql = _sql_cache[ck] = f"DELETE FROM {_q(db, model._meta.table_name)} WHERE {_q(db, pk)} = {db.param}"
    db.execute_sql(sql, (pk_value,))


def _kind(db) -> type:
    """The concrete database class (SQL differs between SQLite and PostgreSQL)."""
    return type(getattr(db, "obj", db))


def _is_postgres(db) -> bool:
    return issubclass(_kind(db), PostgresqlDatabase)


# ---- SQL fragments that differ between SQLite and PostgreSQL -------------------------------------
def param(db) -> str:
    """The parameter marker of ``db`` (``?`` for SQLite, ``%s`` for PostgreSQL)."""
    return db.param


def ids_param(db) -> str:
    """A subquery yielding the integers of ONE parameter holding a JSON array (``json.dumps(ids)``):
    ``... WHERE id IN ({ids_param(db)})``. One parameter however many ids."""
    if _is_postgres(db):
        return f"SELECT CAST(json_array_elements_text(CAST({db.param} AS json)) AS integer)"
    return f"SELECT value FROM json_each({db.param})"


def position(haystack, needle):
    """1-based position of ``needle`` in ``haystack`` (0 if absent): ``instr`` / ``strpos``."""
    from annotator.store.models import database_proxy

    return fn.strpos(haystack, needle) if _is_postgres(database_proxy) else fn.instr(haystack, needle)


def _db_value(v: Any) -> Any:
    return v.get_id() if isinstance(v, BaseModel) else v


def run_compiled(key: str, build: Callable[[], Any], params: tuple) -> list[tuple]:
    """Rows of a peewee query whose SQL is built once per ``key`` and reused with new ``params``.

    ``build()`` must return the query with placeholder values in the same order as ``params``
    (peewee always emits parameters, never literals, for values).
    """
    db = BaseModel._meta.database
    ck = ("compiled", key, _kind(db))
    sql = _sql_cache.get(ck)
    if sql is None:
        sql, _ = build().sql()
        _sql_cache[ck] = sql
    return db.execute_sql(sql, params).fetchall()
