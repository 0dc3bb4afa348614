from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_date

from config.jobs import run_alone
from workflows.actions.review import open_due_reviews


class Command(BaseCommand):
    help = (
        "Open a review (aktualitetsprövning) for every valid document whose next review date, "
        "less its type's lead time, has come and that has no open case (run daily from cron). "
        "Idempotent, and safe to start on every app server at once: one run does the work."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Open as of this date (YYYY-MM-DD), not after today.")

    @run_alone
    def handle(self, *args, **options):
        day = parse_date(options["date"]) if options.get("date") else None
        if options.get("date") and day is None:
            self.stderr.write(self.style.ERROR("Give the date as YYYY-MM-DD."))
            raise SystemExit(2)
        opened = open_due_reviews(on=day)
        for case in opened:
            self.stdout.write(f"{case.diarienummer}: {case.document.title}")
        self.stdout.write(self.style.SUCCESS(f"{len(opened)} review(s) opened."))
