"""Registration: the registrar completes the adopted decision's record (minutes extract,
justering, posting on the notice board, the day it gains legal force)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from documents import notice_rules
from documents.models import Decision, DecisionOutcome

from ..models import CaseKind, CaseOutcome
from ..refusals import (
    AnslagBeforeJustering,
    AnslagTooLate,
    JusteringBeforeMeeting,
    JusteringTooLate,
    MinutesExtractMissing,
    NoAdoptedDecision,
    ParagraphMissing,
    RegistrationDatesMissing,
)
from .base import STEP_FILES, Step, check_file
from .engine import last_decision, mark_step


def _check_dates(
    decision: Decision,
    *,
    minutes_extract,
    justering_date: datetime.date | None,
    anslag_date: datetime.date | None,
) -> None:
    """A body's decision needs its minutes: the extract, the dates and the paragraph."""
    if decision.body_id:
        if minutes_extract is None and not decision.minutes_extract:
            raise MinutesExtractMissing()
        if justering_date is None or anslag_date is None:
            raise RegistrationDatesMissing()
        if not decision.paragraph:
            raise ParagraphMissing()
    _check_kommunallagen(decision.decision_date, justering_date, anslag_date)


def _check_kommunallagen(
    meeting: datetime.date, justering: datetime.date | None, anslag: datetime.date | None
) -> None:
    """The order and deadlines of 8 kap. 12 § KL (``documents.notice_rules``)."""
    if justering:
        if justering < meeting:
            raise JusteringBeforeMeeting()
        latest = notice_rules.latest_justering_day(meeting)
        if justering > latest:
            raise JusteringTooLate(day=latest.isoformat())
    if anslag and justering:
        if anslag < justering:
            raise AnslagBeforeJustering()
        latest = notice_rules.latest_anslag_day(justering)
        if anslag > latest:
            raise AnslagTooLate(day=latest.isoformat())


def _await_valid_from_if_later(step: Step) -> None:
    """An adopted version valid from a later day waits for it (the flow's timer step)."""
    case = step.case
    if (
        case.kind != CaseKind.REPEAL
        and case.version.valid_from
        and case.version.valid_from > timezone.localdate()
    ):
        case.outcome = CaseOutcome.ADOPTED
        case.save_later(["outcome"])
        mark_step(case, "await_valid_from")


def register(
    step: Step,
    *,
    minutes_extract=None,
    justering_date: datetime.date | None = None,
    anslag_date: datetime.date | None = None,
    paragraph: str | None = None,
    decision_date: datetime.date | None = None,
) -> None:
    case = step.case
    # The decision that adopted the case's version (read with the case), or for a repeal
    # the case's latest decision.
    decision = (
        case.version.adoption
        if case.kind != CaseKind.REPEAL and case.version and case.version.adoption_id
        else last_decision(case)
    )
    if decision is None or decision.outcome != DecisionOutcome.ADOPTED:
        raise NoAdoptedDecision()
    decision.document = step.case.document  # the same row, already read with the case
    if decision_date is not None:
        decision.decision_date = decision_date
    if paragraph is not None and paragraph.strip():
        decision.paragraph = paragraph.strip()
    _check_dates(
        decision,
        minutes_extract=minutes_extract,
        justering_date=justering_date,
        anslag_date=anslag_date,
    )
    if minutes_extract is not None:
        check_file(minutes_extract, with_text=STEP_FILES["minutes_extract"])
        decision.minutes_extract = minutes_extract
    decision.justering_date = justering_date
    decision.anslag_date = anslag_date
    decision.legal_force_date = notice_rules.legal_force_day(anslag_date) if anslag_date else None
    decision.registered_at = timezone.now()
    decision.registered_by = step.user
    decision.save()
    step.record("decision_registered", target=decision, comment=step.case.diarienummer)
    _await_valid_from_if_later(step)
