"""The register's default search reads only the index rows of valid versions (a fifth of the
index at municipal scale). Publishing, superseding and repealing keep those rows in step, so
a word of an old version is found only when the user asks for old versions."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents.models import DocumentVersion, SearchHistory, SearchTerm
from documents.services import publish_version, repeal_document
from tests.factories import DecisionFactory, DocumentFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2020, 1, 1)
SECOND = datetime.date(2022, 1, 1)


@pytest.fixture
def revised(org_tree):
    """A rutin whose first version spoke of 'brandlarm', its second of 'utrymning'."""
    document = DocumentFactory(
        title="Rutin för säkerhet",
        scope_unit=org_tree.units["unit"],
        document_type=org_tree.types["rutin"],
    )
    first = PublishedVersionFactory(
        document=document, number=1, body="<p>Brandlarmet provas varje månad.</p>", valid_from=FIRST
    )
    second = PublishedVersionFactory(
        document=document,
        number=2,
        body="<p>Utrymningen övas varje år.</p>",
        valid_from=SECOND,
        publish=False,
    )
    publish_version(second)
    first.refresh_from_db()
    return document, first, second


def hits(client, **params) -> list[int]:
    response = client.get(reverse("register"), {"all": "1", **params})
    assert response.status_code == 200
    return [v.pk for v in response.context["page"].object_list]


def current_flags(version: DocumentVersion) -> set[bool]:
    """Where the version's terms are: rows of the current index (True), or the history
    row of a version that is not valid (False)."""
    flags = {True} if SearchTerm.objects.filter(version=version).exists() else set()
    return flags | ({False} if SearchHistory.objects.filter(version=version).exists() else set())


def test_publishing_moves_the_current_rows_to_the_new_version(revised):
    _document, first, second = revised
    assert first.status == "superseded"
    assert current_flags(first) == {False}
    assert current_flags(second) == {True}


def test_the_default_search_finds_only_the_valid_versions_words(client, revised):
    _document, first, second = revised
    assert hits(client, q="utrymning") == [second.pk]
    assert hits(client, q="brandlarm") == []
    assert hits(client, q="brandlar") == []  # the prefix too


def test_old_versions_words_are_found_among_superseded_versions_and_on_past_dates(client, revised):
    _document, first, second = revised
    assert hits(client, q="brandlarm", status="superseded") == [first.pk]
    assert hits(client, q="brandlarmet", valid_on="2021-06-01") == [first.pk]
    assert hits(client, q="utrymning", valid_on="2021-06-01") == []
    # The API searches the same way.
    response = client.get("/api/v1/register/", {"q": "brandlarm", "status": "superseded"})
    assert [row["id"] for row in response.json()["results"]] == [first.pk]


def test_a_repealed_documents_words_leave_the_default_search(client, revised):
    document, _first, second = revised
    repeal_document(
        document, DecisionFactory(document=document, decision_date=SECOND.replace(2024))
    )
    second.refresh_from_db()
    assert second.status == "repealed"
    assert current_flags(second) == {False}
    assert hits(client, q="utrymning") == []
    assert hits(client, q="utrymning", status="repealed") == [second.pk]


def test_reindexing_keeps_the_current_rows(client, revised):
    _document, first, second = revised
    SearchTerm.objects.all().delete()  # a damaged index
    call_command("reindex_search", "--no-progress", stdout=io.StringIO())
    assert current_flags(first) == {False}
    assert current_flags(second) == {True}
    assert hits(client, q="utrymning") == [second.pk]
