"""Writing viewflow's task rows: a new row or a saved one with SQL compiled once per
process, and what a step writes of its tasks together (``step_task_rows``): the rows of
its done tasks with the next task row, its links in one INSERT."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models.signals import post_save, pre_save
from django.utils.timezone import now
from viewflow.workflow.models import Task
from viewflow.workflow.signals import task_finished

from config.compiled_bulk import insert_values
from config.compiled_query import insert_rows, save_new, statement_cursor
from config.field_values import save_values


# What a step writes of its tasks together, inside ``step_task_rows()``: the links from new
# tasks to the tasks before them (viewflow's ``Task.previous``), as (task, previous) pairs,
# written with one INSERT when the block ends instead of one each; and the rows of tasks
# done as they are created (gateways, the start), inserted with the next task row.
@dataclass
class _StepRows:
    links: list = field(default_factory=list)
    done: list = field(default_factory=list)


_pending: ContextVar[_StepRows | None] = ContextVar("styrdok_pending_task_rows", default=None)


def link_previous(task, previous) -> None:
    pending = _pending.get()
    if pending is None:
        task.previous.add(previous)
    else:
        pending.links.append((task, previous))


@contextmanager
def step_task_rows() -> Iterator[None]:
    """Write the task rows and links the flow creates inside the block with as few
    INSERTs as the flow allows (inside the caller's transaction):

    - the previous-task links with one INSERT when the block ends. Nothing inside the
      block reads those links back: a waiting join, which does, writes its own at once;
    - the row of a task that is done when it is created (a gateway, a Function node, a
      join whose branches are all in, the end, the start: ``insert_done_task``) with the
      next task row inserted in the block,
      or when the block ends: the rows of a step's gateways and of the human task they
      lead to go in one INSERT, in the order viewflow inserts them (so their keys are in
      the same order). Nothing reads such a row, or its key, before then: the next task
      is inserted before its own link or its mail needs the key, and a split or a join,
      which needs the key of a task before it, writes what is pending first
      (``write_done_tasks``). A block inside another (a case started by a step) first
      writes the outer one's pending rows, which keep their place in the order."""
    write_done_tasks()
    pending = _StepRows()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _insert_together(pending.done)
    if pending.links:
        # bulk_create's statement, compiled once, from the ids (no model instances).
        links = [(task.pk, previous.pk) for task, previous in pending.links]  # the columns
        insert_values(Task.previous.through, links, ignore_conflicts=True, together=True)


# A new task's INSERT, compiled once per process.
#
# Viewflow's nodes insert about twenty task rows per case; Django's ``save`` builds and
# compiles the 17-column INSERT each time. ``insert_task`` does what ``task.save()`` does
# for a new row (viewflow's flow_task_type, then ``config.compiled_query.save_new``: the
# related fields' check, ``pre_save`` and ``post_save`` with the same arguments, each
# field's ``pre_save`` and database value, the primary key from RETURNING) with the SQL
# compiled once per model and database; several rows in one INSERT (``insert_rows``, with
# the same signals for each row).


def insert_task(task) -> None:
    """``task.save()`` of a new task row (no primary key yet), compiled once per process,
    with the rows of done tasks pending in ``step_task_rows()`` before it."""
    _insert_together([*_take_done(), task])


def insert_done_task(task) -> None:
    """Insert the new row of a task that is done, with the next task row inside
    ``step_task_rows()`` (at once outside it)."""
    pending = _pending.get()
    if pending is None:
        _insert_together([task])
    else:
        pending.done.append(task)


def write_done_tasks() -> None:
    """Insert the rows of done tasks pending in ``step_task_rows()`` now (where their keys
    are needed)."""
    _insert_together(_take_done())


def _take_done() -> list:
    pending = _pending.get()
    if pending is None:
        return []
    done, pending.done = pending.done, []
    return done


def _insert_together(tasks: list) -> None:
    if not tasks:
        return
    for task in tasks:
        if task.flow_task and not task.flow_task_type:  # as viewflow's Task.save
            task.flow_task_type = task.flow_task.task_type
    if len(tasks) == 1:
        save_new(tasks[0])
        return
    model, using = type(tasks[0]), router.db_for_write(type(tasks[0]), instance=tasks[0])
    for task in tasks:  # as save_new sends them, each row's before the INSERT and after
        pre_save.send(sender=model, instance=task, raw=False, using=using, update_fields=None)
    insert_rows(tasks)
    for task in tasks:
        post_save.send(
            sender=model, instance=task, created=True, update_fields=None, raw=False, using=using
        )


# A task's full-row UPDATE, compiled once per process.
#
# Viewflow saves a human task's whole row when it completes (``Activation.complete``), and
# the start task's row when the case starts; Django's ``save`` builds and compiles the
# UPDATE of the 16 columns each time. ``save_task`` writes the same columns with the same
# signals and SQL compiled once per model and database; a new row goes to ``insert_task``.
# A task read under the step's lock (``remember_columns``) has only the columns that
# differ from what was read written (and its JSON ``data``, which may have changed in
# place): the row is the same, but SQLite rewrites an index entry for every column named
# in SET, and the task table has eleven indexes (a completion changes four of them).
_TASK_UPDATES: dict[tuple, tuple[str, list]] = {}
_READ = "_styrdok_columns_read"


def _compile_task_update(model: type, using: str, names: tuple | None = None) -> tuple[str, list]:
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key and not f.generated]
    if names is not None:
        fields = [f for f in fields if f.attname in names]
    if meta.parents:
        raise RuntimeError("save_task: a task model of one table")
    quote = connections[using].ops.quote_name
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {table}.{quote(meta.pk.column)} = %s"
    return sql, fields


