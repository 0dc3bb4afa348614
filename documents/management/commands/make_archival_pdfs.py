"""Make the archival PDFs (PDF/A) that are missing: one per published version, one per
uploaded file of a published version. Run from cron every few minutes (or nightly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from documents.pdfa import make_missing


class Command(BaseCommand):
    help = (
        "Make the missing archival PDFs (PDF/A-2b) of published versions and of their "
        "uploaded PDFs. Idempotent: a copy is made once and never changed. Safe to start on "
        "every app server at once: each version is taken under a row lock that the other "
        "runs skip (PostgreSQL), and a copy's row is unique, so the work is shared, not "
        "repeated."
    )

    def handle(self, *args, **options):
        versions, files = make_missing()
        self.stdout.write(
            f"{versions} archival PDF(s) of versions and {files} of uploaded files made."
        )
