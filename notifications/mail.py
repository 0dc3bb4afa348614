"""Writing e-mail from templates, in the site's language (Swedish).

Mail goes through ``django.core.mail``; ``settings.EMAIL_BACKEND`` is the mail queue
(django-mailer's ``DbBackend``), so a mail sent inside a transaction is queued in it and
rolled back with it. ``manage.py send_queued_mail`` delivers the queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from mailer.backend import DbBackend
from mailer.models import Message

from config.compiled_query import insert_rows


def in_site_language(function, *args) -> str:
    """``function(*args)`` as text in the site's language, whoever's request this is."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(function(*args))


def render(template: str, context: dict) -> tuple[str, str]:
    """The subject and body of ``notifications/mail/<template>_subject.txt`` and
    ``_body.txt``, rendered in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"notifications/mail/{template}_subject.txt", context)
        body = render_to_string(f"notifications/mail/{template}_body.txt", context)
    return " ".join(subject.split()), body


# The mails of one action, queued with one INSERT when its block ends (``queued_together``).
_pending: ContextVar[list | None] = ContextVar("styrdok_pending_mail", default=None)


@contextmanager
def queued_together() -> Iterator[None]:
    """Hand the mails sent inside the block to the mail backend together when it ends: the
    queue (django-mailer's ``DbBackend``) inserts them in one INSERT instead of one each.
    For an action's transaction, which the block must sit inside: the mails are queued in
    it, as before, and a block left by an exception queues none (the transaction that
    would have held them is rolled back). A block inside another shares the outer one's."""
    if _pending.get() is not None:
        yield
        return
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        _queue(pending)


def _queue(messages: list) -> None:
    """Hand ``messages`` to the mail backend. The queue's own backend inserts its rows with
    ``bulk_create``; here the same rows go in with the INSERT compiled once per process
    (``config.compiled_query.insert_rows``), as every step that mails repeats it."""
    backend = get_connection()
    if type(backend) is DbBackend and not getattr(settings, "MAILER_MESSAGES_BATCH_SIZE", None):
        insert_rows([Message(email=message) for message in messages], together=True)
    else:
        backend.send_messages(messages)


def _deliver(messages: list) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.extend(messages)
    elif messages:
        get_connection().send_messages(messages)


def send_plain(subject: str, body: str, recipients: list[str]) -> None:
    """One mail to all ``recipients`` (as ``django.core.mail.send_mail`` sends it)."""
    _deliver([EmailMultiAlternatives(subject, body, None, recipients)])


def send(template: str, context: dict, recipients: Iterable[str]) -> int:
    """One mail per recipient (nobody sees the others' addresses); returns how many."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return 0
    subject, body = render(template, context)
    messages = [EmailMessage(subject, body, to=[address]) for address in addresses]
    _deliver(messages)
    return len(messages)
