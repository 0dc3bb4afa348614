"""Writing e-mail from templates, in the site's language (Swedish).

Mail goes through ``django.core.mail``; ``settings.EMAIL_BACKEND`` is the mail queue
(django-mailer's ``DbBackend``), so a mail sent inside a transaction is queued in it and
rolled back with it. ``manage.py send_queued_mail`` delivers the queue.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


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


def send(template: str, context: dict, recipients: Iterable[str]) -> int:
    """One mail per recipient (nobody sees the others' addresses); returns how many."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return 0
    subject, body = render(template, context)
    messages = [EmailMessage(subject, body, to=[address]) for address in addresses]
    for message in messages:
        message.send()
    return len(messages)
