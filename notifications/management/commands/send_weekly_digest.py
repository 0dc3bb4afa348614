"""The weekly digest of new, revised and repealed documents: ``manage.py
send_weekly_digest`` on Monday mornings (docs/deployment.md). Safe to run twice."""

from django.core.management.base import BaseCommand

from config.jobs import run_alone
from notifications.announcements import send_weekly_digest


class Command(BaseCommand):
    help = "Send each person who chose the weekly digest last week's new and revised documents."

    @run_alone
    def handle(self, *args, **options):
        sent = send_weekly_digest()
        self.stdout.write(f"{sent} digest(s) sent.")
