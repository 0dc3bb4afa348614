"""A search of the register on a past date (issue 21: p95 under 50 ms) reads the versions in
force that day from the search tables that hold their dates: the valid versions' rank rows
(``SearchRank``) and the history rows of the versions no longer valid, which carry their
first and last day in force (``SearchHistory.in_force_from``/``in_force_until``; on
PostgreSQL their months are lexemes of the GIN index, which finds the rows of the day).

The days follow every change that writes history rows (publication, which supersedes the
valid version; repeal; ``reindex_search``, with and without drafts; removal; the register
import's earlier versions), the index finds exactly the rows in force on a day, and the
page (``search.RankedPast``) gives the same hits, scores, order and total as the grouped
ranking (``RankedHits``) over the versions valid that day, in one query."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import DocumentVersion, SearchHistory, VersionStatus
from documents.search import remove_version
from documents.search.analysis import query_terms
from documents.search.history import in_force
from documents.search.history_index import KEYS, month_lexeme
from documents.search.past import RankedPast
from documents.search.ranking import RankedHits
from documents.selectors import register_versions, valid_on
from documents.services import publish_version, repeal_document
from tests.factories import (
    DecisionFactory,
    DocumentVersionFactory,
    PublishedVersionFactory,
    UserFactory,
    build_municipality,
)
from tests.registerfile import import_policy_with_an_earlier_version
from tests.search_history_support import history_by_index as by_index
from tests.search_history_support import history_holding

pytestmark = pytest.mark.django_db

D = datetime.date
QUERIES = ("rutin", "rutiner", "brandla", "larm", "kontroll", "grupp", "cykl rutin", "sprinkl")
DAYS = (D(2019, 12, 31), D(2020, 1, 1), D(2021, 6, 30), D(2021, 7, 1), D(2022, 3, 14))
DAYS += (D(2022, 3, 15), D(2023, 2, 1), D(2024, 12, 31))


def assert_days_in_step() -> None:
    """Every history row carries its version's days in force, as they are now."""
    rows = SearchHistory.objects.select_related("version")
    assert rows.exists()
    for row in rows:
        v = row.version
        expected = in_force(v.status, v.valid_from, v.valid_until, v.superseded_on)
        assert (row.in_force_from, row.in_force_until) == expected, v


def in_force_on(q: str, day: datetime.date) -> set[int]:
    """The history rows of versions valid on the day (``selectors.valid_on``) that hold a
    term of every word (its own or a compound's), read in Python."""
    shown = set(DocumentVersion.objects.filter(valid_on(day)).values_list("pk", flat=True))
    return history_holding(q, among=shown)


def past(q: str, day: datetime.date, user=None, view=None, **filters) -> RankedPast:
    """``view``: the view's conditions (``among``, ``review_before``), ``filters`` the same
    on the versions searched, as the register's filters pass both."""
    user = user or UserFactory()
    return RankedPast(
        query_terms(q),
        lambda: register_versions(user).filter(valid_on(day), **filters),
        day=day,
        public_only=not user.is_authenticated,
        **(view or {}),
    )


def grouped(q: str, day: datetime.date, user=None, **filters) -> RankedHits:
    user = user or UserFactory()
    versions = register_versions(user).filter(valid_on(day), **filters).order_by("title", "pk")
    return RankedHits(versions, q)


@pytest.fixture
def history():
    """A document in three versions (the first ended by its validity before it was
    superseded, the second superseded, the third valid), a repealed one, a valid one."""
    first = PublishedVersionFactory(
        title="Rutin för brandlarm",
        document__title="Rutin för brandlarm",
        document__summary="Internkontroll av larmen.",
        body="<p>Brandlarmet testas. Rutiner för avvikelser och samverkansgruppen.</p>",
        valid_from=D(2020, 1, 1),
        valid_until=D(2021, 6, 30),
    )
    second = PublishedVersionFactory(
        document=first.document,
        title="Rutin för brandlarm och sprinkler",
        body="<p>Brandlarm och sprinkler. Rutin för kontroll.</p>",
        valid_from=D(2021, 7, 1),
        publish=False,
    )
    publish_version(second)
    third = PublishedVersionFactory(
        document=first.document,
        title="Rutin för larm",
        body="<p>Larm och sprinkler; arbetsgruppen.</p>",
        valid_from=D(2022, 3, 15),
        publish=False,
    )
    publish_version(third)
    repealed = PublishedVersionFactory(
        title="Cyklar i tjänsten",
        body="<p>Rutin för cykelparkering och larm.</p>",
        valid_from=D(2020, 1, 1),
    )
    repeal_document(
        repealed.document,
        DecisionFactory(document=repealed.document, decision_date=D(2023, 1, 1)),
    )
    PublishedVersionFactory(
        title="Larmrutiner",
        body="<p>Rutin för larm i grupp.</p>",
        valid_from=D(2021, 1, 1),
        document__is_public=False,
    )
    for v in (first, second, repealed):
        v.refresh_from_db()
    return first, second, third, repealed


