"""Meetings: the calendar, the meetings a case may be aimed at, and a meeting's agenda."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, QuerySet
from django.utils import timezone
from viewflow.workflow.models import Task

from .. import routing
from ..access import OPEN_TASK
from ..models import Case, Meeting
from .rows import holders_of
from .steps import EARLY_STEPS, handled_at_target_meeting


@dataclass
class AgendaItem:
    case: Case
    ready: bool
    late: bool
    holder: str = ""
    decision_task_id: int | None = None

    @property
    def step_title(self) -> str:
        return routing.step_title(self.case.current_step) if self.case.current_step else ""


@dataclass
class Agenda:
    meeting: Meeting
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def ready(self) -> list[AgendaItem]:
        return [i for i in self.items if i.ready]

    @property
    def late(self) -> list[AgendaItem]:
        return [i for i in self.items if i.late]

    @property
    def not_ready(self) -> list[AgendaItem]:
        return [i for i in self.items if not i.ready]


def agenda(meeting: Meeting) -> Agenda:
    """The matters aimed at a meeting, in the order of the agenda (diarienummer), whether
    each is ready (waiting for this body's decision, or its preparation here, or already
    handled at this meeting, also when sent back), and which are late: not ready when the
    deadline has passed."""
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(target_meeting=meeting)
        .select_related("diary_entry__series", "document__document_type", "decider_body")
        .annotate(handled=ExpressionWrapper(handled_at_target_meeting(), BooleanField()))
        .order_by("diary_entry__year", "diary_entry__number", "pk")
    )
    holders = holders_of([c.pk for c in cases]) if cases else {}
    tasks = (
        dict(
            Task.objects.filter(
                process_id__in=[c.pk for c in cases],
                flow_task__endswith=".decision",
                status__in=OPEN_TASK,
            ).values_list("process_id", "pk")
        )
        if cases
        else {}
    )
    result = Agenda(meeting)
    for case in cases:
        deciding = case.decider_body_id == meeting.body_id
        if case.finished or case.handled:
            ready = True
        elif deciding:
            ready = case.current_step in ("decision", "registration", "await_valid_from")
        else:
            ready = case.current_step not in EARLY_STEPS
        result.items.append(
            AgendaItem(
                case=case,
                ready=ready,
                late=not ready and meeting.deadline < today,
                holder=holders.get(case.pk, ""),
                decision_task_id=tasks.get(case.pk) if deciding else None,
            )
        )
    return result


def calendar(bodies=None, *, past_days: int = 60) -> QuerySet:
    """Meetings from ``past_days`` ago on, per body, with the number of matters."""
    qs = Meeting.objects.filter(
        date__gte=timezone.localdate() - datetime.timedelta(days=past_days)
    ).select_related("body")
    if bodies is not None:
        qs = qs.filter(body__in=bodies)
    return qs.annotate(n_matters=Count("matters")).order_by("body__name", "date")


def coming_meetings_for(case: Case) -> QuerySet:
    """The coming meetings a case may be aimed at: of its deciding or preparing bodies."""
    if not case.decider_body_id:
        return Meeting.objects.none()
    bodies = [*routing.preparing_chain(case), case.decider_body]
    return Meeting.objects.filter(body__in=bodies, date__gt=timezone.localdate()).select_related(
        "body"
    )
