"""``manage.py import_organisation FILE [--dry-run]``: the organisation file (XLSX, CSV or a
ZIP of CSVs) checked and applied in one transaction, with a progress indication."""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from org.importing.apply import ADD, CHANGE, END
from org.importing.services import import_file


class Command(BaseCommand):
    help = (
        "Imports the organisation (levels, bodies, units, positions, people, holdings, "
        "substitutes, body members, processes, unions, samverkan groups, representatives, diary series) "
        "from an XLSX file, a CSV file or a ZIP of CSV files. All of it or nothing; "
        "--dry-run shows what would change without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The XLSX, CSV or ZIP file.")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would change.")
        parser.add_argument(
            "--ends-from",
            type=datetime.date.fromisoformat,
            default=None,
            help="Holdings missing from the file end the day before this day (default today).",
        )
        parser.add_argument("--verbose-changes", action="store_true", help="List every change.")

    _finished: set[str] = set()

    def _progress(self, sheet: str, done: int, total: int) -> None:
        if sheet in self._finished:
            return
        percent = 100 * done // total if total else 100
        bar = "#" * (percent // 5)
        sys.stderr.write(f"\r{sheet:<24} [{bar:<20}] {done}/{total}")
        sys.stderr.flush()
        if done >= total:
            self._finished.add(sheet)
            sys.stderr.write("\n")  # the sheet is done; the next one gets its own line

    def handle(self, *args: Any, **options: Any) -> None:
        self._finished = set()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        started = time.perf_counter()
        report = import_file(
            path.name,
            path.read_bytes(),
            ends_from=options["ends_from"],
            dry_run=options["dry_run"],
            progress=None if options["verbosity"] < 1 else self._progress,
        )
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(
                _("%(n)s errors: nothing was imported.") % {"n": len(report.problems)}
            )
        if options["verbose_changes"]:
            for change in report.changes:
                self.stdout.write(f"{change.sheet}: {change.text}")
        for sheet, counts in report.counts().items():
            self.stdout.write(
                _("%(sheet)s: %(add)s added, %(change)s changed, %(end)s ended")
                % {"sheet": sheet, "add": counts[ADD], "change": counts[CHANGE], "end": counts[END]}
            )
        seconds = time.perf_counter() - started
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written (%(s).1f s).") % {"s": seconds})
        else:
            self.stdout.write(
                _("Imported: %(n)s changes (%(s).1f s).") % {"n": len(report.changes), "s": seconds}
            )
