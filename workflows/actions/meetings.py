"""The registrar's desk: meetings in a body's calendar, the meeting a case is aimed at,
and the decisions of a whole meeting at once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from audit import recording as audit
from documents.models import Decision

from .. import access, routing
from ..models import Case, CaseKind, Meeting
from ..refusals import (
    BatchRefused,
    CaseClosed,
    CaseError,
    DeadlineAfterMeeting,
    MeetingAlreadyHeld,
    MeetingExists,
    MeetingNotHeld,
    MeetingOfOtherBody,
    NoMattersGiven,
    NoSuchCase,
    NoSuchMeeting,
    NotAwaitingDecision,
    NotOnAgenda,
    OtherDecider,
    ParagraphGivenTwice,
    ParagraphMissing,
    ParagraphOutOfOrder,
    ParagraphUsed,
    refuse,
)
from .tasks import complete_task


def plan_meeting(
    *, user, body, date: datetime.date, deadline: datetime.date, place: str = ""
) -> Meeting:
    """Put a meeting in a body's calendar (the registrar, or the body's secretary)."""
    permit = access.can_plan_meetings(user, body)
    if not permit:
        raise refuse(permit)
    if deadline > date:
        raise DeadlineAfterMeeting()
    with transaction.atomic():
        if Meeting.objects.filter(body=body, date=date).exists():
            raise MeetingExists(body=body, day=date.isoformat())
        # The audit entry ("meeting_planned", with the meeting's fields) is written by
        # audit.tracking as the row is saved, in this transaction, naming this user.
        with audit.by(user, acting=permit.acting):
            meeting = Meeting.objects.create(
                body=body, date=date, deadline=deadline, place=(place or "").strip()
            )
    return meeting


def _check_target(case: Case, meeting_id: int) -> Meeting:
    """The meeting a case may be aimed at: a coming one of its deciding or a preparing body."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        raise NoSuchMeeting()
    bodies = [*routing.preparing_chain(case), case.decider_body] if case.decider_body_id else []
    if meeting.body not in bodies:
        raise MeetingOfOtherBody(meeting=meeting, body=meeting.body)
    # A meeting held today still takes matters until it is recorded.
    if meeting.date < timezone.localdate():
        raise MeetingAlreadyHeld(meeting=meeting)
    return meeting


def set_target_meeting(*, user, case_id: int, meeting_id: int | None) -> Case:
    """Aim a case at a meeting of its deciding or a preparing body (or clear the aim)."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("decider_body", "diary_entry__series", "target_meeting__body")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NoSuchCase()
        permit = access.can_set_target_meeting(user, case)
        if not permit:
            raise refuse(permit)
        if case.finished is not None:
            raise CaseClosed()
        meeting = _check_target(case, meeting_id) if meeting_id is not None else None
        before = str(case.target_meeting) if case.target_meeting_id else ""
        case.target_meeting = meeting
        case.save(update_fields=["target_meeting"])
        audit.record(
            "meeting_targeted",
            actor=user,
            acting=permit.acting,
            target=case,
            case=case,
            from_state=before,
            to_state=str(meeting) if meeting else "",
        )
    return case


@dataclass
class MatterDecision:
    """One matter's line in the decisions of a meeting."""

    case_id: int
    paragraph: str
    outcome: str
    motivation: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    # None: as the document type says (read acknowledgement); a new version's material change.
    requires_reading: bool | None = None
    material_change: bool = False


def _paragraph_number(paragraph: str) -> int | None:
    digits = "".join(ch for ch in paragraph if ch.isdigit())
    return int(digits) if digits else None


def _review_cases(decisions: list[MatterDecision]) -> set[int]:
    return set(
        Case.objects.filter(
            pk__in=[item.case_id for item in decisions], kind=CaseKind.REVIEW
        ).values_list("pk", flat=True)
    )


