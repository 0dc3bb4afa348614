"""Helpers for tests of the register's copied columns: the search's ranked index
(``documents.models.SearchRank``) and the versions' copies of their documents' columns."""

from __future__ import annotations

from django.db import transaction

from documents.models import (
    Document,
    DocumentVersion,
    SearchPrefix,
    SearchPrefixRank,
    SearchRank,
    SearchTermCount,
)
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


def term_counts() -> list[tuple]:
    """The kept counts of the terms' open-ended rank rows (``SearchTermCount``), sorted;
    a term counted at zero is left out (a rebuild writes no row for it), and so is the
    latest start (kept on or after the latest counted start: see ``counted_starts_hold``)."""
    return sorted(
        SearchTermCount.objects.exclude(versions=0, public=0).values_list(
            "term", "versions", "public"
        )
    )


def counted_starts_hold() -> bool:
    """Whether every term's ``latest_start`` is on or after each counted version's start."""
    starts = dict(SearchTermCount.objects.values_list("term", "latest_start"))
    counted = SearchRank.objects.filter(valid_until__isnull=True, valid_from__isnull=False)
    return all(
        starts.get(term) is not None and starts[term] >= start
        for term, start in counted.values_list("term", "valid_from")
    )


def state() -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """Every rank row, every prefix group's row, every group's span and the terms' kept
    counts, sorted."""
    return (
        ranks(),
        sorted(SearchPrefixRank.objects.values_list(*PREFIX_COLUMNS)),
        sorted(SearchPrefix.objects.values_list("prefix", "upper", "lowest", "highest")),
        term_counts(),
    )


def rebuilt_state() -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """What a rebuild of the ranked index, its prefix groups (the same prefixes) and the
    terms' counts from the search rows gives, without keeping it."""
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
