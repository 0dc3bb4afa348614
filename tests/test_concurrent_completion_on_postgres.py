"""Two completions of the same task at the same moment: PostgreSQL's row lock lets one
through; the other is told the task is done (or that the case is busy). One result only."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from audit.models import AuditEntry
from tests.factories import SubstitutionFactory
from tests.lifecycle import days, decisions, english, open_tasks, run_until, tasks_ever, today
from workflows.actions import tasks
from workflows.actions.tasks import complete_task
from workflows.refusals import Busy, CaseError

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def race(task, people, data) -> list[object]:
    """Let ``people`` complete ``task`` at once, each in their own thread and connection."""
    barrier = threading.Barrier(len(people))
    results: list[object] = []

    def complete(user):
        try:
            with english():
                barrier.wait(timeout=10)
                complete_task(user=user, task_id=task.pk, data=data)
            results.append("done")
        except CaseError as exc:
            results.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertions
            results.append(("unexpected", exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def assert_one_won(results):
    assert len(results) == 2, results
    assert results.count("done") == 1, results
    [refusal] = [r for r in results if r != "done"]
    assert isinstance(refusal, CaseError), refusal
    assert isinstance(refusal, Busy) or refusal.code == "task_completed"


def test_simultaneous_completions_give_one_result(town, monkeypatch):
    # Each step holds the lock a little while, so the second completion surely waits.
    for step in ["decision", "registration"]:
        real = tasks.STEP_HANDLERS[step]

        def slow(step_, _real=real, **data):
            _real(step_, **data)
            time.sleep(0.3)

        monkeypatch.setitem(tasks.STEP_HANDLERS, step, slow)
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    chief, stand_in = town.users["enhetschef"], town.users["utvecklare"]
    SubstitutionFactory(
        position=town.positions["enhetschef"],
        user=stand_in,
        start=days(-1),
        end=days(1),
    )
    run_until(town, case, "decision")

    # The chief and their substitute decide at the same moment.
    [decision_task] = open_tasks(case, "decision")
    adopt = {"outcome": "adopted", "decision_date": today(), "valid_from": today()}
    assert_one_won(race(decision_task, [chief, stand_in], adopt))
    assert decisions(case).count() == 1
    assert len(tasks_ever(case, "registration")) == 1
    assert AuditEntry.objects.filter(case=case, action="decision").count() == 1

    # The registrar's double click arrives as two requests at once.
    [registration_task] = open_tasks(case, "registration")
    registrar = town.users["registrator"]
    assert_one_won(race(registration_task, [registrar, registrar], {}))
    assert AuditEntry.objects.filter(case=case, action="decision_registered").count() == 1
    assert AuditEntry.objects.filter(case=case, action="version_published").count() == 1
    assert open_tasks(case) == []
