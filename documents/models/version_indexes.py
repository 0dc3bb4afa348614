"""The indexes of ``DocumentVersion`` (its ``Meta.indexes``), apart from the model: each
serves a page or a search named beside it, and the reasons take room."""

from django.db import models
from django.db.models import Q

VERSION_INDEXES = [
    # The register's "in force on a day" filter, covering per document.
    models.Index(
        fields=["document", "status", "valid_from", "valid_until", "superseded_on"],
        name="documents_version_in_force",
    ),
    # The same filter per version, for the search's hits among versions no longer
    # valid (a past date): a key lookup without reading the table (PostgreSQL;
    # other databases have no INCLUDE and skip it).
    models.Index(
        fields=["id"],
        include=["status", "valid_from", "valid_until", "superseded_on"],
        name="documents_version_in_force_id",
    ),
    # Valid versions in the register's default order: an index walk with LIMIT, and
    # covering for counting what is valid on a day and for joining search hits.
    models.Index(
        # status too, though the condition fixes it: SQLite reads an index as
        # covering only when it holds every column the query names.
        fields=[
            "title",
            "id",
            "document",
            "valid_from",
            "valid_until",
            "next_review",
            "status",
            # The document's columns the register filters by (copied).
            "is_public",
            "has_open_case",
            "document_type",
            "scope_unit",
            "process",
            "owner_position",
        ],
        condition=Q(status="valid"),
        name="documents_version_valid_rows",
    ),
    # The same for the valid versions that apply to a unit (its scope and those
    # above it), of some types: the manager's landing page and the API's lists
    # count and page them from a few index ranges. Led by the title, both databases
    # read the whole index above to count them (15,000 entries: 3-6 ms on PostgreSQL,
    # 4 ms on SQLite).
    models.Index(
        fields=[
            "scope_unit",
            "document_type",
            "title",
            "id",
            "document",
            "valid_from",
            "valid_until",
            "next_review",
            "status",
            "is_public",
            "has_open_case",
            "process",
            "owner_position",
        ],
        condition=Q(status="valid"),
        name="documents_version_in_scope",
    ),
    # Versions by status, for the statuses that are few (drafts, adopted, rejected,
    # repealed); valid ones are served by the indexes above.
    models.Index(
        fields=["status"],
        condition=~Q(status__in=["valid", "superseded"]),
        name="documents_version_rare_status",
    ),
    # The valid versions that ask for reading, by scope and title: the chief's
    # overview pages and counts them for a unit's scopes from this index alone.
    models.Index(
        fields=["scope_unit", "title", "id", "document", "number", "reading_baseline"],
        condition=Q(status="valid", reading_required=True),
        name="documents_version_to_read",
    ),
    # The same by title: the overview of a large unit (a sector, the whole
    # municipality) reads its first page in title order from here, instead of
    # sorting every valid version of its scopes (25 ms for the municipality's).
    models.Index(
        fields=[
            "title",
            "id",
            "scope_unit",
            "document",
            "number",
            "reading_baseline",
            "document_type",
        ],
        condition=Q(status="valid", reading_required=True),
        name="documents_version_read_title",
    ),
]
