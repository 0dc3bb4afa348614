"""The new-task mail is queued in the database inside the transaction that created the
task (issue 18), like every other mail: it exists as soon as the step is saved, without
waiting for a commit callback, and a refused step queues none."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse
from mailer.models import Message

from tests import mail_support as transports
from tests.lifecycle import open_tasks
from workflows.actions import engine


def _policy(town):
    return town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )


def _queued_to(address: str) -> list:
    return [m.email for m in Message.objects.all() if address in m.email.to]


@override_settings(EMAIL_BACKEND=transports.QUEUE)
def test_the_task_mail_is_in_the_queue_when_the_step_is_saved(
    town, django_capture_on_commit_callbacks
):
    case = _policy(town)
    Message.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=False):  # no commit callback runs
        town.desk("hrstrateg").complete(case, "draft", body="<p>Text</p>")

    for task in open_tasks(case, "union_statement"):
        [message] = _queued_to(task.owner.email)
        assert case.diarienummer in message.subject
        assert reverse("workflows:task", args=[task.pk]) in message.body


@override_settings(EMAIL_BACKEND=transports.QUEUE)
def test_a_refused_step_queues_no_task_mail(town):
    case = _policy(town)
    Message.objects.all().delete()

    response = town.desk("hrstrateg").attempt(case, "draft", body="")

    assert response.status_code == 400
    assert Message.objects.count() == 0


def test_the_first_draft_task_mail_goes_to_the_author_without_reading_the_authors(town):
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.actions.start import start_new_document

    author = town.users["samordnare"]
    with CaptureQueriesContext(connection) as queries:
        case = start_new_document(
            user=author,
            document_type=town.types["handlingsplan"],
            title="Handlingsplan att skriva",
            scope_unit=town.units["unit"],
            owner_position=town.positions["enhetschef"],
        )
    [message] = [m for m in mail.outbox if case.diarienummer in m.subject]
    assert message.to == [author.email]
    # The new case's one author is known to the start: the authors' table is not read.
    assert not [q for q in queries.captured_queries if "authored" in q["sql"]]
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "workflows_case_authors" in q["sql"]
    ]
    # Asked after the start, the authors are read: a co-author added since is among them.
    co_author = town.users["hrstrateg"]
    case.authors.add(co_author)
    [draft] = open_tasks(case, "draft")
    assert set(engine.task_candidates(draft, case)) == {author, co_author}


def test_the_task_link_is_reverses_path_built_once():
    from unittest import mock

    from django.urls import clear_script_prefix, reverse, set_script_prefix

    engine._PATHS.clear()
    with mock.patch.object(engine, "reverse", wraps=reverse) as reversed_:
        paths = [engine.task_path(pk) for pk in (1, 42, 987_654_321, 2**31 - 1)]
    assert paths == [reverse("workflows:task", args=[pk]) for pk in (1, 42, 987_654_321, 2**31 - 1)]
    assert reversed_.call_count == 1
    set_script_prefix("/styrdok/")
    try:
        assert (
            engine.task_path(7) == reverse("workflows:task", args=[7]) == "/styrdok/work/tasks/7/"
        )
    finally:
        clear_script_prefix()
    assert engine.task_path(7) == "/work/tasks/7/"
    # The decision mail's link to its case, built the same way.
    assert engine.object_path("workflows:case", 9) == reverse("workflows:case", args=[9])
