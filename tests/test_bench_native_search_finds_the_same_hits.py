"""The benchmark's native comparison (bench/native.py, issue 21): PostgreSQL's tsvector and
GIN over the same text of the valid versions finds the same hits as the register's search
for a common word (with the compounds ours finds, ORed into the native query), and the
comparison reports both sides. PostgreSQL only."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import native
from tests.factories import PublishedVersionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the native search is PostgreSQL's"
    ),
]


def test_both_searches_find_the_valid_versions_with_the_word():
    PublishedVersionFactory(title="Rutin för brandskydd", body="<p>Larm.</p>")
    PublishedVersionFactory(title="Policy", body="<p>Enligt rutinen ska larmet provas.</p>")
    first = PublishedVersionFactory(title="Riktlinje", body="<p>Inget om det.</p>")
    PublishedVersionFactory(document=first.document, title="Riktlinje", body="<p>Rutiner.</p>")
    PublishedVersionFactory(title="Mall", body="<p>Något annat.</p>")
    # Found by ours through the compound (hygien + rutin), and by the native query's OR.
    PublishedVersionFactory(title="Städning", body="<p>Hygienrutiner för köket.</p>")
    with connection.cursor() as cursor:
        native.build(cursor, again=True)

    figures = native.compare("rutin", rounds=2)

    assert figures["ours"]["hits"] == figures["native"]["hits"] == 4
    ours_sizes, native_size = figures["sizes"]
    assert set(ours_sizes) == set(native.OUR_TABLES) and native_size > 0
    text = native.note(figures)
    assert "Ours: wall p50/p95" in text and "Native: wall p50/p95" in text and "load" in text


def test_the_table_is_built_again_when_the_valid_versions_changed():
    PublishedVersionFactory(title="Rutin ett")
    with connection.cursor() as cursor:
        native.build(cursor, again=True)
        PublishedVersionFactory(title="Rutin två")
        native.build(cursor)
        cursor.execute(f"SELECT COUNT(*) FROM {native.TABLE}")
        assert cursor.fetchone()[0] == 2
