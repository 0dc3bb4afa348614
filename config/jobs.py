"""Scheduled commands that may be started on every app server at once.

Cron runs the same crontab on every server, so a nightly job starts on all of them at the
same moment. Two layers keep its work done once:

1. ``exclusive(name)``: one run of a job at a time over the whole installation. On
   PostgreSQL a session advisory lock (``pg_try_advisory_lock``) on a key derived from the
   job's name: the other servers' runs find it taken and end at once, doing nothing. The
   database releases it when the run ends, and also when its process dies, so a killed run
   never leaves a stale lock behind. SQLite lives on one machine, so there the lock is an
   operating-system file lock (``flock``) next to the database file, released the same way
   when the process dies. A write transaction (``BEGIN IMMEDIATE``) held for the whole run
   would also exclude a second run, but it would block every web request's write for as
   long as the job runs.
2. Each item of a job is done under its own row lock and re-checked there (the
   publication: viewflow's lock on the case row, then the task must still be open), so a
   run that starts after another has finished, or one started without the lock, finds
   nothing left to do and writes nothing twice.

Sharing one job's items between servers (``select_for_update(skip_locked=True)``) was not
chosen: the nightly lists are short, and a job like ``reindex_search`` is not a list of
independent items.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.dateparse import parse_date

NAMESPACE = "styrdok.job."


def lock_key(name: str) -> int:
    """The job's advisory-lock key: a signed 64-bit integer, as PostgreSQL takes it."""
    digest = hashlib.sha256((NAMESPACE + name).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def exclusive(name: str, using: str = "default") -> Iterator[bool]:
    """Hold the lock of job ``name`` for the ``with`` block if nobody else holds it.

    Yields True when this run holds it (do the work), False when another run, on this or
    another server, holds it (do nothing). Never waits.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with _advisory_lock(connection, lock_key(name)) as held:
            yield held
    elif connection.vendor == "sqlite":
        with _file_lock(_lock_path(connection, name)) as held:
            yield held
    else:  # pragma: no cover - Styrdok runs on PostgreSQL or SQLite only
        raise NotImplementedError(f"No job lock for {connection.vendor}.")


@contextmanager
def _advisory_lock(connection, key: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held and connection.connection is not None:
            # A session lock outlives transactions; release it with the session still open.
            # (Had the connection been closed meanwhile, the lock went with it.)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _lock_path(connection, name: str) -> Path:
    database = str(connection.settings_dict["NAME"])
    if not database or database == ":memory:" or "mode=memory" in database:
        # A database in memory belongs to one process: so does its lock.
        return Path(tempfile.gettempdir()) / f"styrdok-{os.getpid()}-{name}.lock"
    return Path(f"{database}.{name}.lock")


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    import fcntl

    handle = open(path, "a")  # noqa: SIM115 - closed below, after the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def run_alone(handle: Callable) -> Callable:
    """For a management command's ``handle``: run it only if no other run of the same
    command holds its lock (``exclusive``); otherwise say so and end without error (cron on
    the other servers must not report a failure)."""

    @functools.wraps(handle)
    def wrapper(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        with exclusive(name) as held:
            if not held:
                self.stdout.write(
                    f"{name} is already running (on this or another server); this run does nothing."
                )
                return None
            return handle(self, *args, **options)

    return wrapper


class DatedJob(BaseCommand):
    """A scheduled command that works as of a day (``--date YYYY-MM-DD``, default today),
    one run at a time (``run_alone``). A subclass says what it does in ``work(day)``, which
    returns the lines to print and the summary."""

    date_help = "Work as of this date (YYYY-MM-DD) instead of today."

    def add_arguments(self, parser):
        parser.add_argument("--date", help=self.date_help)

    @run_alone
    def handle(self, *args, **options):
        given = options.get("date")
        day = parse_date(given) if given else None
        if given and day is None:
            self.stderr.write(self.style.ERROR("Give the date as YYYY-MM-DD."))
            raise SystemExit(2)
        lines, summary = self.work(day)
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(summary))

    def work(self, day: datetime.date | None) -> tuple[list[str], str]:
        raise NotImplementedError
