"""A query of the most words a search keeps (``MAX_QUERY_TERMS``, the last a prefix with
compounds) runs in every ranking path. SQLite's parser nests expressions only so deep,
and the correlated search nests each word's history score inside the sum of the ones
before it: a parenthesis more around a word's subquery once made such a query fail with
"parser stack overflow"."""

from __future__ import annotations

import datetime

import pytest

from documents.models import DocumentVersion, VersionStatus
from documents.search import search
from documents.search.analysis import MAX_QUERY_TERMS, query_terms
from documents.search.past import RankedPast
from documents.search.ranking import RankedHits
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db

WORDS = [
    "brand",
    "larm",
    "rutin",
    "cykel",
    "grupp",
    "kontroll",
    "avvikelse",
    "skola",
    "vård",
    "samverk",
]
BODY = "<p>Brand larm rutin cykel grupp kontroll avvikelse skola vård samverkan.</p>"


@pytest.fixture
def superseded():
    first = PublishedVersionFactory(
        title="Rutin för samverkansgruppen",
        body=BODY + "<p>Samverkansgrupp, brandlarm, internkontroll.</p>",
        valid_from=datetime.date(2020, 1, 1),
    )
    PublishedVersionFactory(document=first.document, title="Ny", body="<p>Annat.</p>")
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    return first


def test_every_path_answers_a_query_of_the_most_words(superseded):
    q = " ".join(WORDS)
    terms = query_terms(q)
    assert len(terms) == MAX_QUERY_TERMS and terms[-1].is_prefix
    every = DocumentVersion.objects.all()
    old = DocumentVersion.objects.filter(status=VersionStatus.SUPERSEDED)

    assert [v.pk for v in search(every, q, version_field="pk")] == [superseded.pk]
    assert [pk for pk, _s, _t in RankedHits(every, q).rows()] == [superseded.pk]
    assert [pk for pk, _s, _t in RankedHits(old, q, history_only=True).rows()] == [superseded.pk]
    past = RankedPast(terms, lambda: every, day=datetime.date(2021, 1, 1), public_only=False)
    assert [pk for pk, _s, _t in past.rows(0, 10)] == [superseded.pk]
