"""Mail transports for tests of the mail queue: one that is down, one that is slow."""

from __future__ import annotations

import threading
import time

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

QUEUE = "mailer.backend.DbBackend"
DOWN = "tests.mail_support.DownBackend"
SLOW = "tests.mail_support.SlowBackend"
DELIVERED = "django.core.mail.backends.locmem.EmailBackend"

_lock = threading.Lock()


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class SlowBackend(LocmemBackend):
    """A mail server that takes its time over each mail (and delivers to mail.outbox,
    safely from several threads)."""

    def send_messages(self, messages):
        time.sleep(0.05)
        with _lock:
            if not hasattr(mail, "outbox"):
                mail.outbox = []
            return super().send_messages(messages)
