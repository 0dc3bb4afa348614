"""``manage.py export_register FILE [--files ZIP]``: the register in the import's format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from documents.importing.export import export


class Command(BaseCommand):
    help = (
        "Exports the register in the format import_register reads: an XLSX workbook, or a "
        "ZIP of CSV files when FILE ends in .zip, and the versions' files as a ZIP "
        "(default: FILE's name with -filer.zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write: NAME.xlsx or NAME.zip.")
        parser.add_argument("--files", default=None, help="Where to write the files' ZIP.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = "zip" if path.suffix.lower() == ".zip" else "xlsx"
        files_path = Path(options["files"] or path.with_name(f"{path.stem}-filer.zip"))
        content, files = export(fmt)
        path.write_bytes(content)
        files_path.write_bytes(files)
        self.stdout.write(_("Wrote %(path)s.") % {"path": path})
        self.stdout.write(_("Wrote %(path)s.") % {"path": files_path})
