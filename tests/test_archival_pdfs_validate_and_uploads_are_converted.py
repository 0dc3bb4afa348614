"""The archival PDF of a published version validates as PDF/A (Apache PDFBox Preflight,
see tests/pdfa_validator.py for how strict it is); an uploaded PDF that is not PDF/A is kept
as uploaded and converted (Ghostscript), one that already is PDF/A is kept as it is, and an
encrypted or damaged one is reported on the version's page in Swedish."""

from __future__ import annotations

import io
import shutil

import pikepdf
import pytest
from reportlab.pdfgen import canvas

from documents.models import ArchivalCopy, ArchivalFailure
from documents.pdf import version_pdf
from documents.pdfa import archival_file, archival_pdf
from tests import pdfa_validator
from tests.factories import VersionFileFactory, _sha256, document_with_history

pytestmark = pytest.mark.django_db

HTML = (
    "<h1>Syfte</h1><p>Text med <strong>fet</strong>, <em>kursiv</em>, <code>kod</code>, "
    '<a href="https://example.org/">en länk</a> och tecken: åäö ÅÄÖ é € – “citat” ✓ 漢.</p>'
    "<ul><li>ett</li><li>två</li></ul><ol><li>tre</li></ol>"
    "<table><tr><th>Roll</th><th>Ansvar</th></tr><tr><td>Chef</td><td>Allt</td></tr></table>"
    "<blockquote>Citat</blockquote><pre>förformaterad</pre><hr>"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def plain_pdf(text: str = "Rutin för avvikelser") -> bytes:
    """A PDF as office programs write them: standard font not embedded, CMYK colour."""
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    drawing.setFont("Helvetica", 12)
    drawing.drawString(72, 720, text)
    drawing.setFillColorCMYK(0, 1, 0, 0)
    drawing.rect(72, 600, 100, 50, fill=1)
    drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(plain_pdf())) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(user="hemligt", owner="hemligt"))
    return buffer.getvalue()


def upload(version, data: bytes, name: str = "Rutin.pdf"):
    return VersionFileFactory(
        version=version,
        original_name=name,
        file__data=data,
        size=len(data),
        sha256=_sha256(data),
    )


def test_the_version_archival_pdf_validates_as_pdf_a():
    version = document_with_history(2, body_texts=["<p>Ett.</p>", HTML]).current_version

    data = archival_pdf(version).read()

    valid, report = pdfa_validator.preflight(data)
    assert valid, report
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"


def test_the_validator_refuses_the_plain_pdf():
    """The check can fail: the PDF the register offers (fonts not embedded, no output
    intent, no XMP) is not PDF/A."""
    version = document_with_history(1).current_version

    valid, report = pdfa_validator.preflight(version_pdf(version), relabel=False)

    assert not valid
    assert "not a valid PDF/A-1b" in report


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed")
def test_an_upload_that_is_not_pdf_a_is_kept_and_converted():
    version = document_with_history(1).current_version
    original = plain_pdf()
    stored = upload(version, original)

    copy = archival_file(stored)

    assert copy.conformance == "PDF/A-2b" and not copy.failure
    assert copy.name != stored.file.name
    with stored.file.open("rb") as handle:
        assert handle.read() == original  # kept as uploaded
    valid, report = pdfa_validator.preflight(copy.read())
    assert valid, report
    assert archival_file(stored) == copy  # made once
    assert ArchivalCopy.objects.filter(source_file=stored).count() == 1


def test_an_upload_that_already_is_pdf_a_is_kept_as_it_is():
    version = document_with_history(1).current_version
    already = archival_pdf(version).read()
    stored = upload(version, already, "Arkiv.pdf")

    copy = archival_file(stored)

    assert copy.name == stored.file.name
    assert copy.sha256 == stored.sha256
    assert copy.conformance == "PDF/A-2b"


@pytest.mark.parametrize(
    ("data", "failure", "words"),
    [
        (encrypted_pdf, ArchivalFailure.ENCRYPTED, "filen är krypterad"),
        (lambda: b"%PDF-1.4\nnothing more", ArchivalFailure.BROKEN, "filen är skadad"),
    ],
)
def test_an_encrypted_or_damaged_upload_is_reported_in_swedish(client, data, failure, words):
    document = document_with_history(1)
    version = document.current_version
    stored = upload(version, data())

    copy = archival_file(stored)

    assert copy.failure == failure and not copy.exists
    page = client.get(f"/documents/{document.pk}/versions/1/", HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert "Kunde inte omvandlas till PDF/A" in text and words in text
    assert "Originalfilen som PDF/A" not in text
    assert client.get(f"/documents/{document.pk}/versions/1/file/pdfa/").status_code == 404


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed")
def test_the_page_names_the_archival_format_of_a_converted_upload(client):
    document = document_with_history(1)
    stored = upload(document.current_version, plain_pdf())
    archival_file(stored)

    text = client.get(f"/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "Arkivformat: PDF/A-2b" in text
    assert f"/documents/{document.pk}/versions/1/file/pdfa/" in text
