"""While the job imports a register file in its one transaction, the run's page shows how
far it has come (written outside that transaction: another connection on PostgreSQL, a file
beside the database on SQLite); and two jobs started at once on two servers apply a run
once (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from documents.importing import progress as progress_module
from documents.importing import runs
from documents.models import Document, RegisterImport, RegisterImportStatus
from tests.factories import build_municipality
from tests.registerfile import kf_policy, xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def _queued(m, registrar, count: int) -> RegisterImport:
    rows = [
        kf_policy(m, Nyckel=f"POL-{n}", Titel=f"Policy {n}", Fil="", Text=f"Text {n}.")
        for n in range(count)
    ]
    run = runs.preview(registrar, SimpleUploadedFile("register.xlsx", xlsx(rows)), None)
    assert run.status == RegisterImportStatus.PREVIEWED, run.preview
    return runs.confirm(registrar, run.pk)


def test_the_page_shows_the_progress_while_the_import_runs(settings, tmp_path, client, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    m = build_municipality()
    registrar = m.holders["registrator"]
    run = _queued(m, registrar, 3)
    client.force_login(registrar)
    seen: list[tuple[str, str]] = []
    real = progress_module.RunProgress.__call__

    def watched(self, sheet, done, total):
        real(self, sheet, done, total)
        # The page as another request would see it, in the middle of the import.
        page = client.get(reverse("registerimport:run", args=[run.pk])).content.decode()
        status = RegisterImport.objects.get(pk=run.pk).status
        seen.append((status, page))

    monkeypatch.setattr(progress_module.RunProgress, "__call__", watched)
    (applied,) = runs.run_pending()
    assert applied.status == RegisterImportStatus.APPLIED
    ((status, page),) = seen  # three documents: one step, the last
    assert status == RegisterImportStatus.RUNNING
    assert '<progress id="import-progress" max="3" value="3"' in page
    assert "3 av 3 dokument importerade (100 %)." in page
    assert "data-refresh=" in page
    assert Document.objects.count() == 3
    final = client.get(reverse("registerimport:run", args=[run.pk])).content.decode()
    assert "<progress" not in final and "Vad importen gjorde" in final


def test_the_page_shows_the_progress_of_a_large_files_check(
    settings, tmp_path, client, monkeypatch
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(runs, "CHECK_AT_ONCE_ROWS", 0)
    m = build_municipality()
    registrar = m.holders["registrator"]
    rows = [kf_policy(m, Nyckel=f"P-{n}", Titel=f"Policy {n}", Fil="", Text="x") for n in range(3)]
    run = runs.preview(registrar, SimpleUploadedFile("register.xlsx", xlsx(rows)), None)
    assert run.status == RegisterImportStatus.UPLOADED
    client.force_login(registrar)
    pages: list[str] = []
    real = progress_module.RunProgress.__call__

    def watched(self, sheet, done, total):
        real(self, sheet, done, total)
        pages.append(client.get(reverse("registerimport:run", args=[run.pk])).content.decode())

    monkeypatch.setattr(progress_module.RunProgress, "__call__", watched)
    (checked,) = runs.run_pending()
    assert checked.status == RegisterImportStatus.PREVIEWED
    (page,) = pages
    assert "Kontrolleras" in page and "3 av 3 dokument provade (100 %)." in page
    assert not Document.objects.exists()


@pytest.mark.postgres_only
def test_two_jobs_started_at_once_apply_a_run_once(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    m = build_municipality()
    run = _queued(m, m.holders["registrator"], 2)
    started = threading.Barrier(2)
    results: dict[str, list[int]] = {}

    def job(name: str) -> None:
        try:
            started.wait(timeout=10)
            results[name] = [r.pk for r in runs.run_pending()]
        finally:
            connection.close()

    threads = [threading.Thread(target=job, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results["a"] + results["b"]) == [run.pk]
    run.refresh_from_db()
    assert run.status == RegisterImportStatus.APPLIED
    assert Document.objects.count() == 2
    assert AuditEntry.objects.filter(action="register_imported").count() == 1


@pytest.mark.postgres_only
def test_a_run_locked_by_one_job_is_skipped_by_the_other(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    m = build_municipality()
    run = _queued(m, m.holders["registrator"], 1)
    holding, release = threading.Event(), threading.Event()

    def first_job() -> None:
        # Mid-claim: the row is locked, its status not yet changed.
        from django.db import transaction

        try:
            with transaction.atomic():
                RegisterImport.objects.select_for_update().get(pk=run.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=first_job)
    thread.start()
    assert holding.wait(timeout=30)
    try:
        assert runs.claim_next() is None  # skipped, not waited for
    finally:
        release.set()
        thread.join(timeout=30)
    assert runs.claim_next().pk == run.pk
