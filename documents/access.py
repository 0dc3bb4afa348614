"""Who may see which document (register side). Case material is in workflows.access."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Document, DocumentStatus


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
