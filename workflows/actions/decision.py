"""The decision: checks that the matter is ready and the input complete, then the
decision row (and, when adopted, the version's adoption and validity)."""

from __future__ import annotations

import datetime

from django.db.models import Exists
from django.utils import timezone

from config.compiled_query import CompiledQuery
from documents.models import Decision, DecisionKind, DecisionOutcome, VersionStatus

from ..models import Case, CaseKind, Negotiation, SamverkanMeeting
from ..refusals import (
    DecisionBeforeNegotiation,
    DecisionBeforeSamverkan,
    DecisionInFuture,
    NegotiationPending,
    SamverkanNotFinished,
    SamverkanNotHeld,
    ValidFromBeforeDecision,
    ValidFromMissing,
    ValidUntilBeforeValidFrom,
)
from .base import Step, check_decision_answer
from .engine import round_mbl_demands
from .notices import tell_decision
from .review_steps import confirm_review


def _meeting_of_round(case_id: int, round: int):
    return (
        SamverkanMeeting.objects.filter(case_id=case_id, round=round)
        .annotate(mbl_demanded=Exists(round_mbl_demands(case_id, round)))
        .order_by("-pk")[:1]
    )


# The round's meeting, and whether a union demanded a negotiation, in one query compiled
# once per process (config/compiled_query.py).
_MEETING_QUERY = CompiledQuery(_meeting_of_round, ids=("case_id", "round"))


def check_ready_for_decision(case: Case, decision_date: datetime.date | None = None) -> None:
    """Samverkan, and a demanded negotiation, must be finished before any decision
    (and before the day it is dated)."""
    if case.kind == CaseKind.REPEAL:
        return
    if not case.samverkan_group_id:
        if case.document.document_type.samverkan_required:
            raise SamverkanNotHeld()
        return
    # The round's meeting, and whether a union demanded a negotiation, in one query.
    found = _MEETING_QUERY.run(case_id=case.pk, round=case.round)
    meeting = found[0] if found else None
    if meeting is None:
        raise SamverkanNotFinished()
    if decision_date and decision_date < meeting.meeting_date:
        raise DecisionBeforeSamverkan(day=meeting.meeting_date.isoformat())
    # A negotiation is held (its step is reached) only when a union demanded one.
    if not meeting.mbl_demanded:
        return
    negotiation = Negotiation.objects.filter(case=case, round=case.round).order_by("-pk").first()
    if negotiation is None:
        raise NegotiationPending()
    if negotiation and decision_date and decision_date < negotiation.negotiation_date:
        raise DecisionBeforeNegotiation(day=negotiation.negotiation_date.isoformat())


def _check_input(
    case: Case,
    *,
    outcome: str,
    decision_date: datetime.date,
    paragraph: str,
    motivation: str,
) -> None:
    if decision_date > timezone.localdate():
        raise DecisionInFuture()
    check_ready_for_decision(case, decision_date)
    check_decision_answer(case, outcome=outcome, paragraph=paragraph, motivation=motivation)


def _check_validity(
    decision_date: datetime.date,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
) -> None:
    if valid_from is None:
        raise ValidFromMissing()
    if valid_from < decision_date:
        raise ValidFromBeforeDecision()
    if valid_until is not None and valid_until < valid_from:
        raise ValidUntilBeforeValidFrom()


def decide(
    step: Step,
    *,
    outcome: str,
    decision_date: datetime.date,
    paragraph: str = "",
    motivation: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    requires_reading: bool | None = None,
    material_change: bool = False,
) -> None:
    """Record the decision. ``requires_reading`` (None: as the document type says) and
    ``material_change`` (a new version that must be read again) belong to an adoption of
    a version; a repeal or a version not adopted carries neither."""
    case, version = step.case, step.case.version
    if case.kind == CaseKind.REVIEW:  # the decider confirms "still current"
        confirm_review(
            step,
            outcome=outcome,
            decision_date=decision_date,
            paragraph=paragraph,
            motivation=motivation,
        )
        return
    _check_input(
        case,
        outcome=outcome,
        decision_date=decision_date,
        paragraph=paragraph,
        motivation=motivation,
    )
    is_repeal = case.kind == CaseKind.REPEAL
    adopts_version = outcome == DecisionOutcome.ADOPTED and not is_repeal
    if adopts_version:
        _check_validity(decision_date, valid_from, valid_until)
    decision = Decision.objects.create(
        document=case.document,
        version=version,
        kind=DecisionKind.REPEAL if is_repeal else DecisionKind.ADOPTION,
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
        requires_reading=requires_reading if adopts_version else None,
        # Only a later version can change what was read before.
        material_change=bool(material_change and adopts_version and version.number > 1),
    )
    case.decision_made = decision  # what the flow's next gateway asks (engine.last_decision)
    if adopts_version:
        version.status = VersionStatus.ADOPTED
        version.adoption = decision
        version.valid_from = valid_from
        version.valid_until = valid_until
        version.save(update_fields=["status", "adoption", "valid_from", "valid_until"])
    elif outcome == DecisionOutcome.RETURNED:
        case.return_motivation = motivation
        case.preparation_index = 0
        case.save_later(["return_motivation", "preparation_index"])
    step.record(
        "decision",
        target=decision,
        to_state=outcome,
        comment=f"{decision.decider_name} {decision_date:%Y-%m-%d} {decision.paragraph}".strip(),
    )
    tell_decision(case, decision)
