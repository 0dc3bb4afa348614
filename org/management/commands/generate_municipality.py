"""``manage.py generate_municipality``: a large, realistic municipality for benchmarks.

Builds the organisation, people, documents with versions and decisions, open cases in
every step of the lifecycle with their audit trail, and the search index, into an empty
database (the one ``DATABASE_URL`` points at). Deterministic for a given ``--seed``.
See ``fixtures/generator.py``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from fixtures.generator import BASE_DATE, GeneratorError, Options, generate


class Command(BaseCommand):
    help = (
        "Generates a large, realistic municipality into an empty database for benchmarks: "
        "units, people, positions, bodies, samverkan groups, governing documents with "
        "versions and decisions, open cases in every step of the lifecycle with their audit "
        "trail, and the search index. Deterministic for a given --seed. Refuses a database "
        "that already holds an organisation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=400, help="Units (default 400).")
        parser.add_argument("--people", type=int, default=5000, help="People (default 5000).")
        parser.add_argument(
            "--documents", type=int, default=20000, help="Governing documents (default 20000)."
        )
        parser.add_argument(
            "--versions",
            type=int,
            default=100000,
            help="Document versions in all, drafts included (default 100000).",
        )
        parser.add_argument(
            "--open-cases", type=int, default=10000, help="Open cases (default 10000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--base-date",
            type=datetime.date.fromisoformat,
            default=BASE_DATE,
            help=f"The day the data is generated as of (default {BASE_DATE}).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bars."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        opts = Options(
            units=options["units"],
            people=options["people"],
            documents=options["documents"],
            versions=options["versions"],
            open_cases=options["open_cases"],
            seed=options["seed"],
            base_date=options["base_date"],
        )
        database = connection.settings_dict.get("NAME")
        self.stderr.write(f"Genererar kommunen i {connection.vendor}-databasen {database} ...")
        try:
            counts = generate(opts, stream=self.stderr, progress=not options["no_progress"])
        except GeneratorError as exc:
            raise CommandError(str(exc)) from exc
        from documents.cache import bump

        bump()  # the rows were inserted in bulk, without the signals that do it
        seconds = counts.pop("sekunder", 0)
        self.stdout.write(self.style.SUCCESS(f"Kommunen är genererad på {seconds} s."))
        for what, count in counts.items():
            self.stdout.write(f"  {count:>9}  {what}")
