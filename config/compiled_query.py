"""A hot read compiled to SQL once per process, run with new values, rows built as the ORM
builds them.

For the few queries every step of a case runs (the case's lock and read, the task, the
positions a person acts in): Django spends more CPU building and compiling such a query
(up to 2 ms for the case's 14-table read) than the database spends running it (0.1 ms).
``CompiledQuery`` builds the queryset once with placeholder values, keeps the compiled
SQL and the compiler's description of the columns, and then per call only puts the
values into the parameters, runs the SQL through Django's cursor (so query counting,
``execute_wrapper`` and the transaction apply as to any query) and turns the rows into
model instances with Django's own converters and populators, as ``QuerySet.__iter__``
does. What the ORM checks when compiling, it checks once; ``select_for_update`` outside a
transaction is refused per call, as the ORM refuses it.

The placeholders (ids from 32,000, a day in year 1) must differ from the constants the
query itself compiles to parameters; the queryset is built once per database connection alias.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.db.models.constants import OnConflict
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import UpdateQuery
from django.db.transaction import TransactionManagementError

from . import writes_together
from .field_values import db_value, save_values
from .model_rows import builder, building
from .prepared import statement_cursor_of

# Placeholder ids: 32,000, 32,001, ... Only the compiled query's own constants must differ
# from them (real values are never compared); inside every integer column's range, the
# smallest included (Django compiles a value outside it to "no rows", not to a parameter).
_ID_BASE = 32_000
_DAY = datetime.date(1, 1, 1)  # the placeholder day (one per query at most)


class _Compiled:
    def __init__(self, queryset: QuerySet, slots: dict, connection) -> None:
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        features = connection.features
        self.locks = bool(
            queryset.query.select_for_update
            and features.has_select_for_update
            and features.supports_transactions
        )
        self.positions = _positions(self.params, slots, connection)
        self.compiler = compiler
        klass_info, select = compiler.klass_info, compiler.select
        iterable = queryset._iterable_class
        self.model = None if iterable is ValuesListIterable else klass_info["model"]
        if self.model is None:  # values_list(): rows as tuples, in the order asked for
            query = queryset.query
            if list(queryset._fields) != [*query.values_select, *query.annotation_select]:
                raise ValueError("values_list(): the fields first, then the annotations")
        elif not issubclass(iterable, ModelIterable):
            raise ValueError("model instances or values_list() tuples only")
        else:
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [c[0].target.attname for c in select[self.start : self.end]]
            self.build = builder(self.model, self.init_list)
            self.populators = building(get_related_populators(klass_info, select, connection.alias))
            self.annotations = dict(compiler.annotation_col_map or {})
        self.width = compiler.col_count if compiler.has_extra_select else None
        # What ``results_iter`` asks the backend for on every call: the same each time.
        columns = [column[0] for column in select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("composite fields are not supported")
        self.converters = compiler.get_converters(columns)

    def run(self, connection, values: dict) -> list:
        if self.locks and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(self.params)
        for index, name, how in self.positions:
            params[index] = _as_param(values[name], how, connection)
        cursor = statement_cursor(connection)
        cursor.execute(self.sql, params)
        rows = cursor.fetchall()
        if self.width is not None:
            rows = [row[: self.width] for row in rows]
        objects = []
        alias = connection.alias
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.model is None:
            return [tuple(row) for row in rows]
        for row in rows:
            obj = self.build(alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def statement_cursor(connection):
    """A cursor of ``connection`` for the compiled statements, kept and used again while
    the database connection and its query logging stay the same (``connection.cursor()``
    otherwise: Django's wrapper, so query counting, ``execute_wrappers`` and the
    transaction apply as to any query). A psycopg cursor made for one statement looks up
    how to send and read each type again; one kept does so once (about 20 µs a statement
    on PostgreSQL). On SQLite making Django's cursor is most of what Django adds to a
    statement (5 of 8 µs). The connection's health check and reconnection are asked as
    ``connection.cursor()`` asks them. Every compiled statement's result is read to its
    end (all rows, or the one row of a key), which on SQLite resets the statement, so a
    kept cursor holds no statement open at the commit. On PostgreSQL the cursor binds
    the values on the server and each statement is prepared at its first run on the
    connection (``config.prepared.statement_cursor_of``)."""
    kept = connection.__dict__.get("_styrdok_statement_cursor")
    if (
        kept is not None
        and kept[0] is connection.connection
        and kept[1] == connection.queries_logged
        and (connection.health_check_done or not connection.health_check_enabled)
        and not getattr(kept[2].cursor, "closed", False)  # psycopg's; SQLite's has none
    ):
        return kept[2]
    if connection.vendor not in ("postgresql", "sqlite"):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    kept = (connection.connection, connection.queries_logged, statement_cursor_of(connection))
    connection.__dict__["_styrdok_statement_cursor"] = kept
    return kept[2]


# How a value stands in the compiled parameters: as given, as text (SQLite receives days
# as text), as the pattern of ``__startswith`` (a text's LIKE prefix).
_AS_GIVEN, _AS_TEXT, _AS_PREFIX = "", "text", "prefix"


def _positions(params: list, slots: dict, connection) -> list[tuple[int, str, str]]:
    """Where each placeholder stands in the parameters, and how the backend adapted it."""
    found = []
    for index, value in enumerate(params):
        for name, placeholder in slots.items():
            if value == placeholder:
                found.append((index, name, _AS_GIVEN))
            elif isinstance(placeholder, datetime.date) and value == str(placeholder):
                found.append((index, name, _AS_TEXT))
            elif isinstance(placeholder, str) and value == _like_prefix(placeholder, connection):
                found.append((index, name, _AS_PREFIX))
    missing = set(slots) - {name for _, name, _ in found}
    if missing:
        raise ValueError(f"placeholders not found in the compiled query: {missing}")
    return found


def _like_prefix(text: str, connection) -> str:
    return f"{connection.ops.prep_for_like_query(text)}%"  # as Django's StartsWith


def _as_param(value, how: str, connection):
    if how == _AS_TEXT:
        return str(value)
    if how == _AS_PREFIX:
        return _like_prefix(value, connection)
    return value


def _fits(value, placeholder) -> bool:
    """Whether ``value`` can take the place of ``placeholder`` in the compiled SQL."""
    return isinstance(value, str) if isinstance(placeholder, str) else _ordinary(value)


def _ordinary(value) -> bool:
    if isinstance(value, datetime.date):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2**31 - 1


class CompiledQuery:
    """``build(**placeholders)`` returns the queryset; ``run(**values)`` its objects.

    ``ids`` names the integer values (ids), ``day`` the one date value, if any, ``lists``
    lists of ids (for ``__in``; compiled once per length), ``texts`` text values (compared
    as they are, or as ``__startswith``). The queryset must use each value only as a
    parameter (no arithmetic on it). A ``values_list()`` queryset gives tuples."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        ids: tuple[str, ...],
        day: str = "",
        lists: tuple[str, ...] = (),
        texts: tuple[str, ...] = (),
    ):
        self.build = build
        self.slots: dict = {name: _ID_BASE + i for i, name in enumerate(ids)}
        if day:
            self.slots[day] = _DAY
        # Placeholder texts: nothing a query compares with, no LIKE wildcard or escape.
        self.slots.update({name: f"\x1estyrdok-{name}\x1e" for name in texts})
        self.lists = lists
        self._compiled: dict[tuple, _Compiled] = {}

    def _list_slots(self, values: dict) -> tuple[dict, dict] | None:
        """The placeholders and values of the id lists, one slot per element (the SQL is
        compiled once per list length); None if a list is empty, repeats an id or holds
        anything but an ordinary id (the ORM answers those)."""
        slots, flat = {}, {}
        for j, name in enumerate(self.lists):
            given = list(values[name])
            if not given or len(set(given)) != len(given) or not all(map(_ordinary, given)):
                return None
            for k, value in enumerate(given):
                slots[f"{name}#{k}"] = _ID_BASE + 1000 * (j + 1) + k
                flat[f"{name}#{k}"] = value
        return slots, flat

    def run(self, using: str = "default", **values) -> list:
        lists = self._list_slots(values) if self.lists else ({}, {})
        if lists is None or not all(_fits(values[n], p) for n, p in self.slots.items()):
            # None, or an id outside a 32-bit column's range (from a URL, say): the ORM
            # answers as it always has ("IS NULL", no rows, ...).
            return list(self.build(**values).using(using))
        list_slots, list_values = lists
        key = (using, *(len(values[name]) for name in self.lists))
        compiled = self._compiled.get(key)
        connection = connections[using]
        if compiled is None:
            placeholders = {**self.slots}
            for name in self.lists:
                placeholders[name] = [list_slots[f"{name}#{k}"] for k in range(len(values[name]))]
            slots = {**self.slots, **list_slots}
            compiled = _Compiled(self.build(**placeholders), slots, connection)
            self._compiled[key] = compiled
        return compiled.run(connection, {**values, **list_values})


