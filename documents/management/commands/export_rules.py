"""``manage.py export_rules FILE``: the installation's rule set as a rule-set file (TOML);
``-`` writes it to standard output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from documents.rule_file.services import export_text


class Command(BaseCommand):
    help = (
        "Writes the rule set (document types, adoption rules, samverkan, review intervals, "
        "reading requirements, unit levels, mandate periods) to a TOML file another "
        "installation can import with import_rules. '-' writes to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to write, or - for standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = export_text(None)
        if options["file"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["file"]).write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Regelverket skrevs till {options['file']}."))
