"""The search index's rows are narrow (issue 21, the index at most 1 GB): keyed by (version,
term, field) with no id or copied document, counts in a small integer; the migration that
narrowed them keeps the rows of an existing database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from documents.models import Document, SearchField, SearchTerm
from documents.search import search
from documents.search.analysis import analyse
from documents.search.ranking import RankedHits
from tests.factories import PublishedVersionFactory

BEFORE = [("documents", "0024_version_keeps_its_reading_rule")]
AFTER = [("documents", "0025_search_terms_narrower")]


@pytest.mark.django_db
def test_a_word_repeated_beyond_a_small_integer_is_indexed_and_ranked_first():
    flooded = PublishedVersionFactory(title="Mall", body="<p>" + "brandlarm " * 40_000 + "</p>")
    once = PublishedVersionFactory(title="Rutin", body="<p>Om brandlarm en gång.</p>")

    row = SearchTerm.objects.get(version=flooded, term="brandlarm", field=SearchField.TEXT)

    assert row.count == SearchTerm.COUNT_MAX
    assert list(search(Document.objects.all(), "brandlarm").values_list("pk", flat=True)) == [
        flooded.document_id,
        once.document_id,
    ]


@pytest.mark.django_db
def test_rows_are_found_by_their_version_term_and_field():
    version = PublishedVersionFactory(title="Rutin för brandskydd", body="<p>Brandskydd.</p>")
    (term,) = analyse("brandskydd")

    rows = SearchTerm.objects.filter(version=version, term=term)

    assert {tuple(r.pk) for r in rows} == {
        (version.pk, term, SearchField.TITLE),
        (version.pk, term, SearchField.TEXT),
    }
    assert not hasattr(SearchTerm, "document")


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_rows_of_an_existing_database():
    version = PublishedVersionFactory(title="Rutin för brandskydd", body="<p>Larm, larm.</p>")
    expected = {
        (*row, True)
        for row in SearchTerm.objects.values_list("version_id", "term", "field", "count")
    }
    hits_before = RankedHits(version.__class__.objects.all(), "larm").rows()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the old table, empty: fill it as the old code did
    old = executor.loader.project_state(BEFORE).apps.get_model("documents", "SearchTerm")
    old.objects.bulk_create(
        old(
            version_id=v,
            document_id=version.document_id,
            term=t,
            field=f,
            count=70_000 if t == "rutin" else c,  # wider than the new column
            is_current=cur,
        )
        for v, t, f, c, cur in expected
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("documents", "SearchTerm")

    capped = {
        (v, t, f, SearchTerm.COUNT_MAX if t == "rutin" else c, cur) for v, t, f, c, cur in expected
    }
    assert (
        set(new.objects.values_list("version_id", "term", "field", "count", "is_current")) == capped
    )
    # On to the newest migrations, as the database was: the tests that run after this one
    # on the same database need every column.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert RankedHits(version.__class__.objects.all(), "larm").rows() == hits_before
