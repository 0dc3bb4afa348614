"""Samverkan: the unions' statements, the samverkan meeting and an MBL negotiation."""

from __future__ import annotations

import datetime

from org.models import UnionRepresentative

from ..models import Negotiation, SamverkanMeeting, SamverkanStatement, UnionStance
from ..refusals import StanceMissing
from .base import Step


def give_statement(step: Step, *, stance: str, comment: str = "") -> None:
    if stance not in UnionStance.values:
        raise StanceMissing()
    rep = UnionRepresentative.objects.select_related("union").get(
        pk=step.task.data["representative_id"]
    )
    SamverkanStatement.objects.create(
        case=step.case,
        round=step.case.round,
        representative=rep,
        union=rep.union,
        stance=stance,
        comment=comment,
        version=step.case.version,
    )
    step.case.mbl_read = None  # read with the lock, before this statement
    step.record(
        "samverkan_statement",
        to_state=stance,
        comment=f"{rep.union}: {comment}".strip(),
    )


def record_samverkan_meeting(
    step: Step,
    *,
    meeting_date: datetime.date,
    agreement: str,
    minutes_reference: str,
    reservations: str = "",
) -> None:
    SamverkanMeeting.objects.create(
        case=step.case,
        round=step.case.round,
        group=step.case.samverkan_group,
        meeting_date=meeting_date,
        agreement=agreement,
        minutes_reference=minutes_reference,
        reservations=reservations,
        recorded_by=step.user,
    )
    step.record(
        "samverkan_meeting",
        to_state=agreement,
        comment=minutes_reference,
    )


def record_negotiation(
    step: Step, *, negotiation_date: datetime.date, outcome: str, minutes_reference: str
) -> None:
    Negotiation.objects.create(
        case=step.case,
        round=step.case.round,
        negotiation_date=negotiation_date,
        outcome=outcome,
        minutes_reference=minutes_reference,
        recorded_by=step.user,
    )
    step.record(
        "negotiation",
        to_state=outcome,
        comment=minutes_reference,
    )
