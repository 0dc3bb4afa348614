"""The register ranks its hits with one grouped pass over the index (``search.RankedHits``); it
must find exactly the versions, scores and order that the per-hit ``search`` gives, for
exact words, prefixes, several words, ties and every ordering the register offers."""

from __future__ import annotations

import pytest

from documents.models import DocumentVersion, VersionStatus
from documents.search import search
from documents.search.ranking import RankedHits
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    "brandskydd",
    "brandsk",  # prefix
    "rutiner brandskydd",
    "rutin larm parkering",
    "samverkansgruppen",
    "samverk",
    "larm brand",  # last word a prefix of several terms
    "cykel",  # ties
    "finnsinte",
    "rutin finnsinte",
    "it",  # too short to be a prefix: one exact term
]
# None: the model's own ordering, by document, which stands for the document's title.
ORDERINGS = [
    None,
    ("title", "pk"),
    ("-valid_from", "pk"),
    ("document__document_type__ordering",),
    ("-document",),
]


@pytest.fixture
def world():
    texts = [
        ("Brandskydd i skolan", "Om brandskydd och larm.", "<p>Rutiner för larm.</p>"),
        ("Rutin för larm", "", "<p>Brandskyddet, brandskydd, brandskyddets rutiner.</p>"),
        ("Parkering", "Rutin för parkering och larm.", "<p>Brandsläckare. Cykel.</p>"),
        ("Samverkansgrupp", "Samverkan i samverkansgruppen.", "<p>Samverkansavtal.</p>"),
        ("Cykel A", "", "<p>Cykel.</p>"),
        ("Cykel B", "", "<p>Cykel.</p>"),
        ("Larmrutin", "Brand.", "<p>" + "Larm och brand. " * 30 + "</p>"),
        # Ties whose titles sort against their ids.
        ("Öresund", "", "<p>Cykel.</p>"),
        ("Ekorre", "", "<p>Cykel.</p>"),
        ("IT-stöd", "IT i skolan.", "<p>Frågor om IT, it-stöd och IT-säkerhet.</p>"),
    ]
    made = []
    for title, summary, body in texts:
        made.append(
            PublishedVersionFactory(
                title=title, document__title=title, document__summary=summary, body=body
            )
        )
    # A superseded version with the same words: only found when the index's old rows count.
    old = made[0]
    newer = PublishedVersionFactory(
        document=old.document, title="Brandskydd i skolan", body="<p>Ny text om cykel.</p>"
    )
    return made + [newer]


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("ordering", ORDERINGS, ids=lambda o: ",".join(o or ["model"]))
@pytest.mark.parametrize("current_only", [True, False], ids=["valid-only", "whole-index"])
def test_rank_gives_the_hits_scores_and_order_of_search(world, q, ordering, current_only):
    versions = DocumentVersion.objects.all()
    if ordering is not None:
        versions = versions.order_by(*ordering)
    if current_only:
        versions = versions.filter(status=VersionStatus.VALID)

    expected = [(v.pk, v.score) for v in search(versions, q, version_field="pk")]
    got = [
        (pk, score)
        for pk, score, _total in RankedHits(versions, q, current_only=current_only).rows()
    ]

    assert got == expected


def test_rank_respects_the_filters_of_the_versions_it_is_given(world):
    only = DocumentVersion.objects.filter(title__startswith="Cykel").order_by("-title")

    assert [pk for pk, _s, _t in RankedHits(only, "cykel").rows()] == [
        DocumentVersion.objects.get(title="Cykel B").pk,
        DocumentVersion.objects.get(title="Cykel A").pk,
    ]


def test_rank_refuses_a_query_without_terms(world):
    with pytest.raises(ValueError, match="search terms"):
        RankedHits(DocumentVersion.objects.all(), "och i")
