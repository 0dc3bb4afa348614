"""After a meeting, a matter it sent back (återremiss) is back in drafting, but it is not
listed as late for that meeting's deadline, on the agenda or on the desk; a matter that
never got ready for the meeting still is."""

from __future__ import annotations

from django.urls import reverse

from tests.desk_support import aim, ks_policy
from tests.factories import MeetingFactory
from tests.lifecycle import days, refresh
from workflows.actions.meetings import MatterDecision, record_meeting_decisions
from workflows.desk import agenda
from workflows.desk.steps import deadline_passed_q
from workflows.models import Case


def _meeting_held_today(town):
    """Held today, its deadline a week ago (the samverkan meeting of the set-up is today:
    no decision can be dated before it)."""
    return MeetingFactory(body=town.bodies["KS"], date=days(0), deadline=days(-7))


def test_a_matter_sent_back_at_the_meeting_is_not_late_but_one_never_ready_is(town):
    meeting = _meeting_held_today(town)
    sent_back = aim(ks_policy(town, "Policy A", until="decision"), meeting)
    adopted = aim(ks_policy(town, "Policy B", until="decision"), meeting)
    never_ready = aim(ks_policy(town, "Policy C", until="proposal"), meeting)

    record_meeting_decisions(
        user=town.users["sekr_ks"],
        meeting_id=meeting.pk,
        decisions=[
            MatterDecision(sent_back.pk, "§ 1", "returned", "Komplettera med en analys."),
            MatterDecision(adopted.pk, "§ 2", "adopted", valid_from=days(0)),
        ],
    )
    assert refresh(sent_back).current_step == "draft"

    items = {item.case.pk: item for item in agenda(meeting).items}
    assert not items[sent_back.pk].late
    assert not items[adopted.pk].late
    assert items[never_ready.pk].late
    late_on_desk = set(Case.objects.filter(deadline_passed_q()).values_list("pk", flat=True))
    assert late_on_desk == {never_ready.pk}

    page = town.desk("sekr_ks").get(reverse("workflows:desk_meeting", args=[meeting.pk]))
    html = page.content.decode()
    assert html.count("late for the deadline") == 1
    assert "handled at this meeting" in html


def test_a_matter_sent_back_at_another_meeting_is_still_late_for_this_one(town):
    earlier = _meeting_held_today(town)
    case = aim(ks_policy(town, "Policy A", until="decision"), earlier)
    record_meeting_decisions(
        user=town.users["sekr_ks"],
        meeting_id=earlier.pk,
        decisions=[MatterDecision(case.pk, "§ 1", "returned", "Komplettera.")],
    )
    # Aimed at the next meeting, whose deadline passed yesterday while it is in drafting.
    later = MeetingFactory(body=town.bodies["KS"], date=days(3), deadline=days(-1))
    case = aim(refresh(case), later)
    [item] = agenda(later).items
    assert item.late
    assert list(Case.objects.filter(deadline_passed_q()).values_list("pk", flat=True)) == [case.pk]
