"""No e-mail is lost when the mail server is down or slow (issue 18).

Every mail is a row of the queue (django-mailer's DbBackend is ``EMAIL_BACKEND``), written
in the transaction of the change that caused it; ``manage.py send_queued_mail`` delivers
it, keeps what the server refused and retries it on the next run. Two runs started at once
on two servers send each mail once. The queue is in the admin, for administrators only.
"""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from mailer.models import RESULT_FAILURE, Message, MessageLog

from tests import mail_support as transports
from tests.factories import UserFactory


def send_queue() -> str:
    out = StringIO()
    call_command("send_queued_mail", stdout=out)
    return out.getvalue()


def queue_mail(count: int = 1) -> None:
    for number in range(count):
        mail.send_mail(f"Ärende {number}", "Text", None, [f"person{number}@example.invalid"])


def test_the_queue_is_the_mail_backend_and_the_real_transport_is_behind_it():
    # The settings as configured (the test runner swaps EMAIL_BACKEND for its outbox).
    from config import settings as configured

    assert configured.EMAIL_BACKEND == transports.QUEUE
    assert configured.MAILER_EMAIL_BACKEND != transports.QUEUE
    assert configured.MAILER_USE_FILE_LOCK is False  # the job's own lock (config.jobs)


@override_settings(EMAIL_BACKEND=transports.QUEUE, MAILER_EMAIL_BACKEND=transports.DELIVERED)
def test_a_mail_is_queued_in_its_transaction_and_rolled_back_with_it(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail()
        assert Message.objects.count() == 1
        raise RuntimeError("the change that caused the mail fails")
    assert Message.objects.count() == 0

    with transaction.atomic():
        queue_mail()
    assert mail.outbox == []  # queued, not yet sent
    assert "sent 1; 0 waiting" in send_queue()
    [message] = mail.outbox
    assert message.subject == "Ärende 0"
    assert Message.objects.count() == 0


@override_settings(EMAIL_BACKEND=transports.QUEUE, MAILER_EMAIL_BACKEND=transports.DOWN)
def test_a_mail_server_that_is_down_loses_nothing_and_the_next_run_sends(db, settings):
    queue_mail(2)

    assert "sent 0; 2 waiting" in send_queue()
    assert "sent 0; 2 waiting" in send_queue()  # still down: retried and kept

    assert Message.objects.deferred().count() == 2
    assert MessageLog.objects.filter(result=RESULT_FAILURE).count() == 4
    assert mail.outbox == []

    settings.MAILER_EMAIL_BACKEND = transports.DELIVERED  # the server is back
    out = send_queue()
    assert "Retried 2, sent 2; 0 waiting" in out
    assert sorted(m.to[0] for m in mail.outbox) == [
        "person0@example.invalid",
        "person1@example.invalid",
    ]
    assert "sent 0; 0 waiting" in send_queue()  # each mail once


@override_settings(EMAIL_BACKEND=transports.QUEUE, MAILER_EMAIL_BACKEND=transports.DELIVERED)
def test_the_queue_is_in_the_admin_for_administrators_only(client, admin_client, db):
    queue_mail()
    message = Message.objects.get()
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    for url in [
        "/admin/mailer/message/",
        f"/admin/mailer/message/{message.pk}/change/",
        "/admin/mailer/messagelog/",
    ]:
        assert client.get(url).status_code == 403, url
        assert admin_client.get(url).status_code == 200, url
    assert "/admin/mailer/" not in client.get("/admin/").content.decode()
    page = admin_client.get("/admin/mailer/message/").content.decode()
    assert "person0@example.invalid" in page
    assert admin_client.get("/admin/mailer/message/add/").status_code == 403


def _at_once(*runs) -> list:
    barrier = threading.Barrier(len(runs))
    results: list = []

    def run(function):
        try:
            barrier.wait(timeout=10)
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=transports.QUEUE, MAILER_EMAIL_BACKEND=transports.SLOW)
def test_two_runs_started_at_once_send_each_mail_once():
    queue_mail(6)

    outputs = _at_once(send_queue, send_queue)

    assert len(outputs) == 2, outputs
    assert sum("sent 6" in out for out in outputs) == 1, outputs
    assert sum("already running" in out for out in outputs) == 1, outputs
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.invalid" for n in range(6)]
    assert Message.objects.count() == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=transports.QUEUE, MAILER_EMAIL_BACKEND=transports.SLOW)
def test_without_the_job_lock_the_row_locks_still_send_each_mail_once():
    """Two runs that bypass the lock (django-mailer's ``send_all`` directly) share the
    queue: each message is sent under its own row lock and deleted in that transaction."""
    from mailer.engine import send_all

    queue_mail(6)

    _at_once(send_all, send_all)

    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.invalid" for n in range(6)]
    assert Message.objects.count() == 0