def _check_paragraphs(meeting: Meeting, decisions: list[MatterDecision]) -> dict[int | None, str]:
    """Each matter's paragraph: given, not given twice, not used before, in agenda order.
    The reviews (aktualitetsprövning) may share one paragraph: the body confirms its list
    of documents still current in one decision; the first review's paragraph is the list's."""
    errors: dict[int | None, str] = {}
    seen: dict[int, int] = {}
    used = {
        _paragraph_number(p)
        for p in Decision.objects.filter(body=meeting.body, decision_date=meeting.date).values_list(
            "paragraph", flat=True
        )
    }
    reviews = _review_cases(decisions)
    review_list: int | None = None
    previous: int | None = None
    for item in decisions:
        number = _paragraph_number(item.paragraph or "")
        if item.case_id in reviews and number is not None:
            if number == review_list:
                continue  # one more document on the review list's paragraph
            review_list = review_list if review_list is not None else number
        if number is None:
            errors[item.case_id] = ParagraphMissing().message
        elif number in seen:
            errors[item.case_id] = ParagraphGivenTwice(n=number).message
        elif number in used:
            errors[item.case_id] = ParagraphUsed(n=number).message
        elif previous is not None and number < previous:
            errors[item.case_id] = ParagraphOutOfOrder(n=number, p=previous).message
        if number is not None:
            seen.setdefault(number, item.case_id)
            previous = number if previous is None else max(previous, number)
    return errors


def _decision_task(meeting: Meeting, case_id: int) -> tuple[Case, Task]:
    """A matter on the meeting's agenda and its open decision task."""
    case = (
        Case.objects.select_related("decider_body", "diary_entry__series")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NoSuchCase()
    if case.decider_body_id != meeting.body_id:
        raise OtherDecider(dnr=case.diarienummer, decider=case.decider, body=meeting.body)
    if case.target_meeting_id != meeting.pk:
        raise NotOnAgenda(dnr=case.diarienummer, meeting=meeting)
    task = Task.objects.filter(
        process=case, flow_task__endswith=".decision", status__in=access.OPEN_TASK
    ).first()
    if task is None:
        step = routing.step_title(case.current_step) if case.current_step else "–"
        raise NotAwaitingDecision(dnr=case.diarienummer, step=step)
    return case, task


def _complete_decision(user, meeting: Meeting, item: MatterDecision, task: Task) -> Case:
    return complete_task(
        user=user,
        task_id=task.pk,
        data={
            "outcome": item.outcome,
            "decision_date": meeting.date,
            "paragraph": f"§ {_paragraph_number(item.paragraph)}",
            "motivation": item.motivation or "",
            "valid_from": item.valid_from,
            "valid_until": item.valid_until,
            "requires_reading": item.requires_reading,
            "material_change": item.material_change,
        },
    )


def record_meeting_decisions(
    *, user, meeting_id: int, decisions: list[MatterDecision]
) -> list[Case]:
    """The secretary records the decisions of a meeting's matters in one go.

    Each matter's decision task is completed by ``complete_task`` under the same rules
    as one by one. All or nothing: if one matter is refused, none is saved and every
    refusal is reported, so the secretary corrects those lines and sends the same list
    again (the minutes are one document; half of it recorded would leave gaps in them).
    """
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        raise NoSuchMeeting()
    permit = access.can_record_meeting_decisions(user, meeting)
    if not permit:
        raise refuse(permit)
    if meeting.date > timezone.localdate():
        raise MeetingNotHeld()
    if not decisions:
        raise NoMattersGiven()
    errors = _check_paragraphs(meeting, decisions)
    done: list[Case] = []
    with transaction.atomic():
        for item in decisions:
            if item.case_id in errors:
                continue
            try:
                case, task = _decision_task(meeting, item.case_id)
            except CaseError as exc:
                errors[item.case_id] = exc.message
                continue
            try:
                done.append(_complete_decision(user, meeting, item, task))
            except CaseError as exc:
                errors[item.case_id] = f"{case.diarienummer}: {exc.message}"
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise BatchRefused(errors)
    return done