def remember_columns(task) -> None:
    """Keep the task's columns as read (under the step's lock), for ``save_task``."""
    values = task.__dict__
    task.__dict__[_READ] = {f.attname: values.get(f.attname) for f in task._meta.concrete_fields}


def _changed_columns(task) -> tuple | None:
    """The names of the columns that differ from those ``remember_columns`` kept (and
    ``data``), or None (every column)."""
    read = task.__dict__.get(_READ)
    if read is None:
        return None
    values = task.__dict__
    return tuple(
        name
        for name, value in read.items()
        if name == "data" or name not in values or values[name] != value
    )


def save_task(task) -> None:
    """``task.save()`` (viewflow's ``AbstractTask.save``), compiled once per process: a new
    row is inserted (``insert_task``), an existing one has all its columns updated (those
    that changed since ``remember_columns``), with ``pre_save`` and ``post_save`` sent as
    Django sends them (``update_fields=None``)."""
    if task.pk is None or task._state.adding:
        insert_task(task)
        return
    if task.get_deferred_fields():  # Django saves only the loaded ones: its own save
        task.save()
        return
    model = type(task)
    if task.flow_task and not task.flow_task_type:  # as viewflow's Task.save
        task.flow_task_type = task.flow_task.task_type
    using = router.db_for_write(model, instance=task)
    connection = connections[using]
    task._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=task, raw=False, using=using, update_fields=None)
    names = _changed_columns(task)  # after the receivers, which may change the task
    key = (model, using, names)
    if key not in _TASK_UPDATES:
        _TASK_UPDATES[key] = _compile_task_update(model, using, names)
    sql, fields = _TASK_UPDATES[key]
    with transaction.mark_for_rollback_on_error(using=using):
        params = save_values(fields, task, False, connection)
        cursor = statement_cursor(connection)
        cursor.execute(sql, [*params, task.pk])
        updated = cursor.rowcount
    if not updated:  # the row is gone: Django's save decides (it inserts it again)
        task.save()
        return
    task._state.db = using
    task.__dict__.pop(_READ, None)  # written: from now on as read
    post_save.send(
        sender=model, instance=task, created=False, update_fields=None, raw=False, using=using
    )


def complete_task_row(activation) -> None:
    """Viewflow's ``Activation.complete``, the row saved by ``save_task``."""
    activation.task.finished = now()
    save_task(activation.task)
    task_finished.send(
        sender=activation.flow_class, process=activation.process, task=activation.task
    )
