"""The pages for administrators and the registrar: upload the register file and its files
(checked at once: the dry run), see a run's report, confirm it (the scheduled job imports
it, with its progress shown on the run's page); download the template, the example and the
register as it is now."""

from __future__ import annotations

import zipfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.refusals import Refusal
from org.importing.export import render as file_of
from org.importing.views import file_format, file_response

from .. import access
from ..models import RegisterImport, RegisterImportStatus
from . import runs, services
from .example import example_tables
from .export import empty_tables
from .progress import progress_of
from .sources import TooLarge, Zip

SUFFIXES = (".xlsx", ".csv", ".zip")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file (XLSX, CSV or ZIP of CSV files)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    files = forms.FileField(
        label=gettext_lazy("The versions' files (ZIP)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Upload an XLSX file, a CSV file or a ZIP of CSV files."))
        return upload

    def clean_files(self):
        upload = self.cleaned_data.get("files")
        if not upload:
            return None
        try:
            Zip(upload)
        except (zipfile.BadZipFile, TooLarge):
            raise forms.ValidationError(_("The files must be one ZIP file.")) from None
        upload.seek(0)
        return upload


def _allowed(request) -> None:
    if not access.can_import_register(request.user):
        raise PermissionDenied


@login_required
def start(request):
    _allowed(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            run = runs.preview(request.user, form.cleaned_data["file"], form.cleaned_data["files"])
            return redirect("registerimport:run", pk=run.pk)
    else:
        form = UploadForm()
    recent = RegisterImport.objects.defer("preview", "report").select_related(
        "uploaded_by", "applied_by"
    )[:10]
    return render(request, "documents/register_import.html", {"form": form, "runs": recent})


UNCHECKED = (RegisterImportStatus.UPLOADED, RegisterImportStatus.CHECKING)
WORKING = (*UNCHECKED, RegisterImportStatus.QUEUED, RegisterImportStatus.RUNNING)


@login_required
def run_detail(request, pk: int):
    _allowed(request)
    run = get_object_or_404(
        RegisterImport.objects.select_related("uploaded_by", "applied_by"), pk=pk
    )
    applied = run.status == RegisterImportStatus.APPLIED
    shown = (run.report if run.report else run.preview) or {}
    changes = shown.get("changes", [])
    done, total = progress_of(run)
    return render(
        request,
        "documents/register_import_run.html",
        {
            "run": run,
            "shown": shown,
            "counts": shown.get("counts", {}),
            "errors": shown.get("errors", []),
            "warnings": shown.get("warnings", []),
            "changes": changes,
            "more": max(0, shown.get("total", 0) - len(changes)),
            "pending": run.status == RegisterImportStatus.PREVIEWED,
            "applied": applied,
            "working": run.status in WORKING,
            "unchecked": run.status in UNCHECKED,
            "done": done,
            "total": total,
            "percent": 100 * done // total if total else 0,
        },
    )


@login_required
@require_POST
def confirm(request, pk: int):
    _allowed(request)
    try:
        runs.confirm(request.user, pk)
    except RegisterImport.DoesNotExist:
        raise PermissionDenied from None
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("registerimport:run", pk=pk)
    messages.success(
        request,
        _("The import is queued: it starts within a minute. This page shows how far it has come."),
    )
    return redirect("registerimport:run", pk=pk)


@login_required
def template(request):
    _allowed(request)
    fmt = file_format(request)
    return file_response(file_of(empty_tables(), fmt), "register-mall", fmt)


@login_required
def example(request):
    _allowed(request)
    fmt = file_format(request)
    return file_response(file_of(example_tables(), fmt), "register-exempel", fmt)


@login_required
def download(request):
    _allowed(request)
    fmt = request.GET.get("format", "xlsx")
    day = timezone.localdate().isoformat()
    if fmt == "files":
        _content, files = services.export_for(request.user, "zip")
        return file_response(files, f"register-filer-{day}", "zip")
    fmt = "zip" if fmt == "zip" else "xlsx"
    content, _files = services.export_for(request.user, fmt)
    return file_response(content, f"register-{day}", fmt)
