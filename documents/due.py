"""When a document's review is due: the one place that decides it.

A valid document is due on its valid version's next review date, or earlier by the
mandate-period rule. The review opening job (``workflows.actions.review``), the yearly
review report (``workflows.review_report``) and the mandate sweep page
(``documents.sweep``) all ask ``with_due_on`` / ``due_on``.

The mandate-period rule: after an election, every valid document whose valid version was
adopted by KF, KS or a nämnd and that has not been reviewed in the current mandate period
is due at the latest on the period's review deadline. Reviewed in the period means a
decision of kind "adoption" (adopted anew) or "review" (confirmed still current) dated on
or after the period's first day and not sent back or rejected.

The deadline is the last day of the period's first year (``MANDATE_REVIEW_MONTHS`` after
the start, less one day: 14 October of the year after the election for a period that
starts on 15 October), or the period's last day if the period is shorter. The new
assembly thus takes a position on every document it inherits within its first year, in
time for the yearly review list, and the rest of the period stays for the revisions that
follow. The review job opens the review when the deadline less the type's lead time has
come, even if the version's own next review is later; a document whose next review is
earlier than the deadline keeps it.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from org.models import BodyKind

from .dates import add_months
from .models import Decision, DecisionOutcome, Document, DocumentStatus, MandatePeriod

# The bodies whose documents are reviewed once in every mandate period.
SWEEP_BODY_KINDS = (BodyKind.COUNCIL, BodyKind.EXECUTIVE_BOARD, BodyKind.COMMITTEE)
# The decision kinds that count as a review in the period (compared as strings).
REVIEWED_KINDS = ("adoption", "review")
# The mandate-period deadline: this many months after the period's first day, less a day.
MANDATE_REVIEW_MONTHS = 12


def mandate_deadline(period: MandatePeriod) -> datetime.date:
    """The last day a politically adopted document not yet reviewed in ``period`` may be
    reviewed: the end of the period's first year (or the period's end, if sooner)."""
    end_of_first_year = add_months(period.starts_on, MANDATE_REVIEW_MONTHS)
    return min(end_of_first_year - datetime.timedelta(days=1), period.ends_on)


def period_reviews(period: MandatePeriod, document: str = "pk") -> QuerySet[Decision]:
    """The decisions that make the outer document (``OuterRef(document)``) reviewed in
    ``period``."""
    return Decision.objects.filter(
        document=OuterRef(document),
        kind__in=REVIEWED_KINDS,
        decision_date__gte=period.starts_on,
        decision_date__lte=period.ends_on,
    ).exclude(outcome__in=(DecisionOutcome.RETURNED, DecisionOutcome.REJECTED))


def with_due_on(documents: QuerySet[Document], period: MandatePeriod | None) -> QuerySet[Document]:
    """``documents``, each with ``due_on`` (the day its review is due, None if never) and
    ``mandate_due`` (True when the mandate-period rule made it earlier than the valid
    version's next review). ``period`` is the current mandate period, if any
    (``MandatePeriod.current(day)``). One expression, no extra query per document."""
    next_review = F("current_version__next_review")
    if period is None:
        return documents.annotate(
            mandate_due=Value(False, output_field=BooleanField()),
            due_on=ExpressionWrapper(next_review, output_field=DateField()),
        )
    deadline = mandate_deadline(period)
    earlier = (
        Q(status=DocumentStatus.VALID, current_version__adoption__body__kind__in=SWEEP_BODY_KINDS)
        & ~Exists(period_reviews(period))
        & (
            Q(current_version__next_review__isnull=True)
            | Q(current_version__next_review__gt=deadline)
        )
    )
    return documents.annotate(
        mandate_due=Case(When(earlier, then=Value(True)), default=Value(False)),
    ).annotate(
        due_on=Case(
            When(mandate_due=True, then=Value(deadline)),
            default=next_review,
            output_field=DateField(),
        )
    )


_PERIOD_OF_THE_DAY = object()


def due_on(
    document: Document, day: datetime.date, period=_PERIOD_OF_THE_DAY
) -> datetime.date | None:
    """The day ``document``'s review is due, as of ``day``. ``period`` is the mandate
    period of ``day`` (``MandatePeriod.current``, possibly None) when the caller has read it
    already, as a job going through many documents does; otherwise it is read here."""
    if period is _PERIOD_OF_THE_DAY:
        period = MandatePeriod.current(day)
    return (
        with_due_on(Document.objects.filter(pk=document.pk), period)
        .values_list("due_on", flat=True)
        .first()
    )


def due_on_of(outer: str, period: MandatePeriod | None) -> Subquery:
    """``due_on`` of the document ``OuterRef(outer)`` points to, for annotating rows that
    belong to a document (a review case: ``due_on_of("document", period)``)."""
    document = with_due_on(Document.objects.filter(pk=OuterRef(outer)), period)
    return Subquery(document.values("due_on")[:1], output_field=DateField())
