"""Overdue reviews (aktualitetsprövning) for the desk: open review cases whose version's
next review date has passed, the longest overdue first."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Case, CaseKind

OVERDUE_SHOWN = 50


def overdue_reviews(day: datetime.date | None = None, limit: int = OVERDUE_SHOWN) -> list[Case]:
    """The open reviews past their date, each with ``days_overdue``; at most ``limit``."""
    day = day or timezone.localdate()
    cases: QuerySet[Case] = (
        Case.objects.filter(
            kind=CaseKind.REVIEW, finished__isnull=True, version__next_review__lt=day
        )
        .select_related(
            "diary_entry__series", "document__owner_position", "version", "decider_body"
        )
        .order_by("version__next_review", "pk")[:limit]
    )
    found = list(cases)
    for case in found:
        case.days_overdue = (day - case.version.next_review).days
    return found