class CompiledUpdate:
    """``build(**placeholders)`` returns ``(queryset, changes)``; ``run(**values)`` runs
    ``queryset.update(**changes)`` with the values, compiled to SQL once per process, and
    returns the rows written, as ``update`` does.

    For the few UPDATEs every case runs whose SQL Django rebuilds each time (the derived
    columns of a document and its versions, the End node's finishing UPDATE). ``ids``
    names the integer values; ``values`` the values written as they are (a change
    ``column=value``), each with a placeholder of the column's type that nothing else in
    the statement equals; the other changes are constants or expressions of the rows. The
    UPDATE writes one table (no parent table of an inherited model, no join in its
    filter)."""

    def __init__(
        self,
        build: Callable[..., tuple[QuerySet, dict]],
        ids: tuple[str, ...],
        values: dict | None = None,
    ):
        self.build = build
        self.slots: dict = {name: _ID_BASE + i for i, name in enumerate(ids)}
        self.value_slots: dict = dict(values or {})
        self._compiled: dict[str, tuple[str, list, list, list]] = {}

    def _compile(self, using: str) -> tuple[str, list, list, list]:
        queryset, changes = self.build(**self.slots, **self.value_slots)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(changes)
        written = {
            name: field
            for field, _model, value in query.values
            for name, placeholder in self.value_slots.items()
            if value is placeholder
        }
        compiler = query.get_compiler(using=using)
        compiler.pre_sql_setup()
        if query.related_updates:
            raise ValueError("an UPDATE of more than one table is not supported")
        sql, params = compiler.as_sql()
        params = list(params)
        positions = [
            (index, name)
            for index, value in enumerate(params)
            for name, placeholder in self.slots.items()
            if value == placeholder
        ]
        value_positions = self._value_positions(params, written, compiler.connection)
        found = {name for _, name in positions} | {name for _, name, _ in value_positions}
        missing = (set(self.slots) | set(self.value_slots)) - found
        if missing or len(value_positions) != len(written):
            raise ValueError(f"placeholders not found once in the compiled UPDATE: {missing}")
        return sql, params, positions, value_positions

    def _value_positions(self, params: list, written: dict, connection) -> list:
        """Where each value's placeholder stands in the parameters, as its column's
        database value."""
        prepared = {
            name: field.get_db_prep_save(self.value_slots[name], connection)
            for name, field in written.items()
        }
        return [
            (index, name, written[name])
            for index, value in enumerate(params)
            for name in written
            if value == prepared[name]
        ]

    def run(self, using: str = "default", **values) -> int:
        if not all(_ordinary(values[name]) for name in self.slots) or not all(
            _plain(values[name]) for name in self.value_slots
        ):
            queryset, changes = self.build(**values)
            return queryset.using(using).update(**changes)
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        sql, params, positions, value_positions = compiled
        connection = connections[using]
        params = list(params)
        for index, name in positions:
            params[index] = values[name]
        for index, name, field in value_positions:
            params[index] = field.get_db_prep_save(values[name], connection)
        with transaction.mark_for_rollback_on_error(using=using):
            cursor = statement_cursor(connection)
            cursor.execute(sql, params)
            return cursor.rowcount


