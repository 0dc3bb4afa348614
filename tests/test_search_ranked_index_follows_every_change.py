"""The ranked index of the register's default view (``SearchRank``) is derived from the
search rows and copies the version's title and dates and its document's public flag, scope,
type, process and owner. After every change a user or the lifecycle makes, it holds exactly
what a rebuild from scratch would: publication, a new version superseding the old, repeal,
any copied column of the document or the version changed, a file uploaded, reindexing and
removal. (A valid version's title and decided dates cannot change: documents.protection.)"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import SearchPrefix, SearchPrefixRank, SearchRank
from documents.search import remove_version
from documents.search.prefixes import choose_prefixes
from documents.services import add_version_file, repeal_document
from tests.factories import (
    MINIMAL_PDF,
    DecisionFactory,
    DocumentTypeFactory,
    PositionFactory,
    ProcessFactory,
    PublishedVersionFactory,
    UnitFactory,
    UserFactory,
)
from tests.search_ranks import counted_starts_hold, rebuilt_state, stale_copies, state

pytestmark = pytest.mark.django_db


def assert_in_step() -> None:
    # The rebuild reads the document's columns from the versions' copies: they too.
    assert stale_copies() == []
    assert counted_starts_hold()
    assert state() == rebuilt_state()


@pytest.fixture
def version():
    found = PublishedVersionFactory(
        title="Rutin för brandskydd",
        document__title="Rutin för brandskydd",
        document__summary="Brandskydd i förskolan.",
        body="<p>Utrymning och brandlarm.</p>",
    )
    # Another document under the same prefixes, and a group kept for every prefix at which
    # the terms branch ("brand": brandlarm, brandskydd).
    PublishedVersionFactory(
        title="Brandlarm i skolan",
        document__title="Brandlarm i skolan",
        body="<p>Brandskydd och utrymningsplan.</p>",
    )
    assert choose_prefixes(min_versions=1) > 0
    assert SearchRank.objects.filter(version=found).exists()
    assert SearchPrefixRank.objects.filter(version=found, prefix="brand").exists()
    assert_in_step()
    return found


def terms_of(version) -> set[str]:
    return set(SearchRank.objects.filter(version=version).values_list("term", flat=True))


def test_publication_ranks_the_new_version_and_drops_the_old(version):
    newer = PublishedVersionFactory(
        document=version.document, title="Rutin för brandskydd", body="<p>Sprinkler.</p>"
    )

    assert terms_of(version) == set()
    assert "sprinkl" in {t[:7] for t in terms_of(newer)}
    assert_in_step()


def test_repeal_drops_the_rows(version):
    repeal_document(
        version.document,
        DecisionFactory(document=version.document, decision_date=datetime.date(2027, 1, 1)),
    )

    assert terms_of(version) == set()
    assert_in_step()


@pytest.mark.parametrize("whole", [True, False], ids=["save", "update_fields"])
def test_the_documents_public_flag_scope_type_process_and_owner_are_copied(version, whole):
    document = version.document
    document.is_public = False
    document.scope_unit = UnitFactory(parent=document.scope_unit)
    document.document_type = DocumentTypeFactory()
    document.process = ProcessFactory()
    document.owner_position = PositionFactory(unit=document.scope_unit)
    fields = ["is_public", "scope_unit", "document_type", "process", "owner_position"]
    document.save(update_fields=None if whole else fields)

    copied = SearchRank.objects.filter(version=version).values_list(*fields)
    assert set(copied) == {
        (
            False,
            document.scope_unit_id,
            document.document_type_id,
            document.process_id,
            document.owner_position_id,
        )
    }
    assert_in_step()


def test_saves_of_other_fields_leave_the_rows_alone(version):
    document = version.document
    document.summary = "Ny sammanfattning."
    # The text of a valid version is fixed (documents.protection): saved as it is.
    with CaptureQueriesContext(connection) as queries:
        document.save(update_fields=["summary"])
        version.save(update_fields=["body"])

    assert not [q for q in queries.captured_queries if "searchrank" in q["sql"]]


def test_the_versions_next_review_date_is_copied(version):
    """The title, valid-from and valid-until of a valid version are fixed (the database
    refuses to change them: documents.protection); its next review date moves."""
    version.next_review = datetime.date(2028, 4, 4)
    version.save(update_fields=["next_review"])

    copied = SearchRank.objects.filter(version=version).values_list("next_review", flat=True)
    assert set(copied) == {datetime.date(2028, 4, 4)}
    assert_in_step()


def test_an_uploaded_file_is_ranked(version, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("bilaga.pdf", MINIMAL_PDF, content_type="application/pdf")
    add_version_file(version, upload, user=UserFactory())

    assert_in_step()


def test_a_groups_span_follows_its_terms(version):
    """When the last version with a term of a group stops being valid, the group's lowest or
    highest term moves on (and a search of the old range no longer matches it)."""
    before = set(SearchPrefix.objects.values_list("prefix", "lowest", "highest"))
    repeal_document(
        version.document,
        DecisionFactory(document=version.document, decision_date=datetime.date(2027, 1, 1)),
    )

    after = set(SearchPrefix.objects.values_list("prefix", "lowest", "highest"))
    assert before != after
    assert_in_step()


def test_reindexing_rebuilds_damaged_rows(version):
    SearchPrefixRank.objects.filter(version=version).update(score=0)
    SearchPrefix.objects.update(lowest="a", highest="z")
    SearchRank.objects.filter(version=version).update(score=0, title="fel")
    SearchRank.objects.create(
        version=version,
        term="finnsinte",
        score=1,
        title="fel",
        is_public=True,
        scope_unit_id=version.document.scope_unit_id,
        document_type_id=version.document.document_type_id,
        owner_position_id=version.document.owner_position_id,
    )

    call_command("reindex_search", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    assert "finnsinte" not in terms_of(version)
    assert_in_step()


def test_removal_drops_the_rows(version):
    remove_version(version)

    assert terms_of(version) == set()
    assert_in_step()
