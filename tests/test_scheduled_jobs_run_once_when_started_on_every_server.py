"""Cron starts the nightly job on every app server at the same moment: the work is done once.

One run holds the job's lock (a PostgreSQL advisory lock; a file lock beside an SQLite
database) and does the work; a run that finds it taken says so and does nothing, without
failing. A run killed midway leaves no lock behind. And without the lock, each version is
still published and audited once: each is done under its case's row lock (PostgreSQL).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEntry
from config.jobs import exclusive, lock_key
from documents.models import DocumentVersion, VersionStatus
from tests.app_servers import database_url
from tests.lifecycle import days, days_pass, refresh, run_until, today
from workflows.actions import publication
from workflows.actions.schedule import publish_due_versions

JOB = "publish_due_versions"
# Days from the adoption to the valid-from date; tests let them pass (``days_pass``).
DUE_IN = 30


def publish() -> str:
    out = StringIO()
    call_command(JOB, stdout=out)
    return out.getvalue()


def due_cases(town, count: int) -> list:
    """``count`` handlingsplaner adopted today, valid from ``DUE_IN`` days later."""
    cases = []
    for number in range(count):
        case = town.desk("samordnare").start_document(
            document_type=town.types["handlingsplan"],
            title=f"Handlingsplan nr {number + 1}",
            scope_unit=town.units["unit"],
            owner_position=town.positions["enhetschef"],
        )
        run_until(town, case, "decision")
        town.desk("enhetschef").complete(
            case, "decision", outcome="adopted", decision_date=today(), valid_from=days(DUE_IN)
        )
        town.desk("registrator").complete(case, "registration")
        cases.append(refresh(case))
    return cases


def published_once(case) -> bool:
    version = DocumentVersion.objects.get(pk=case.version_id)
    audits = AuditEntry.objects.filter(case=case, action="version_published").count()
    return version.status == VersionStatus.VALID and audits == 1


def at_once(*runs) -> list:
    """Start each of ``runs`` in a thread of its own (its own database connection) at the
    same moment; their results, in the order they finished."""
    barrier = threading.Barrier(len(runs))
    results: list = []

    def run(function):
        try:
            barrier.wait(timeout=10)
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@contextmanager
def held_elsewhere(name: str):
    """Another run (a thread with its own database connection) holds the job's lock."""
    taken, release = threading.Event(), threading.Event()
    result = {}

    def hold():
        try:
            with exclusive(name) as held:
                result["held"] = held
                taken.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(timeout=10)
    try:
        assert result["held"]
        yield
    finally:
        release.set()
        thread.join(timeout=10)


def test_a_run_that_finds_the_lock_taken_does_nothing_and_says_so(town):
    [case] = due_cases(town, 1)

    with days_pass(DUE_IN):
        with held_elsewhere(JOB):
            out = publish()

        assert "already running (on this or another server); this run does nothing." in out
        assert DocumentVersion.objects.get(pk=case.version_id).status == VersionStatus.ADOPTED
        assert not AuditEntry.objects.filter(case=case, action="version_published").exists()
        # The other run is over: the next one publishes.
        assert "1 version(s) published." in publish()
        assert published_once(case)
        assert "0 version(s) published." in publish()


def test_each_job_has_its_own_lock_and_it_is_free_after_the_run(db):
    with held_elsewhere(JOB):
        with exclusive(JOB) as held:
            assert not held
        with exclusive("reindex_search") as held:
            assert held
    with exclusive(JOB) as held:
        assert held
    assert lock_key(JOB) != lock_key("reindex_search")
    assert -(2**63) <= lock_key(JOB) < 2**63


def test_reindex_search_also_runs_alone(db):
    out = StringIO()
    with held_elsewhere("reindex_search"):
        call_command("reindex_search", "--no-progress", stdout=out)
    assert "reindex_search is already running" in out.getvalue()


HOLDER = """
import time, django
django.setup()
from config.jobs import exclusive
with exclusive("publish_due_versions") as held:
    print("held" if held else "taken", flush=True)
    time.sleep(120)
"""


def lock_holder(url: str) -> tuple[subprocess.Popen, str]:
    """A process that takes the job's lock on the database at ``url`` and keeps it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": url}
    env.pop("DJANGO_ENV", None)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", HOLDER],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    return process, process.stdout.readline().strip()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_run_killed_midway_leaves_no_lock_behind(database, db, tmp_path):
    if database == "postgresql":
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
        url = database_url()
    else:
        # Two servers' processes on one SQLite database: necessarily on one machine.
        url = f"sqlite:///{tmp_path / 'styrdok.sqlite3'}"

    first, state = lock_holder(url)
    try:
        assert state == "held"
        second, state = lock_holder(url)
        os.killpg(second.pid, signal.SIGKILL)
        assert state == "taken"
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # killed midway, no clean-up of its own
        first.wait(timeout=10)
    third, state = lock_holder(url)
    os.killpg(third.pid, signal.SIGKILL)
    assert state == "held"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_once_publish_each_version_once(town):
    cases = due_cases(town, 3)

    with days_pass(DUE_IN):
        outputs = at_once(publish, publish)

    assert len(outputs) == 2, outputs
    assert sum("3 version(s) published." in out for out in outputs) == 1, outputs
    assert all(published_once(case) for case in cases)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_each_version_is_still_published_once(town, monkeypatch):
    """Two runs that bypass the job lock (or a second run on a server whose clock is
    late) share the list: each version is done by one of them under its case's row lock."""
    cases = due_cases(town, 3)
    real = publication.publish_case_version

    def slow(case):
        real(case)
        time.sleep(0.2)  # holds the case's lock a while, so the runs overlap

    monkeypatch.setattr(publication, "publish_case_version", slow)

    def run() -> list[int]:
        return [c.pk for c in publish_due_versions()]

    with days_pass(DUE_IN):
        results = at_once(run, run)

    assert len(results) == 2, results
    done = results[0] + results[1]
    assert sorted(done) == sorted(c.pk for c in cases), results
    assert all(published_once(case) for case in cases)
