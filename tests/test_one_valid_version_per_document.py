"""The register's core promise, kept by the database: never two valid versions of a document."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.models import VersionStatus
from tests.factories import DocumentFactory, DocumentVersionFactory


@pytest.fixture
def document(db):
    return DocumentFactory(title="Policy för ledarskap")


def test_a_second_valid_version_is_refused_by_the_database(document):
    DocumentVersionFactory(document=document, number=1, status=VersionStatus.VALID)

    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersionFactory(document=document, number=2, status=VersionStatus.VALID)


def test_promoting_a_draft_while_another_version_is_valid_is_refused(document):
    DocumentVersionFactory(document=document, number=1, status=VersionStatus.VALID)
    draft = DocumentVersionFactory(document=document, number=2, status=VersionStatus.DRAFT)

    draft.status = VersionStatus.VALID
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_model_validation_reports_the_second_valid_version(document):
    DocumentVersionFactory(document=document, number=1, status=VersionStatus.VALID)
    second = DocumentVersionFactory.build(document=document, number=2, status=VersionStatus.VALID)

    with pytest.raises(ValidationError):
        second.full_clean()


def test_superseding_then_publishing_is_allowed(document):
    first = DocumentVersionFactory(document=document, number=1, status=VersionStatus.VALID)
    second = DocumentVersionFactory(document=document, number=2, status=VersionStatus.ADOPTED)

    with transaction.atomic():
        first.status = VersionStatus.SUPERSEDED
        first.save()
        second.status = VersionStatus.VALID
        second.save()

    assert list(document.versions.filter(status=VersionStatus.VALID)) == [second]


@pytest.mark.parametrize(
    "other_status",
    [s for s in VersionStatus.values if s != VersionStatus.VALID],
)
def test_any_number_of_versions_in_other_states(document, other_status):
    DocumentVersionFactory(document=document, number=1, status=VersionStatus.VALID)
    DocumentVersionFactory(document=document, number=2, status=other_status)
    DocumentVersionFactory(document=document, number=3, status=other_status)

    assert document.versions.count() == 3


def test_different_documents_each_have_their_valid_version(db):
    DocumentVersionFactory(status=VersionStatus.VALID)
    DocumentVersionFactory(status=VersionStatus.VALID)


def test_version_numbers_do_not_repeat_within_a_document(document):
    DocumentVersionFactory(document=document, number=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersionFactory(document=document, number=1)
    DocumentVersionFactory(number=1)
