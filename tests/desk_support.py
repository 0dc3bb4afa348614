"""Helpers for the tests of the registrar's desk: cases aimed at meetings of KS."""

from __future__ import annotations

import datetime

from django.core.cache import cache

from tests.factories import MeetingFactory
from tests.lifecycle import Town, refresh, run_until, today
from workflows.models import Case, Meeting


def clear_figures() -> None:
    cache.clear()


def ks_policy(town: Town, title: str = "Arbetsgivarpolicy", *, until: str | None = None) -> Case:
    """A municipality-wide policy decided by KS (prepared by KSAU), moved on to ``until``."""
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title=title,
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    if until:
        run_until(town, case, until)
    return refresh(case)


def ks_meeting(town: Town, in_days: int = 10, deadline_days_before: int = 7) -> Meeting:
    day = today() + datetime.timedelta(days=in_days)
    return MeetingFactory(
        body=town.bodies["KS"],
        date=day,
        deadline=day - datetime.timedelta(days=deadline_days_before),
    )


def aim(case: Case, meeting: Meeting) -> Case:
    """Set-up only: put the case on the meeting's agenda (the service is tested elsewhere)."""
    Case.objects.filter(pk=case.pk).update(target_meeting=meeting)
    return refresh(case)


def held_today(meeting: Meeting) -> Meeting:
    """Set-up only: time passes and the meeting is held today."""
    Meeting.objects.filter(pk=meeting.pk).update(date=today(), deadline=today())
    meeting.refresh_from_db()
    return meeting
