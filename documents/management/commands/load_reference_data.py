"""``manage.py load_reference_data``: the default document types and adoption rule set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fixtures.reference_data import load_reference_data


class Command(BaseCommand):
    help = (
        "Loads the default document types (vision, politiskt program, kommunal plan, policy, "
        "riktlinje, handlingsplan, rutin, anvisning, instruktion) and the default adoption rule "
        "set. Only missing rows are created: a document type that already exists (same code or "
        "name) is left untouched, and the allowed parent types and adoption rules of a type are "
        "seeded only when the type itself is created. An administrator's later changes in the "
        "admin, including removed rules, therefore survive running the command again. "
        "Safe to run any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_reference_data()
        if result.total == 0:
            self.stdout.write("Referensdata: inget att lägga till, allt fanns redan.")
            return
        parts = ", ".join(f"{count} {what}" for what, count in result.created.items())
        self.stdout.write(self.style.SUCCESS(f"Referensdata: skapade {parts}."))
