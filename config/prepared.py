"""A database cursor whose statements PostgreSQL may plan once per connection.

Django binds query parameters on the client (the values are written into the SQL text), so
PostgreSQL parses and plans every statement afresh. For a long statement that runs on every
request and whose parts are chosen at run time by its own first rows (the register's
one-word search, ``documents.search.ranked_term.RankedTerm``: 1.2–1.5 ms of planning against
2–3 ms of execution; a case step's lock, ``workflows.actions.tasks``: a 14-table read
planned in 11–12 ms and run in 0.3 ms), :func:`prepared_cursor` binds them on the server instead: psycopg
then prepares the statement on a connection once it has run it ``prepare_threshold``
times there (settings: ``DB_PREPARE_THRESHOLD``), and PostgreSQL, after five custom plans,
keeps a generic plan when it costs no more than they did.

Only statements run through this cursor are prepared: Django's own cursors bind on the
client, where psycopg never prepares. Elsewhere (SQLite, or psycopg 2) it is the usual cursor.
The cursor is wrapped as Django wraps its own (the queries are logged and counted alike).
"""

from __future__ import annotations

from django.db import connections


def prepared_cursor(using: str = "default"):
    """A cursor of the connection ``using`` that binds parameters on the server (PostgreSQL
    with psycopg 3), so that its statements can be prepared; else ``connection.cursor()``."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import is_psycopg3

    if not is_psycopg3:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))
