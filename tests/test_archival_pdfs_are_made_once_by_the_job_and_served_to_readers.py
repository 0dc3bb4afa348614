"""``manage.py make_archival_pdfs`` makes the missing archival PDFs once, also when two
servers run it at the same moment (PostgreSQL: SKIP LOCKED shares the work, the unique row
keeps one copy); publication itself makes none. The PDF/A download is for everyone who may
read the version: public versions anonymously, internal ones for employees only, drafts
for nobody through this door."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from documents import pdfa
from documents.models import ArchivalCopy
from tests.factories import (
    DocumentVersionFactory,
    PublishedVersionFactory,
    UserFactory,
    document_with_history,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def stored_copies(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "archival"
    return sorted(root.rglob("*.pdf")) if root.exists() else []


def test_publication_makes_no_archival_pdf_and_the_job_makes_the_missing_ones_once(settings):
    version = PublishedVersionFactory()
    document_with_history(2)
    assert not ArchivalCopy.objects.exists()

    out = io.StringIO()
    call_command("make_archival_pdfs", stdout=out)
    call_command("make_archival_pdfs", stdout=out)

    assert "3 archival PDF(s) of versions" in out.getvalue()
    assert "0 archival PDF(s) of versions" in out.getvalue()
    assert ArchivalCopy.objects.filter(source_file__isnull=True).count() == 3
    assert ArchivalCopy.objects.filter(version=version).count() == 1
    assert len(stored_copies(settings)) == 3


def test_a_draft_gets_none_from_the_job():
    DocumentVersionFactory()

    call_command("make_archival_pdfs", stdout=io.StringIO())

    assert not ArchivalCopy.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_servers_running_the_job_at_once_make_each_copy_once(settings, monkeypatch):
    for _ in range(3):
        document_with_history(1)
    real = pdfa.make_version_copy
    barrier = threading.Barrier(2)

    def slow(pk):  # each copy takes a while: the two runs surely overlap
        time.sleep(0.2)
        return real(pk)

    monkeypatch.setattr(pdfa, "make_version_copy", slow)
    results: list[object] = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(pdfa.make_missing())
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(isinstance(r, tuple) for r in results), results
    assert sum(versions for versions, _files in results) == 3, results
    assert ArchivalCopy.objects.count() == 3
    assert len(stored_copies(settings)) == 3  # no file made twice, none left behind


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_request_and_the_job_racing_for_one_version_keep_one_copy(settings):
    version = document_with_history(1).current_version
    results: list[object] = []
    barrier = threading.Barrier(2)

    def ask():
        try:
            barrier.wait(timeout=10)
            results.append(pdfa.archival_pdf(version).sha256)
        except BaseException as exc:  # noqa: BLE001
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(set(results)) == 1 and isinstance(results[0], str), results
    assert ArchivalCopy.objects.count() == 1
    assert len(stored_copies(settings)) == 1  # the loser's file was deleted


def pdfa_url(document, number: int) -> str:
    return f"/documents/{document.pk}/versions/{number}/pdfa/"


def test_anyone_downloads_the_pdf_a_of_a_public_version(client):
    document = document_with_history(2)

    latest = client.get(pdfa_url(document, 2))
    earlier = client.get(pdfa_url(document, 1))

    assert latest.status_code == 200 and earlier.status_code == 200
    assert latest["Content-Type"] == "application/pdf"
    assert latest["Content-Disposition"].startswith("attachment;")
    body = b"".join(latest.streaming_content)
    assert body.startswith(b"%PDF-")
    assert latest["Repr-Digest"].startswith("sha-256=:")
    copy = pdfa.archival_pdf(document.current_version)
    assert body == copy.read()
    page = client.get(f"/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "PDF/A (arkivformat)" in page and pdfa_url(document, 2) in page


def test_an_internal_version_is_for_employees_only(client):
    document = document_with_history(1, is_public=False)

    assert client.get(pdfa_url(document, 1)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(pdfa_url(document, 1)).status_code == 200


def test_a_version_not_published_has_no_pdf_a_address(client):
    draft = DocumentVersionFactory()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(pdfa_url(draft.document, draft.number))

    assert response.status_code == 404
    assert not ArchivalCopy.objects.exists()
