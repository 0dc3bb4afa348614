"""Health of the register: documents that need someone's attention."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import PositionHolding, Substitution

from . import access
from .due import with_due_on
from .models import Document, DocumentStatus, MandatePeriod

REVIEW_WARNING_DAYS = 90


@dataclass(frozen=True)
class Problem:
    key: str
    title: str
    documents: QuerySet


def _valid_documents() -> QuerySet[Document]:
    return Document.objects.filter(status=DocumentStatus.VALID).select_related(
        "document_type", "scope_unit", "owner_position", "current_version", "parent"
    )


def problems(documents: QuerySet[Document], today: datetime.date | None = None) -> list[Problem]:
    day = today or timezone.localdate()
    soon = day + datetime.timedelta(days=REVIEW_WARNING_DAYS)
    occupied = Q(
        Exists(PositionHolding.objects.active_on(day).filter(position=OuterRef("owner_position")))
    ) | Q(Exists(Substitution.objects.active_on(day).filter(position=OuterRef("owner_position"))))
    # When a review is due: the next review, or the mandate period's deadline (documents.due)
    reviews = with_due_on(documents, MandatePeriod.current(day))
    parent_gone = Q(parent__status=DocumentStatus.REPEALED) | Q(
        parent__current_version__valid_until__lt=day
    )
    return [
        Problem(
            "review_overdue",
            _("Review date passed"),
            reviews.filter(due_on__lt=day).order_by("due_on"),
        ),
        Problem(
            "review_soon",
            _("Review due within 90 days"),
            reviews.filter(due_on__gte=day, due_on__lte=soon).order_by("due_on"),
        ),
        Problem(
            "expired",
            _("Valid-until date passed"),
            documents.filter(current_version__valid_until__lt=day).order_by(
                "current_version__valid_until"
            ),
        ),
        Problem(
            "parent_gone",
            _("Parent document repealed or expired while this one is valid"),
            documents.filter(parent_gone).order_by("title"),
        ),
        Problem(
            "outside_rule_set",
            # Imported as the fact it is (documents.importing), never silently.
            _("Adopted by another body or official than the rule set names"),
            documents.filter(current_version__adoption__outside_rule_set=True).order_by("title"),
        ),
        Problem(
            "owner_vacant",
            _("Owner position vacant"),
            documents.exclude(occupied).order_by("title"),
        ),
    ]


@login_required
def health(request):
    """For the registrar: the whole register. For owners: the documents they own."""
    scope = access.health_scope(request.user)
    if scope is None:
        raise PermissionDenied
    documents = _valid_documents().filter(scope)
    return render(request, "documents/health.html", {"problems": problems(documents)})
