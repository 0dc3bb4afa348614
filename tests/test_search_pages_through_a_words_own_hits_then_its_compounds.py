"""A one-word search whose word is one index term and also a part of compounds ("grupp":
"samverkansgrupp", "arbetsgrupp") lists the versions with the word itself first, best
first, then the versions found only through a compound, by title, with the total of both.
The register reads it from the ranked index (``RankedTerm``), which checks whether a
compound's version has the word itself either by a lookup per compound row (when the
compounds have few rows beside the word's) or against all the word's versions (when they
have many): both must give exactly the grouped ranking's pages (``RankedHits``), a
version with both the word and a compound counted once, on every page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from documents.models import DocumentVersion
from documents.search.analysis import query_terms
from documents.search.ranked_term import RankedTerm
from documents.search.ranking import RankedHits
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


def _publish(title: str, body: str) -> int:
    return PublishedVersionFactory(title=title, body=f"<p>{body}</p>").pk


def _world(own: int, compound_only: int) -> dict[str, list[int]]:
    made = {
        "own": [_publish(f"Grupp {i:02}", "Gruppen träffas." * (1 + i % 3)) for i in range(own)],
        "compound": [
            _publish(f"Arbete {i:02}", "Arbetsgruppen och styrgruppen träffas.")
            for i in range(compound_only)
        ],
        "both": [_publish("Både och", "Gruppen är en samverkansgrupp.")],
        "neither": [_publish("Annat", "Samverkan utan möten.")],
    }
    return made


def _pages(q: str) -> tuple[RankedTerm, RankedHits]:
    (word,) = query_terms(q)
    assert word.whole == ()  # one own term: the path read in the index's order
    term = RankedTerm(word, day=timezone.localdate(), public_only=False)
    grouped = RankedHits(DocumentVersion.objects.all(), q, current_only=True)
    return term, grouped


@pytest.mark.parametrize(
    "own, compound_only",
    [
        (48, 1),  # the compounds have few rows beside the word's: looked up one by one
        (2, 6),  # many: checked against all the word's versions
        (0, 3),  # the word itself in no version
    ],
    ids=["few compound rows", "many compound rows", "compounds only"],
)
def test_the_words_own_hits_come_first_then_the_compound_only_ones_by_title(
    own, compound_only, django_assert_num_queries
):
    made = _world(own, compound_only)
    term, grouped = _pages("grupp")

    expected = grouped.rows()
    found = [pk for pk, _score, _total in expected]
    with django_assert_num_queries(1):
        assert term.rows() == expected
    assert term.count() == grouped.count() == len(expected) == own + compound_only + 1
    assert set(found) == {*made["own"], *made["compound"], *made["both"]}
    # Own hits (the one with both among them), then the compound-only ones by title.
    assert set(found[: own + 1]) == {*made["own"], *made["both"]}
    assert found[own + 1 :] == made["compound"]
    for limit in (1, 2, 5, 25):
        for offset in range(len(expected) + 2):
            assert term.rows(offset, limit) == grouped.rows(offset, limit), (offset, limit)
