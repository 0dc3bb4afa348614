"""The register's one-word search (``RankedTerm``) runs through ``config.prepared``: on
PostgreSQL its parameters are bound on the server and the statement is prepared once it has
run ``prepare_threshold`` times on a connection. Prepared or not, it gives what the same
statement gives bound on the client, and each page is still one query, counted as Django
counts its own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.search import RankedView, ranked
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hits():
    for i, body in enumerate(["Brandskydd.", "Brandskydd och larm.", "Larm.", "Brandlarm."]):
        PublishedVersionFactory(title=f"Rutin {i}", document__title=f"Rutin {i}", body=body)
    view = RankedView(day=timezone.localdate(), public_only=False)
    return lambda q: ranked(q, lambda: None, current_only=True, view=view)


def _client_bound(found) -> list[tuple]:
    sql, params = found._sql(0, 25)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (_kind, total, _b, _title), *page = cursor.fetchall()
    return [(version, score, total) for _kind, version, score, _title in page]


@pytest.mark.parametrize("q", ["brandskydd", "larm", "brand", "finnsinte"])
def test_every_run_gives_what_the_client_bound_statement_gives(hits, q):
    expected = _client_bound(hits(q))
    for _run in range(6):
        with CaptureQueriesContext(connection) as queries:
            assert hits(q).rows(0, 25) == expected
        assert len(queries.captured_queries) == 1


def test_the_statement_is_prepared_on_postgresql(hits):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    threshold = connection.connection.prepare_threshold
    assert threshold is not None
    for _run in range(threshold + 2):
        hits("brandskydd").rows(0, 25)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("own_hits" in statement for statement in statements)
