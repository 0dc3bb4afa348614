"""A one-word search among superseded or repealed versions, where one term alone scores the
word and the versions searched are those of the status (the register's status filter, for
staff), is read from the index's tiers: its total counted in the index, only the rows of
its best tiers scored (issue 21: 'rutin' among superseded versions scored 37,435 hits for
a page of 25). It must give exactly the hits, scores, order and total of the grouped
ranking, on every page; where the tiers cannot (a word of several terms, a page past the
tiers, a page too deep in a large tier) the grouped ranking answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DocumentVersion, SearchHistory, SearchHistoryKey, VersionStatus
from documents.search import history_top
from documents.search.analysis import query_terms
from documents.search.ranking import RankedHits
from documents.services import publish_version, repeal_document
from tests.factories import DecisionFactory, PublishedVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

# (title, summary, text) of first versions, each superseded by a second that says
# something else; the 'rutin' counts make tiers (title, summary) and ties within them.
TEXTS = [
    ("Rutin för larm", "Rutiner för larm.", "<p>Rutin, rutin och rutin.</p>"),
    ("Rutin för brand", "", "<p>En rutin.</p>"),
    ("Rutin för cykel", "Rutiner och rutiner.", "<p>Cykel.</p>"),
    ("Larm", "Rutin.", "<p>" + "Rutin. " * 12 + "</p>"),
    ("Brand", "", "<p>" + "Rutin. " * 5 + "</p>"),  # the text only: no tier
    ("Hygien", "Hygienrutin.", "<p>Hygienrutin.</p>"),  # a compound only: no score
    ("Rutin A", "", "<p>Text.</p>"),
    ("Rutin B", "", "<p>Text.</p>"),  # ties with "Rutin A", ordered by title
    ("Öresund och rutin", "", "<p>Text.</p>"),
    ("Ekorre", "Rutin.", "<p>Text.</p>"),
    ("Rutinerna", "", "<p>Rutinerna.</p>"),
    ("Parkering", "", "<p>Parkering och brandskydd.</p>"),  # no hit
]
REPEALED = ("Rutin för brand", "Larm")

QUERIES = ["rutin", "ruti", "rutiner", "larm", "brand", "hygienrutin", "finnsinte", "rut"]
PAGES = [(0, 1), (0, 3), (2, 3), (1, 20), (9, 5), (0, 25), (30, 5)]


@pytest.fixture
def world():
    for title, summary, body in TEXTS:
        first = PublishedVersionFactory(
            title=title, document__title=title, document__summary=summary, body=body
        )
        second = PublishedVersionFactory(
            document=first.document, title=title, body="<p>Ny text.</p>", publish=False
        )
        # The summary is the document's: the second version's rows say it too (valid).
        publish_version(second)
    for title in REPEALED:
        document = DocumentVersion.objects.get(title=title, status="valid").document
        repeal_document(document, DecisionFactory(document=document))


def among(status: str) -> tuple:
    # The register's versions of a status, in its order (the title).
    return DocumentVersion.objects.filter(status=status).order_by("title", "pk")


def tiers_answer(q: str, status: str, offset: int, limit: int):
    versions = RankedHits(among(status), q, history_only=True, statuses=(status,))
    sql, params = versions.versions.query.sql_with_params()
    return history_top.top_rows(
        "default",
        query_terms(q)[0],
        (status,),
        (f"({sql})", list(params)),
        versions.ordering,
        offset,
        limit,
    )


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("status", [VersionStatus.SUPERSEDED, VersionStatus.REPEALED])
def test_the_tiers_give_the_hits_scores_order_and_total_of_the_grouped_ranking(world, q, status):
    tiers = RankedHits(among(status), q, history_only=True, statuses=(status,))
    grouped = RankedHits(among(status), q, history_only=True)
    every = grouped.rows()

    assert tiers.count() == grouped.count() == len(every)
    for offset, limit in PAGES:
        assert tiers.rows(offset, limit) == every[offset : offset + limit], (offset, limit)


def test_a_word_one_term_scores_is_read_from_its_tiers(world):
    found = tiers_answer("rutin", VersionStatus.SUPERSEDED, 0, 3)

    assert found is not None
    rows, total = found
    titles = [DocumentVersion.objects.get(pk=pk).title for pk, _score, _total in rows]
    # Title and summary first ("Rutin för cykel": twice in the summary), then the title and
    # the summary and the text; equal scores by title ("Rutinerna" has one in the text too).
    assert titles == ["Rutin för cykel", "Rutin för larm", "Rutin för brand"]
    # The text-only and compound-only hits are counted, not read.
    assert total == RankedHits(among("superseded"), "rutin", history_only=True).count()
    assert total == 11


def test_one_statement_answers_a_page_and_its_total(world):
    hits = RankedHits(among("superseded"), "rutin", history_only=True, statuses=("superseded",))

    with CaptureQueriesContext(connection) as queries:
        rows = hits.rows(0, 5)

    (sql,) = [query["sql"] for query in queries]
    assert "tiers(i, t)" in sql
    assert "documents_searchterm" not in sql
    assert len(rows) == 5 and {total for _pk, _score, total in rows} == {11}


def test_a_word_of_several_terms_is_left_to_the_grouped_ranking(world):
    SearchHistoryKey.objects.get_or_create(term="rutinmässig")  # a second term in the range

    assert tiers_answer("rutin", VersionStatus.SUPERSEDED, 0, 3) is None
    tiers = RankedHits(among("superseded"), "rutin", history_only=True, statuses=("superseded",))
    grouped = RankedHits(among("superseded"), "rutin", history_only=True)
    with CaptureQueriesContext(connection) as queries:
        rows = tiers.rows(0, 3)
    assert len(queries) == 1  # the grouped rows in the same statement
    assert rows == grouped.rows(0, 3)


def test_a_page_past_the_tiers_is_left_to_the_grouped_ranking(world):
    # Eleven hits, nine of them in tiers; then one in the text only and one through a
    # compound.
    assert tiers_answer("rutin", VersionStatus.SUPERSEDED, 0, 9) is not None
    assert tiers_answer("rutin", VersionStatus.SUPERSEDED, 5, 5) is None


def test_a_page_deep_in_a_large_tier_is_left_to_the_grouped_ranking(world, monkeypatch):
    monkeypatch.setattr(history_top, "MAX_READ", 2)
    # The tiers: (1, 2) one hit, (1, 1) one, (1, 0) five: the fourth and fifth hits are
    # in the third, which holds more than two.

    assert tiers_answer("rutin", VersionStatus.SUPERSEDED, 0, 1) is not None
    assert tiers_answer("rutin", VersionStatus.SUPERSEDED, 3, 2) is None
    tiers = RankedHits(among("superseded"), "rutin", history_only=True, statuses=("superseded",))
    grouped = RankedHits(among("superseded"), "rutin", history_only=True)
    assert tiers.rows(3, 2) == grouped.rows(3, 2)


def test_the_history_row_keeps_the_status_and_its_terms_are_known(world):
    statuses = dict(SearchHistory.objects.values_list("version__title", "status").distinct())
    assert statuses["Rutin för larm"] == "superseded"
    assert set(SearchHistory.objects.values_list("is_public", flat=True)) == {True}
    repealed = SearchHistory.objects.filter(version__status="repealed")
    assert repealed.count() == len(REPEALED)
    assert set(repealed.values_list("status", flat=True)) == {"repealed"}
    known = set(SearchHistoryKey.objects.values_list("term", flat=True))
    assert {"rutin", "hygienrutin", "larm", "parkering"} <= known


def test_the_register_reads_the_tiers_for_a_status_alone(world, client):
    def statements(params) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("register"), params)
        assert response.status_code == 200
        return [query["sql"] or "" for query in queries]

    asked = {"q": "rutin", "status": "superseded"}
    assert any("tiers(i, t)" in sql for sql in statements(asked))  # a visitor's
    client.force_login(UserFactory())
    assert any("tiers(i, t)" in sql for sql in statements(asked))
    found = client.get(reverse("register"), {**asked, "all": "1"})
    titles = [v.title for v in found.context["page"].object_list]
    assert titles[:3] == ["Rutin för cykel", "Rutin för larm", "Rutin för brand"]
    # Another filter: the versions searched are no longer those of the status alone.
    unit = DocumentVersion.objects.get(title="Rutin för larm", status="valid").document
    with_unit = {**asked, "unit": unit.scope_unit_id}
    assert not any("tiers(i, t)" in sql for sql in statements(with_unit))


def test_a_visitor_finds_the_public_documents_only_and_follows_a_change(world, client):
    hidden = DocumentVersion.objects.get(title="Rutin för cykel", status="valid").document
    hidden.is_public = False
    hidden.save(update_fields=["is_public"])
    assert set(
        SearchHistory.objects.filter(version__document=hidden).values_list("is_public", flat=True)
    ) == {False}

    public = among("superseded").filter(is_public=True)
    tiers = RankedHits(
        public, "rutin", history_only=True, statuses=("superseded",), public_only=True
    )
    grouped = RankedHits(public, "rutin", history_only=True)
    every = grouped.rows()
    assert tiers.count() == len(every) == 10
    for offset, limit in PAGES:
        assert tiers.rows(offset, limit) == every[offset : offset + limit], (offset, limit)

    response = client.get(reverse("register"), {"q": "rutin", "status": "superseded", "all": "1"})
    titles = [v.title for v in response.context["page"].object_list]
    assert "Rutin för cykel" not in titles and titles[:2] == ["Rutin för larm", "Rutin för brand"]

    hidden.is_public = True
    hidden.save(update_fields=["is_public"])
    response = client.get(reverse("register"), {"q": "rutin", "status": "superseded", "all": "1"})
    assert [v.title for v in response.context["page"].object_list][0] == "Rutin för cykel"
