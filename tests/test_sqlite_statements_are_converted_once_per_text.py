"""On SQLite a statement's text is converted from Django's ``%s`` to SQLite's ``?`` once per
text (``config.sqlite3``), not at every execution, and converted as Django converts it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.sqlite3 import base as django_sqlite

from config.sqlite3 import base

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backend"),
]


def test_a_statement_run_again_is_not_converted_again(monkeypatch):
    converted = []
    original = django_sqlite.SQLiteCursorWrapper.convert_query

    def counting(self, query, *, param_names=None):
        converted.append(query)
        return original(self, query, param_names=param_names)

    monkeypatch.setattr(django_sqlite.SQLiteCursorWrapper, "convert_query", counting)
    sql = "SELECT %s, %s || '%%s', 'a%%b' -- styrdok converted once"
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(sql, [1, "x"])
            assert cursor.fetchall() == [(1, "x%s", "a%b")]
    assert converted.count(sql) == 1


def test_the_kept_texts_are_forgotten_when_there_are_too_many(monkeypatch):
    monkeypatch.setattr(base, "KEPT", 3)
    monkeypatch.setattr(base, "_converted", {})
    with connection.cursor() as cursor:
        for i in range(5):
            cursor.execute(f"SELECT %s + {i}", [1])
            assert cursor.fetchone() == (1 + i,)
    assert len(base._converted) <= 3
