"""``manage.py run_register_imports``: import the register files confirmed on the import
page, each all or nothing with its progress shown on its page, and remove the stored
uploads of old runs. Run by the scheduler every minute; safe on every server at once (each
run is claimed by one job: ``documents.importing.runs``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from documents.importing import runs


class Command(BaseCommand):
    help = (
        "Imports the register files confirmed on the import page and removes uploads older "
        "than --keep-days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="Import at most this many runs.")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=runs.KEEP_UPLOADS_DAYS,
            help="Remove the uploads of runs older than this many days (default %(default)s).",
        )

    def handle(self, *args, **options):
        for run in runs.run_pending(options["limit"]):
            outcome = run.error or run.get_status_display()
            self.stdout.write(f"#{run.pk} {run.filename}: {run.status}: {outcome}")
        removed = runs.purge(days=options["keep_days"])
        if removed:
            self.stdout.write(f"Removed the uploads of {removed} old run(s).")
