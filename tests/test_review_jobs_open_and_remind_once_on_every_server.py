"""Cron starts open_due_reviews and remind_overdue_reviews on every app server at the same
moment: each review is opened once and each reminder sent once. One run holds the job's
lock; and without the lock, each document is done under its own row lock (PostgreSQL)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tests.lifecycle import days, valid_document
from tests.test_scheduled_jobs_run_once_when_started_on_every_server import at_once, held_elsewhere
from workflows.actions.review import open_due_reviews
from workflows.actions.review_reminders import remind_overdue_reviews
from workflows.models import Case, CaseKind


def due_rutiner(town, count: int, *, next_review) -> list:
    documents = []
    for number in range(count):
        document = valid_document(
            town,
            type_code="rutin",
            title=f"Rutin nr {number + 1}",
            scope="unit",
            owner="samordnare",
            decided_by="enhetschef",
        )
        version = document.current_version
        version.next_review = next_review
        version.save(update_fields=["next_review"])
        documents.append(document)
    return documents


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def one_review_each(documents) -> bool:
    return all(
        Case.objects.filter(document=d, kind=CaseKind.REVIEW).count() == 1 for d in documents
    )


def test_a_run_that_finds_the_lock_taken_opens_nothing(town):
    documents = due_rutiner(town, 1, next_review=days(5))
    with held_elsewhere("open_due_reviews"):
        assert "already running" in run("open_due_reviews")
    assert not Case.objects.filter(kind=CaseKind.REVIEW).exists()
    assert "1 review(s) opened." in run("open_due_reviews")
    assert one_review_each(documents)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_once_open_each_review_once(town):
    documents = due_rutiner(town, 3, next_review=days(5))
    outputs = at_once(lambda: run("open_due_reviews"), lambda: run("open_due_reviews"))
    assert len(outputs) == 2, outputs
    assert sum("3 review(s) opened." in out for out in outputs) == 1, outputs
    assert one_review_each(documents)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_each_review_is_still_opened_once(town):
    documents = due_rutiner(town, 4, next_review=days(5))
    results = at_once(open_due_reviews, open_due_reviews)
    assert len(results) == 2, results
    assert len(results[0]) + len(results[1]) == 4
    assert one_review_each(documents)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_each_reminder_is_still_sent_once(town):
    due_rutiner(town, 3, next_review=days(-1))
    open_due_reviews()
    mail.outbox.clear()
    results = at_once(remind_overdue_reviews, remind_overdue_reviews)
    assert len(results) == 2, results
    assert len(results[0]) + len(results[1]) == 3
    assert len(mail.outbox) == 3
    assert {tuple(m.to) for m in mail.outbox} == {("samordnare@example.invalid",)}
