"""A download of an upload's PDF/A copy converts the file itself only when that is quick:
a conversion that runs past the download's limit stores nothing, the reader gets a page
in Swedish (503, Retry-After) pointing to the original, and the scheduled job converts the
file with the full limit. A web worker is never held by Ghostscript for minutes."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command

from documents.models import ArchivalCopy, ArchivalFailure
from documents.pdfa import ArchivalCopyPending, archival_file, convert
from tests.factories import VersionFileFactory, _sha256, document_with_history
from tests.test_archival_pdfs_validate_and_uploads_are_converted import plain_pdf

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def stored():
    data = plain_pdf()
    document = document_with_history(1)
    return VersionFileFactory(
        version=document.current_version,
        original_name="Rutin.pdf",
        file__data=data,
        size=len(data),
        sha256=_sha256(data),
    )


@pytest.fixture
def slow_ghostscript(monkeypatch):
    """Ghostscript that takes longer than the download's limit but not the job's."""
    real_run = subprocess.run
    limits = []

    def run(command, *args, timeout=None, **kwargs):
        limits.append(timeout)
        if timeout is not None and timeout < convert.TIMEOUT_SECONDS:
            raise subprocess.TimeoutExpired(command, timeout)
        return real_run(command, *args, timeout=timeout, **kwargs)

    monkeypatch.setattr(convert.subprocess, "run", run)
    return limits


def pdfa_url(stored) -> str:
    document = stored.version.document
    return f"/documents/{document.pk}/versions/{stored.version.number}/file/pdfa/"


def test_a_slow_first_conversion_answers_a_page_and_stores_nothing(
    client, stored, slow_ghostscript
):
    response = client.get(pdfa_url(stored), HTTP_ACCEPT_LANGUAGE="sv")

    assert response.status_code == 503
    assert response["Retry-After"] == "600"
    text = response.content.decode()
    assert "PDF/A-kopian görs i ordning" in text
    assert "originalfilen kan laddas ner redan nu" in text
    document = stored.version.document
    assert f"/documents/{document.pk}/versions/1/file/" in text
    assert slow_ghostscript == [convert.REQUEST_TIMEOUT_SECONDS]
    assert not ArchivalCopy.objects.filter(source_file=stored).exists()


def test_the_job_converts_it_with_the_full_limit_and_the_download_then_serves_it(
    client, stored, slow_ghostscript
):
    client.get(pdfa_url(stored))

    call_command("make_archival_pdfs", stdout=io.StringIO())

    [copy] = ArchivalCopy.objects.filter(source_file=stored)
    assert copy.conformance == "PDF/A-2b" and not copy.failure
    assert slow_ghostscript[-1] == convert.TIMEOUT_SECONDS
    response = client.get(pdfa_url(stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_conversion_that_times_out_in_the_job_is_stored_as_failed(monkeypatch, stored):
    def run(command, *args, timeout=None, **kwargs):
        raise subprocess.TimeoutExpired(command, timeout)

    monkeypatch.setattr(convert.subprocess, "run", run)

    copy = archival_file(stored)

    assert copy.failure == ArchivalFailure.CONVERTER_FAILED
    [row] = ArchivalCopy.objects.filter(source_file=stored)
    assert row.note == "timed out"


def test_the_archive_package_and_the_job_never_get_the_shorter_limit(stored, slow_ghostscript):
    archival_file(stored)  # the default: the job's limit, as the archive package uses

    assert slow_ghostscript == [convert.TIMEOUT_SECONDS]


def test_the_short_limit_raises_a_named_pending_error(stored, slow_ghostscript):
    with pytest.raises(ArchivalCopyPending) as refused:
        archival_file(stored, timeout=convert.REQUEST_TIMEOUT_SECONDS)

    assert refused.value.code == "archival_copy_pending"
    assert refused.value.status == 503
