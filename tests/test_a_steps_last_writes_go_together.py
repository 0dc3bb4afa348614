"""A step's last writes, which nobody reads back (its audit entries, its mails, the links
between its tasks), go to PostgreSQL in one statement when the step ends
(``config.writes_together``); SQLite runs each as before. Nothing is written for a step
that fails, and a write made inside a savepoint within the block goes with that savepoint.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from mailer.models import Message
from viewflow.workflow.models import Task

from audit.models import AuditEntry
from config import writes_together
from config.compiled_query import insert_rows
from tests.lifecycle import default_answers, doer, open_tasks, refresh, start_unit_handlingsplan
from workflows.actions import tasks as task_actions
from workflows.actions.tasks import complete_task

ON_POSTGRES = connection.vendor == "postgresql"
# The mail queue in the database, as in production (the tests' default is in memory).
DB_MAIL = override_settings(EMAIL_BACKEND="mailer.backend.DbBackend")


def _started(town):
    return start_unit_handlingsplan(town, "Handlingsplan att skriva")


def _entry(action: str) -> AuditEntry:
    return AuditEntry(action=action, target_type="test", target_id="1", target_label="test")


def _inserts(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().startswith(("INSERT", "WITH"))]


def test_the_statement_runs_all_but_the_last_as_common_table_expressions():
    sql, params = writes_together.combined(
        [("INSERT INTO a VALUES (%s)", [1]), ("INSERT INTO b VALUES (%s, %s)", [2, 3])]
    )
    assert sql == "WITH w1 AS (INSERT INTO a VALUES (%s)) INSERT INTO b VALUES (%s, %s)"
    assert params == [1, 2, 3]
    assert writes_together.combined([("INSERT INTO a VALUES (%s)", [1])]) == (
        "INSERT INTO a VALUES (%s)",
        [1],
    )


@DB_MAIL
def test_a_steps_audit_entries_mails_and_task_links_are_written_together(town):
    case = _started(town)
    task = open_tasks(case)[0]  # the draft: its union statements' tasks are mailed
    user = doer(town, task)
    entries, mails = AuditEntry.objects.count(), Message.objects.count()
    links = Task.previous.through.objects.count()

    with CaptureQueriesContext(connection) as queries:
        complete_task(
            user=user, task_id=task.pk, data=default_answers(refresh(case), task.flow_task.name)
        )

    # Everything was written, whichever way.
    assert AuditEntry.objects.count() > entries
    assert Message.objects.count() > mails
    assert Task.previous.through.objects.count() > links
    tables = ('"workflows_auditentry"', '"mailer_message"', '"viewflow_task_previous"')
    carrying = [sql for sql in _inserts(queries) if any(t in sql for t in tables)]
    if ON_POSTGRES:
        assert len(carrying) == 1, carrying
        assert carrying[0].startswith("WITH") and all(t in carrying[0] for t in tables)
    else:
        assert len(carrying) == 3, carrying  # one INSERT each, as before


@DB_MAIL
def test_a_step_that_fails_after_its_writes_were_given_writes_none_of_them(town, monkeypatch):
    case = _started(town)
    task = open_tasks(case)[0]
    before = (AuditEntry.objects.count(), Message.objects.count(), Task.objects.count())

    class Failed(Exception):
        pass

    def fail(step):  # after the flow moved on: its tasks, links, mails and entries given
        raise Failed

    monkeypatch.setitem(task_actions.STEP_AFTER, "draft", fail)
    with pytest.raises(Failed):
        complete_task(
            user=doer(town, task), task_id=task.pk, data=default_answers(refresh(case), "draft")
        )

    after = (AuditEntry.objects.count(), Message.objects.count(), Task.objects.count())
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_writes_wait_for_the_blocks_end_on_postgresql_and_run_at_once_elsewhere():
    with transaction.atomic(), writes_together.together():
        insert_rows([_entry("first")], together=True)
        seen = AuditEntry.objects.filter(action="first").exists()
    assert seen is not ON_POSTGRES  # waiting on PostgreSQL, written at once on SQLite
    assert AuditEntry.objects.filter(action="first").exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_inside_a_savepoint_within_the_block_goes_with_that_savepoint():
    class Undone(Exception):
        pass

    with transaction.atomic(), writes_together.together():
        insert_rows([_entry("kept")], together=True)
        try:
            with transaction.atomic():
                insert_rows([_entry("undone")], together=True)
                raise Undone
        except Undone:
            pass

    assert AuditEntry.objects.filter(action="kept").exists()
    assert not AuditEntry.objects.filter(action="undone").exists()


@pytest.mark.django_db(transaction=True)
def test_a_block_left_by_an_exception_sends_nothing():
    class Failed(Exception):
        pass

    with pytest.raises(Failed), transaction.atomic(), writes_together.together():
        insert_rows([_entry("lost")], together=True)
        raise Failed

    assert not AuditEntry.objects.filter(action="lost").exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_block_a_write_runs_at_once():
    with transaction.atomic():
        insert_rows([_entry("alone")], together=True)
        assert AuditEntry.objects.filter(action="alone").exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_would_make_the_statement_too_long_runs_at_once(monkeypatch):
    fields = len(AuditEntry._meta.concrete_fields) - 1  # the key is the database's
    monkeypatch.setattr(writes_together, "MAX_VALUES", fields * 3)
    with transaction.atomic(), writes_together.together():
        insert_rows([_entry("waits"), _entry("waits")], together=True)
        insert_rows([_entry("too many"), _entry("too many")], together=True)
        assert AuditEntry.objects.filter(action="too many").count() == 2
        assert AuditEntry.objects.filter(action="waits").exists() is not ON_POSTGRES
    assert AuditEntry.objects.filter(action="waits").count() == 2
