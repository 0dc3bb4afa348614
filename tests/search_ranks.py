"""Helpers for tests of the search's ranked index (``documents.models.SearchRank``)."""

from __future__ import annotations

from django.db import transaction

from documents.models import SearchRank
from documents.search import rank_versions

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


def rebuilt() -> list[tuple]:
    """What a rebuild from the search rows gives, without keeping it."""
    with transaction.atomic():
        rank_versions()
        found = ranks()
        transaction.set_rollback(True)
    return found
