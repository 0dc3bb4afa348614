"""The terms of versions that are no longer valid are one history row per version (issue
21, the index at most 1 GB): the valid versions' terms stay rows, the searches among
superseded versions and on past dates find the same hits, and the migration that moved
them keeps the data of an existing database."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from documents.models import DocumentVersion, SearchField, SearchHistory, SearchTerm
from documents.search import search
from documents.search.bulk import history_terms
from documents.search.history import unpack
from documents.search.ranking import RankedHits
from documents.services import publish_version
from tests.factories import PublishedVersionFactory

BEFORE = [("documents", "0027_register_import_runs")]
AFTER = [("documents", "0028_search_history_of_versions_not_valid")]


def revise(title: str, old_body: str, new_body: str) -> tuple[DocumentVersion, DocumentVersion]:
    first = PublishedVersionFactory(
        title=title, body=old_body, valid_from=datetime.date(2020, 1, 1)
    )
    second = PublishedVersionFactory(
        document=first.document, title=title, body=new_body, publish=False
    )
    publish_version(second)
    first.refresh_from_db()
    return first, second


def hits(q: str) -> list[tuple[int, int]]:
    every = DocumentVersion.objects.filter(status__in=["valid", "superseded"]).order_by("pk")
    return [(pk, score) for pk, score, _total in RankedHits(every, q).rows()]


@pytest.mark.django_db
def test_a_superseded_version_keeps_its_terms_in_one_row_with_capped_counts():
    first, second = revise(
        "Rutin för brandlarm", "<p>" + "brandlarm " * 12 + "utrymning</p>", "<p>Cyklar.</p>"
    )

    assert not SearchTerm.objects.filter(version=first).exists()
    assert SearchTerm.objects.filter(version=second).exists()
    rows = unpack(SearchHistory.objects.get(version=first).terms)
    assert ("brandlarm", int(SearchField.TEXT), 9) in rows  # 12, capped as the search caps
    assert ("brandlarm", int(SearchField.TITLE), 1) in rows
    assert ("utrymning", int(SearchField.TEXT), 1) in rows


@pytest.mark.django_db
def test_superseded_versions_are_found_and_ranked_as_valid_ones_are():
    first, second = revise("Rutin för brandlarm", "<p>Brandlarm, larm.</p>", "<p>Cyklar.</p>")
    other = PublishedVersionFactory(title="Larmplan", body="<p>Brandlarmet testas.</p>")

    # The same query, the same scores: from the history row and from SearchTerm's rows.
    assert dict(hits("brandlarm")) == {
        first.pk: 1_000_000 + 1,  # title, text
        second.pk: 1_000_000,  # title
        other.pk: 1,  # text: "brandlarmet"
    }
    assert {pk for pk, _score in hits("brandla")} == {first.pk, second.pk, other.pk}
    ranked = search(DocumentVersion.objects.all(), "brandlarm", version_field="pk")
    assert {v.pk: v.score for v in ranked} == dict(hits("brandlarm"))
    # Among valid versions only SearchTerm's rows are read.
    valid = DocumentVersion.objects.filter(status="valid")
    found = RankedHits(valid, "brandlarm", current_only=True).rows()
    assert [pk for pk, _score, _total in found] == [second.pk, other.pk]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_rows_of_versions_no_longer_valid():
    first, second = revise(
        "Rutin för brandlarm", "<p>" + "larm " * 10 + "</p>", "<p>Utrymning.</p>"
    )
    before = {q: hits(q) for q in ("larm", "brandla", "utrymning", "rutin")}
    current = set(SearchTerm.objects.values_list("version_id", "term", "field", "count"))
    old_rows = unpack(SearchHistory.objects.get(version=first).terms)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # back: the rows as the old code kept them
    old = executor.loader.project_state(BEFORE).apps.get_model("documents", "SearchTerm")
    assert set(old.objects.values_list("version_id", "term", "field", "count", "is_current")) == {
        *((*row, True) for row in current),
        *((first.pk, t, f, c, False) for t, f, c in old_rows),
    }
    # As the old code wrote them: counts above the cap (the history keeps 9 of the 10).
    old.objects.filter(version_id=first.pk, term="larm").update(count=40)
    assert ("larm", int(SearchField.TEXT), 9) in old_rows

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(AFTER) <= set(MigrationExecutor(connection).loader.applied_migrations)

    assert set(SearchTerm.objects.values_list("version_id", "term", "field", "count")) == current
    assert list(SearchHistory.objects.values_list("version_id", flat=True)) == [first.pk]
    assert unpack(SearchHistory.objects.get(version=first).terms) == old_rows
    assert {q: hits(q) for q in before} == before
    assert second.pk in [pk for pk, _s in before["utrymning"]]


def test_the_history_text_is_compact_json():
    text = history_terms([("rutin", 3, 1), ("rutin", 1, 12), ("brand", 2, 2)])
    assert text == '{"brand":200,"rutin":10009}'
