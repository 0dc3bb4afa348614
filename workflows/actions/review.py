"""Reviews (aktualitetsprövning): the scheduled opening of due reviews, and the case an
owner's answer starts (a revision or a repeal, through the ordinary start actions).

``open_due_reviews`` is run by ``manage.py open_due_reviews`` under the job's lock
(``config.jobs``); each document is also done under its own row lock and re-checked
there, so two runs never open two reviews of one document."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from documents import diarium
from documents.due import due_on, with_due_on
from documents.models import (
    Document,
    DocumentStatus,
    DocumentType,
    MandatePeriod,
    VersionStatus,
)

from ..flows import ReviewFlow
from ..models import Case, CaseKind, ReviewAnswer
from ..refusals import Refusal
from . import start
from .base import Step, resolve_decider

logger = logging.getLogger(__name__)


def due_document_ids(day: datetime.date) -> list[int]:
    """Valid documents whose review is due (``documents.due``: the next review date, or
    earlier by the mandate-period rule), less their type's lead time, on ``day`` or
    earlier, and that have no open case (a revision or repeal: the copied
    ``has_open_case``; a review: asked of the cases)."""
    ids: list[int] = []
    open_reviews = Case.objects.filter(
        kind=CaseKind.REVIEW, finished__isnull=True, document=OuterRef("pk")
    )
    period = MandatePeriod.current(day)
    for doc_type in DocumentType.objects.only("pk", "review_lead_days"):
        horizon = day + datetime.timedelta(days=doc_type.review_lead_days)
        valid = Document.objects.filter(
            status=DocumentStatus.VALID,
            document_type=doc_type,
            has_open_case=False,
            current_version__status=VersionStatus.VALID,
        )
        ids.extend(
            with_due_on(valid, period)
            .filter(due_on__lte=horizon)
            .exclude(Exists(open_reviews))
            .order_by("due_on", "pk")
            .values_list("pk", flat=True)
        )
    return ids


def open_review(
    document_id: int, *, day: datetime.date, period: MandatePeriod | None
) -> Case | None:
    """Open a review of the document if it is (still) due and has no open case; else None.
    Under the document's row lock, in the caller's transaction."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("document_type", "current_version", "scope_unit", "process")
        .filter(pk=document_id)
        .first()
    )
    if document is None or document.status != DocumentStatus.VALID:
        return None
    version = document.current_version
    if version is None or version.status != VersionStatus.VALID:
        return None
    due = due_on(document, day, period)
    lead = datetime.timedelta(days=document.document_type.review_lead_days)
    if due is None or due - lead > day:
        return None
    if Case.objects.filter(document=document, finished__isnull=True).exists():
        return None
    decider = resolve_decider(document, None)
    entry = diarium.allocate_for(document, decider.body, on=day)
    return ReviewFlow.start.run(
        document=document, version=version, diary_entry=entry, decider=decider
    )


def open_due_reviews(*, on: datetime.date | None = None) -> list[Case]:
    """Open a review for every valid document that is due (``documents.due``: next review
    or the mandate-period deadline, less the type's lead time, is today or past) and has
    no open case. Idempotent. A document nobody may
    adopt any more (``NoDecider``) is skipped and logged; the health page shows it."""
    # Never ahead of today: a later --date only looks, it cannot open reviews early.
    day = min(on or timezone.localdate(), timezone.localdate())
    opened: list[Case] = []
    period = MandatePeriod.current(day)  # once for the run, not once per document
    for document_id in due_document_ids(day):
        try:
            with transaction.atomic():
                case = open_review(document_id, day=day, period=period)
        except Refusal as exc:
            logger.warning("No review opened for document %s: %s", document_id, exc.message)
            continue
        if case is not None:
            opened.append(case)
    return opened


def start_follow_up(step: Step) -> None:
    """After the owner's answer (the review is closed by then): "needs revision" starts a
    revision case, "should be repealed" a repeal case, by the owner, through the ordinary
    start actions, in the same transaction (a refusal undoes the answer too)."""
    case = step.case
    document = Document.objects.get(pk=case.document_id)
    if case.review_answer == ReviewAnswer.REVISE:
        case.follow_up = start.start_revision(user=step.user, document=document)
    elif case.review_answer == ReviewAnswer.REPEAL:
        case.follow_up = start.start_repeal(
            user=step.user, document=document, motivation=case.repeal_motivation
        )
