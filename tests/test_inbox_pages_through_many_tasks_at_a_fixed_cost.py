"""The inbox shows 50 tasks a page, every task that reaches the person exactly once over the
pages (also a task that reaches them two ways: claimed by them and routed to their
position), oldest first, and costs the same number of queries for 3 tasks or 130, on the
first page or the last."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.factories import UserFactory
from tests.lifecycle import open_tasks, run_until
from workflows import access, routing
from workflows.inbox import PAGE_SIZE

pytestmark = pytest.mark.django_db

MANY = 130  # three pages


def at_decision(town, title: str) -> Task:
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title=title,
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    run_until(town, case, "decision")
    [task] = open_tasks(case, "decision")
    return task


def copies(task: Task, n: int, **fields) -> list[Task]:
    """``n`` more tasks routed like ``task``, made a minute apart in pairs (the page order
    breaks ties by id)."""
    made = []
    for i in range(n):
        made.append(
            Task(
                process_id=task.process_id,
                flow_task=task.flow_task,
                flow_task_type=task.flow_task_type,
                status=fields.get("status", STATUS.NEW),
                owner_id=fields.get("owner_id"),
                owner_permission=task.owner_permission,
                owner_permission_content_type_id=task.owner_permission_content_type_id,
                owner_permission_obj_pk=task.owner_permission_obj_pk,
                token=task.token,
                created=task.created + timedelta(minutes=1 + i // 2),
            )
        )
    return Task.objects.bulk_create(made)


def routed_to(user) -> set[int]:
    """The inbox's rule written once more as one plain query, to compare with."""
    positions = [str(a.position.pk) for a in access.acting_in(user)]
    routed = Q(owner_permission=routing.TO_POSITION, owner_permission_obj_pk__in=positions)
    return set(
        Task.objects.filter(status__in=access.OPEN_TASK, flow_task_type="HUMAN")
        .filter(Q(owner=user) | (routed & (Q(owner__isnull=True) | Q(status=STATUS.ASSIGNED))))
        .values_list("pk", flat=True)
    )


def pages(desk) -> list[list[int]]:
    first = desk.inbox()
    assert first.status_code == 200
    out = [[row["task_id"] for row in first.context["rows"]]]
    for number in range(2, first.context["page"].paginator.num_pages + 1):
        response = desk.get(reverse("workflows:inbox"), data={"page": number})
        assert response.status_code == 200
        out.append([row["task_id"] for row in response.context["rows"]])
    return out


def queries(desk, page: int = 1) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert desk.get(reverse("workflows:inbox"), data={"page": page}).status_code == 200
    return len(captured)


def test_every_task_once_over_the_pages_at_the_same_cost(town):
    chief_user = town.users["enhetschef"]
    other = UserFactory(username="annan", first_name="Annan")
    task = at_decision(town, "Plan 1")
    at_decision(town, "Plan 2")
    at_decision(town, "Plan 3")
    chief = town.desk("enhetschef")
    chief.inbox()  # session, content types
    few = queries(chief)
    assert sorted(id for page in pages(chief) for id in page) == sorted(routed_to(chief_user))

    copies(task, MANY - 3 - 20 - 10)
    copies(task, 20, status=STATUS.ASSIGNED, owner_id=chief_user.pk)  # claimed by them
    copies(task, 10, status=STATUS.ASSIGNED, owner_id=other.pk)  # claimed by someone else
    copies(task, 15, status=STATUS.DONE, owner_id=chief_user.pk)  # done: not shown
    # Another position's tasks: not shown.
    elsewhere = copies(task, 15)
    Task.objects.filter(pk__in=[t.pk for t in elsewhere]).update(
        owner_permission_obj_pk=str(town.positions["processagare"].pk)
    )

    shown = pages(chief)
    assert [len(page) for page in shown] == [PAGE_SIZE, PAGE_SIZE, MANY - 2 * PAGE_SIZE]
    every = [id for page in shown for id in page]
    assert len(every) == len(set(every)) == MANY
    assert set(every) == routed_to(chief_user)
    created = dict(Task.objects.filter(pk__in=every).values_list("pk", "created"))
    assert every == sorted(every, key=lambda pk: (created[pk], pk))

    assert queries(chief, 1) == queries(chief, 2) == queries(chief, 3) == few


def test_the_pager_is_the_registers_in_swedish(town):
    task = at_decision(town, "Plan 1")
    copies(task, PAGE_SIZE + 5)
    chief = town.desk("enhetschef")
    chief.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    first = chief.inbox().content.decode()
    assert "56 uppgifter" in first
    assert '<nav aria-label="Sidor" class="pager">' in first
    assert "Sida 1 av 2" in first
    assert 'rel="next"' in first and "Nästa" in first
    last = chief.get(reverse("workflows:inbox"), data={"page": 99}).content.decode()
    assert "Sida 2 av 2" in last
    assert 'rel="prev"' in last and "Föregående" in last


def test_one_page_has_no_pager(town):
    at_decision(town, "Plan 1")
    page = town.desk("enhetschef").inbox().content.decode()
    assert "1 task" in page
    assert 'class="pager"' not in page


def test_the_task_table_scrolls_by_itself_on_a_phone_and_by_keyboard(town):
    """On a narrow screen the table scrolls in its own region instead of widening the page;
    the region is named by the heading and can take focus, so arrow keys scroll it."""
    at_decision(town, "Plan 1")
    page = town.desk("enhetschef").inbox().content.decode()
    assert '<h1 id="tasks-heading">' in page
    region = page.index(
        '<div class="table-scroll" role="region" aria-labelledby="tasks-heading" tabindex="0">'
    )
    assert (
        region < page.index("<table>") < page.index("</table>") < page.index("</div>", region + 1)
    )
