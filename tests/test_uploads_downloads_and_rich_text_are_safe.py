"""Uploads are accepted by content (an HTML or SVG page named .pdf is refused), within a size
limit with a clear message, stored under fresh random names (no path from the user, no
overwriting); downloads are attachments of a document type with nosniff, never HTML. Rich
text is cleaned on save and on output. Every form refuses a POST without a CSRF token.
Downloads of material that is not public are in the audit trail."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from documents import files as document_files
from documents.models import DocumentVersion, VersionFile
from tests.factories import VersionFileFactory, document_with_history
from tests.lifecycle import PDF_BYTES, shows
from tests.upload_support import handlingsplan_draft, swedish

NOT_A_DOCUMENT = "Filen är varken ett PDF-, Word- (DOCX) eller OpenDocument-dokument (ODT)."
PAYLOAD = (
    '<p>Hej<script>alert(1)</script><img src=x onerror="alert(2)">'
    '<a href="javascript:alert(3)">länk</a><a href="https://example.org/" onclick="x()">ok</a></p>'
)


def start(town):
    desk, case = handlingsplan_draft(town)
    return swedish(desk), case  # Swedish messages


@pytest.mark.parametrize(
    "name, content",
    [
        ("beslut.pdf", b"<html><script>alert(1)</script></html>"),
        ("bild.pdf", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("beslut.pdf", b"  %PDF-1.4 hidden after spaces"),
        ("dokument.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_disguised_files_are_refused(town, name, content):
    desk, case = start(town)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = desk.attempt(case, "draft", action="save", upload=upload)

    assert response.status_code == 400
    assert shows(response, NOT_A_DOCUMENT)
    assert not VersionFile.objects.exists()


def test_a_too_large_file_is_refused_with_its_size(town, monkeypatch):
    monkeypatch.setattr(document_files, "MAX_UPLOAD_BYTES", 100)
    desk, case = start(town)
    upload = SimpleUploadedFile("stor.pdf", PDF_BYTES, content_type="application/pdf")

    response = desk.attempt(case, "draft", action="save", upload=upload)

    assert response.status_code == 400
    assert shows(response, "största tillåtna storlek är 100")
    assert not VersionFile.objects.exists()
    # What the user typed is still there.
    assert response.context["form"]["title"].value() == "Handlingsplan 2027"


def test_stored_names_are_random_and_never_taken_from_the_user(town):
    desk, case = start(town)
    for _ in range(2):
        upload = SimpleUploadedFile(
            "../../../etc/passwd.html", PDF_BYTES, content_type="application/pdf"
        )
        assert desk.attempt(case, "draft", action="save", upload=upload).status_code == 302

    first, second = VersionFile.objects.order_by("pk")
    for stored in (first, second):
        assert stored.file.name.startswith("versions/")
        assert ".." not in stored.file.name and "passwd" not in stored.file.name
        assert not stored.file.name.endswith(".html")
    assert first.file.name != second.file.name
    assert first.file.read() == second.file.read() == PDF_BYTES


def test_a_case_file_downloads_as_a_pdf_attachment_and_is_audited(town):
    desk, case = start(town)
    upload = SimpleUploadedFile("../evil.html", PDF_BYTES, content_type="text/html")
    desk.attempt(case, "draft", action="save", upload=upload)
    stored = VersionFile.objects.get()

    response = desk.get(reverse("workflows:case_file", args=[case.pk, stored.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="evil.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    entry = AuditEntry.objects.get(action="file_downloaded")
    assert (entry.actor, entry.case, entry.target_id) == (desk.user, case, str(stored.pk))


def test_a_case_file_is_hidden_from_those_who_may_not_see_the_case(town):
    desk, case = start(town)
    desk.attempt(
        case,
        "draft",
        action="save",
        upload=SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    stored = VersionFile.objects.get()
    outsider = town.desk("ekonom")

    hidden = outsider.get(reverse("workflows:case_file", args=[case.pk, stored.pk]))
    missing = outsider.get(reverse("workflows:case_file", args=[case.pk + 999, stored.pk]))
    other_file = desk.get(reverse("workflows:case_file", args=[case.pk, stored.pk + 999]))
    anonymous = Client().get(reverse("workflows:case_file", args=[case.pk, stored.pk]))

    assert hidden.status_code == missing.status_code == other_file.status_code == 404
    assert hidden.content == missing.content
    assert anonymous.status_code == 302
    assert not AuditEntry.objects.filter(action="file_downloaded").exists()


def test_a_stored_file_of_an_unknown_type_never_comes_as_html(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    document = document_with_history(1, is_public=True)
    VersionFileFactory(
        version=document.current_version,
        content_type="text/html",
        original_name="sida.html",
    )

    response = client.get(reverse("documents:version_file", args=[document.pk, 1]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_internal_downloads_are_audited_public_ones_are_not(client, db, settings, tmp_path):
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = str(tmp_path)
    public = document_with_history(1, is_public=True)
    internal = document_with_history(1, is_public=False)
    for document in (public, internal):
        VersionFileFactory(version=document.current_version)
    employee = UserFactory()
    client.force_login(employee)

    for document in (public, internal):
        assert (
            client.get(reverse("documents:version_file", args=[document.pk, 1])).status_code == 200
        )
        assert client.get(reverse("documents:pdf", args=[document.pk])).status_code == 200

    logged = AuditEntry.objects.filter(action__in=["file_downloaded", "pdf_downloaded"])
    assert sorted(logged.values_list("action", flat=True)) == ["file_downloaded", "pdf_downloaded"]
    assert {e.actor for e in logged} == {employee}
    assert all(internal.title in e.comment for e in logged)


def test_rich_text_is_cleaned_when_the_draft_is_saved(town):
    desk, case = start(town)

    response = desk.attempt(case, "draft", action="save", body=PAYLOAD)

    assert response.status_code == 302
    body = DocumentVersion.objects.get(pk=case.version_id).body
    for bad in ("<script", "onerror", "javascript:", "onclick", "alert(1)"):
        assert bad not in body
    assert "Hej" in body and 'href="https://example.org/"' in body
    page = desk.get(response.url).content.decode()
    assert "<script>alert" not in page and "onerror=" not in page


def test_rich_text_is_cleaned_on_output_too(client, db):
    document = document_with_history(1, is_public=True, body_texts=[PAYLOAD])
    # Written past the services (e.g. an old import): the page still cleans it.
    assert "<script>" in DocumentVersion.objects.get(pk=document.current_version_id).body

    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()

    text = page[page.index('class="document-text"') :]
    for bad in ("<script>alert(1)", "onerror", "javascript:alert", "onclick"):
        assert bad not in text
    assert "Hej" in text


def test_posts_without_a_csrf_token_are_refused(town):
    desk, case = start(town)
    task = desk.task(case, "draft")
    document = document_with_history(1, is_public=True)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(desk.user)
    forms = [
        (reverse("workflows:start"), {"title": "x"}),
        (reverse("workflows:task", args=[task.pk]), {"action": "save", "title": "Ändrad"}),
        (reverse("workflows:start_revision", args=[document.pk]), {}),
        (reverse("workflows:start_repeal", args=[document.pk]), {"motivation": "x"}),
        (reverse("logout"), {}),
        (reverse("set_language"), {"language": "en"}),
        ("/admin/login/", {"username": "x", "password": "y"}),
    ]
    for url, data in forms:
        assert strict.post(url, data).status_code == 403, url
    assert (
        Client(enforce_csrf_checks=True)
        .post(reverse("login"), {"username": "x", "password": "y"})
        .status_code
        == 403
    )
    assert DocumentVersion.objects.get(pk=case.version_id).title == "Handlingsplan 2027"
