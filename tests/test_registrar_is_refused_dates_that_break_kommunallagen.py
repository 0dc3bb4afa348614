"""Registration refuses justering and posting dates that break kommunallagen (8 kap. 12 §
KL: justering at the latest 14 days after the meeting, posting at the latest two days after
justering; deadlines on a weekend or holiday move to the next weekday), says why in the
registrar's form with what was typed still in it, changes nothing, and accepts the
boundary days. Legal force is the day after the last day to appeal (13 kap. 5 § KL)."""

from __future__ import annotations

import datetime

import pytest

from tests.lifecycle import (
    decisions,
    english,
    open_steps,
    open_tasks,
    pdf,
    refresh,
    run_until,
    snapshot,
)
from workflows.actions.tasks import complete_task
from workflows.refusals import AnslagTooLate, CaseError

# A KS meeting on Friday 20 November 2026: justering is due on Friday 4 December (14 days);
# posting after a justering that day is due on Monday 7 December (Sunday moved).
MEETING = datetime.date(2026, 11, 20)
LAST_JUSTERING = datetime.date(2026, 12, 4)
LAST_ANSLAG = datetime.date(2026, 12, 7)


@pytest.fixture
def at_registration(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "registration")
    return refresh(case)


def register(town, case, **dates):
    """The registrar's step through the service, as the task page calls it."""
    [task] = open_tasks(case, "registration")
    data = {"decision_date": MEETING, "paragraph": "§ 112", "minutes_extract": pdf(), **dates}
    complete_task(user=town.users["registrator"], task_id=task.pk, data=data)


@pytest.mark.parametrize(
    ("justering", "anslag", "code"),
    [
        (MEETING - datetime.timedelta(days=1), LAST_ANSLAG, "justering_before_meeting"),
        (LAST_JUSTERING + datetime.timedelta(days=1), LAST_ANSLAG, "justering_too_late"),
        (LAST_JUSTERING, LAST_JUSTERING - datetime.timedelta(days=1), "anslag_before_justering"),
        (LAST_JUSTERING, LAST_ANSLAG + datetime.timedelta(days=1), "anslag_too_late"),
    ],
)
def test_each_date_that_breaks_the_law_is_refused_with_its_code(
    town, at_registration, justering, anslag, code
):
    case = at_registration
    before = snapshot(case)
    with pytest.raises(CaseError) as refused:
        register(town, case, justering_date=justering, anslag_date=anslag)
    assert refused.value.code == code
    assert snapshot(refresh(case)) == before
    assert open_steps(case) == ["registration"]


def test_the_form_explains_a_late_posting_and_keeps_what_was_typed(town, at_registration):
    case = at_registration
    before = snapshot(case)
    response = town.desk("registrator").attempt(
        case,
        "registration",
        decision_date=MEETING,
        minutes_extract=pdf(),
        justering_date=LAST_JUSTERING,
        anslag_date=LAST_ANSLAG + datetime.timedelta(days=1),
    )
    assert response.status_code == 400
    form = response.context["form"]
    with english():  # the page is in English (the driver's language cookie)
        said = AnslagTooLate(day="2026-12-07")
    assert said.code == "anslag_too_late"
    # Next to the posting date, the input it is about.
    assert form.errors["anslag_date"] == [said.message]
    assert list(form.non_field_errors()) == []
    assert form.data["anslag_date"] == "2026-12-08"
    assert form.data["justering_date"] == "2026-12-04"
    assert 'value="2026-12-08"' in response.content.decode()
    assert snapshot(refresh(case)) == before


def test_the_boundary_days_are_accepted_and_legal_force_follows_the_last_appeal_day(
    town, at_registration
):
    case = at_registration
    register(town, case, justering_date=LAST_JUSTERING, anslag_date=LAST_ANSLAG)
    [decision] = decisions(refresh(case))
    assert decision.justering_date == LAST_JUSTERING
    assert decision.anslag_date == LAST_ANSLAG
    # Posted Monday 7 December: the last day to appeal is Monday 28 December (three
    # weeks), so the decision has legal force on Tuesday 29 December.
    assert decision.legal_force_date == datetime.date(2026, 12, 29)
    assert "registration" not in open_steps(refresh(case))