def _plain(value) -> bool:
    """A value an UPDATE writes through a parameter of its own (not NULL, no expression,
    no model instance)."""
    return value is not None and not (
        hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save")
    )


# Compiled multi-row INSERTs, by model, database, number of rows and conflict handling.
_INSERTS: dict[tuple, tuple[str, list, list]] = {}


def _compile_insert(model: type, using: str, rows: int, ignore_conflicts: bool):
    meta = model._meta
    connection = connections[using]
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    if (
        meta.parents
        or meta.auto_field is None
        or any(f.has_db_default() for f in fields)
        or not connection.features.can_return_rows_from_bulk_insert
    ):
        raise ValueError("insert_rows: a model of one table with an automatic key, no db_default")
    quote, on_conflict = connection.ops.quote_name, OnConflict.IGNORE if ignore_conflicts else None
    returning = [] if ignore_conflicts else list(meta.db_returning_fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} {quote(meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) VALUES {', '.join([row] * rows)} "
        + connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    ).rstrip()
    if returning:
        sql += " RETURNING " + ", ".join(quote(f.column) for f in returning)
    return sql, fields, returning


def compiled_insert(model: type, using: str, rows: int, ignore_conflicts: bool) -> tuple:
    """The multi-row INSERT of ``rows`` new rows of ``model`` (its SQL, the fields whose
    values it takes in order, the fields it returns), compiled once per model, database,
    number of rows and conflict handling."""
    key = (model, using, rows, ignore_conflicts)
    compiled = _INSERTS.get(key)
    if compiled is None:
        compiled = _INSERTS[key] = _compile_insert(model, using, rows, ignore_conflicts)
    return compiled


