"""Django's SQLite backend, with each statement's text converted to SQLite's style once.

Django writes parameters as ``%s``; its SQLite cursor turns every statement into SQLite's
``?`` with a regular expression over the whole text at every execution, however often the
same text comes. A case's 117 statements (87 kB of SQL, the step's lock alone 7.5 kB five
times) cost 0.9 ms of CPU per case in that conversion, about 70 distinct texts. Here the
converted text is kept per text (up to ``KEPT`` of them, then all forgotten and kept
anew), so a statement that comes again is looked up. Everything else is Django's backend.
Selected by ``config.settings`` for SQLite (``ENGINE``)."""

from __future__ import annotations

from django.db.backends.sqlite3 import base

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


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
