"""The searches among versions that are no longer valid find their candidates through an
index of each history row's terms on PostgreSQL (``documents_history_lexemes``, migration
``documents.0033``; on SQLite ``LIKE`` over the text) and read only the query words' keys
from each candidate (issue 21: a past date and superseded versions under 50 ms). After
every change that writes history rows (publication, repeal, reindexing, removal, the
register import's earlier versions) the candidates are exactly the rows that hold a term
of every word, and a version keeps the hits and scores it had while it was valid."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from documents.models import DocumentVersion, SearchHistory
from documents.search import remove_version
from documents.search.analysis import QueryWord
from documents.search.bulk import check_history_index
from documents.search.history_index import TERMS
from documents.search.ranking import RankedHits
from documents.services import publish_version, repeal_document
from tests.factories import DecisionFactory, PublishedVersionFactory, build_municipality
from tests.registerfile import import_policy_with_an_earlier_version
from tests.search_history_support import history_by_index as by_index
from tests.search_history_support import history_holding as expected

pytestmark = pytest.mark.django_db

QUERIES = ("rutin", "rutiner", "brandla", "larm", "kontroll", "grupp", "avvikel", "cykl rutin")


def assert_in_step() -> None:
    assert SearchHistory.objects.exists()
    check_history_index(connection)  # SQLite: the FTS5 table holds exactly the rows' tokens
    for q in QUERIES:
        assert by_index(q) == expected(q), q


def scores(versions, q: str) -> dict[int, int]:
    return {pk: score for pk, score, _total in RankedHits(versions, q).rows()}


def everything():
    return DocumentVersion.objects.filter(status__in=["valid", "superseded", "repealed"])


@pytest.fixture
def versions():
    first = PublishedVersionFactory(
        title="Rutin för brandlarm",
        document__title="Rutin för brandlarm",
        document__summary="Internkontroll av larmen.",
        body="<p>Brandlarmet testas. Rutiner för avvikelser, kontrollplan och "
        "samverkansgruppen.</p>",
        valid_from=datetime.date(2020, 1, 1),
    )
    other = PublishedVersionFactory(
        title="Cyklar i tjänsten",
        body="<p>Rutin för cykelparkering och arbetsgruppen.</p>",
        valid_from=datetime.date(2020, 1, 1),
    )
    return first, other


def test_a_superseded_version_keeps_its_hits_and_scores(versions):
    first, other = versions
    before = {q: scores(everything(), q) for q in QUERIES}
    assert first.pk in before["kontroll"] and first.pk in before["grupp"]
    newer = PublishedVersionFactory(
        document=first.document,
        title="Rutin för brandlarm",
        body="<p>Sprinkler.</p>",
        publish=False,
    )
    publish_version(newer)

    assert set(SearchHistory.objects.values_list("version_id", flat=True)) == {first.pk}
    assert_in_step()
    after = {q: scores(everything(), q) for q in QUERIES}
    for q in QUERIES:
        # The superseded version as it was; the new one as its own text says.
        assert after[q].get(first.pk) == before[q].get(first.pk), q
        assert after[q].get(other.pk) == before[q].get(other.pk), q


def test_repeal_moves_the_rows_into_the_index(versions):
    first, _other = versions
    repeal_document(
        first.document,
        DecisionFactory(document=first.document, decision_date=datetime.date(2027, 1, 1)),
    )

    assert SearchHistory.objects.filter(version=first).exists()
    assert_in_step()
    assert first.pk in by_index("brandla")
    assert first.pk not in by_index("sprinkl")


def test_reindexing_and_removal_keep_the_index_in_step(versions):
    first, _other = versions
    newer = PublishedVersionFactory(
        document=first.document,
        title="Rutin för sprinkler",
        body="<p>Sprinkler.</p>",
        publish=False,
    )
    publish_version(newer)
    SearchHistory.objects.filter(version=first).update(terms='{"sprinkl":1}')
    assert by_index("brandla") == set()  # the text as it was changed

    call_command("reindex_search", "--no-progress", stdout=io.StringIO())
    assert_in_step()
    assert first.pk in by_index("brandla")

    remove_version(first)
    assert first.pk not in by_index("brandla")
    assert not SearchHistory.objects.filter(version=first).exists()


def test_the_register_imports_earlier_versions_into_the_index():
    m = build_municipality()
    report = import_policy_with_an_earlier_version(m)
    assert report.ok, report.problems

    added = DocumentVersion.objects.get(document__import_key="POL-1", number=1)
    assert SearchHistory.objects.filter(version=added).exists()
    assert_in_step()
    assert by_index("sekretessklassning") == {added.pk}
    assert set(scores(everything(), "sekretessklassning")) == {added.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_the_index_function_reads_every_key_as_it_is():
    terms = '{"rutin":1,"samverkansgrupp":20000,"o\'neil":3,"back\\\\slash":4,"åtgärd":5}'
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unnest(tsvector_to_array(documents_history_lexemes(%s, NULL, NULL, %s, %s)))",
            [terms, "superseded", True],
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "rutin",
            "samverkansgrupp",
            "o'neil",
            "back\\slash",
            "åtgärd",
            # The status, the public document's mark, and the tier of a key with a title or
            # summary count.
            "$superseded",
            "$public",
            "samverkansgrupp#200",
        }
    # A term with a quote or a backslash is found as it is.
    version = PublishedVersionFactory()
    SearchHistory.objects.create(version=version, terms=terms)
    for term in ("o'neil", "back\\slash"):
        assert by_index(QueryWord(term, is_prefix=False)) == {version.pk}, term


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_sqlite_index_reads_every_key_as_it_is():
    terms = '{"rutin":1,"samverkansgrupp":20000,"åtgärd":5,"μg":3,"för":2}'
    version = PublishedVersionFactory()
    SearchHistory.objects.filter(version=version).delete()
    SearchHistory.objects.create(version=version, terms=terms)
    for term in ("rutin", "samverkansgrupp", "åtgärd", "μg", "för"):
        assert by_index(QueryWord(term, is_prefix=False)) == {version.pk}, term
    # Diacritics are kept: "for" is not "för"; a part of a key is not a key.
    for term in ("for", "atgard", "samverk", "grupp"):
        assert by_index(QueryWord(term, is_prefix=False)) == set(), term
    assert by_index(QueryWord("samverk", is_prefix=True)) == {version.pk}
    # A key's score is a token too, but the words' conditions decide: no hit for "20000".
    assert set(scores(everything(), "20000")) == set()
    assert set(scores(everything(), "µg")) == {version.pk}  # the micro sign is mu
    # The second index's vocabulary holds each key joined to its packed score, and a
    # prefix word's keys are read from it (history_index.TERMS, migration 0039).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {TERMS} WHERE doc = %s", [version.pk])
        tokens = {row[0] for row in cursor.fetchall()}
    assert tokens == {"rutin_1", "samverkansgrupp_20000", "åtgärd_5", "μg_3", "för_2"}
    assert set(scores(everything(), "samverk")) == {version.pk}
    SearchHistory.objects.filter(version=version).update(terms='{"rutin":2}')
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {TERMS} WHERE doc = %s", [version.pk])
        assert {row[0] for row in cursor.fetchall()} == {"rutin_2"}
    check_history_index(connection)
