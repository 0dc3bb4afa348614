"""The inbox shows a person's own tasks and those of the positions they act in, also as a
substitute; a position's task can be claimed and released; others do not see it."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from tests.factories import SubstitutionFactory, UserFactory
from tests.lifecycle import days, open_tasks, run_until, snapshot


def handlingsplan_at_decision(town, title="Handlingsplan 2027"):
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title=title,
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    run_until(town, case, "decision")
    return case


def inbox_tasks(desk) -> list[int]:
    response = desk.inbox()
    assert response.status_code == 200
    return [row["task_id"] for row in response.context["rows"]]


@pytest.fixture
def substitute(town):
    """A teacher stands in for the unit chief this week."""
    user = UserFactory(username="vikarie", first_name="Vikarie", email="vikarie@example.invalid")
    SubstitutionFactory(
        position=town.positions["enhetschef"], user=user, start=days(-2), end=days(4)
    )
    return user


def test_a_substitute_sees_claims_and_releases_the_positions_task(town, substitute):
    case = handlingsplan_at_decision(town)
    [task] = open_tasks(case, "decision")
    chief, stand_in = town.desk("enhetschef"), town.desk(substitute)

    assert task.pk in inbox_tasks(chief)
    assert task.pk in inbox_tasks(stand_in)
    page = stand_in.inbox()
    assert "Handlingsplan 2027" in page.content.decode()
    assert "Open to claim" in page.content.decode()

    claimed = stand_in.claim(task)
    assert claimed.status_code == 302
    assert [str(m) for m in get_messages(claimed.wsgi_request)] == ["The task is yours."]
    task.refresh_from_db()
    assert task.owner == substitute
    assert task.status == "ASSIGNED"
    # The holder still sees it, as claimed by the substitute, and may not complete it.
    assert task.pk in inbox_tasks(chief)
    assert "Claimed by Vikarie" in chief.inbox().content.decode()
    refused = chief.attempt(
        case, "decision", outcome="adopted", decision_date=days(0), valid_from=days(0)
    )
    assert refused.status_code == 400
    assert "has claimed this task" in refused.content.decode()

    released = stand_in.release(task)
    assert released.status_code == 302
    task.refresh_from_db()
    assert task.owner is None
    assert task.status == "NEW"

    # Claims and releases are in the timeline, as a substitute.
    entries = case.audit_entries.filter(action__in=["task_claimed", "task_released"])
    assert [(e.action, e.actor, e.as_substitute) for e in entries.order_by("pk")] == [
        ("task_claimed", substitute, True),
        ("task_released", substitute, True),
    ]


def test_people_not_acting_in_the_position_do_not_see_its_tasks(town):
    case = handlingsplan_at_decision(town)
    [task] = open_tasks(case, "decision")
    former = UserFactory(username="f_d_vikarie")
    SubstitutionFactory(
        position=town.positions["enhetschef"], user=former, start=days(-30), end=days(-1)
    )
    before = snapshot(case)

    for person in [town.users["ekonom"], town.users["omradeschef"], former]:
        desk = town.desk(person)
        assert task.pk not in inbox_tasks(desk)
        assert desk.claim(task).status_code in (302, 404)
    assert snapshot(case) == before


def test_a_personal_task_cannot_be_released(town):
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    run_until(town, case, "union_statement")
    rep = town.desk("kommunal_solrosen")
    [task] = open_tasks(case, "union_statement")
    assert inbox_tasks(rep) == [task.pk]

    response = rep.release(task)

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Personal tasks cannot be released."
    ]
    task.refresh_from_db()
    assert task.owner == rep.user


def test_the_inbox_page_costs_the_same_queries_for_one_task_or_many(
    town, substitute, django_assert_max_num_queries
):
    handlingsplan_at_decision(town, "Plan 1")
    desk = town.desk(substitute)
    desk.inbox()  # warm up the session and content types
    with django_assert_max_num_queries(20) as one:
        assert len(desk.inbox().context["rows"]) == 1
    queries_for_one = len(one)
    for n in range(2, 4):
        handlingsplan_at_decision(town, f"Plan {n}")
    with django_assert_max_num_queries(queries_for_one):
        assert len(desk.inbox().context["rows"]) == 3