def test_publication_and_repeal_write_the_days_in_force(history):
    first, second, _third, repealed = history
    assert_days_in_step()
    rows = {row.version_id: row for row in SearchHistory.objects.all()}
    # Ended by its own validity before the next version superseded it.
    assert (rows[first.pk].in_force_from, rows[first.pk].in_force_until) == (
        D(2020, 1, 1),
        D(2021, 6, 30),
    )
    # Superseded: the day before the next version's first day.
    assert rows[second.pk].in_force_until == D(2022, 3, 14)
    # Repealed: the day before the repeal decision (written after the status changed).
    assert rows[repealed.pk].in_force_until == D(2022, 12, 31)


def test_reindexing_removal_and_drafts_keep_the_days_in_step(history):
    first, _second, _third, _repealed = history
    SearchHistory.objects.update(in_force_from=None, in_force_until=None)
    call_command("reindex_search", "--no-progress", stdout=io.StringIO())
    assert_days_in_step()

    draft = DocumentVersionFactory(title="Utkast om larm", status=VersionStatus.DRAFT)
    call_command("reindex_search", "--all", "--no-progress", stdout=io.StringIO())
    assert_days_in_step()
    row = SearchHistory.objects.get(version=draft)
    assert (row.in_force_from, row.in_force_until) == (None, None)  # never in the register
    for day in DAYS:
        assert draft.pk not in by_index("larm", day)

    remove_version(first)
    assert not SearchHistory.objects.filter(version=first).exists()
    assert first.pk not in by_index("brandla", D(2020, 6, 1))


def test_the_register_import_writes_the_days_of_earlier_versions():
    m = build_municipality()
    report = import_policy_with_an_earlier_version(m)
    assert report.ok, report.problems

    added = DocumentVersion.objects.get(document__import_key="POL-1", number=1)
    assert_days_in_step()
    row = SearchHistory.objects.get(version=added)
    assert row.in_force_from is not None
    assert by_index("sekretessklassning", row.in_force_from) == {added.pk}


def test_the_index_finds_exactly_the_rows_in_force_on_the_day(history):
    for day in DAYS:
        for q in QUERIES:
            assert by_index(q, day) == in_force_on(q, day), (q, day)


def test_a_row_without_an_end_is_found_on_every_later_day(history):
    first, *_rest = history
    SearchHistory.objects.filter(version=first).update(in_force_until=None)
    assert first.pk in by_index("brandla", D(2030, 1, 1))
    assert first.pk not in by_index("brandla", D(2019, 12, 31))


@pytest.mark.parametrize("day", DAYS)
def test_the_page_is_the_grouped_rankings(history, day):
    for q in QUERIES:
        expected = grouped(q, day).rows()
        assert past(q, day).rows() == expected, (q, day)
        assert past(q, day).count() == len(expected)
        for offset, limit in ((0, 1), (1, 2), (2, 25), (len(expected), 25)):
            assert past(q, day).rows(offset, limit) == expected[offset : offset + limit]


@pytest.mark.parametrize("day", DAYS)
def test_a_sorted_search_on_a_past_date_reads_only_that_months_history(history, day):
    # A sort makes the register group the rows (RankedHits); told the day, it reads only
    # the history rows in force that month (the index's month token in its statement).
    user = UserFactory()
    versions = register_versions(user).filter(valid_on(day)).order_by("-valid_from", "pk")
    for q in QUERIES:
        narrowed = RankedHits(versions, q, in_force_on=day)
        assert narrowed.rows() == RankedHits(versions, q).rows(), q
        with CaptureQueriesContext(connection) as queries:
            narrowed.rows(0, 25)
        assert month_lexeme(day) in queries[0]["sql"], q


