"""Uploaded files are served only through a view that checks who may see the version: as an
attachment, with the type detected on upload, never sniffed, never from a public media URL."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.models import DiarySeries, DocumentVersion, VersionStatus
from documents.services import add_version_file
from tests.factories import (
    MINIMAL_PDF,
    DiarySeriesFactory,
    UserFactory,
    VersionFileFactory,
    document_with_history,
)
from workflows.actions.start import start_revision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def file_url(document, number: int) -> str:
    return f"/documents/{document.pk}/versions/{number}/file/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_newest_file_of_the_version_is_served_as_an_attachment(client):
    document = document_with_history(2)
    earlier = timezone.now() - datetime.timedelta(days=3)
    VersionFileFactory(
        version=document.current_version, original_name="Gammal.pdf", uploaded_at=earlier
    )
    VersionFileFactory(
        version=document.current_version,
        original_name="Rutin för tillbud.pdf",
        file__data=MINIMAL_PDF + b"%new\n",
        size=len(MINIMAL_PDF) + 6,
    )

    response = client.get(file_url(document, 2))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Rutin%20f%C3%B6r%20tillbud.pdf" in disposition
    assert body(response) == MINIMAL_PDF + b"%new\n"


def test_an_uploaded_docx_keeps_its_detected_type(client, settings):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document xmlns:w='x'><w:t>Rutin</w:t></w:document>")
    document = document_with_history(1)
    from django.db import transaction

    with transaction.atomic():
        add_version_file(
            document.current_version,
            SimpleUploadedFile("rutin.docx", buffer.getvalue(), content_type="text/html"),
            user=None,
        )

    response = client.get(file_url(document, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].endswith('filename="rutin.docx"')


def test_the_download_name_gets_the_extension_of_the_detected_type(client):
    document = document_with_history(1)
    VersionFileFactory(version=document.current_version, original_name="rutin.html")

    response = client.get(file_url(document, 1))

    assert response["Content-Disposition"] == 'attachment; filename="rutin.pdf"'


def test_a_superseded_version_keeps_its_file(client):
    document = document_with_history(2)
    old = document.versions.get(number=1)
    VersionFileFactory(version=old, original_name="Version 1.pdf")

    assert client.get(file_url(document, 1)).status_code == 200
    assert client.get(file_url(document, 2)).status_code == 404  # version 2 has no file


def test_an_internal_document_file_needs_a_login(client):
    document = document_with_history(1, is_public=False)
    VersionFileFactory(version=document.current_version)

    assert client.get(file_url(document, 1)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(file_url(document, 1)).status_code == 200


def test_the_file_of_a_draft_is_served_only_to_those_who_may_see_the_case(client, org_tree):
    if not DiarySeries.objects.filter(is_default=True).exists():
        DiarySeriesFactory(is_default=True)
    document = document_with_history(
        1,
        document_type=org_tree.types["rutin"],
        scope_unit=org_tree.units["unit"],
        owner_position=org_tree.positions["enhetschef"],
    )
    case = start_revision(user=org_tree.holders["enhetschef"], document=document)
    VersionFileFactory(version=case.version, original_name="Utkast.pdf")
    assert DocumentVersion.objects.get(pk=case.version_id).status == VersionStatus.DRAFT

    assert client.get(file_url(document, 2)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(file_url(document, 2)).status_code == 404
    client.force_login(org_tree.holders["enhetschef"])
    assert client.get(file_url(document, 2)).status_code == 200


def test_a_file_missing_from_storage_is_not_found(client):
    document = document_with_history(1)
    stored = VersionFileFactory(version=document.current_version)
    stored.file.storage.delete(stored.file.name)

    assert client.get(file_url(document, 1)).status_code == 404


def test_forbidden_and_missing_files_get_the_same_answer(client):
    internal = document_with_history(1, is_public=False)
    VersionFileFactory(version=internal.current_version)

    forbidden = client.get(file_url(internal, 1))
    missing = client.get(f"/documents/{internal.pk + 1000}/versions/1/file/")

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_uploaded_files_have_no_public_media_url(client, settings):
    document = document_with_history(1)
    stored = VersionFileFactory(version=document.current_version)

    assert client.get(f"{settings.MEDIA_URL}{stored.file.name}").status_code == 404
    assert client.get(f"/media/{stored.file.name}").status_code == 404
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert stored.file.name not in page
    assert settings.MEDIA_URL not in page
