"""``manage.py import_register FILE [--files DIR|ZIP] [--dry-run]``: the existing register
(XLSX, CSV or a ZIP of CSVs) with its files, checked and applied in one transaction, with a
progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from documents.importing.services import import_register
from documents.importing.sources import open_files
from org.importing.apply import ADD, CHANGE


class Command(BaseCommand):
    help = (
        "Imports the existing register (documents in force with their historical decisions "
        "and earlier versions) from an XLSX file, a CSV file or a ZIP of CSV files, with the "
        "versions' files from a folder or a ZIP. All of it or nothing; --dry-run shows what "
        "would change without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The XLSX, CSV or ZIP file.")
        parser.add_argument("--files", default=None, help="The folder or ZIP of the files.")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would change.")
        parser.add_argument("--verbose-changes", action="store_true", help="List every change.")

    def _progress(self, sheet: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        bar = "#" * (percent // 5)
        sys.stderr.write(f"\r{sheet:<24} [{bar:<20}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        if options["files"] and not Path(options["files"]).exists():
            raise CommandError(_("No such file: %(path)s") % {"path": options["files"]})
        started = time.perf_counter()
        report = import_register(
            path.name,
            path.read_bytes(),
            open_files(options["files"]),
            dry_run=options["dry_run"],
            progress=None if options["verbosity"] < 1 else self._progress,
        )
        for problem in report.problems:
            self.stderr.write(str(problem))
        for warning in report.warnings:
            self.stdout.write(str(warning))
        if not report.ok:
            raise CommandError(
                _("%(n)s errors: nothing was imported.") % {"n": len(report.problems)}
            )
        if options["verbose_changes"]:
            for change in report.changes:
                self.stdout.write(f"{change.sheet}: {change.text}")
        for sheet, counts in report.counts().items():
            self.stdout.write(
                _("%(sheet)s: %(add)s added, %(change)s changed")
                % {"sheet": sheet, "add": counts[ADD], "change": counts[CHANGE]}
            )
        seconds = time.perf_counter() - started
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written (%(s).1f s).") % {"s": seconds})
        else:
            self.stdout.write(
                _("Imported: %(n)s changes (%(s).1f s).") % {"n": len(report.changes), "s": seconds}
            )
