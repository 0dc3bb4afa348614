from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_date

from config.jobs import run_alone
from workflows.actions.schedule import publish_due_versions


class Command(BaseCommand):
    help = (
        "Publish adopted versions whose valid-from date has come (run daily from cron). "
        "Idempotent: running it again publishes nothing twice. Safe to start on every app "
        "server at once: one run does the work, the others end at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Publish as of this date (YYYY-MM-DD) instead of today.")

    @run_alone
    def handle(self, *args, **options):
        day = parse_date(options["date"]) if options.get("date") else None
        if options.get("date") and day is None:
            self.stderr.write(self.style.ERROR("Give the date as YYYY-MM-DD."))
            raise SystemExit(2)
        published = publish_due_versions(on=day)
        for case in published:
            self.stdout.write(f"{case.diarienummer}: {case.document.title}")
        self.stdout.write(self.style.SUCCESS(f"{len(published)} version(s) published."))