def test_the_register_passes_its_past_date_to_a_sorted_search(history, client):
    first, _second, _third, _repealed = history
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/register/", {"q": "brandla", "valid_on": "2021-01-15", "sort": "-valid_from"}
        )
    assert response.status_code == 200
    assert first.title in response.content.decode()
    assert any(month_lexeme(D(2021, 1, 15)) in q["sql"] for q in queries)


def test_the_view_applies_to_valid_and_earlier_versions_alike(history):
    first, second, third, repealed = history
    day = D(2021, 7, 1)
    anonymous = past("larm", day, AnonymousUser())
    assert anonymous.rows() == grouped("larm", day, AnonymousUser()).rows()
    assert {pk for pk, _s, _t in anonymous.rows()} == {second.pk, repealed.pk}

    types = [first.document.document_type_id]
    among = past("larm", day, None, {"among": {"document_type": types}}, document_type__in=types)
    assert among.rows() == grouped("larm", day, document_type__in=types).rows()
    assert second.pk in {pk for pk, _s, _t in among.rows()}
    before = D(2000, 1, 1)
    review = past("larm", day, None, {"review_before": before}, next_review__lte=before)
    assert review.rows() == [] == grouped("larm", day, next_review__lte=before).rows()


def test_a_page_and_its_count_are_one_query_each(history):
    found = past("rutin", D(2021, 7, 1))
    with CaptureQueriesContext(connection) as queries:
        rows = found.rows(0, 2)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        total = found.count()
    assert len(queries) == 1
    assert len(rows) == 2 and all(t == total for _pk, _s, t in rows)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_the_index_holds_a_lexeme_per_month_in_force():
    def lexemes(first, last) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT unnest(tsvector_to_array(documents_history_lexemes(%s, %s, %s, NULL, NULL)))",
                ['{"rutin":1}', first, last],
            )
            return {row[0] for row in cursor.fetchall()}

    assert lexemes(D(2024, 11, 20), D(2025, 1, 5)) == {"rutin", "@24298", "@24299", "@24300"}
    assert month_lexeme(D(2024, 12, 4)) == "@24299"
    assert lexemes(D(2024, 11, 20), None) == {"rutin", "@"}  # no end: every later month
    assert lexemes(None, None) == {"rutin"}  # never in force
    # Superseded on its first day: never in force, but the months only narrow (the dates
    # decide), so its month is there; a month later, none.
    assert lexemes(D(2024, 11, 20), D(2024, 11, 19)) == {"rutin", "@24298"}
    assert lexemes(D(2024, 11, 20), D(2024, 10, 19)) == {"rutin"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_sqlite_index_holds_a_token_per_month_in_force_and_follows_changes():
    version = PublishedVersionFactory()
    version_id = version.pk
    SearchHistory.objects.filter(version=version).delete()
    months = ["@24297", "@24298", "@24299", "@24300", "@24301", "@"]

    def tokens() -> set[str]:
        with connection.cursor() as cursor:
            found = set()
            for token in [*months, "rutin"]:
                cursor.execute(f"SELECT rowid FROM {KEYS} WHERE {KEYS} MATCH %s", [f'"{token}"'])
                if version_id in {row[0] for row in cursor.fetchall()}:
                    found.add(token)
            return found

    row = SearchHistory.objects.create(
        version=version,
        terms='{"rutin":1}',
        in_force_from=D(2024, 11, 20),
        in_force_until=D(2025, 1, 5),
    )
    assert tokens() == {"rutin", "@24298", "@24299", "@24300"}
    assert month_lexeme(D(2024, 12, 4)) == "@24299"
    # The trigger removes a row's tokens with the values they were added with.
    row.in_force_until = None
    row.save()
    assert tokens() == {"rutin", "@"}  # no end: every later month
    row.in_force_from = None
    row.save()
    assert tokens() == {"rutin"}  # never in force
    row.in_force_from, row.in_force_until = D(2024, 11, 20), D(2024, 11, 19)
    row.save()
    assert tokens() == {"rutin", "@24298"}  # superseded on its first day: the dates decide
    row.in_force_until = D(2024, 10, 19)
    row.save()
    assert tokens() == {"rutin"}
    row.in_force_from, row.in_force_until = D(1990, 1, 1), D(2200, 1, 1)
    row.save()
    assert tokens() == {"rutin", "@"}  # longer than MAX_MONTHS: a candidate every day
    row.delete()
    assert tokens() == set()
