"""The INSERT of many rows that carry their whole key (a composite one: the search
index's rows), compiled once per model and database: one statement for the rows of a
batch, written as ``bulk_create`` writes them (PostgreSQL's UNNEST, SQLite's VALUES with
a row of placeholders per row). A sibling of ``config.compiled_query``'s compiled
writes, for the rows a publication adds."""

from __future__ import annotations

from django.db import connections, router, transaction
from django.db.models.constants import OnConflict

from . import writes_together
from .compiled_query import compiled_insert, insert_rows, statement_cursor
from .field_values import db_value

# Compiled INSERTs of rows that carry their whole key, by model, database and conflict
# handling: the statement (PostgreSQL: for any number of rows; SQLite: up to VALUES), its
# fields and, on SQLite, the placeholders of one row and what follows the rows.
_KEYED_INSERTS: dict[tuple, tuple | None] = {}


def _compilable(meta, fields: list, connection) -> bool:
    return not (
        meta.parents
        or meta.db_returning_fields
        or any(f.has_db_default() or hasattr(f, "get_placeholder") for f in fields)
        or any(
            (f.target_field if f.is_relation else f).get_internal_type()
            not in connection.data_types
            for f in fields
        )
    )


def _compile_keyed_insert(model: type, connection, ignore_conflicts: bool):
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated]
    if not _compilable(meta, fields, connection):
        return None
    ops, on_conflict = connection.ops, OnConflict.IGNORE if ignore_conflicts else None
    quote = ops.quote_name
    # As bulk_create writes it (SQLInsertCompiler.as_sql: PostgreSQL's UNNEST, or VALUES).
    insert = (
        f"{ops.insert_statement(on_conflict=on_conflict)} {quote(meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)})"
    )
    suffix = ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    if connection.vendor == "sqlite":
        return f"{insert} VALUES ", fields, "(" + ", ".join(["%s"] * len(fields)) + ")", suffix
    arrays = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
    sql = f"{insert} SELECT * FROM UNNEST({arrays})"
    return (f"{sql} {suffix}" if suffix else sql), fields, None, None


def _compiled_for(model: type, using: str, ignore_conflicts: bool, objs: list, batch_size):
    """The compiled INSERT of ``objs``, or None where ``bulk_create`` writes them."""
    connection = connections[using]
    key = (model, using, ignore_conflicts)
    if key not in _KEYED_INSERTS and connection.vendor in ("postgresql", "sqlite"):
        _KEYED_INSERTS[key] = _compile_keyed_insert(model, connection, ignore_conflicts)
    compiled = _KEYED_INSERTS.get(key)
    if compiled is None or len(objs) < 2 or (batch_size is not None and len(objs) > batch_size):
        return None
    if compiled[2] is not None and len(objs) > connection.ops.bulk_batch_size(compiled[1], objs):
        return None  # more parameters than SQLite takes in one statement: bulk_create's batches
    return compiled if all(obj._is_pk_set() for obj in objs) else None


def _column_values(objs: list, fields: list, connection) -> list | None:
    """The rows' database values, column by column, as ``bulk_create`` prepares them; None
    if one is an expression (``bulk_create`` compiles those)."""
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        values = [f.pre_save(obj, True) for f in fields]
        if any(hasattr(value, "as_sql") for value in values):
            return None
        rows.append([db_value(f, v, connection) for f, v in zip(fields, values, strict=True)])
    return [list(column) for column in zip(*rows, strict=True)]


def insert_keyed_rows(
    objs: list, *, ignore_conflicts: bool = False, batch_size: int | None = None, using=None
) -> None:
    """``bulk_create(objs, ignore_conflicts=..., batch_size=...)`` of new rows that carry
    their whole key (a composite one: the search index's rows), with the SQL compiled once
    per model and database: for the rows a publication writes, whose INSERT Django builds
    each time. As ``bulk_create``: no signals, the related fields'
    check, each field's ``pre_save`` and database value, the objects then saved; one
    statement for the rows of one batch. What it does not cover goes to ``bulk_create``
    (another database, one row or more than a batch, more values than SQLite takes in
    one statement, a value that is an expression, a model whose INSERT returns columns)."""
    if not objs:
        return
    model = type(objs[0])
    using = using or router.db_for_write(model, instance=objs[0])
    compiled = _compiled_for(model, using, ignore_conflicts, objs, batch_size)
    connection = connections[using]
    columns = _column_values(objs, compiled[1], connection) if compiled is not None else None
    if columns is None:
        model._default_manager.db_manager(using).bulk_create(
            objs, ignore_conflicts=ignore_conflicts, batch_size=batch_size
        )
        return
    sql, params = compiled[0], columns
    if compiled[2] is not None:  # SQLite: a row of placeholders per row, the rows' values
        sql = f"{sql}{', '.join([compiled[2]] * len(objs))} {compiled[3]}".rstrip()
        params = [value for row in zip(*columns, strict=True) for value in row]
    with transaction.mark_for_rollback_on_error(using=using):
        statement_cursor(connection).execute(sql, params)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def insert_values(
    model: type, rows: list[tuple], *, ignore_conflicts: bool = False, together: bool = False
) -> None:
    """``insert_rows`` of new rows given as tuples of their columns' values (the model's
    fields but its automatic key, in their order), without model instances: the same
    statement, compiled once per model, database and number of rows, each value through
    its field's database value. For rows nobody reads back (a step's task links, whose
    key the database makes): no ``pre_save`` (a field that sets its own value, such as
    ``auto_now``, is refused), no keys returned (only with ``ignore_conflicts``).
    ``together``: nobody reads them back inside the ``config.writes_together.together()``
    block either, and the INSERT goes with its other writes."""
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    if len(rows) > connection.ops.bulk_batch_size(fields, rows):
        names = [f.attname for f in fields]
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        insert_rows(objs, ignore_conflicts=ignore_conflicts, together=together)
        return
    sql, fields = _values_insert(model, using, len(rows), ignore_conflicts)
    params = []
    for row in rows:
        params.extend(db_value(f, value, connection) for f, value in zip(fields, row, strict=True))
    if together and writes_together.later(using, sql, params):
        return
    with transaction.mark_for_rollback_on_error(using=using):
        statement_cursor(connection).execute(sql, params)


def _values_insert(model: type, using: str, rows: int, ignore_conflicts: bool) -> tuple:
    """``insert_rows``'s compiled INSERT of ``rows`` rows and its fields, for values given
    as they are: refused for a statement that returns keys or a field that sets its own."""
    sql, fields, returning = compiled_insert(model, using, rows, ignore_conflicts)
    if returning or any(
        getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields
    ):
        raise ValueError("insert_values: rows nobody reads back (ignore_conflicts), set values")
    return sql, fields
