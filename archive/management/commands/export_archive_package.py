"""Build archive packages (E-ARK CSIP / FGS 2.0, docs/archive.md).

Without a selection: build the packages the registrar asked for on the archive page
(run every minute by the scheduler; safe on every server at once, each request is built
by one run). With a selection: write that package to ``--output`` at once.
"""

from django.core.management.base import BaseCommand, CommandError

from archive import services
from archive.refusals import ArchiveSelectionMissing
from archive.selection import select
from audit.refusals import Refusal


class Command(BaseCommand):
    help = (
        "Build the archive packages asked for on the archive page, or, with --document, "
        "--case or --body and --year, write one package to --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--document", help="A document's id: all its adopted versions.")
        parser.add_argument("--case", help="A case's id: its version and records.")
        parser.add_argument("--body", help="A body's code (e.g. KS), with --year.")
        parser.add_argument("--year", help="The year of the body's adoptions.")
        parser.add_argument("--type", help="Only documents of this type code (e.g. policy).")
        parser.add_argument("--output", help="The ZIP file to write (with a selection).")
        parser.add_argument("--limit", type=int, help="Build at most this many queued requests.")

    def handle(self, *args, **options):
        chosen = any(options.get(k) for k in ("document", "case", "body", "year"))
        if not chosen:
            return self._queued(options.get("limit"))
        if not options.get("output"):
            raise CommandError(str(ArchiveSelectionMissing(detail="--output FIL")))
        try:
            selection = select(
                document=options.get("document"),
                case=options.get("case"),
                body=options.get("body"),
                year=options.get("year"),
                document_type=options.get("type"),
            )
        except Refusal as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from refusal
        checksum = services.write_package(selection, options["output"])
        self.stdout.write(f"{options['output']} sha256:{checksum}")
        return None

    def _queued(self, limit):
        built = services.run_pending(limit)
        for export in built:
            outcome = export.file.name if export.status == "done" else export.error
            self.stdout.write(f"#{export.pk} {export.status}: {outcome}")
        self.stdout.write(f"{len(built)} package(s) built.")
