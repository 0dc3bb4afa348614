"""The administrators' page for the rule-set file: download the current rule set; upload a
file, read what it would change, confirm. The uploaded text waits in the session between
the preview and the confirmation (a rule-set file is small), with its digest in the form so
that the confirmation applies the file that was previewed."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import access
from . import services
from .format import MAX_BYTES
from .refusals import RuleFileInvalid, RuleFilePreviewGone

SESSION_KEY = "rule_file_preview"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Rule-set file (TOML)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".toml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 kB."))
        return upload


def _allowed(request) -> None:
    if not access.can_manage_rule_set(request.user):
        raise PermissionDenied


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _preview(request, form: UploadForm) -> dict:
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        outcome = services.preview(request.user, upload.name, data)
    except RuleFileInvalid as refusal:
        return {"errors": refusal.problems, "filename": upload.name}
    request.session[SESSION_KEY] = {
        "name": upload.name[:200],
        "text": data.decode("utf-8-sig"),
        "digest": _digest(data),
    }
    return {"outcome": outcome, "filename": upload.name, "digest": _digest(data)}


@login_required
def page(request):
    _allowed(request)
    context: dict = {}
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            context = _preview(request, form)
    else:
        form = UploadForm()
    return render(request, "documents/rule_file.html", {"form": form, **context})


@login_required
@require_POST
def confirm(request):
    _allowed(request)
    kept = request.session.get(SESSION_KEY) or {}
    data = kept.get("text", "").encode("utf-8")
    try:
        if not kept or request.POST.get("digest") != _digest(data):
            raise RuleFilePreviewGone
        outcome = services.import_file(request.user, kept["name"], data)
    except (RuleFilePreviewGone, RuleFileInvalid) as refusal:
        messages.error(request, refusal.message)
        return redirect("rule_file:page")
    del request.session[SESSION_KEY]
    messages.success(
        request, _("The rule set was imported: %(n)s changes.") % {"n": len(outcome.changes)}
    )
    return redirect("rule_file:page")


@login_required
def download(request):
    _allowed(request)
    text = services.export_text(request.user)
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    name = f"regelverk-{timezone.localdate().isoformat()}.toml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
