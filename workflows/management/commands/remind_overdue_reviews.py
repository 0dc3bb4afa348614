from django.core.management.base import BaseCommand

from config.jobs import run_alone
from workflows.actions.review_reminders import remind_overdue_reviews


class Command(BaseCommand):
    help = (
        "Remind the owners of overdue reviews, and later their chiefs, once per interval "
        "(STYRDOK_REVIEW_REMINDER_DAYS, STYRDOK_REVIEW_CHIEF_AFTER_DAYS; run daily from cron). "
        "Idempotent, and safe to start on every app server at once."
    )

    @run_alone
    def handle(self, *args, **options):
        sent = remind_overdue_reviews()
        for reminder in sent:
            self.stdout.write(f"{reminder.case.diarienummer}: {reminder.to}")
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder(s) sent."))
