from django.shortcuts import render

from org.selectors import acting_in

from .models import Document, DocumentStatus, DocumentType


def home(request):
    """The start page: what the user can do and the documents valid now."""
    acting = acting_in(request.user) if request.user.is_authenticated else []
    valid = Document.objects.filter(status=DocumentStatus.VALID)
    if not request.user.is_authenticated:
        valid = valid.filter(is_public=True)
    context = {
        "acting": acting,
        "types": DocumentType.objects.filter(is_active=True),
        "valid_count": valid.count(),
        "recent": valid.select_related("document_type", "scope_unit", "current_version")
        .order_by("-current_version__valid_from")[:10],
    }
    return render(request, "home.html", context)
