"""Samverkan: the unions' statements, the samverkan meeting and an MBL negotiation."""

from __future__ import annotations

import datetime

from config.compiled_query import CompiledQuery, save_new
from org.models import UnionRepresentative

from ..models import Negotiation, SamverkanMeeting, SamverkanStatement, UnionStance
from ..refusals import StanceMissing
from .base import Step

# The union representative of a statement's task, with the union, compiled once per
# process (config/compiled_query.py): every union statement reads it.
_REPRESENTATIVE = CompiledQuery(
    lambda representative_id: UnionRepresentative.objects.select_related("union").filter(
        pk=representative_id
    ),
    ids=("representative_id",),
)


def give_statement(step: Step, *, stance: str, comment: str = "") -> None:
    if stance not in UnionStance.values:
        raise StanceMissing()
    found = _REPRESENTATIVE.run(representative_id=step.task.data["representative_id"])
    if not found:
        raise UnionRepresentative.DoesNotExist("UnionRepresentative matching query does not exist.")
    rep = found[0]
    save_new(  # SamverkanStatement.objects.create, its INSERT compiled once per process
        SamverkanStatement(
            case=step.case,
            round=step.case.round,
            representative=rep,
            union=rep.union,
            stance=stance,
            comment=comment,
            version=step.case.version,
        )
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
    save_new(  # SamverkanMeeting.objects.create, its INSERT compiled once per process
        SamverkanMeeting(
            case=step.case,
            round=step.case.round,
            group=step.case.samverkan_group,
            meeting_date=meeting_date,
            agreement=agreement,
            minutes_reference=minutes_reference,
            reservations=reservations,
            recorded_by=step.user,
        )
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
