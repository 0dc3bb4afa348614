"""The page for administrators and the registrar: upload the register file and its files,
try it (dry run) or import it; download the template and the register as it is now."""

from __future__ import annotations

import zipfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.importing.export import render as file_of
from org.importing.views import file_format, file_response

from .. import access
from . import services
from .export import empty_tables
from .sources import Files, TooLarge, Zip

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
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only try it (dry run): nothing is written"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Upload an XLSX file, a CSV file or a ZIP of CSV files."))
        return upload

    def clean_files(self):
        upload = self.cleaned_data.get("files")
        if not upload:
            return Files()
        try:
            return Zip(upload)
        except (zipfile.BadZipFile, TooLarge):
            raise forms.ValidationError(_("The files must be one ZIP file.")) from None


def _allowed(request) -> None:
    if not access.can_import_register(request.user):
        raise PermissionDenied


@login_required
def start(request):
    _allowed(request)
    report = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = services.import_for(
                request.user,
                upload.name,
                upload.read(),
                form.cleaned_data["files"],
                dry_run=form.cleaned_data["dry_run"],
            )
    else:
        form = UploadForm()
    return render(
        request,
        "documents/register_import.html",
        {
            "form": form,
            "report": report,
            "dry_run": bool(report is not None and form.cleaned_data["dry_run"]),
            "counts": report.counts() if report else {},
        },
    )


@login_required
def template(request):
    _allowed(request)
    fmt = file_format(request)
    return file_response(file_of(empty_tables(), fmt), "register-mall", fmt)


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
