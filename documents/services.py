"""Write-side services for documents: publication, repeal, files.

Callers run these inside the flow's transaction; each writes its audit entry there.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import recording as audit
from config.compiled_query import CompiledQuery
from org.selectors import Acting

from .dates import add_months
from .files import EXTENSIONS, check_upload
from .models import (
    Decision,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    VersionFile,
    VersionStatus,
)
from .search import index_versions, mark_not_current, reindex_if_searchable


class PublicationError(Exception):
    pass


def _build_publication_lock(version_id: int, document_id: int):
    return (
        DocumentVersion.objects.select_for_update(of=("self", "document"))
        .select_related("document__document_type", "document__scope_unit")
        .filter(Q(pk=version_id) | Q(document=document_id, status=VersionStatus.VALID))
    )


# Compiled once per process (config/compiled_query.py): every publication runs it.
_PUBLICATION_LOCK = CompiledQuery(_build_publication_lock, ids=("version_id", "document_id"))


def _lock_for_publication(version: DocumentVersion) -> tuple[Document, DocumentVersion | None]:
    """Lock and read again the version, its document (with its type and scope unit) and
    the document's valid version (the one it will replace), in one query; the version
    object takes the values read, as refresh_from_db would. Returns the document and the
    valid version, if any."""
    found = _PUBLICATION_LOCK.run(version_id=version.pk, document_id=version.document_id)
    rows = {row.pk: row for row in found}
    current = rows.pop(version.pk)
    for field in version._meta.concrete_fields:
        setattr(version, field.attname, getattr(current, field.attname))
    return current.document, next(iter(rows.values()), None)


def _supersede(previous: DocumentVersion, day: datetime.date, case) -> None:
    previous.status = VersionStatus.SUPERSEDED
    previous.superseded_on = day
    previous.save(update_fields=["status", "superseded_on"])
    mark_not_current([previous])  # search index: no longer the valid version
    audit.record(
        "version_superseded", target=previous, case=case, from_state="valid", to_state="superseded"
    )


def _make_valid(version: DocumentVersion, doc_type: DocumentType, previous, day) -> None:
    """The version's status and dates as a valid version (saved: only these columns)."""
    version.status = VersionStatus.VALID
    version.valid_from = version.valid_from or day
    if version.replaces_id is None and previous is not None:
        version.replaces = previous
    if version.next_review is None:
        version.next_review = add_months(version.valid_from, doc_type.review_interval_months)
    if version.valid_until is None and doc_type.default_validity_months:
        version.valid_until = add_months(
            version.valid_from, doc_type.default_validity_months
        ) - datetime.timedelta(days=1)
    # Only the columns publication sets: the text, and so its plain-text copy, is as read.
    version.save(update_fields=["status", "valid_from", "replaces", "next_review", "valid_until"])


def publish_version(
    version: DocumentVersion, *, on: datetime.date | None = None, case=None
) -> None:
    """Make an adopted version the valid one; the previous valid version is superseded.

    Idempotent: publishing an already valid version does nothing.
    """
    day = on or timezone.localdate()
    with transaction.atomic(savepoint=False):
        document, previous = _lock_for_publication(version)
        if version.status == VersionStatus.VALID:
            return
        if version.status != VersionStatus.ADOPTED:
            raise PublicationError(f"Version {version.pk} is {version.status}, not adopted.")
        if version.valid_from and version.valid_from > day:
            raise PublicationError(f"Version {version.pk} is valid from {version.valid_from}.")
        if previous is not None:
            _supersede(previous, version.valid_from or day, case)
        _make_valid(version, document.document_type, previous, day)
        old_status = document.status
        document.status = DocumentStatus.VALID
        document.current_version = version
        changed = ["status", "current_version"]
        if document.title != version.title:  # the change tracking reads the old title
            document.title = version.title
            changed.append("title")
        document.save(update_fields=changed)
        # Search index: the newly valid version, already locked by the update above. An
        # adopted version was never searchable, so it has no index rows to replace.
        version.document = document
        index_versions([version], unindexed=True)
        audit.record(
            "version_published",
            target=version,
            case=case,
            from_state=old_status,
            to_state="valid",
            comment=f"valid from {version.valid_from:%Y-%m-%d}",
        )


def repeal_document(document: Document, decision: Decision, *, case=None) -> None:
    """Mark a document repealed on the decision's date; all versions stay in the archive."""
    with transaction.atomic(savepoint=False):
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status == DocumentStatus.REPEALED:
            return
        # In force until the day before the repeal decision's date.
        DocumentVersion.objects.filter(document=document, status=VersionStatus.VALID).update(
            status=VersionStatus.REPEALED,
            valid_until=decision.decision_date - datetime.timedelta(days=1),
        )
        # Search index: after the status and dates change (the history row copies its days
        # in force); a version leaves the valid state only here, so the document's
        # repealed versions are those just repealed.
        mark_not_current(
            DocumentVersion.objects.filter(document=document, status=VersionStatus.REPEALED)
        )
        old = document.status
        document.status = DocumentStatus.REPEALED
        document.repealed_on = decision.decision_date
        document.save(update_fields=["status", "repealed_on"])
        audit.record(
            "document_repealed", target=document, case=case, from_state=old, to_state="repealed"
        )


def add_version_file(
    version: DocumentVersion, upload: UploadedFile, *, user, acting: Acting | None = None, case=None
) -> VersionFile:
    """Store an upload as a new file of the version; earlier uploads are kept."""
    checked = check_upload(upload)
    original = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1] or "document"
    # The stored name comes from the detected type, never from the client.
    upload.name = f"upload{EXTENSIONS[checked.content_type]}"
    vf = VersionFile.objects.create(
        version=version,
        file=upload,
        original_name=original[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        extracted_text=checked.extracted_text,
        uploaded_by=user,
    )
    reindex_if_searchable(version)  # search index: the file's text
    audit.record(
        "file_uploaded", actor=user, acting=acting, target=version, case=case, comment=original
    )
    return vf