def insert_rows(objs: list, *, ignore_conflicts: bool = False, together: bool = False) -> None:
    """``Model.objects.bulk_create(objs, ignore_conflicts=...)`` of new rows of one model
    (no primary key yet), with the SQL compiled once per model, database and number of
    rows: for the few INSERTs every step of a case repeats (its audit entries, its task
    links), whose SQL Django otherwise builds each time. As ``bulk_create``: no signals,
    each field's ``pre_save`` and database value, the primary keys from RETURNING (not
    with ``ignore_conflicts``), the objects then saved. One query; a batch larger than the
    database takes in one statement goes to ``bulk_create``. ``together``: nobody reads
    the rows back or needs their keys, and inside a ``config.writes_together.together()``
    block the INSERT may go with its other writes (then no key is set)."""
    if not objs:
        return
    model = type(objs[0])
    using = router.db_for_write(model, instance=objs[0])
    connection = connections[using]
    if len(objs) > connection.ops.bulk_batch_size(model._meta.concrete_fields, objs):
        model._default_manager.db_manager(using).bulk_create(
            objs, ignore_conflicts=ignore_conflicts
        )
        return
    sql, fields, returning = compiled_insert(model, using, len(objs), ignore_conflicts)
    params = []
    for obj in objs:
        if obj.pk is not None:
            raise ValueError("insert_rows: new rows only")
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        params.extend(save_values(fields, obj, True, connection))
    if together and writes_together.later(using, sql, params):
        written = ()
    else:
        with transaction.mark_for_rollback_on_error(using=using):
            cursor = statement_cursor(connection)
            cursor.execute(sql, params)
            written = cursor.fetchall() if returning else ()
    for obj, row in zip(objs, written, strict=False):
        for value, field in zip(row, returning, strict=True):
            setattr(obj, field.attname, value)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


# Compiled one-row UPDATEs of given columns, by model, database and the columns' names.
_ROW_UPDATES: dict[tuple, str] = {}


def _row_update_sql(model: type, using: str, fields: tuple) -> str:
    meta = model._meta
    if any(f not in meta.local_concrete_fields or f.primary_key for f in fields):
        raise ValueError("update_row: columns of the model's own table, not its key")
    quote = connections[using].ops.quote_name
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    return f"UPDATE {table} SET {assignments} WHERE {table}.{quote(meta.pk.column)} = %s"


def _update_fields(model: type, using: str, pk, fields: tuple, values) -> int:
    key = (model, using, fields)
    sql = _ROW_UPDATES.get(key)
    if sql is None:
        sql = _ROW_UPDATES[key] = _row_update_sql(model, using, fields)
    connection = connections[using]
    params = []
    for field, value in zip(fields, values, strict=True):
        if hasattr(value, "resolve_expression"):
            raise ValueError("update_row: values, not expressions")
        if hasattr(value, "prepare_database_save"):
            value = value.prepare_database_save(field)
        params.append(db_value(field, value, connection))
    with transaction.mark_for_rollback_on_error(using=using):
        cursor = statement_cursor(connection)
        cursor.execute(sql, [*params, pk])
        return cursor.rowcount


def update_row(model: type, pk, values: dict) -> int:
    """``model.objects.filter(pk=pk).update(**values)`` with values (no expressions) for
    columns of the model's own table, the SQL compiled once per model, database and set
    of columns: for the UPDATEs of a case's row that every step repeats (the mark of its
    next step). As ``update``: no signals, related rows written as their keys, each
    field's database value; returns the rows written."""
    fields = tuple(model._meta.get_field(name) for name in values)
    return _update_fields(model, router.db_for_write(model), pk, fields, values.values())


