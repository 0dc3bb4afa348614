"""The administrators' page for the organisation file: upload, dry run, confirm; the
template, the example and the export as downloads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import access
from ..import_models import ImportStatus, OrganisationImport
from . import services
from .example import example_tables
from .export import empty_tables
from .export import render as file_of

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv", ".zip")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Organisation file (XLSX, CSV or ZIP of CSV files)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    ends_from = forms.DateField(
        label=gettext_lazy("Holdings missing from the file end from"),
        help_text=gettext_lazy(
            "People, substitutes and union representatives missing from their sheet lose "
            "their position from this day (their last day is the day before)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Upload an XLSX file, a CSV file or a ZIP of CSV files."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def _allowed(request) -> None:
    if not access.can_import_organisation(request.user):
        raise PermissionDenied


@login_required
def start(request):
    _allowed(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = services.preview(
                request.user, upload.name, upload.read(), ends_from=form.cleaned_data["ends_from"]
            )
            return redirect("orgimport:run", pk=run.pk)
    else:
        form = UploadForm(initial={"ends_from": timezone.localdate()})
    runs = OrganisationImport.objects.defer("content", "preview").select_related(
        "uploaded_by", "applied_by"
    )[:10]
    return render(request, "org/import.html", {"form": form, "runs": runs})


@login_required
def run_detail(request, pk: int):
    _allowed(request)
    run = get_object_or_404(OrganisationImport.objects.defer("content"), pk=pk)
    preview = run.preview or {}
    changes = preview.get("changes", [])
    return render(
        request,
        "org/import_run.html",
        {
            "run": run,
            "counts": preview.get("counts", {}),
            "errors": preview.get("errors", []),
            "changes": changes,
            "total": preview.get("total", 0),
            "more": max(0, preview.get("total", 0) - len(changes)),
            "pending": run.status == ImportStatus.PREVIEWED,
        },
    )


@login_required
@require_POST
def confirm(request, pk: int):
    _allowed(request)
    try:
        report = services.confirm(request.user, pk)
    except OrganisationImport.DoesNotExist:
        raise PermissionDenied from None
    except services.ImportNotPending:
        messages.error(request, _("This file has been imported already or has errors."))
        return redirect("orgimport:run", pk=pk)
    if report.ok:
        messages.success(
            request, _("The organisation was imported: %(n)s changes.") % {"n": len(report.changes)}
        )
    else:
        messages.error(request, _("Nothing was imported: the file has errors."))
    return redirect("orgimport:run", pk=pk)


def file_response(content: bytes, name: str, fmt: str) -> HttpResponse:
    """A workbook (XLSX) or a ZIP of CSV files as a download named ``name.fmt``."""
    kind = XLSX if fmt == "xlsx" else "application/zip"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def file_format(request) -> str:
    """The format the download asks for: ``zip`` or ``xlsx`` (the default)."""
    return "zip" if request.GET.get("format") == "zip" else "xlsx"


@login_required
def template(request):
    _allowed(request)
    fmt = file_format(request)
    content = file_of(empty_tables(), fmt)
    return file_response(content, "organisation-mall", fmt)


@login_required
def example(request):
    _allowed(request)
    fmt = file_format(request)
    content = file_of(example_tables(), fmt)
    return file_response(content, "organisation-exempel", fmt)


@login_required
def download(request):
    _allowed(request)
    fmt = file_format(request)
    day = timezone.localdate().isoformat()
    return file_response(services.export_for(request.user, fmt), f"organisation-{day}", fmt)
