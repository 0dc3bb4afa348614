"""A search among superseded or repealed versions (the register's status filter) reads only
the history rows of the versions searched, and joins a version for its order only when its
score reaches the page (issue 21: 'rutin' among superseded versions ranked 37,435 hits, each
looked up twice). It must find exactly the versions, scores, order and total that the
grouped ranking over the whole index gives, on every page and for every ordering."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DocumentVersion, VersionStatus
from documents.search import search
from documents.search.ranking import RankedHits
from documents.services import publish_version, repeal_document
from tests.factories import DecisionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    "brandskydd",
    "brandsk",  # a prefix (its keys through the index's vocabulary on SQLite)
    "cyk",  # a prefix of three letters (its keys unpacked on SQLite)
    "sam",
    "rutiner brandskydd",
    "rutin larm",
    "samverk",  # a prefix of a compound's head
    "grupp",  # only in a compound
    "larm brand",
    "cykel",  # ties on the score
    "finnsinte",
    "rutin finnsinte",
    "it",  # too short to be a prefix: one exact term
]
ORDERINGS = [None, ("title", "pk"), ("-valid_from", "pk"), ("-document",)]
PAGES = [(0, 1), (0, 3), (2, 3), (1, 20), (9, 5)]

TEXTS = [
    ("Brandskydd i skolan", "Om brandskydd och larm.", "<p>Rutiner för larm.</p>"),
    ("Rutin för larm", "", "<p>Brandskyddet, brandskydd, brandskyddets rutiner.</p>"),
    ("Parkering", "Rutin för parkering och larm.", "<p>Brandsläckare. Cykel.</p>"),
    ("Samverkansgrupp", "Samverkan i samverkansgruppen.", "<p>Samverkansavtal.</p>"),
    ("Cykel A", "", "<p>Cykel.</p>"),
    ("Cykel B", "", "<p>Cykel.</p>"),
    ("Larmrutin", "Brand.", "<p>" + "Larm och brand. " * 30 + "</p>"),
    ("Öresund", "", "<p>Cykel.</p>"),  # ties whose titles sort against their ids
    ("Ekorre", "", "<p>Cykel.</p>"),
    ("IT-stöd", "IT i skolan.", "<p>Frågor om IT, it-stöd och IT-säkerhet.</p>"),
]


@pytest.fixture
def world():
    """Every document's first version superseded by a second that says only 'cykel', and
    two documents repealed: the old words live only in history rows."""
    for title, summary, body in TEXTS:
        first = PublishedVersionFactory(
            title=title, document__title=title, document__summary=summary, body=body
        )
        second = PublishedVersionFactory(
            document=first.document, title=title, body="<p>Ny text om cykel.</p>", publish=False
        )
        publish_version(second)
    for title in ("Cykel B", "Larmrutin"):
        document = DocumentVersion.objects.get(title=title, status="valid").document
        repeal_document(document, DecisionFactory(document=document))


def no_longer_valid(status: str, ordering) -> tuple:
    versions = DocumentVersion.objects.filter(status=status)
    return versions.order_by(*ordering) if ordering is not None else versions


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("ordering", ORDERINGS, ids=lambda o: ",".join(o or ["model"]))
@pytest.mark.parametrize("status", [VersionStatus.SUPERSEDED, VersionStatus.REPEALED])
def test_the_history_alone_gives_the_hits_scores_order_and_total_of_the_whole_index(
    world, q, ordering, status
):
    versions = no_longer_valid(status, ordering)
    whole = RankedHits(versions, q).rows()
    expected = [(v.pk, v.score) for v in search(versions, q, version_field="pk")]
    assert [(pk, score) for pk, score, _total in whole] == expected

    history = RankedHits(versions, q, history_only=True)
    assert history.rows() == whole
    assert history.count() == len(whole)
    for offset, limit in PAGES:
        assert history.rows(offset, limit) == whole[offset : offset + limit], (offset, limit)


def test_many_ties_on_one_score_are_ordered_across_pages(world):
    versions = no_longer_valid(VersionStatus.SUPERSEDED, ("-title", "pk"))
    history = RankedHits(versions, "cykel", history_only=True)
    every = history.rows()

    pages = [history.rows(offset, 2) for offset in range(0, len(every), 2)]

    assert [row for page in pages for row in page] == every
    assert len({score for _pk, score, _total in every}) < len(every)  # ties to order


def test_only_the_history_is_read_and_only_the_page_is_joined_to_its_versions(world):
    versions = no_longer_valid(VersionStatus.SUPERSEDED, None)
    history = RankedHits(versions, "cykel", history_only=True)

    with CaptureQueriesContext(connection) as queries:
        history.rows(0, 2)

    (sql,) = [query["sql"] for query in queries]
    assert "documents_searchterm" not in sql
    # The ordering columns are read only for the hits whose score reaches the page.
    assert "ORDER BY score DESC LIMIT 1 OFFSET" in sql


def test_the_register_among_superseded_versions_finds_the_old_words(world, client):
    response = client.get(
        reverse("register"), {"q": "brandskydd", "status": "superseded", "all": "1"}
    )

    assert response.status_code == 200
    found = [v.title for v in response.context["page"].object_list]
    assert found[:2] == ["Brandskydd i skolan", "Rutin för larm"]
    assert set(found) == {
        v.title
        for v in search(no_longer_valid("superseded", None), "brandskydd", version_field="pk")
    }
    repealed = client.get(reverse("register"), {"q": "larm", "status": "repealed", "all": "1"})
    assert {v.title for v in repealed.context["page"].object_list} == {"Larmrutin"}


def test_a_search_cannot_be_both_of_valid_versions_only_and_of_none(world):
    with pytest.raises(ValueError, match="nothing to search"):
        RankedHits(DocumentVersion.objects.all(), "cykel", current_only=True, history_only=True)
