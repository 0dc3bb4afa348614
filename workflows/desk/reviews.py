"""Overdue reviews (aktualitetsprövning) for the desk: open review cases whose document's
review was due (``documents.due``: the next review, or the mandate period's deadline)
before today, the longest overdue first."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from documents.due import due_on_of
from documents.models import MandatePeriod

from ..models import Case, CaseKind

OVERDUE_SHOWN = 50


def overdue_reviews(day: datetime.date | None = None, limit: int = OVERDUE_SHOWN) -> list[Case]:
    """The open reviews past their date, each with ``days_overdue``; at most ``limit``."""
    day = day or timezone.localdate()
    cases: QuerySet[Case] = (
        Case.objects.filter(kind=CaseKind.REVIEW, finished__isnull=True)
        .annotate(due_on=due_on_of("document", MandatePeriod.current(day)))
        .filter(due_on__lt=day)
        .select_related(
            "diary_entry__series", "document__owner_position", "version", "decider_body"
        )
        .order_by("due_on", "pk")[:limit]
    )
    found = list(cases)
    for case in found:
        case.days_overdue = (day - case.due_on).days
    return found
