"""Every version carries a copy of its document's columns that the register filters by
(public, open case, scope, type, process, owner: ``Document.VERSION_COLUMNS``), so that the
register and the API filter versions without joining each one to its document. The copies
follow every change: a new version takes the document's values from the database, a saved
document writes them into all its versions (and on into the ranked index), and a case that
opens or closes writes its flag. What the register shows follows at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Document, DocumentVersion, VersionStatus
from tests.factories import (
    DocumentTypeFactory,
    DocumentVersionFactory,
    PositionFactory,
    ProcessFactory,
    UnitFactory,
    UserFactory,
    document_with_history,
)
from tests.search_ranks import stale_copies

pytestmark = pytest.mark.django_db

CHANGES = {
    "is_public": lambda document: False,
    "has_open_case": lambda document: True,
    "scope_unit": lambda document: UnitFactory(parent=document.scope_unit),
    "document_type": lambda document: DocumentTypeFactory(),
    "process": lambda document: ProcessFactory(),
    "owner_position": lambda document: PositionFactory(unit=document.scope_unit),
}


def test_the_copied_columns_are_the_documents_register_filters():
    assert set(CHANGES) == set(Document.VERSION_COLUMNS)


@pytest.fixture
def document():
    """Two superseded versions, a valid one and a draft."""
    found = document_with_history(3)
    DocumentVersionFactory(document=found, number=4)
    assert set(found.versions.values_list("status", flat=True)) == {
        VersionStatus.SUPERSEDED,
        VersionStatus.VALID,
        VersionStatus.DRAFT,
    }
    assert stale_copies() == []
    return found


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("whole", [True, False], ids=["save", "update_fields"])
def test_a_saved_document_writes_the_column_into_every_version(document, name, whole):
    value = CHANGES[name](document)
    setattr(document, name, value)
    attname = Document._meta.get_field(name).attname
    document.save(update_fields=None if whole else [attname if name == "process" else name])

    expected = getattr(document, attname)
    assert set(document.versions.values_list(attname, flat=True)) == {expected}
    assert stale_copies() == []


def test_a_new_version_copies_the_document_as_stored_not_as_held(document):
    held = Document.objects.get(pk=document.pk)
    document.is_public = False
    document.process = ProcessFactory()
    document.save()

    version = DocumentVersionFactory(document=held, number=5)  # `held` is out of date

    assert (version.is_public, version.process_id) == (False, document.process_id)
    version.refresh_from_db()
    assert (version.is_public, version.process_id) == (False, document.process_id)
    assert stale_copies() == []


def test_saves_of_other_document_fields_write_no_version(document):
    document.summary = "En ny sammanfattning."
    with CaptureQueriesContext(connection) as queries:
        document.save(update_fields=["summary"])

    written = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(written) == 1 and "documents_documentversion" not in written[0]


def test_the_copies_cannot_be_set_in_a_form():
    editable = {f.name for f in DocumentVersion._meta.fields if f.editable}
    assert editable.isdisjoint(Document.VERSION_COLUMNS)


def register_titles(client, **params) -> list[str]:
    response = client.get(reverse("register"), params)
    assert response.status_code == 200
    return [version.title for version in response.context["page"].object_list]


def api_titles(client, **params) -> list[str]:
    response = client.get("/api/v1/register/", params)
    assert response.status_code == 200
    return [entry["title"] for entry in response.json()["results"]]


def test_a_document_made_internal_leaves_the_public_register_and_api_at_once(client, document):
    title = document.current_version.title
    assert title in register_titles(client)
    assert title in api_titles(client)

    document.is_public = False
    document.save()

    assert title not in register_titles(client)
    assert title not in api_titles(client)
    client.force_login(UserFactory())
    assert title in register_titles(client)


def test_the_register_filters_by_the_documents_new_type_unit_process_and_owner(client, document):
    client.force_login(UserFactory())
    title = document.current_version.title
    old_type = document.document_type
    document.document_type = DocumentTypeFactory()
    document.scope_unit = UnitFactory(parent=document.scope_unit)
    document.process = ProcessFactory()
    document.owner_position = PositionFactory(unit=document.scope_unit)
    document.save()

    assert title not in register_titles(client, type=old_type.pk)
    assert register_titles(
        client,
        type=document.document_type.pk,
        unit=document.scope_unit.pk,
        process=document.process.pk,
        owner=document.owner_position.pk,
    ) == [title]
