"""A meeting is planned on the desk, where the access rule (the registrar, or the body's own
secretary) is checked and the planning is audited. The admin only shows the calendars: an
administrator cannot plan, move or delete a meeting there. A meeting changed through any
other door (the shell, a command) is in the audit trail with its before and after."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.desk_support import ks_meeting
from tests.lifecycle import days
from workflows.actions.meetings import plan_meeting
from workflows.models import Meeting
from workflows.refusals import NotAllowed


def meeting_entries(meeting: Meeting) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(target_type="workflows.meeting", target_id=str(meeting.pk))
    )


def test_the_admin_refuses_to_plan_a_meeting(town, admin_client):
    url = reverse("admin:workflows_meeting_add")
    data = {
        "body": town.bodies["KS"].pk,
        "date": days(30).isoformat(),
        "deadline": days(20).isoformat(),
        "place": "Sessionssalen",
    }

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, data).status_code == 403
    assert not Meeting.objects.exists()
    assert not AuditEntry.objects.filter(target_type="workflows.meeting").exists()


def test_the_admin_refuses_to_move_or_delete_a_meeting(town, admin_client):
    meeting = ks_meeting(town, in_days=10)
    count = len(meeting_entries(meeting))
    change = reverse("admin:workflows_meeting_change", args=[meeting.pk])
    delete = reverse("admin:workflows_meeting_delete", args=[meeting.pk])

    page = admin_client.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    moved = admin_client.post(
        change,
        {
            "body": meeting.body_id,
            "date": days(40).isoformat(),
            "deadline": days(30).isoformat(),
            "place": "Annanstans",
        },
    )
    assert moved.status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403

    assert Meeting.objects.get(pk=meeting.pk).date == days(10)
    assert len(meeting_entries(meeting)) == count
    assert admin_client.get(reverse("admin:workflows_meeting_changelist")).status_code == 200


def test_planning_writes_one_entry_naming_the_registrar_and_the_meeting(town):
    registrar = town.users["registrator"]
    meeting = plan_meeting(
        user=registrar,
        body=town.bodies["KS"],
        date=datetime.date(2031, 3, 12),
        deadline=datetime.date(2031, 2, 26),
        place=" Sessionssalen ",
    )

    [entry] = meeting_entries(meeting)
    assert entry.action == "meeting_planned" and entry.actor == registrar
    assert entry.acting_as == town.positions["registrator"]
    assert entry.changes == {
        "body": [None, {"id": town.bodies["KS"].pk, "name": "Kommunstyrelsen"}],
        "date": [None, "2031-03-12"],
        "deadline": [None, "2031-02-26"],
        "place": [None, "Sessionssalen"],
    }


def test_a_secretary_of_another_body_plans_nothing_and_nothing_is_recorded(town):
    with pytest.raises(NotAllowed):
        plan_meeting(
            user=town.users["sekr_ks"], body=town.bodies["namnd"], date=days(9), deadline=days(2)
        )
    assert not Meeting.objects.exists()
    assert not AuditEntry.objects.filter(target_type="workflows.meeting").exists()


def test_a_meeting_moved_or_removed_in_the_shell_is_recorded(town):
    meeting = ks_meeting(town, in_days=10, deadline_days_before=7)
    pk = meeting.pk
    meeting.date, meeting.deadline = days(12), days(5)
    meeting.save()
    meeting.delete()

    planned, moved, removed = AuditEntry.objects.filter(
        target_type="workflows.meeting", target_id=str(pk)
    ).order_by("pk")
    assert (planned.action, moved.action, removed.action) == (
        "meeting_planned",
        "meeting_changed",
        "meeting_removed",
    )
    assert moved.changes == {
        "date": [days(10).isoformat(), days(12).isoformat()],
        "deadline": [days(3).isoformat(), days(5).isoformat()],
    }
    assert moved.actor is None and moved.target_label == f"KS {days(12):%Y-%m-%d}"
    assert removed.changes["place"] == ["Kommunhuset", None]
