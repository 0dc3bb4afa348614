"""The flows' start, gateways and join (workflows/nodes.py) write fewer queries than
viewflow's own nodes but leave the same trail: one task row per node passed, done, linked
to the task before it; the join waits for every union statement; a gateway that fails
takes the whole step with it (issue 17)."""

from __future__ import annotations

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEntry
from tests.lifecycle import default_answers, doer, open_tasks, refresh
from workflows.actions import engine
from workflows.actions.start import start_new_document
from workflows.actions.tasks import complete_task
from workflows.models import CaseOutcome, SamverkanMeeting


def _start(town, *, type_code: str, author: str, scope: str, owner: str):
    return start_new_document(
        user=town.users[author],
        document_type=town.types[type_code],
        title=f"En {type_code} med spår",
        scope_unit=town.units[scope],
        owner_position=town.positions[owner],
    )


def _complete(town, case, task) -> None:
    complete_task(
        user=doer(town, task),
        task_id=task.pk,
        data=default_answers(refresh(case), task.flow_task.name),
    )


def _run_to_the_end(town, case):
    for _ in range(12):
        tasks = open_tasks(case)
        if not tasks:
            break
        for task in tasks:
            _complete(town, case, task)
    return refresh(case)


def _trail(case) -> list[Task]:
    return list(Task.objects.filter(process_id=case.pk).order_by("pk"))


def _previous(task: Task) -> list[str]:
    return sorted(t.flow_task.name for t in task.previous.all())


def test_a_handlingsplan_leaves_one_done_row_per_node_each_linked_to_the_one_before(town):
    case = _run_to_the_end(
        town,
        _start(
            town, type_code="handlingsplan", author="samordnare", scope="unit", owner="enhetschef"
        ),
    )
    assert case.outcome == CaseOutcome.PUBLISHED
    assert case.finished is not None and case.status == STATUS.DONE

    trail = _trail(case)
    statements = [t for t in trail if t.flow_task.name == "union_statement"]
    assert statements, "the unit's samverkan group has representatives"
    assert [t.flow_task.name for t in trail] == [
        "start",
        "draft",
        "needs_samverkan",
        "samverkan",
        *["union_statement"] * len(statements),
        "statements_in",
        "samverkan_meeting",
        "negotiation_demanded",
        "needs_preparation",
        "decision",
        "decision_result",
        "registration",
        "valid_now",
        "publish",
        "end",
    ]
    assert all(t.status == STATUS.DONE and t.finished is not None for t in trail)
    assert trail[0].previous.count() == 0
    by_name = {t.flow_task.name: t for t in trail}
    for task in trail[1:]:
        name = task.flow_task.name
        if name == "union_statement":
            assert _previous(task) == ["samverkan"]
        elif name == "statements_in":
            assert _previous(task) == ["union_statement"] * len(statements)
        elif name == "samverkan_meeting":
            assert _previous(task) == ["statements_in"]
        else:
            before = trail[trail.index(task) - 1]
            assert _previous(task) == [before.flow_task.name], name
    # The case closed through the case's own save: the register no longer shows it open.
    case.document.refresh_from_db()
    case.version.refresh_from_db()
    assert case.document.has_open_case is False and case.version.has_open_case is False
    assert by_name["publish"].started is not None


def test_the_join_waits_for_every_union_statement(town):
    case = _start(town, type_code="policy", author="hrstrateg", scope="top", owner="hrstrateg")
    _complete(town, case, open_tasks(case, "draft")[0])
    first, second = open_tasks(case, "union_statement")

    _complete(town, case, first)
    joins = [t for t in _trail(case) if t.flow_task.name == "statements_in"]
    assert len(joins) == 1
    assert joins[0].status == STATUS.STARTED and joins[0].finished is None
    assert _previous(joins[0]) == ["union_statement"]
    assert open_tasks(case, "samverkan_meeting") == []

    _complete(town, case, second)
    joins = [t for t in _trail(case) if t.flow_task.name == "statements_in"]
    assert len(joins) == 1
    assert joins[0].status == STATUS.DONE and joins[0].finished is not None
    assert _previous(joins[0]) == ["union_statement", "union_statement"]
    assert len(open_tasks(case, "samverkan_meeting")) == 1


def test_a_gateway_that_fails_takes_the_whole_step_with_it(town, monkeypatch):
    case = _start(
        town, type_code="handlingsplan", author="samordnare", scope="unit", owner="enhetschef"
    )
    for _ in range(3):
        for task in open_tasks(case):
            if task.flow_task.name != "samverkan_meeting":
                _complete(town, case, task)
    meeting = open_tasks(case, "samverkan_meeting")[0]
    rows, entries = Task.objects.filter(process_id=case.pk).count(), AuditEntry.objects.count()

    def broken(case):
        raise RuntimeError("the gateway's question failed")

    monkeypatch.setattr(engine, "negotiation_demanded", broken)
    with pytest.raises(RuntimeError, match="gateway's question failed"):
        _complete(town, case, meeting)

    meeting.refresh_from_db()
    assert meeting.status != STATUS.DONE
    assert Task.objects.filter(process_id=case.pk).count() == rows
    assert AuditEntry.objects.count() == entries
    assert not SamverkanMeeting.objects.filter(case=case).exists()
