"""The steps of a review (aktualitetsprövning) that run inside the review flow: filling in
a new review case, the owner's answer, the confirmation of "still current" and closing a
review that led to a new case.

This module does not import ``workflows.flows`` (the flows import it); opening reviews
and starting the follow-up case are in ``review``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audit import recording as audit
from documents.dates import add_months
from documents.models import Decision, DecisionKind, DecisionOutcome, DocumentVersion, VersionStatus

from ..models import Case, CaseKind, CaseOutcome, ReviewAnswer
from ..refusals import (
    DecisionInFuture,
    ReviewAnswerMissing,
    ReviewedVersionNotValid,
    ReviewRepealMotivationMissing,
)
from .base import Step, check_decision_answer


def init_review_case(activation, *, document, version, diary_entry, decider) -> Case:
    """Fill in a new review case (the review flow's StartHandle, inside the job's
    transaction). Nobody started it: the schedule did."""
    case: Case = activation.process
    case.kind = CaseKind.REVIEW
    case.document = document
    case.version = version
    case.diary_entry = diary_entry
    case.started_by = None
    case.decider_body = decider.body
    case.decider_position = decider.position
    case.save()
    audit.record(
        "case_started",
        target=case,
        case=case,
        comment=f"{diary_entry.diarienummer}: {case.get_kind_display()} "
        f"({version.next_review:%Y-%m-%d})",
    )
    return case


def answer_review(step: Step, *, answer: str, comment: str = "") -> None:
    """The owner's answer. Who answered becomes an author of the review case: an author
    never decides, so they may not confirm their own "unchanged" (four-eyes)."""
    case = step.case
    if answer not in ReviewAnswer.values:
        raise ReviewAnswerMissing()
    comment = (comment or "").strip()
    if answer == ReviewAnswer.REPEAL and not comment:
        raise ReviewRepealMotivationMissing()
    case.review_answer = answer
    case.repeal_motivation = comment if answer == ReviewAnswer.REPEAL else ""
    case.save(update_fields=["review_answer", "repeal_motivation"])
    case.authors.add(step.user)
    step.record("review_answered", to_state=answer, comment=comment)


def close_answered(case: Case) -> None:
    """The review ends because its answer starts a revision or repeal case."""
    outcome = (
        CaseOutcome.REVISION
        if case.review_answer == ReviewAnswer.REVISE
        else CaseOutcome.REPEAL_STARTED
    )
    Case.objects.filter(pk=case.pk).update(outcome=outcome, current_step="")
    case.outcome, case.current_step = outcome, ""
    audit.record("case_closed", target=case, case=case, to_state=outcome)


def _check_confirmation(
    case: Case, *, outcome: str, decision_date: datetime.date, paragraph: str, motivation: str
) -> None:
    if decision_date > timezone.localdate():
        raise DecisionInFuture()
    # Rejected, like returned, is "not confirmed".
    check_decision_answer(case, outcome=outcome, paragraph=paragraph, motivation=motivation)


def confirm_review(
    step: Step,
    *,
    outcome: str,
    decision_date: datetime.date,
    paragraph: str = "",
    motivation: str = "",
    **unused,
) -> None:
    """The decider's answer to "still current": confirmed (a review decision, the next
    review date moves by the type's interval, no new version) or sent back to the owner."""
    case = step.case
    _check_confirmation(
        case,
        outcome=outcome,
        decision_date=decision_date,
        paragraph=paragraph,
        motivation=motivation,
    )
    version = DocumentVersion.objects.select_for_update().get(pk=case.version_id)
    if version.status != VersionStatus.VALID:
        raise ReviewedVersionNotValid()
    decision = Decision.objects.create(
        document=case.document,
        version=version,
        kind=DecisionKind.REVIEW,
        outcome=outcome,
        body=case.decider_body,
        position=None if case.decider_body_id else case.decider_position,
        decision_date=decision_date,
        paragraph=paragraph.strip(),
        motivation=motivation.strip(),
        recorded_by=step.user,
        recorded_as=step.acting.position if step.acting else None,
        recorded_as_substitute=bool(step.acting and step.acting.as_substitute),
        diary_entry=case.diary_entry,
    )
    if outcome != DecisionOutcome.ADOPTED:
        case.return_motivation = motivation.strip()
        case.review_answer = ""
        case.save(update_fields=["return_motivation", "review_answer"])
        step.record("decision", target=decision, to_state=outcome, comment=motivation.strip())
        return
    before = version.next_review
    interval = case.document.document_type.review_interval_months
    version.next_review = add_months(decision_date, interval)
    version.save(update_fields=["next_review"])
    case.outcome = CaseOutcome.CONFIRMED
    case.current_step = ""
    case.save(update_fields=["outcome", "current_step"])
    step.record(
        "review_confirmed",
        target=decision,
        to_state=f"{version.next_review:%Y-%m-%d}",
        comment=f"{decision.decider_name} {decision_date:%Y-%m-%d} {paragraph}".strip()
        + (f" ({before:%Y-%m-%d} → {version.next_review:%Y-%m-%d})" if before else ""),
    )
