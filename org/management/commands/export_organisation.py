"""``manage.py export_organisation FILE``: the organisation in the import's format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from org.importing.export import export


class Command(BaseCommand):
    help = (
        "Exports the organisation in the format import_organisation reads: an XLSX "
        "workbook, or a ZIP of CSV files when FILE ends in .zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write: NAME.xlsx or NAME.zip.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = "zip" if path.suffix.lower() == ".zip" else "xlsx"
        path.write_bytes(export(fmt))
        self.stdout.write(_("Wrote %(path)s.") % {"path": path})
