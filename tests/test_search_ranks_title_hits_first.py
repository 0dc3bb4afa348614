"""Hits in the title rank above hits in the summary, which rank above hits in the text
(however often the word occurs there); within a tier, more occurrences rank higher."""

from __future__ import annotations

import pytest

from documents.models import Document, DocumentVersion
from documents.search import search
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


def ranked(q: str, queryset=None) -> list[str]:
    return list(search(queryset or Document.objects.all(), q).values_list("title", flat=True))


def test_title_above_summary_above_text():
    many = "<p>" + " ".join(["Brandskyddet är viktigt."] * 50) + "</p>"
    PublishedVersionFactory(title="C text", body=many)
    PublishedVersionFactory(title="B summary", document__summary="Om brandskydd.")
    PublishedVersionFactory(title="A brandskydd")

    assert ranked("brandskydd") == ["A brandskydd", "B summary", "C text"]


def test_any_title_hit_outranks_many_text_hits_of_every_term():
    body = "<p>" + " ".join(["Rutiner för brandskydd och larm."] * 40) + "</p>"
    PublishedVersionFactory(
        title="Text only", document__summary="Rutiner, brandskydd, larm.", body=body
    )
    PublishedVersionFactory(title="Larm", body="<p>Rutin för brandskydd.</p>")

    assert ranked("rutin brandskydd larm") == ["Larm", "Text only"]


def test_more_occurrences_rank_higher_within_the_text():
    PublishedVersionFactory(title="Once", body="<p>Parkering.</p>")
    PublishedVersionFactory(title="Thrice", body="<p>Parkering, parkeringen, parkeringar.</p>")

    assert ranked("parkering") == ["Thrice", "Once"]


def test_score_is_annotated_and_ties_keep_the_queryset_order():
    PublishedVersionFactory(title="Beta", body="<p>Cykel.</p>")
    PublishedVersionFactory(title="Alfa", body="<p>Cykel.</p>")

    results = list(search(Document.objects.order_by("-title"), "cykel"))
    assert [d.title for d in results] == ["Beta", "Alfa"]
    assert results[0].score == results[1].score == 1
    assert ranked("cykel") == ["Alfa", "Beta"]  # the model's ordering (title)


def test_versions_can_be_searched_directly():
    first = PublishedVersionFactory(title="Rutin", body="<p>Parkering.</p>")
    second = PublishedVersionFactory(document=first.document, title="Rutin", body="<p>Cykel.</p>")

    found = search(DocumentVersion.objects.all(), "parkering", version_field="pk")
    assert list(found) == [first]
    assert list(search(DocumentVersion.objects.all(), "cykel", version_field="pk")) == [second]
