from django.shortcuts import render

from org.selectors import acting_in

from . import access as document_access
from .models import Document, DocumentStatus, DocumentType


def home(request):
    """The start page: what the user can do and the documents valid now."""
    acting = acting_in(request.user) if request.user.is_authenticated else []
    valid = document_access.visible_documents(request.user).filter(status=DocumentStatus.VALID)
    position_ids = [a.position.pk for a in acting]
    context = {
        "acting": acting,
        "sees_health": request.user.is_authenticated
        and (
            request.user.is_superuser
            or any(a.position.kind == "registrar" for a in acting)
            or Document.objects.filter(owner_position__in=position_ids).exists()
        ),
        "types": DocumentType.objects.filter(is_active=True),
        "valid_count": valid.count(),
        "recent": valid.select_related("document_type", "scope_unit", "current_version").order_by(
            "-current_version__valid_from"
        )[:10],
    }
    return render(request, "home.html", context)


def document_detail(request, document_id: int):
    """A document with its valid version (the full register page comes with the register)."""
    from django.http import Http404

    from workflows import access as case_access
    from workflows.models import Case

    document = (
        Document.objects.select_related(
            "document_type",
            "scope_unit",
            "process",
            "owner_position",
            "parent",
            "current_version__adoption__body",
            "current_version__adoption__position",
            "current_version__diary_entry__series",
        )
        .filter(pk=document_id)
        .first()
    )
    if document is None or not document_access.can_view_document(request.user, document):
        raise Http404
    open_case = Case.objects.filter(document=document, finished__isnull=True).first()
    context = {
        "document": document,
        "version": document.current_version,
        "versions": document.versions.exclude(status="draft").select_related(
            "adoption__body", "adoption__position"
        ),
        "children": document.children.filter(status=DocumentStatus.VALID).select_related(
            "document_type"
        ),
        "open_case": open_case
        if open_case and case_access.can_view_case(request.user, open_case)
        else None,
        "can_start": case_access.can_start_case(request.user).allowed
        and document.status == DocumentStatus.VALID
        and open_case is None,
    }
    return render(request, "documents/document_detail.html", context)
