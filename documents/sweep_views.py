"""The mandate-period sweep page: for the registrar and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from . import access, sweep
from .models import MandatePeriod


def _chosen(progress: list[sweep.BodyProgress], wanted: str | None) -> sweep.BodyProgress | None:
    """The body asked for (``?body=<id>``), else the first with documents left to review."""
    by_id = {str(p.body.pk): p for p in progress}
    if wanted in by_id:
        return by_id[wanted]
    return next((p for p in progress if p.remaining), progress[0] if progress else None)


@login_required
def mandate_sweep(request):
    if not access.can_see_mandate_sweep(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    period = MandatePeriod.current(today)
    context = {"today": today, "period": period, "progress": [], "chosen": None, "page": None}
    if period is not None:
        progress = sweep.progress(period)
        chosen = _chosen(progress, request.GET.get("body"))
        context.update(progress=progress, chosen=chosen)
        if chosen is not None:
            context["page"] = sweep.body_documents(period, chosen.body, request.GET.get("page"))
            context["querystring"] = f"body={chosen.body.pk}"
    return render(request, "documents/mandate_sweep.html", context)
