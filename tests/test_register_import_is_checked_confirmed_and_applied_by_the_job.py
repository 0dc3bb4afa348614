"""The register import as a run (issue 19): the registrar uploads the register file and its
files once, sees the dry run on the run's page, confirms without uploading again, and the
scheduled job ``run_register_imports`` imports it all or nothing while the page shows its
progress. A run with errors cannot be confirmed, a run is applied once, two jobs never apply
the same run, the uploads are kept only until the import (or some days) and only the
registrar and administrators reach any of it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from documents.importing import runs, services
from documents.importing.refusals import (
    RegisterImportHasErrors,
    RegisterImportNotAllowed,
    RegisterImportNotPending,
)
from documents.models import Document, DocumentStatus, RegisterImport, RegisterImportStatus
from tests.factories import UserFactory, build_municipality
from tests.registerfile import kf_policy, xlsx, zip_of
from tests.upload_support import docx

pytestmark = pytest.mark.django_db

POLICY = docx("<w:p><w:r><w:t>Informationsklassning gäller alla.</w:t></w:r></w:p>")
Status = RegisterImportStatus


@pytest.fixture
def m(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_municipality()


def _upload(client, user, rows, files=None):
    client.force_login(user)
    data = {"file": SimpleUploadedFile("register.xlsx", xlsx(rows))}
    data["files"] = SimpleUploadedFile("filer.zip", zip_of(files or {"policy.docx": POLICY}))
    response = client.post(reverse("registerimport:start"), data)
    run = RegisterImport.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("registerimport:run", args=[run.pk])
    return run


def _page(client, run) -> str:
    return client.get(reverse("registerimport:run", args=[run.pk])).content.decode()


def test_upload_preview_confirm_and_the_job_imports_with_the_real_decision(m, client):
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m)])
    assert run.status == Status.PREVIEWED
    assert run.preview["counts"] == {"Dokument": {"add": 1, "change": 0, "end": 0}}
    # Kept in the file storage until the import, for whichever server runs the job.
    assert default_storage.exists(run.file.name) and default_storage.exists(run.files.name)
    page = _page(client, run)
    assert "Vad importen skulle göra" in page and "Importera</button>" in page
    assert "data-refresh=" not in page
    assert not Document.objects.exists()

    response = client.post(reverse("registerimport:confirm", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.applied_by) == (Status.QUEUED, registrar)
    assert AuditEntry.objects.filter(
        action="register_import_confirmed", target_id=str(run.pk), actor=registrar
    ).exists()
    page = _page(client, run)
    assert "data-refresh=" in page and "<progress" in page
    assert "Väntar på importjobbet" in page
    assert "Importera</button>" not in page
    assert not Document.objects.exists()

    call_command("run_register_imports", stdout=io.StringIO())
    run.refresh_from_db()
    assert run.status == Status.APPLIED and run.error == ""
    document = Document.objects.get(import_key="POL-1")
    assert document.status == DocumentStatus.VALID
    assert document.current_version.adoption_line == (
        "Fastställd av Kommunfullmäktige 2018-03-26, § 26, Dnr KS 2018/123"
    )
    entry = AuditEntry.objects.get(action="register_imported")
    assert (entry.target_id, entry.actor) == (str(run.pk), registrar)
    # The uploads are gone once imported.
    assert not run.file and not run.files and run.uploads_removed_at is not None
    assert not any(default_storage.listdir("register-imports")[0:1]) or not _stored_files()
    page = _page(client, run)
    assert "Vad importen gjorde" in page and "data-refresh=" not in page
    assert "Importerad" in page


def _stored_files() -> list[str]:
    found = []

    def walk(path):
        folders, files = default_storage.listdir(path)
        found.extend(f"{path}/{f}" for f in files)
        for folder in folders:
            walk(f"{path}/{folder}")

    if default_storage.exists("register-imports"):
        walk("register-imports")
    return found


def test_a_run_with_errors_cannot_be_confirmed(m, client):
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m, Enhet="SEK-9")])
    assert run.status == Status.REFUSED
    assert run.preview["errors"] == ["Blad Dokument, rad 2, kolumn Enhet: enhet 'SEK-9' finns inte"]
    assert not run.file and _stored_files() == []  # a file with errors is not kept
    page = _page(client, run)
    assert "1 fel: ingenting kan importeras" in page and "Importera</button>" not in page
    with pytest.raises(RegisterImportHasErrors):
        runs.confirm(registrar, run.pk)
    response = client.post(reverse("registerimport:confirm", args=[run.pk]))
    assert response.status_code == 302
    (message,) = [str(x) for x in get_messages(response.wsgi_request)]
    assert message == "Filen har fel och kan inte importeras. Rätta den och ladda upp den igen."
    run.refresh_from_db()
    assert run.status == Status.REFUSED
    assert runs.run_pending() == []
    assert not AuditEntry.objects.filter(action="register_import_confirmed").exists()


def test_a_run_is_applied_only_once(m, client):
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m)])
    runs.confirm(registrar, run.pk)
    with pytest.raises(RegisterImportNotPending):
        runs.confirm(registrar, run.pk)
    (applied,) = runs.run_pending()
    assert applied.status == Status.APPLIED
    with pytest.raises(RegisterImportNotPending):
        runs.confirm(registrar, run.pk)
    with pytest.raises(RegisterImportNotPending):
        runs.apply(applied)
    assert runs.run_pending() == []
    assert Document.objects.count() == 1
    assert AuditEntry.objects.filter(action="register_imported").count() == 1
    response = client.post(reverse("registerimport:confirm", args=[run.pk]))
    (message,) = [str(x) for x in get_messages(response.wsgi_request)]
    assert message.startswith("Filen är redan bekräftad")


def test_a_run_is_claimed_by_one_job_and_taken_up_again_only_when_its_job_died(m, client):
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m)])
    runs.confirm(registrar, run.pk)
    claimed = runs.claim_next()
    assert claimed.pk == run.pk and claimed.status == Status.RUNNING
    assert runs.claim_next() is None  # the other server's job finds nothing to do
    # A job killed mid-import rolled its transaction back: after a while it is taken again.
    RegisterImport.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - runs.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    again = runs.claim_next()
    assert again.pk == run.pk
    assert runs.apply(again).status == Status.APPLIED
    assert Document.objects.count() == 1


def test_a_failed_import_leaves_nothing_and_says_why_in_swedish(m, client, monkeypatch):
    registrar = m.holders["registrator"]
    rows = [kf_policy(m), kf_policy(m, Nyckel="POL-2", Titel="Andra policyn", Fil="", Text="x")]
    run = _upload(client, registrar, rows)
    runs.confirm(registrar, run.pk)
    real = services.RegisterRun.run

    def breaks_after_writing(self):
        real(self)
        raise RuntimeError("disken är full")

    monkeypatch.setattr(services.RegisterRun, "run", breaks_after_writing)
    (failed,) = runs.run_pending()
    assert failed.status == Status.FAILED
    assert failed.error == "Importen misslyckades: disken är full. Inget importerades."
    assert not Document.objects.exists()
    assert not AuditEntry.objects.filter(action="register_imported").exists()
    assert AuditEntry.objects.filter(action="register_import_failed").count() == 1
    page = _page(client, failed)
    assert "Importen misslyckades: disken är full. Inget importerades." in page
    assert "data-refresh=" not in page
    with pytest.raises(RegisterImportNotPending):
        runs.confirm(registrar, run.pk)


def test_a_file_the_register_no_longer_accepts_fails_with_its_errors(m, client):
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m)])
    runs.confirm(registrar, run.pk)
    # Meanwhile the same document came in by the command line.
    other = kf_policy(m, Titel="En annan titel", Fil="", Text="Annan text.")
    assert services.import_register("r.xlsx", xlsx([other]), None).ok
    (failed,) = runs.run_pending()
    assert failed.status == Status.FAILED
    assert failed.error.startswith("Inget importerades: Blad Dokument, rad 2, kolumn")
    assert Document.objects.count() == 1


def test_a_plain_user_reaches_none_of_it(m, client):
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m)])
    plain = m.holders["enhetschef"]
    client.force_login(plain)
    for name, args in [
        ("start", []),
        ("run", [run.pk]),
        ("template", []),
        ("example", []),
        ("export", []),
    ]:
        assert client.get(reverse(f"registerimport:{name}", args=args)).status_code == 403, name
    assert client.post(reverse("registerimport:confirm", args=[run.pk])).status_code == 403
    upload = {"file": SimpleUploadedFile("register.xlsx", xlsx([kf_policy(m)]))}
    assert client.post(reverse("registerimport:start"), upload).status_code == 403
    with pytest.raises(RegisterImportNotAllowed):
        runs.confirm(plain, run.pk)
    with pytest.raises(RegisterImportNotAllowed):
        runs.preview(plain, SimpleUploadedFile("r.xlsx", xlsx([kf_policy(m)])), None)
    run.refresh_from_db()
    assert run.status == Status.PREVIEWED and RegisterImport.objects.count() == 1
    # The stored uploads are never served, to anyone.
    for user in (plain, registrar):
        client.force_login(user)
        assert client.get(f"/_protected_media/{run.file.name}").status_code == 404


def test_uploads_not_imported_are_removed_after_some_days(m, client):
    registrar = m.holders["registrator"]
    old = _upload(client, registrar, [kf_policy(m)])
    recent = _upload(client, registrar, [kf_policy(m)])
    RegisterImport.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=runs.KEEP_UPLOADS_DAYS + 1)
    )
    names = [old.file.name, old.files.name]
    call_command("run_register_imports", stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.EXPIRED and not old.file and not old.files
    assert not any(default_storage.exists(n) for n in names)
    assert recent.status == Status.PREVIEWED and default_storage.exists(recent.file.name)
    client.force_login(registrar)
    response = client.post(reverse("registerimport:confirm", args=[old.pk]))
    (message,) = [str(x) for x in get_messages(response.wsgi_request)]
    assert message.startswith("De uppladdade filerna togs bort")


def test_an_administrator_uses_the_page_too(m, client):
    admin = UserFactory(is_superuser=True)
    run = _upload(client, admin, [kf_policy(m)])
    assert run.status == Status.PREVIEWED
    page = client.get(reverse("registerimport:start")).content.decode()
    assert reverse("registerimport:run", args=[run.pk]) in page
    assert reverse("registerimport:example") in page


def test_the_job_with_nothing_to_do_costs_two_queries(m, django_assert_max_num_queries):
    # Every minute on every server: the claim and the search for old uploads (and the
    # claim's savepoint and its release, counted here inside the test's transaction).
    with django_assert_max_num_queries(4) as captured:
        call_command("run_register_imports", stdout=io.StringIO())
    selects = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 2


def test_a_large_file_is_checked_by_the_job_before_it_can_be_confirmed(m, client, monkeypatch):
    monkeypatch.setattr(runs, "CHECK_AT_ONCE_ROWS", 0)
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m)])
    assert run.status == Status.UPLOADED and run.preview == {}
    page = _page(client, run)
    assert "Väntar på kontrollen av importjobbet" in page and "data-refresh=" in page
    assert "Importera</button>" not in page
    response = client.post(reverse("registerimport:confirm", args=[run.pk]))
    (message,) = [str(x) for x in get_messages(response.wsgi_request)]
    assert message.startswith("Filerna kontrolleras fortfarande")
    (checked,) = runs.run_pending()
    assert checked.status == Status.PREVIEWED
    assert checked.preview["counts"] == {"Dokument": {"add": 1, "change": 0, "end": 0}}
    assert not Document.objects.exists() and checked.file
    assert "Importera</button>" in _page(client, checked)
    runs.confirm(registrar, run.pk)
    (applied,) = runs.run_pending()
    assert applied.status == Status.APPLIED and Document.objects.count() == 1


def test_a_large_file_with_errors_is_refused_by_the_job_and_not_kept(m, client, monkeypatch):
    monkeypatch.setattr(runs, "CHECK_AT_ONCE_ROWS", 0)
    run = _upload(client, m.holders["registrator"], [kf_policy(m, Enhet="SEK-9")])
    assert run.status == Status.UPLOADED and _stored_files()
    (checked,) = runs.run_pending()
    assert checked.status == Status.REFUSED
    assert checked.preview["errors"] == [
        "Blad Dokument, rad 2, kolumn Enhet: enhet 'SEK-9' finns inte"
    ]
    assert _stored_files() == [] and not checked.file


def test_uploads_gone_from_the_storage_fail_the_import_clearly(m, client):
    registrar = m.holders["registrator"]
    run = _upload(client, registrar, [kf_policy(m)])
    runs.confirm(registrar, run.pk)
    default_storage.delete(run.files.name)  # e.g. a bucket's lifecycle rule took it
    (failed,) = runs.run_pending()
    assert failed.status == Status.FAILED
    assert failed.error.startswith("De sparade filerna kunde inte läsas: ")
    assert failed.error.endswith(". Inget importerades.")
    assert not Document.objects.exists()
