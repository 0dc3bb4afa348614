"""``manage.py import_rules FILE [--dry-run]``: a rule-set file (TOML) checked and applied in
one transaction; the changes are listed in Swedish, the errors with where in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from documents.rule_file.refusals import RuleFileInvalid
from documents.rule_file.services import import_file


class Command(BaseCommand):
    help = (
        "Imports a rule-set file (TOML, as export_rules writes it): the installation's rule "
        "set becomes the file's, all of it or nothing. --dry-run lists what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The rule-set file (TOML).")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would change.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            outcome = import_file(None, path.name, path.read_bytes(), dry_run=options["dry_run"])
        except RuleFileInvalid as refusal:
            heading = _("The rule-set file has errors; nothing was changed.")
            raise CommandError("\n".join([heading, *refusal.problems])) from None
        for sign, texts in (("+", outcome.added), ("~", outcome.changed), ("-", outcome.removed)):
            for text in texts:
                self.stdout.write(f"{sign} {text}")
        if not outcome.changes:
            self.stdout.write(_("The file changes nothing: the rule set is already the file's."))
        elif options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was changed."))
        else:
            self.stdout.write(
                self.style.SUCCESS(_("%(n)s changes applied.") % {"n": len(outcome.changes)})
            )
