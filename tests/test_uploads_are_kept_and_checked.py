"""Uploaded document files are recognised by their content (PDF, DOCX, ODT), kept side by
side (never overwritten), and anything else is refused without a trace."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from documents.models import VersionFile
from tests.lifecycle import (
    PDF_BYTES,
    days,
    decisions,
    open_steps,
    pdf,
    refresh,
    shows,
    snapshot,
)
from tests.upload_support import handlingsplan_draft, policy_at_registration

NOT_A_DOCUMENT = "The file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."


def docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def start(town):
    return handlingsplan_draft(town)


def test_every_upload_is_kept(town):
    desk, case = start(town)
    first = SimpleUploadedFile("Handlingsplan.pdf", PDF_BYTES, content_type="application/pdf")
    second_bytes = docx("Språkutveckling varje dag")
    second = SimpleUploadedFile("Handlingsplan.pdf", second_bytes, content_type="application/pdf")

    assert desk.attempt(case, "draft", action="save", upload=first).status_code == 302
    assert desk.attempt(case, "draft", action="save", upload=second).status_code == 302

    files = list(VersionFile.objects.filter(version=case.version).order_by("pk"))
    assert len(files) == 2
    assert files[0].file.name != files[1].file.name
    assert [f.original_name for f in files] == ["Handlingsplan.pdf", "Handlingsplan.pdf"]
    # The type comes from the content, not from the name the browser sent.
    assert files[0].content_type == "application/pdf"
    assert files[0].file.name.endswith(".pdf")
    assert files[1].content_type.endswith("wordprocessingml.document")
    assert files[1].file.name.endswith(".docx")
    assert files[1].extracted_text == "Språkutveckling varje dag"
    for stored, content in zip(files, [PDF_BYTES, second_bytes], strict=True):
        with stored.file.open("rb") as f:
            assert f.read() == content
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
        assert stored.uploaded_by == desk.user
    assert AuditEntry.objects.filter(case=case, action="file_uploaded").count() == 2

    # A draft of only a file (no text) may be submitted.
    desk.complete(case, "draft")
    assert open_steps(case) == ["union_statement"]


def test_a_file_that_is_no_document_is_refused(town):
    desk, case = start(town)
    before = snapshot(case)
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = desk.attempt(case, "draft", action="save", upload=fake, body="<p>Ny text</p>")

    assert response.status_code == 400
    assert shows(response, NOT_A_DOCUMENT)
    assert not VersionFile.objects.exists()
    assert snapshot(case) == before
    assert refresh(case).version.body == ""  # the text typed with it was not saved either


def test_the_minutes_extract_must_be_a_document(town):
    case = policy_at_registration(town)
    before = snapshot(case)
    registrar = town.desk("registrator")

    bad = SimpleUploadedFile(
        "utdrag.pdf", b"<html>protokoll</html>", content_type="application/pdf"
    )
    response = registrar.attempt(
        case, "registration", minutes_extract=bad, justering_date=days(0), anslag_date=days(0)
    )
    assert response.status_code == 400
    assert shows(response, NOT_A_DOCUMENT)
    assert snapshot(case) == before

    missing = registrar.attempt(case, "registration", justering_date=days(0), anslag_date=days(0))
    assert missing.status_code == 400
    assert "minutes_extract" in missing.context["form"].errors
    assert snapshot(case) == before

    registrar.complete(
        case, "registration", minutes_extract=pdf(), justering_date=days(0), anslag_date=days(0)
    )
    [decision] = decisions(case)
    with decision.minutes_extract.open("rb") as f:
        assert f.read() == PDF_BYTES
