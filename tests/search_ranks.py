"""Helpers for tests of the register's copied columns: the search's ranked index
(``documents.models.SearchRank``) and the versions' copies of their documents' columns."""

from __future__ import annotations

from django.db import transaction

from documents.models import Document, DocumentVersion, SearchPrefix, SearchPrefixRank, SearchRank
from documents.search.indexing import rank_versions

COLUMNS = (
    "version_id",
    "term",
    "score",
    "title",
    "valid_from",
    "valid_until",
    "next_review",
    "is_public",
    "scope_unit_id",
    "document_type_id",
    "process_id",
    "owner_position_id",
)


def ranks() -> list[tuple]:
    """Every rank row, sorted."""
    return sorted(SearchRank.objects.values_list(*COLUMNS))


PREFIX_COLUMNS = ("version_id", "prefix", *COLUMNS[2:])


def rebuilt() -> list[tuple]:
    """What a rebuild from the search rows gives, without keeping it."""
    return rebuilt_state()[0]


def state() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Every rank row, every prefix group's row and every group's span, sorted."""
    return (
        ranks(),
        sorted(SearchPrefixRank.objects.values_list(*PREFIX_COLUMNS)),
        sorted(SearchPrefix.objects.values_list("prefix", "upper", "lowest", "highest")),
    )


def rebuilt_state() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """What a rebuild of the ranked index and its prefix groups (the same prefixes) from
    the search rows gives, without keeping it."""
    with transaction.atomic():
        rank_versions()
        found = state()
        transaction.set_rollback(True)
    return found


def stale_copies() -> list[tuple]:
    """Versions whose copies of their document's columns (``Document.VERSION_COLUMNS``)
    differ from the document's: ``(version id, column, copy, document's value)``."""
    names = [Document._meta.get_field(n).attname for n in Document.VERSION_COLUMNS]
    documents = {row[0]: row[1:] for row in Document.objects.values_list("pk", *names)}
    stale = []
    for pk, document, *copies in DocumentVersion.objects.values_list("pk", "document", *names):
        for name, copy, value in zip(names, copies, documents[document], strict=True):
            if copy != value:
                stale.append((pk, name, copy, value))
    return stale
