"""Who may see which document (register side). Case material is in workflows.access."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Document, DocumentStatus, DocumentVersion, VersionStatus

# Versions that belong to the register: whoever may see the document may see them. Other
# versions (drafts, adopted but not yet valid, rejected) are case material.
REGISTER_VERSION_STATUSES = (
    VersionStatus.VALID,
    VersionStatus.SUPERSEDED,
    VersionStatus.REPEALED,
)


def can_view_document(user, document: Document) -> bool:
    """Valid and repealed documents: public ones for everyone, internal ones for employees.
    Documents that were never adopted are case material: visible through their case."""
    if document.status in (DocumentStatus.VALID, DocumentStatus.REPEALED):
        return document.is_public or getattr(user, "is_authenticated", False)
    if not getattr(user, "is_authenticated", False):
        return False
    from workflows import access as case_access

    return any(case_access.can_view_case(user, c) for c in document.cases.all())


def visible_documents(user) -> QuerySet[Document]:
    qs = Document.objects.filter(status__in=[DocumentStatus.VALID, DocumentStatus.REPEALED])
    if not getattr(user, "is_authenticated", False):
        qs = qs.filter(is_public=True)
    return qs


def can_view_version(user, version: DocumentVersion) -> bool:
    """A version of the register (valid, superseded, repealed) for whoever may see its
    document; drafts, adopted-not-yet-valid and rejected versions only for those who may see
    one of the version's cases."""
    if version.status in REGISTER_VERSION_STATUSES:
        return can_view_document(user, version.document)
    if not getattr(user, "is_authenticated", False):
        return False
    from workflows import access as case_access

    return any(case_access.can_view_case(user, c) for c in version.cases.all())
