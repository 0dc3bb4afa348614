"""Meetings of the political bodies: the registrar (or the body's secretary) plans them,
cases are aimed at a coming meeting of their deciding or a preparing body, and each
meeting has an agenda draft and a list of what is late for the deadline."""

from __future__ import annotations

import datetime

from django.urls import reverse

from audit.models import AuditEntry
from tests.desk_support import aim, ks_meeting, ks_policy
from tests.factories import MeetingFactory
from tests.lifecycle import days, english, refresh, today
from workflows import desk
from workflows.actions.meetings import plan_meeting, set_target_meeting
from workflows.models import Meeting
from workflows.refusals import CaseError, NotAllowed

PLAN = reverse("workflows:desk_meetings")


def test_the_registrar_plans_a_meeting_through_the_page(town):
    response = town.desk("registrator").post(
        PLAN,
        {
            "body": town.bodies["KS"].pk,
            "date": days(30).isoformat(),
            "deadline": days(16).isoformat(),
            "place": "Sessionssalen",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(body=town.bodies["KS"])
    assert (meeting.date, meeting.deadline, meeting.place) == (days(30), days(16), "Sessionssalen")
    assert AuditEntry.objects.filter(action="meeting_planned", target_id=str(meeting.pk)).exists()
    assert "Sessionssalen" in town.desk("registrator").get(PLAN).content.decode()


def test_a_deadline_after_the_meeting_or_a_second_meeting_the_same_day_is_refused(town):
    desk_ = town.desk("registrator")
    data = {"body": town.bodies["KS"].pk, "date": days(30).isoformat(), "place": "Salen"}
    late = desk_.post(PLAN, {**data, "deadline": days(31).isoformat()})
    assert late.status_code == 400
    assert "The deadline for matters must be on or before the meeting day." in (
        late.context["form"].non_field_errors()
    )
    assert late.context["form"]["place"].value() == "Salen"
    assert desk_.post(PLAN, {**data, "deadline": days(20).isoformat()}).status_code == 302
    twice = desk_.post(PLAN, {**data, "deadline": days(20).isoformat()})
    assert twice.status_code == 400
    assert Meeting.objects.count() == 1


def test_a_secretary_plans_only_their_own_bodys_meetings(town):
    with english():
        try:
            plan_meeting(
                user=town.users["sekr_ks"],
                body=town.bodies["namnd"],
                date=days(10),
                deadline=days(3),
            )
        except NotAllowed as exc:
            assert "secretary of Barn- och utbildningsnämnden" in exc.message
        else:
            raise AssertionError("planned another body's meeting")
    page = town.desk("sekr_ks").get(PLAN)
    assert list(page.context["form"].fields["body"].queryset) == [town.bodies["KS"]]


def test_a_case_is_aimed_at_a_coming_meeting_of_its_bodies(town):
    case = ks_policy(town)
    ks = ks_meeting(town)
    ksau = MeetingFactory(body=town.bodies["KSAU"], date=days(5), deadline=days(1))
    url = reverse("workflows:desk_target_meeting", args=[case.pk])
    page = town.desk("registrator").get(reverse("workflows:case", args=[case.pk]))
    assert set(page.context["target_form"].fields["meeting"].queryset) == {ks, ksau}

    response = town.desk("sekr_ksau").post(url, {"meeting": ks.pk})

    assert response.status_code == 302
    assert refresh(case).target_meeting == ks
    entry = AuditEntry.objects.get(case=case, action="meeting_targeted")
    assert entry.to_state == str(ks) and entry.actor == town.users["sekr_ksau"]
    assert town.desk("registrator").post(url, {"meeting": ""}).status_code == 302
    assert refresh(case).target_meeting is None


def test_a_meeting_of_another_body_or_a_past_one_is_refused(town):
    case = ks_policy(town)
    bun = MeetingFactory(body=town.bodies["namnd"], date=days(10), deadline=days(3))
    past = MeetingFactory(body=town.bodies["KS"], date=days(-3), deadline=days(-10))
    with english():
        for meeting, message in [
            (bun, "which neither decides nor prepares this case"),
            (past, "has already been held; choose a coming meeting"),
        ]:
            try:
                set_target_meeting(
                    user=town.users["registrator"], case_id=case.pk, meeting_id=meeting.pk
                )
            except CaseError as exc:
                assert message in exc.message
            else:
                raise AssertionError(f"{meeting} was accepted")
    # Through the page, the refused choice is not offered at all.
    response = town.desk("registrator").post(
        reverse("workflows:desk_target_meeting", args=[case.pk]), {"meeting": bun.pk}
    )
    assert response.status_code == 302
    assert refresh(case).target_meeting is None
    assert not AuditEntry.objects.filter(case=case, action="meeting_targeted").exists()


def test_others_may_not_aim_a_case(town):
    case = ks_policy(town)
    meeting = ks_meeting(town)
    response = town.desk("sekr_bun").post(
        reverse("workflows:desk_target_meeting", args=[case.pk]), {"meeting": meeting.pk}
    )
    assert response.status_code in (403, 404)
    assert refresh(case).target_meeting is None


def test_the_agenda_lists_the_matters_in_order_and_what_is_late(town):
    meeting = ks_meeting(town, in_days=4, deadline_days_before=6)  # deadline passed
    ready = ks_policy(town, "Klar policy", until="decision")
    early = ks_policy(town, "Sen policy")
    aim(early, meeting)
    aim(ready, meeting)

    agenda = desk.agenda(meeting)

    assert [i.case.pk for i in agenda.items] == [ready.pk, early.pk]  # diarienummer order
    assert [i.case.pk for i in agenda.ready] == [ready.pk]
    assert [i.case.pk for i in agenda.late] == [early.pk]
    page = town.desk("sekr_ks").get(reverse("workflows:desk_meeting", args=[meeting.pk]))
    text = page.content.decode()
    assert "Late for the deadline" in text and "late for the deadline" in text
    assert text.index(ready.diarienummer) < text.index(early.diarienummer)


def test_before_the_deadline_nothing_is_late(town):
    meeting = ks_meeting(town, in_days=20, deadline_days_before=7)
    aim(ks_policy(town), meeting)
    agenda = desk.agenda(meeting)
    assert agenda.late == [] and len(agenda.not_ready) == 1


def test_the_calendar_counts_the_matters_per_meeting(town):
    meeting = ks_meeting(town)
    aim(ks_policy(town), meeting)
    MeetingFactory(body=town.bodies["KS"], date=today() - datetime.timedelta(days=200))
    (shown,) = desk.calendar()
    assert shown == meeting and shown.n_matters == 1


def test_the_administrator_keeps_the_calendars_in_the_admin(town, admin_client):
    meeting = ks_meeting(town)
    listing = admin_client.get(reverse("admin:workflows_meeting_changelist"))
    assert listing.status_code == 200 and str(meeting.date.year) in listing.content.decode()
    assert (
        admin_client.get(reverse("admin:workflows_registeredrecord_changelist")).status_code == 200
    )
    assert admin_client.get(reverse("admin:workflows_registeredrecord_add")).status_code == 403
