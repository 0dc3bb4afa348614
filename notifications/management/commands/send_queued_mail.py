"""Send the mail queue: ``manage.py send_queued_mail`` every minute (docs/deployment.md)."""

from django.core.management.base import BaseCommand

from config.jobs import run_alone
from notifications.queue import deliver_queue


class Command(BaseCommand):
    help = "Send the queued e-mail; retry what the mail server refused or could not take."

    @run_alone
    def handle(self, *args, **options):
        run = deliver_queue()
        self.stdout.write(
            f"Retried {run.retried}, sent {run.sent}; {run.waiting} waiting in the queue."
        )
