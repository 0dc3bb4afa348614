"""The mandate-period sweep: which politically adopted documents have been reviewed in the
current mandate period (read-side queries).

A document counts for the body that adopted its valid version (KF, KS or a nämnd). It is
reviewed in the period when it has a decision of kind "adoption" (adopted, a new version)
or "review" (a confirmation that it still applies) dated on or after the period's first
day and not sent back or rejected. The kinds are compared as strings, so a decision kind
added later with the value "review" counts without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Q, QuerySet

from org.models import Body

from .due import SWEEP_BODY_KINDS, period_reviews, with_due_on
from .models import Document, DocumentStatus, MandatePeriod

PAGE_SIZE = 50


@dataclass(frozen=True)
class BodyProgress:
    body: Body
    total: int
    done: int

    @property
    def remaining(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def sweep_bodies() -> list[Body]:
    """KF, KS and the nämnder: the highest first, then by name."""
    bodies = Body.objects.filter(kind__in=SWEEP_BODY_KINDS, is_active=True)
    return sorted(bodies, key=lambda body: (-body.rank, body.name))


def swept_documents(period: MandatePeriod) -> QuerySet[Document]:
    """Valid documents whose valid version a sweep body adopted, each with ``reviewed_on``
    (the first reviewing decision in ``period``, or None) and ``reviewed``."""
    reviewing = period_reviews(period)
    return Document.objects.filter(
        status=DocumentStatus.VALID,
        current_version__adoption__body__kind__in=SWEEP_BODY_KINDS,
    ).annotate(
        reviewed=Exists(reviewing),
        reviewed_on=reviewing.order_by("decision_date").values("decision_date")[:1],
    )


def progress(period: MandatePeriod) -> list[BodyProgress]:
    """Per sweep body: how many of its valid documents there are and how many are reviewed
    in ``period`` (one query for the counts)."""
    counts = {
        row["current_version__adoption__body"]: row
        for row in swept_documents(period)
        .values("current_version__adoption__body")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(reviewed=True)))
        .order_by()
    }
    return [
        BodyProgress(
            body,
            counts.get(body.pk, {}).get("total", 0),
            counts.get(body.pk, {}).get("done", 0),
        )
        for body in sweep_bodies()
    ]


def body_documents(period: MandatePeriod, body: Body, page: str | int | None) -> Page:
    """One page of ``body``'s documents, those still to review first (the earliest due
    first: ``due_on``, from ``documents.due``), then by title."""
    documents = (
        with_due_on(swept_documents(period).filter(current_version__adoption__body=body), period)
        .select_related("document_type", "owner_position", "current_version__adoption")
        .order_by("reviewed", "due_on", "title", "pk")
    )
    return Paginator(documents, PAGE_SIZE).get_page(page)