# Compiled one-row INSERTs of ``save``: by table model, database, columns and the columns
# returned; None where the ORM writes it (a field with a placeholder of its own, a returned
# column the database's value is converted from).
_SAVE_INSERTS: dict[tuple, str | None] = {}


def _save_insert_sql(model: type, connection, fields: tuple, returning: tuple) -> str | None:
    ops = connection.ops
    if any(getattr(f, "get_placeholder", None) is not None for f in fields):
        return None
    if any(
        ops.get_db_converters(f.get_col(model._meta.db_table)) + f.get_db_converters(connection)
        for f in returning
    ):
        return None
    quote = ops.quote_name
    # As SQLInsertCompiler.as_sql writes the INSERT of one row that returns its columns.
    sql = (
        f"{ops.insert_statement(on_conflict=None)} {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returning_sql, returning_params = ops.return_insert_columns(list(returning))
    if returning_params:
        return None
    return f"{sql} {returning_sql}" if returning_sql else sql


class CompiledSaves:
    """Model mixin: the UPDATE of ``save`` (every column, or ``update_fields``) with its SQL
    compiled once per model, database and set of columns (``update_row``'s) instead of
    built by the ORM each time; what Django's ``_do_update`` does otherwise stays its own
    (an expression among the values, a field with a placeholder of its own,
    ``select_on_save``, a manager that filters). The same for the INSERT of a new row
    (``_do_insert``: each table of an inherited model, its columns' ``pre_save`` and
    database values, the returned key), where the database returns the inserted columns.
    For the models every case saves several times with a ``save`` of their own (a
    document, its versions, a decision, the case, its diarienummer), whose logic around the
    write is unchanged."""

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        connection = connections[using]
        model = manager.model
        values = [getattr(self, f.attname) for f in fields]
        if (
            not fields
            or not connection.features.can_return_columns_from_insert
            or any(hasattr(value, "resolve_expression") for value in values)
        ):
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        fields, returning = tuple(fields), tuple(returning_fields or ())
        key = (model, using, fields, returning)
        if key not in _SAVE_INSERTS:
            _SAVE_INSERTS[key] = _save_insert_sql(model, connection, fields, returning)
        sql = _SAVE_INSERTS[key]
        if sql is None:
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        params = []
        for field, value in zip(fields, values, strict=True):
            if not raw:
                value = field.pre_save(self, True)
                if hasattr(value, "resolve_expression"):  # compiled by the ORM's INSERT
                    return super()._do_insert(manager, using, fields, returning_fields, raw)
            params.append(db_value(field, value, connection))
        cursor = statement_cursor(connection)
        cursor.execute(sql, params)
        if not returning:
            return []
        return [connection.ops.fetch_returned_insert_columns(cursor, ())]

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        if (
            not values
            or self._meta.select_on_save
            or base_qs.query.where
            or any(
                hasattr(value, "resolve_expression") or hasattr(field, "get_placeholder")
                for field, _model, value in values
            )
        ):
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        fields = tuple(field for field, _model, _value in values)
        written = _update_fields(
            base_qs.model, using, pk_val, fields, [value for _f, _m, value in values]
        )
        return written > 0


def save_new(obj) -> None:
    """``obj.save()`` of a new row (no primary key yet) of a model of one table, with the
    INSERT compiled once per model and database (``insert_rows``'s): ``pre_save`` and
    ``post_save`` with the arguments ``save`` sends, the related fields' check, each
    field's ``pre_save`` and database value, the primary key from RETURNING. Only for a
    model whose ``save`` is Django's own (a model's own ``save`` is called by nobody
    here). Viewflow's task rows (``workflows.task_rows.insert_task``) and the records every
    case adds (a union's statement, a samverkan meeting, an announcement) go this way."""
    model = type(obj)
    if obj.pk is not None or not obj._state.adding:
        raise ValueError("save_new: a new row only")
    using = router.db_for_write(model, instance=obj)
    sql, fields, returning = compiled_insert(model, using, 1, False)
    connection = connections[using]
    obj._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    with transaction.mark_for_rollback_on_error(using=using):
        params = save_values(fields, obj, True, connection)
        cursor = statement_cursor(connection)
        cursor.execute(sql, params)
        row = cursor.fetchone()
    for value, field in zip(row, returning, strict=True):
        setattr(obj, field.attname, value)
    obj._state.db = using
    obj._state.adding = False
    post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
    )
