"""Cursors whose statements PostgreSQL may plan once per connection.

Django binds query parameters on the client (the values are written into the SQL text), so
PostgreSQL parses and plans every statement afresh. Two kinds of statement are bound on the
server instead, so that they can be prepared:

- The statements the application runs again and again with new values, compiled to SQL
  once per process (``config.compiled_query``: a case step's lock and reads, the rows of
  its tasks, audit entries, mails). :func:`statement_cursor_of` makes the cursor they run
  on, which asks psycopg to prepare each statement at its first run on a connection
  (unless ``DB_PREPARE_THRESHOLD`` is ``none``). Parsing and planning a short INSERT or
  UPDATE costs the server about as much as running it (a case's 60 compiled statements
  cost 10 ms more wall time bound on the client); the step's lock, a 14-table read, is
  planned in 11–12 ms and run in 0.3 ms.
- A long statement whose parts are chosen at run time by its own first rows (the
  register's one-word search, ``documents.search.ranked_term.RankedTerm``: 1.2–1.5 ms of
  planning against 2–3 ms of execution) runs through :func:`prepared_cursor`: psycopg
  prepares it on a connection once it has run it ``prepare_threshold`` times there
  (settings: ``DB_PREPARE_THRESHOLD``).

PostgreSQL, after five custom plans of a prepared statement, keeps a generic plan when it
costs no more than they did. psycopg counts towards its threshold every statement a
connection runs, Django's client-bound ones included, in a list of its last
``prepared_max`` statements: a statement that does not come back within that many others
is never prepared by count. Hence the compiled statements are prepared at once, and the
connection keeps up to ``PREPARED_MAX`` of them (psycopg deallocates the oldest beyond).

Django's own cursors bind on the client, where psycopg never prepares. Elsewhere (SQLite,
or psycopg 2) these are the usual cursors. They are wrapped as Django wraps its own (the
queries are logged and counted alike).
"""

from __future__ import annotations

from django.db import connections

# Prepared statements a PostgreSQL connection keeps (psycopg's default is 100): more than
# the compiled statements of every page and step, so none is deallocated and prepared
# again over and over.
PREPARED_MAX = 400


def _server_binding():
    """psycopg 3's server-binding cursor class as Django defines it, or None."""
    from django.db.backends.postgresql.base import is_psycopg3

    if not is_psycopg3:
        return None
    from django.db.backends.postgresql.base import ServerBindingCursor

    return ServerBindingCursor


def prepared_cursor(using: str = "default"):
    """A cursor of the connection ``using`` that binds parameters on the server (PostgreSQL
    with psycopg 3), so that its statements can be prepared; else ``connection.cursor()``."""
    connection = connections[using]
    binding = _server_binding() if connection.vendor == "postgresql" else None
    if binding is None:
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(binding(connection.connection))


_preparing_class = None


class _Logged:
    """What Django's query log reads of a psycopg cursor's last statement (``_query.query``)."""

    def __init__(self, query: bytes) -> None:
        self.query = query


def _preparing(binding):
    global _preparing_class
    if _preparing_class is None:
        from psycopg import ClientCursor

        class PreparingCursor(binding):
            """Prepares every statement at its first run (psycopg: ``prepare=True``);
            psycopg prepares nothing when the connection's ``prepare_threshold`` is None.
            While Django logs queries (``logs_values``), the statement is logged with its
            values written in, as a client-bound one is (psycopg keeps no text of a
            prepared statement's run)."""

            logs_values = False

            def execute(self, query, params=None, *, prepare=None, binary=None):
                try:
                    return super().execute(
                        query, params, prepare=True if prepare is None else prepare, binary=binary
                    )
                finally:
                    if self.logs_values:
                        try:
                            logged = ClientCursor(self.connection).mogrify(query, params)
                        except Exception:  # the statement's own error is the one raised
                            logged = query
                        self._query = _Logged(logged.encode())

        _preparing_class = PreparingCursor
    return _preparing_class


def statement_cursor_of(connection):
    """A new cursor of the open ``connection`` for the compiled statements: on PostgreSQL
    with psycopg 3, parameters bound on the server and each statement prepared at its
    first run on the connection; else ``connection.cursor()``. Made again when Django
    starts or stops logging queries (``config.compiled_query.statement_cursor``)."""
    binding = _server_binding() if connection.vendor == "postgresql" else None
    if binding is None:
        return connection.cursor()
    raw = connection.connection
    if raw.prepared_max is not None and raw.prepared_max < PREPARED_MAX:
        raw.prepared_max = PREPARED_MAX
    cursor = _preparing(binding)(raw)
    cursor.logs_values = connection.queries_logged
    with connection.wrap_database_errors:
        return connection._prepare_cursor(cursor)
