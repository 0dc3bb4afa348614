"""A search is a queryset like any other: it combines with the register's filters, counting
and pagination, and the whole result page is still one SQL query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document, DocumentStatus
from documents.search import search
from tests.factories import DocumentTypeFactory, PublishedVersionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    rutin = DocumentTypeFactory(code="rutin", name="Rutin")
    policy = DocumentTypeFactory(code="policy", name="Policy")
    top = UnitFactory(name="Kommunen")
    school = UnitFactory(name="Skolan", parent=top)
    PublishedVersionFactory(
        title="Rutin för brandskydd i skolan",
        document__document_type=rutin,
        document__scope_unit=school,
    )
    PublishedVersionFactory(
        title="Brandskyddspolicy",
        document__document_type=policy,
        document__scope_unit=top,
        document__summary="Kommunens brandskydd.",
    )
    PublishedVersionFactory(
        title="Intern rutin om brandskydd",
        document__document_type=rutin,
        document__scope_unit=top,
        document__is_public=False,
    )
    PublishedVersionFactory(title="Rutin för parkering", document__document_type=rutin)
    return {"rutin": rutin, "policy": policy, "top": top, "school": school}


def test_filters_before_and_after_the_search(register):
    public = Document.objects.filter(is_public=True)

    found = search(public, "brandskydd").filter(document_type=register["rutin"])
    assert [d.title for d in found] == ["Rutin för brandskydd i skolan"]

    by_scope = search(Document.objects.filter(scope_unit=register["top"]), "brandskydd")
    # "brandskydd", typed last, is a prefix: "Brandskyddspolicy" starts with it in its title
    # (and has it in the summary), but the whole word in a title ranks first.
    assert [d.title for d in by_scope] == ["Intern rutin om brandskydd", "Brandskyddspolicy"]


def test_filters_across_relations_and_status(register):
    found = search(
        Document.objects.filter(
            status=DocumentStatus.VALID, scope_unit__parent=register["top"]
        ).select_related("document_type", "scope_unit"),
        "rutiner brand",
    )

    assert [(d.title, d.document_type.name) for d in found] == [
        ("Rutin för brandskydd i skolan", "Rutin")
    ]


def test_count_slice_and_values(register):
    found = search(Document.objects.all(), "brandskydd")

    assert found.count() == 3
    assert [d.title for d in found[1:3]] == [
        "Rutin för brandskydd i skolan",
        "Brandskyddspolicy",
    ]
    assert found.filter(is_public=True).count() == 2
    assert set(found.values_list("document_type__code", flat=True)) == {"rutin", "policy"}


def test_a_search_with_filters_is_one_query(register):
    found = search(
        Document.objects.filter(is_public=True).select_related("current_version"), "rutin brand"
    ).exclude(scope_unit=register["top"])

    with CaptureQueriesContext(connection) as queries:
        results = list(found)

    assert [d.title for d in results] == ["Rutin för brandskydd i skolan"]
    assert len(queries) == 1


def test_reordering_replaces_the_rank(register):
    found = search(Document.objects.all(), "brandskydd").order_by("title")

    assert [d.title for d in found] == [
        "Brandskyddspolicy",
        "Intern rutin om brandskydd",
        "Rutin för brandskydd i skolan",
    ]
    assert all(d.score > 0 for d in found)


def test_an_empty_query_narrows_nothing(register):
    assert search(Document.objects.all(), "  ").count() == 4
    assert search(Document.objects.all(), "och, att!").count() == 4
