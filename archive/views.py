"""The registrar's archive page: ask for a package, follow its progress, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit import recording as audit
from audit.refusals import Refusal
from config.client_ip import client_ip

from . import access, services
from .forms import ExportForm
from .models import ExportStatus

PAGE_SIZE = 20
MAX_ID = 2**31 - 1


def _page(request, form: ExportForm, status: int = 200):
    exports = access.visible_exports(request.user).select_related(
        "requested_by", "document", "case__diary_entry__series", "body", "document_type"
    )
    page = Paginator(exports, PAGE_SIZE).get_page(request.GET.get("page"))
    working = any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in page)
    return render(
        request,
        "archive/exports.html",
        {"form": form, "page": page, "exports": page.object_list, "working": working},
        status=status,
    )


@login_required
def exports(request):
    """/archive/: the form and the packages asked for, with their progress."""
    if not access.can_export(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, ExportForm())
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        services.request_export(
            user=request.user, ip_address=client_ip(request), **form.selection()
        )
    except Refusal as refusal:
        field = refusal.field if refusal.field in form.fields else None
        form.add_error(field, refusal.message)
        return _page(request, form, status=refusal.status)
    messages.success(request, _("The package is queued. This page shows how far it has come."))
    return redirect("archive:exports")


@login_required
def download(request, export_id: int):
    """The finished package, to the registrar and administrators only; audited."""
    if not access.can_export(request.user):
        raise PermissionDenied
    export = (
        access.visible_exports(request.user)
        .filter(pk=export_id if 0 < export_id <= MAX_ID else 0, status=ExportStatus.DONE)
        .first()
    )
    if export is None or not export.file:
        raise Http404
    audit.record_now(
        "archive_package_downloaded", target=export, comment=export.sha256, actor=request.user
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file_name or "arkivpaket.zip",
        content_type="application/zip",
    )
