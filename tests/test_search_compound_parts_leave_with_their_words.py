"""A compound's parts leave the index with the last version holding the compound: when a
reindexed version's text no longer has it, or the version is removed; while another version
has it, they stay. A reindexing writes the parts of what the text still has."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import DocumentVersion, SearchCompound, VersionFile
from documents.search import remove_version
from documents.search.indexing import index_version
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


def parts_of(term: str) -> set[str]:
    return set(SearchCompound.objects.filter(term=term).values_list("part", flat=True))


def reindexed_with_file_text(version: DocumentVersion, text: str) -> None:
    """The version's text changed (as an upload changes it) and reindexed."""
    VersionFile.objects.create(
        version=version, file="x.pdf", original_name="x.pdf", size=1, extracted_text=text
    )
    index_version(version)


@pytest.fixture
def version():
    found = PublishedVersionFactory(
        title="Tillsyn", body="<p>Om alkoholmissbruk.</p>", document__summary=""
    )
    assert parts_of("alkoholmissbruk") == {"alkohol", "missbruk", "miss", "bruk"}
    return found


def test_removing_the_last_holder_drops_the_parts(version):
    with CaptureQueriesContext(connection) as queries:
        remove_version(version)

    assert parts_of("alkoholmissbruk") == set()
    # One statement finds and deletes them.
    compound = [q["sql"] for q in queries.captured_queries if "searchcompound" in q["sql"]]
    assert len(compound) == 1 and compound[0].startswith("DELETE")


def test_a_compound_another_version_holds_keeps_its_parts(version):
    PublishedVersionFactory(title="Stöd", body="<p>Alkoholmissbruket.</p>")

    remove_version(version)

    assert parts_of("alkoholmissbruk") == {"alkohol", "missbruk", "miss", "bruk"}


def test_a_compound_only_a_superseded_version_holds_keeps_its_parts():
    """The superseded version's terms are in its history row, not among the valid rows:
    searches among earlier versions still find the compound through its parts."""
    first = PublishedVersionFactory(title="Tillsyn", body="<p>Om alkoholmissbruk.</p>")
    PublishedVersionFactory(document=first.document, title="Tillsyn", body="<p>Om tillsyn.</p>")
    other = PublishedVersionFactory(title="Stöd", body="<p>Om stöd.</p>")
    reindexed_with_file_text(other, "Alkoholmissbruket.")

    reindexed_with_file_text(other, "Ingenting om det längre.")

    assert parts_of("alkoholmissbruk") == {"alkohol", "missbruk", "miss", "bruk"}


def test_a_reindexing_drops_what_the_text_no_longer_has_and_keeps_the_rest(version):
    PublishedVersionFactory(title="Stöd", body="<p>Om samverkansgrupper.</p>")
    filed = PublishedVersionFactory(title="Tillsyn", body="<p>Om tillsyn.</p>")
    reindexed_with_file_text(filed, "Om vuxenutbildningen.")
    assert parts_of("vuxenutbildning") == {"vux", "utbildning"}

    # A newer file: the text no longer has "vuxenutbildningen".
    reindexed_with_file_text(filed, "Samverkansgruppen och internkontrollen.")

    assert parts_of("vuxenutbildning") == set()
    assert parts_of("internkontroll") == {"int", "kontroll"}
    assert parts_of("samverkansgrupp") == {"samverk", "grupp"}
    assert parts_of("alkoholmissbruk") == {"alkohol", "missbruk", "miss", "bruk"}


def test_publication_asks_nothing_more_about_parts():
    """A version published for the first time had no search rows: nothing to forget."""
    with CaptureQueriesContext(connection) as queries:
        PublishedVersionFactory(title="Tillsyn", body="<p>Om alkoholmissbruk.</p>")

    assert not [
        q for q in queries.captured_queries if "DELETE" in q["sql"] and "compound" in q["sql"]
    ]


def test_reindexing_the_register_leaves_only_the_parts_of_indexed_words(version):
    SearchCompound.objects.create(part="kontroll", term="internkontroll")  # a stale row

    call_command("reindex_search", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    assert not SearchCompound.objects.filter(term="internkontroll").exists()
    assert parts_of("alkoholmissbruk") == {"alkohol", "missbruk", "miss", "bruk"}
