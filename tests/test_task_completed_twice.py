"""A task is completed once. Coming back to a finished task, or submitting the same form
twice, gives a clear message (never an error page) and never a second result."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from tests.factories import SubstitutionFactory
from tests.lifecycle import (
    Desk,
    days,
    decisions,
    english,
    open_steps,
    open_tasks,
    refresh,
    run_until,
    shows,
    snapshot,
    tasks_ever,
    today,
)
from workflows.actions.tasks import complete_task
from workflows.refusals import CaseError

ALREADY = "This task is already completed."


@pytest.fixture
def ks_case(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "decision")
    return refresh(case)


def decide_form(desk: Desk, task) -> dict:
    data = desk.form_data(task)
    data.update(
        action="complete",
        outcome="adopted",
        decision_date=today().isoformat(),
        paragraph="§ 112",
        valid_from=today().isoformat(),
    )
    return data


def test_a_double_submit_records_one_decision(town, ks_case):
    desk = town.desk("sekr_ks")
    task = open_tasks(ks_case, "decision")[0]
    data = decide_form(desk, task)

    first = desk.post(desk.task_url(task), data)
    second = desk.post(desk.task_url(task), data)

    assert first.status_code == 302
    assert second.status_code < 500
    assert shows(second, ALREADY)
    assert decisions(ks_case).count() == 1
    assert len(tasks_ever(ks_case, "registration")) == 1
    assert open_steps(ks_case) == ["registration"]


def test_coming_back_to_a_finished_task_says_it_is_done(town, ks_case):
    task = open_tasks(ks_case, "decision")[0]
    # A substitute for the KS secretary also had the task in their inbox.
    SubstitutionFactory(
        position=town.positions["sekr_ks"],
        user=town.users["sekr_kf"],
        start=days(-1),
        end=days(1),
    )
    town.desk("sekr_ks").complete(
        ks_case,
        "decision",
        outcome="adopted",
        decision_date=today(),
        paragraph="§ 5",
        valid_from=today(),
    )
    before = snapshot(ks_case)

    other = town.desk("sekr_kf")
    page = other.get(other.task_url(task))
    assert page.status_code == 200
    assert shows(page, ALREADY)
    response = other.post(other.task_url(task), decide_form(other, task))
    assert response.status_code < 500
    assert shows(response, ALREADY)
    claim = other.claim(task)
    assert claim.status_code == 302
    assert [str(m) for m in get_messages(claim.wsgi_request)] == [
        "This task is already claimed or completed."
    ]
    assert snapshot(ks_case) == before

    with english(), pytest.raises(CaseError) as refused:
        complete_task(
            user=town.users["sekr_ks"],
            task_id=task.pk,
            data={
                "outcome": "adopted",
                "decision_date": today(),
                "paragraph": "§ 5",
                "valid_from": today(),
            },
        )
    assert refused.value.code == "task_completed"
    assert snapshot(ks_case) == before
    assert decisions(ks_case).count() == 1


def test_a_union_position_is_given_once(town):
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    town.desk("samordnare").complete(case, "draft", body="<p>Plan</p>")
    rep = town.desk("kommunal_solrosen")
    task = rep.task(case, "union_statement")
    data = {"action": "complete", "stance": "supports", "comment": ""}

    assert rep.post(rep.task_url(task), data).status_code == 302
    again = rep.post(rep.task_url(task), {**data, "stance": "opposes"})

    assert again.status_code < 500
    assert shows(again, ALREADY)
    assert list(case.statements.values_list("stance", flat=True)) == ["supports"]
    assert open_steps(case) == ["samverkan_meeting"]
