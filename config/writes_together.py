"""Writes nobody reads back, sent together when an action's block ends.

A step of a case ends with a few INSERTs whose rows nothing in the step reads again and
whose keys nobody needs: its audit entries (``audit.recording.batched``), its mails
(``notifications.mail.queued_together``) and the links between its tasks
(``workflows.task_rows.step_task_rows``). Each used to be a statement of its own, and on
PostgreSQL a statement costs a round trip and the server's fixed work per statement
(25-100 µs even when trivial, docs/performance.md) whatever it writes.

Inside ``together()`` such a write (``later(...)``) waits, and when the block ends the
waiting writes go in one statement on PostgreSQL: each but the last as a data-modifying
common table expression (``WITH w1 AS (INSERT ...) INSERT ...``). PostgreSQL runs every
part of the statement, referenced or not, in the same snapshot; the parts write different
tables and none reads another's rows, so the result is that of the statements one after
the other. Elsewhere (SQLite, which has no data-modifying CTEs) a write is run at once, as
before.

The block sits inside the action's transaction (or savepoint): a block left by an
exception writes nothing (its transaction is rolled back with everything else), and a
block inside another writes its own at its end, so that a nested action whose savepoint is
rolled back takes its writes with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, transaction

# The values one statement may carry here: PostgreSQL takes at most 65,535 parameters; a
# write that would bring the waiting ones past this runs at once instead.
MAX_VALUES = 30_000

_waiting: ContextVar[_Waiting | None] = ContextVar("styrdok_writes_together", default=None)


@contextmanager
def together(using: str = "default") -> Iterator[None]:
    """Send the writes ``later`` is given inside the block in one statement at its end
    (PostgreSQL; elsewhere each is run when it is given)."""
    connection = connections[using]
    if connection.vendor != "postgresql":  # no data-modifying CTEs: each runs at once
        yield
        return
    # Writes given inside a savepoint opened within the block run at once: that savepoint
    # may be rolled back while the block goes on.
    waiting = _Waiting(using, len(connection.savepoint_ids))
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    if waiting.statements:
        _send(using, waiting.statements)


class _Waiting:
    def __init__(self, using: str, depth: int) -> None:
        self.using, self.depth, self.statements, self.values = using, depth, [], 0


def later(using: str, sql: str, params: list) -> bool:
    """Let the write ``sql`` wait for the end of the ``together()`` block around it; False
    (and nothing done) when there is none (or it is on a database that runs each write at
    once), or the write is inside a savepoint opened within it, or would make the
    statement too long. The
    statement must be one the block can send with others: an INSERT whose rows nobody in
    the block reads back and whose result (a RETURNING clause's rows) nobody needs."""
    waiting = _waiting.get()
    if (
        waiting is None
        or waiting.using != using
        or len(connections[using].savepoint_ids) != waiting.depth
        or waiting.values + len(params) > MAX_VALUES
    ):
        return False
    waiting.statements.append((sql, params))
    waiting.values += len(params)
    return True


def combined(statements: list[tuple[str, list]]) -> tuple[str, list]:
    """One statement that runs ``statements`` (SQL with ``%s`` placeholders, and their
    values): all but the last as data-modifying common table expressions."""
    *first, (last_sql, last_params) = statements
    if not first:
        return last_sql, list(last_params)
    parts = ", ".join(f"w{i} AS ({sql})" for i, (sql, _params) in enumerate(first, start=1))
    params = [value for _sql, values in first for value in values]
    return f"WITH {parts} {last_sql}", [*params, *last_params]


def _send(using: str, waiting: list) -> None:
    from .compiled_query import statement_cursor

    sql, params = combined(waiting)
    connection = connections[using]
    with transaction.mark_for_rollback_on_error(using=using):
        cursor = statement_cursor(connection)
        cursor.execute(sql, params)
        if cursor.description is not None:
            cursor.fetchall()  # read to its end: the kept cursor holds no statement
