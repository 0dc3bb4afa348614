"""The mail queue (django-mailer): what the sending job does.

``settings.EMAIL_BACKEND`` is ``mailer.backend.DbBackend``: every e-mail Styrdok sends is a
row in the queue (``mailer.Message``), written in the transaction that caused it. This job
hands the queue to the real transport (``settings.MAILER_EMAIL_BACKEND``). A message the
mail server refuses, or that cannot reach it, is deferred (kept, with a log entry) and put
back in the queue by the next run: nothing is lost while the server is down or slow.

Two servers starting the job at once: the job's lock (``config.jobs.run_alone``) lets one
run; django-mailer also sends each message under its own row lock (``SELECT ... FOR UPDATE
NOWAIT``) and deletes it in the same transaction, so even two runs without the lock could
not send one message twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailer.engine import send_all
from mailer.models import RESULT_SUCCESS, Message, MessageLog


@dataclass(frozen=True)
class QueueRun:
    retried: int
    sent: int
    waiting: int


def deliver_queue() -> QueueRun:
    """Put deferred messages back in the queue (retries), then send the whole queue once."""
    retried = Message.objects.retry_deferred()
    sent_before = MessageLog.objects.filter(result=RESULT_SUCCESS).count()
    send_all()
    sent = MessageLog.objects.filter(result=RESULT_SUCCESS).count() - sent_before
    return QueueRun(retried=retried, sent=sent, waiting=Message.objects.count())
