"""The logged-in person's pages: how they hear of documents, and what they follow.

The actions' refusals (``notifications.refusals``) answer by their status: a missing or
hidden document or follow is a 404, not being allowed a 403, bad input an error message
on the page it came from, nothing changed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.refusals import Refusal

from . import following, selectors
from .models import Frequency


def _http_error(refusal: Refusal) -> Exception:
    """Django's answer to a refusal: 404, 403, or 400 for bad input."""
    if refusal.status == 404:
        return Http404(refusal.message)
    if refusal.status == 403:
        return PermissionDenied(refusal.message)
    return BadRequest(refusal.message)


def _not_found_or_forbidden(refusal: Refusal) -> None:
    """Re-raise a 404 or 403 refusal as Django's answer; bad input is the caller's."""
    if refusal.status in (403, 404):
        raise _http_error(refusal) from refusal


class PreferenceForm(forms.Form):
    documents = forms.ChoiceField(
        label=gettext_lazy("New and revised documents, and what I follow"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Documents that apply to your units (the units of your positions and the units "
            "above them), and the documents and register searches you follow."
        ),
    )


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                following.set_frequency(request.user, form.cleaned_data["documents"])
            except Refusal as refusal:
                _not_found_or_forbidden(refusal)
                form.add_error("documents", refusal.message)
            else:
                messages.success(request, _("Your choice is saved."))
                return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferenceForm(initial={"documents": selectors.frequency_of(request.user)})
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@login_required
def follows(request):
    rows = selectors.follows_of(request.user)
    return render(
        request,
        "notifications/follows.html",
        {
            "documents": [f for f in rows if f.document_id],
            "searches": [f for f in rows if not f.document_id],
            "frequency": dict(Frequency.choices)[selectors.frequency_of(request.user)],
        },
    )


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
@login_required
def follow_document(request, document_id: int):
    try:
        following.follow_document(request.user, document_id)
    except Refusal as refusal:
        raise _http_error(refusal) from refusal
    messages.success(
        request, _("You follow the document: you will hear of new versions and a repeal.")
    )
    return _back(request, reverse("documents:detail", args=[document_id]))


@require_POST
@login_required
def follow_search(request):
    query = request.POST.get("query", "")
    try:
        follow = following.follow_search(request.user, query)
    except Refusal as refusal:
        _not_found_or_forbidden(refusal)
        messages.error(request, refusal.message)
        return redirect(f"{reverse('register')}?{query}" if query else reverse("register"))
    messages.success(request, _("You follow the search: %(label)s") % {"label": follow.label})
    return redirect(f"{reverse('register')}?{follow.query}")


@require_POST
@login_required
def stop_following(request, follow_id: int):
    try:
        following.stop_following(request.user, follow_id)
    except Refusal as refusal:
        raise _http_error(refusal) from refusal
    messages.success(request, _("You no longer follow it."))
    return _back(request, reverse("notifications:follows"))
