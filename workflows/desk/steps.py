"""The steps of a case as the desk orders them, and overdue: one definition, used by the
list, the filter, the marks and the figures."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils import timezone

from documents.models import Decision

from ..models import PreparationStep

# Steps before a matter is ready for a meeting of its deciding body.
EARLY_STEPS = (
    "draft",
    "repeal_draft",
    "union_statement",
    "samverkan_meeting",
    "negotiation",
    "proposal",
)
STEP_ORDER = [
    "draft",
    "repeal_draft",
    "union_statement",
    "samverkan_meeting",
    "negotiation",
    "proposal",
    "preparation",
    "decision",
    "registration",
    "await_valid_from",
]


def step_name(flow_task) -> str:
    """The node name of a task's flow_task (a node, or its stored 'app/module.Flow.node')."""
    return getattr(flow_task, "name", None) or str(flow_task).rsplit(".", 1)[-1]


def step_overdue_q(now: datetime.datetime | None = None) -> Q:
    """Open cases waiting in their step longer than the step's limit in settings."""
    now = now or timezone.now()
    limits = settings.STYRDOK_STEP_LIMIT_DAYS
    parts = [
        Q(current_step=step, step_since__lt=now - datetime.timedelta(days=days))
        for step, days in sorted(limits.items())
    ]
    return Q(finished__isnull=True) & reduce(or_, parts)


def deadline_passed_q(today: datetime.date | None = None) -> Q:
    """Open cases whose target meeting's deadline has passed while they are not ready for
    it: still before the proposal is done, or still in preparation for the deciding body's
    own meeting."""
    today = today or timezone.localdate()
    not_ready = Q(current_step__in=EARLY_STEPS) | Q(
        current_step="preparation", target_meeting__body=F("decider_body")
    )
    return (
        Q(finished__isnull=True, target_meeting__deadline__lt=today)
        & not_ready
        & ~handled_at_target_meeting()
    )


def handled_at_target_meeting() -> Q:
    """Cases their target meeting has handled: its body decided on them (also sending them
    back) or prepared them on the meeting's day. A matter sent back at the meeting is back
    in drafting, but it was not late for that meeting."""
    decided = Decision.objects.filter(
        diary_entry_id=OuterRef("diary_entry_id"),
        body_id=OuterRef("target_meeting__body_id"),
        decision_date=OuterRef("target_meeting__date"),
    )
    prepared = PreparationStep.objects.filter(
        case_id=OuterRef("pk"),
        body_id=OuterRef("target_meeting__body_id"),
        meeting_date=OuterRef("target_meeting__date"),
    )
    return Q(Exists(decided)) | Q(Exists(prepared))


def overdue_q() -> Q:
    return step_overdue_q() | deadline_passed_q()


def with_marks(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        step_late=ExpressionWrapper(step_overdue_q(), output_field=BooleanField()),
        deadline_late=ExpressionWrapper(deadline_passed_q(), output_field=BooleanField()),
    )
