"""The notification path's statements, written once per model and database instead of being
built by the ORM for every notification.

Profiling the Redsys endpoint under gunicorn (issue #23 item 5) put most of a notification's
CPU time in Django's query building and compiling (``QuerySet.filter``, ``Model.save``,
``SQLCompiler.as_sql``), not in the statements: these helpers run the same statements with
SQL text made once (per model and database alias, from the models' ``_meta``, so a swapped
payment model and its columns are followed) and values prepared by the fields themselves
(``get_db_prep_save``, the backend's converters), so PostgreSQL and SQLite see what the ORM
would have sent.

Each helper falls back to the ORM when it could change behaviour: a model whose ``save`` is
overridden (a swapped payment model), or ``pre_save``/``post_save`` receivers connected for
it (the shop's code expects them), or a router sending the model to a database other than
the transaction's.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.db.models.signals import post_save, pre_save

_lock = threading.Lock()
_cache: Dict[Tuple[Any, ...], Any] = {}


def _cached(key: Tuple[Any, ...], make: Any) -> Any:
    found = _cache.get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is None:
                found = _cache[key] = make()
    return found


def usable(model: Any, save: Any = None) -> Optional[str]:
    """The database alias for ``model``'s hand-written statements, or ``None`` when the ORM must
    write it: its ``save`` is not ``save`` (overridden by a subclass), a ``pre_save`` or
    ``post_save`` receiver listens to it, or it is routed away from the default database
    (the transactions of the notification path are the default database's)."""
    if save is not None and model.save is not save:
        return None
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        return None
    alias = router.db_for_write(model)
    return alias if alias == DEFAULT_DB_ALIAS else None


def _qn(alias: str) -> Any:
    return connections[alias].ops.quote_name


def _field(model: Any, name: str) -> Any:
    return model._meta.get_field(name)


def insert(obj: Any, alias: str) -> None:
    """``INSERT`` of the unsaved ``obj`` (every concrete field but an automatic primary key,
    ``auto_now_add`` filled as ``save`` fills it); sets its primary key and marks it saved."""
    model = type(obj)
    connection = connections[alias]

    def make() -> Tuple[str, List[Any], bool]:
        qn = _qn(alias)
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
        returning = bool(connection.features.can_return_columns_from_insert)
        sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        if returning:
            sql += f" RETURNING {qn(meta.pk.column)}"
        return sql, fields, returning

    sql, fields, returning = _cached(("insert", model, alias), make)
    if obj.pk is not None:
        raise ValueError("insert: the object has a primary key already")
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = alias


def update(obj: Any, names: Sequence[str], alias: str, where: str = "", where_params: Sequence[Any] = ()) -> int:
    """``UPDATE`` of the fields ``names`` of the saved ``obj`` (``auto_now`` ones filled as
    ``save`` fills them), by primary key (and ``where``, SQL on the table's columns); returns
    the rows updated."""
    model = type(obj)
    connection = connections[alias]
    names = tuple(names)

    def make() -> Tuple[str, List[Any]]:
        qn = _qn(alias)
        meta = model._meta
        fields = [_field(model, n) for n in names]
        sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
        return f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s", fields

    sql, fields = _cached(("update", model, alias, names), make)
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection=connection) for f in fields]
    params.append(obj.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql + where, [*params, *where_params])
        return int(cursor.rowcount)


def update_one(obj: Any, names: Sequence[str], alias: str) -> None:
    """:func:`update`, raising ``DatabaseError`` when no row was updated (as ``save`` with
    ``update_fields`` does)."""
    if update(obj, names, alias) != 1:
        raise DatabaseError("Save with update_fields did not affect any rows.")


class _Reader:
    """A ``SELECT`` of every concrete field of ``model``, rows made into instances with the
    backend's converters (as the ORM makes them)."""

    def __init__(self, model: Any, alias: str, where: Sequence[str], lock: bool) -> None:
        connection = connections[alias]
        qn = _qn(alias)
        meta = model._meta
        fields = list(meta.concrete_fields)
        self.model, self.alias = model, alias
        self.attnames = [f.attname for f in fields]
        conditions = " AND ".join(f"{qn(_field(model, n).column)} = %s" for n in where)
        self.sql = (f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(meta.db_table)} "
                    f"WHERE {conditions}")
        if lock and connection.features.has_select_for_update:
            self.sql += " FOR UPDATE"
        self.converters: List[Tuple[int, List[Any], Any]] = []
        for i, f in enumerate(fields):
            column = f.get_col(meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((i, found, column))

    def first(self, params: Sequence[Any]) -> Any:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, list(params))
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, converters, column in self.converters:
            value = values[i]
            for converter in converters:
                value = converter(value, column, connection)
            values[i] = value
        return self.model.from_db(self.alias, self.attnames, values)


def lock_payment(model: Any, alias: str, gateway: str, account: str, order_id: str) -> Any:
    """The payment of ``(gateway, account, order_id)`` read with its row locked (``SELECT …
    FOR UPDATE`` where the database locks rows), or ``None``."""
    reader = _cached(("lock", model, alias), lambda: _Reader(model, alias, ("gateway", "account", "order_id"), True))
    return reader.first((gateway, account, order_id))


def applied_payment(model: Any, alias: str, gateway: str, key: str) -> Optional[Tuple[Any]]:
    """``(payment_id,)`` of the ``model`` (``Notification``) row that applied ``key`` on
    ``gateway``, or ``None``: one lookup on the unique ``(gateway, applied_event_key)``."""
    def make() -> str:
        qn = _qn(alias)
        meta = model._meta
        return (f"SELECT {qn(_field(model, 'payment').column)} FROM {qn(meta.db_table)} "
                f"WHERE {qn(_field(model, 'gateway').column)} = %s "
                f"AND {qn(_field(model, 'applied_event_key').column)} = %s")

    sql = _cached(("applied", model, alias), make)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [gateway, key])
        row = cursor.fetchone()
    return (row[0],) if row is not None else None


def mark_delivered(model: Any, alias: str, pk: Any, now: Any) -> bool:
    """The delivery of the ``model`` (``PaymentEvent``) row ``pk``, unless it is delivered
    already: ``delivered_at``, the attempt counted, no error, no claim, in one ``UPDATE`` whose
    row lock is held until the transaction ends. False when it was delivered already."""
    def make() -> Tuple[str, Any]:
        qn = _qn(alias)
        c = {n: qn(_field(model, n).column) for n in ("delivered_at", "attempts", "last_error", "claimed_until")}
        return (f"UPDATE {qn(model._meta.db_table)} SET {c['delivered_at']} = %s, "
                f"{c['attempts']} = {c['attempts']} + 1, {c['last_error']} = %s, {c['claimed_until']} = NULL "
                f"WHERE {qn(model._meta.pk.column)} = %s AND {c['delivered_at']} IS NULL"), _field(model, "delivered_at")

    sql, delivered_at = _cached(("delivered", model, alias), make)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [delivered_at.get_db_prep_save(now, connection=connection), "", pk])
        return bool(cursor.rowcount)


