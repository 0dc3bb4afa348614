"""Django's SQLite backend, with each statement's text converted to SQLite's style once
and a datetime in UTC written without Django's checks.

Django writes parameters as ``%s``; its SQLite cursor turns every statement into SQLite's
``?`` with a regular expression over the whole text at every execution, however often the
same text comes. A case's 117 statements (87 kB of SQL, the step's lock alone 7.5 kB five
times) cost 0.9 ms of CPU per case in that conversion, about 70 distinct texts. Here the
converted text is kept per text (up to ``KEPT`` of them, then all forgotten and kept
anew), so a statement that comes again is looked up. A case also writes about 90
datetimes (its tasks' and audit entries' times), each made naive in the connection's time
zone and written as text (``adapt_datetimefield_value``, 3 µs): for the usual one, in UTC
for a connection in UTC, that is its text without the zone (1.5 µs); read back, the
naive datetime is given the zone. Everything else is Django's backend. Selected by
``config.settings`` for SQLite (``ENGINE``)."""

from __future__ import annotations

import datetime

from django.db.backends.sqlite3 import base, operations

KEPT = 2048
_converted: dict[str, str] = {}


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is not None:  # "pyformat" style: converted as Django does
            return super().convert_query(query, param_names=param_names)
        converted = _converted.get(query)
        if converted is None:
            if len(_converted) >= KEPT:
                _converted.clear()
            converted = _converted[query] = super().convert_query(query)
        return converted


class DatabaseOperations(operations.DatabaseOperations):
    def adapt_datetimefield_value(self, value):
        if (
            type(value) is datetime.datetime
            and value.tzinfo is datetime.UTC
            and self.connection.timezone is datetime.UTC  # None without USE_TZ
        ):
            return str(value.replace(tzinfo=None))  # as make_naive in UTC, then str
        return super().adapt_datetimefield_value(value)

    def convert_datetimefield_value(self, value, expression, connection):
        # Read back: SQLite's converter has parsed the text; Django makes it aware in the
        # connection's zone, here directly for UTC.
        if (
            type(value) is datetime.datetime
            and value.tzinfo is None
            and self.connection.timezone is datetime.UTC
        ):
            return value.replace(tzinfo=datetime.UTC)  # as make_aware in UTC
        return super().convert_datetimefield_value(value, expression, connection)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
