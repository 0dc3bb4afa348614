"""``manage.py reindex_search`` rebuilds the search index from the versions, with a progress
bar on stderr: valid, superseded and repealed versions, or every version with --all."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from documents.models import Document, SearchHistory, SearchTerm, VersionStatus
from documents.search import search
from tests.factories import DocumentVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex_search", *args, "--batch-size=2", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def index_rows() -> set[tuple]:
    return set(SearchTerm.objects.values_list("version_id", "term", "field", "count"))


def test_rebuilds_exactly_what_publication_indexed():
    first = PublishedVersionFactory(title="Rutin för brandskydd", document__summary="Om larm.")
    PublishedVersionFactory(
        document=first.document, title="Rutin för brandskydd", body="<p>Ny.</p>"
    )
    for n in range(3):
        PublishedVersionFactory(title=f"Policy {n}", body=f"<p>Text nummer {n}.</p>")
    before = index_rows()
    SearchTerm.objects.all().delete()

    out, err = run()

    assert index_rows() == before
    assert "Indexed 5 versions" in out
    assert "100%" in err and "5/5 versions" in err and "[" + "#" * 40 + "]" in err
    assert search(Document.objects.all(), "brandskydd").count() == 1


def test_drafts_only_with_all():
    PublishedVersionFactory(title="Giltig")
    draft = DocumentVersionFactory(title="Utkast om snö", status=VersionStatus.DRAFT)

    run()
    assert not SearchTerm.objects.filter(version=draft).exists()
    assert not SearchHistory.objects.filter(version=draft).exists()

    run("--all")
    # A draft is not valid: its terms are one history row.
    assert '"snö":' in SearchHistory.objects.get(version=draft).terms

    run()  # a plain run again drops what only --all indexes
    assert not SearchTerm.objects.filter(version=draft).exists()
    assert not SearchHistory.objects.filter(version=draft).exists()


def test_progress_bar_can_be_turned_off():
    PublishedVersionFactory()

    out, err = run("--no-progress")

    assert err == "" and "Indexed 1 versions" in out


@pytest.mark.postgres_only
def test_terms_compare_by_code_point_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'documents_searchterm' AND column_name = 'term'"
        )
        assert cursor.fetchone()[0] == "C"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
@pytest.mark.parametrize("table", ["KEYS", "SCORES"])
def test_repairs_a_drifted_history_index_on_sqlite(table):
    from django.db import DatabaseError

    from documents.search import history_index
    from documents.search.bulk import check_history_index
    from tests.search_history_support import history_by_index

    drifted = getattr(history_index, table)

    first = PublishedVersionFactory(title="Rutin för brandskydd")
    PublishedVersionFactory(document=first.document, title="Rutin för sprinkler")
    assert history_by_index("brandskydd") == {first.pk}
    check_history_index(connection)
    # Written behind the history table's back (its triggers keep the two in step).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {drifted}(rowid, terms) VALUES (%s, %s)", [999999, "brandskydd_1"]
        )
    with pytest.raises(DatabaseError):
        check_history_index(connection)

    run()

    check_history_index(connection)
    assert history_by_index("brandskydd") == {first.pk}
