"""Preparation in the political bodies: the decision proposal, each body's handling."""

from __future__ import annotations

import datetime

from documents.models.decision import minutes_paragraph

from .. import routing
from ..models import PreparationOutcome, PreparationStep
from ..refusals import ProposalMissing, ReturnMotivationMissing
from .base import Step


def write_proposal(step: Step, *, proposal: str) -> None:
    proposal = (proposal or "").strip()
    if not proposal:
        raise ProposalMissing()
    step.case.proposal = proposal
    step.case.preparation_index = 0
    step.case.save_later(["proposal", "preparation_index"])
    step.record("proposal_written")


def record_preparation(
    step: Step, *, meeting_date: datetime.date, outcome: str, paragraph: str = "", note: str = ""
) -> None:
    case = step.case
    body = routing.preparing_body(case)
    if outcome == PreparationOutcome.RETURNED and not note.strip():
        raise ReturnMotivationMissing()
    PreparationStep.objects.create(
        case=case,
        round=case.round,
        body=body,
        meeting_date=meeting_date,
        paragraph=paragraph,
        outcome=outcome,
        note=note,
        recorded_by=step.user,
    )
    if outcome == PreparationOutcome.FORWARDED:
        case.preparation_index += 1
    else:
        case.preparation_index = 0
        case.return_motivation = note
    case.save_later(["preparation_index", "return_motivation"])
    step.record(
        "preparation",
        target=case,
        to_state=outcome,
        comment=f"{body.short_name} {meeting_date:%Y-%m-%d} {minutes_paragraph(paragraph)} {note}".strip(),
    )
