"""Rebuild the full-text search index (after changing documents.search.analysis, or to repair it)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, OutputWrapper
from django.db import connection, transaction

from config.jobs import run_alone
from documents.models import DocumentVersion, SearchHistory, SearchTerm, count_ranks
from documents.search.bulk import (
    SEARCHABLE_STATUSES,
    choose_prefixes,
    forget_compounds,
    index_versions,
    rebuild_history_index,
)


class ProgressBar:
    """A one-line text progress bar, redrawn in place on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: OutputWrapper, width: int = 40) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done = 0
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self._last_percent = -1

    def advance(self, n: int) -> None:
        self.done += n
        percent = 100 if self.total == 0 else self.done * 100 // self.total
        if not self.tty and percent // 10 == self._last_percent // 10 and self.done < self.total:
            return  # without a terminal, a line per 10 %
        self._last_percent = percent
        filled = self.width * percent // 100
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% "
            f"{self.done}/{self.total} versions, {rate:.0f}/s"
        )
        self.stream.write(f"\r{line}" if self.tty else line, ending="" if self.tty else "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Rebuild the search index of document versions: valid, superseded and repealed "
        "versions (all versions with --all)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Index every version, drafts included."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help="Versions indexed per transaction (default 200).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar."
        )

    @run_alone  # two rebuilds at once would only double the work and contend for rows
    def handle(self, *args, **options):
        started = time.monotonic()
        versions = DocumentVersion.objects.all()
        if not options["all"]:
            versions = versions.filter(status__in=SEARCHABLE_STATUSES)
        ids = list(versions.order_by("pk").values_list("pk", flat=True))
        batch_size = max(1, options["batch_size"])
        progress = None
        if not options["no_progress"]:
            progress = ProgressBar(len(ids), self.stderr)

        rows = 0
        with transaction.atomic():
            # Rows of versions no longer indexed (e.g. drafts after a run with --all) go too.
            if not options["all"]:
                SearchTerm.objects.exclude(version__status__in=SEARCHABLE_STATUSES).delete()
                SearchHistory.objects.exclude(version__status__in=SEARCHABLE_STATUSES).delete()
            # The compounds' parts are written again from the words indexed below.
            forget_compounds()
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            batch = (
                DocumentVersion.objects.filter(pk__in=chunk)
                .select_related("document")
                .prefetch_related("files")
            )
            rows += index_versions(batch, compounds_cleared=True)
            if progress:
                progress.advance(len(chunk))
        if progress:
            progress.close()
        # The prefixes whose rank rows are also kept grouped, chosen from the new index.
        groups = choose_prefixes()
        # The terms' kept counts, counted again from the rank rows (a repair, if they drifted);
        # on SQLite the history's index of keys filled again from its rows (the same).
        with transaction.atomic():
            count_ranks(None)
            rebuild_history_index(connection)

        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {len(ids)} versions ({rows} index rows, {groups} prefix groups) "
                f"in {seconds:.1f} s."
            )
        )
