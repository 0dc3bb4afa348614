"""The text of uploaded PDF, Word (DOCX) and OpenDocument (ODT) files is searchable: it is
extracted on upload and indexed with the version's text; the newest upload is the one that
counts."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.files import check_upload
from documents.models import Document, DocumentVersion, SearchField, SearchTerm
from documents.search import search, snippet
from documents.selectors import register_rows
from documents.services import add_version_file, publish_version
from tests.factories import PublishedVersionFactory
from tests.upload_support import pdf_from_objects

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pdf_bytes(*lines: str) -> bytes:
    """A minimal valid one-page PDF showing the lines in Helvetica (WinAnsi: åäö work)."""

    def pdf_string(line: str) -> bytes:
        raw = line.encode("cp1252")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    content = b"BT /F1 12 Tf 72 720 Td 14 TL " + b" ".join(pdf_string(x) + b" '" for x in lines)
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return pdf_from_objects(objects)


def docx_bytes(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        )
    return out.getvalue()


def odt_bytes(*paragraphs: str) -> bytes:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            f"<office:body><office:text>{body}</office:text></office:body>"
            "</office:document-content>",
        )
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def titles(q: str) -> list[str]:
    return sorted(search(Document.objects.all(), q).values_list("title", flat=True))


def test_pdf_text_is_extracted_with_swedish_letters():
    checked = check_upload(upload("rutin.pdf", pdf_bytes("Åtgärder vid brand", "Öppna ärenden")))

    assert checked.content_type == "application/pdf"
    assert checked.extracted_text == "Åtgärder vid brand Öppna ärenden"


def test_a_broken_pdf_is_accepted_with_no_text():
    checked = check_upload(upload("trasig.pdf", b"%PDF-1.7\nnot really a pdf\n"))

    assert checked.extracted_text == ""


def test_docx_uploaded_before_publication_is_searchable_after_it():
    version = PublishedVersionFactory(title="Rutin", body="", publish=False)
    add_version_file(
        version, upload("rutin.docx", docx_bytes("Utrymningsplanen gäller.")), user=None
    )
    assert not SearchTerm.objects.filter(version=version).exists()  # not yet valid

    publish_version(version)

    assert titles("utrymningsplan") == ["Rutin"]
    assert SearchTerm.objects.filter(
        version=version, field=SearchField.TEXT, term__startswith="utrymnings"
    ).exists()


def test_pdf_added_to_a_valid_version_is_indexed_at_once():
    version = PublishedVersionFactory(title="Riktlinje", body="<p>Kort text.</p>")

    add_version_file(
        version, upload("riktlinje.pdf", pdf_bytes("Samverkansgruppen beslutar.")), user=None
    )

    assert titles("samverkansgrupp") == ["Riktlinje"]
    assert titles("kort text") == ["Riktlinje"]  # the HTML text stays indexed too
    assert "<mark>Samverkansgruppen</mark>" in snippet(version, "samverkansgrupp")


def test_the_newest_upload_replaces_the_older_ones_in_the_index():
    version = PublishedVersionFactory(title="Policy", body="")
    add_version_file(
        version, upload("v1.pdf", pdf_bytes("Gammal formulering om parkering.")), user=None
    )
    assert titles("parkering") == ["Policy"]

    add_version_file(version, upload("v2.odt", odt_bytes("Ny formulering om cyklar.")), user=None)

    assert titles("cyklar") == ["Policy"]
    assert titles("parkering") == []


def test_snippet_falls_back_to_the_file_when_the_text_has_no_match():
    version = PublishedVersionFactory(title="Rutin", body="<p>Se bifogad fil.</p>")
    add_version_file(
        version, upload("bilaga.odt", odt_bytes("Larmet testas första måndagen.")), user=None
    )

    assert snippet(version, "larm") == "<mark>Larmet</mark> testas första måndagen."
    assert snippet(version, "bifogad") == "Se <mark>bifogad</mark> fil."


def test_register_rows_cut_the_snippet_from_the_newest_file_without_a_query(
    django_assert_num_queries,
):
    version = PublishedVersionFactory(title="Rutin", body="<p>Se bifogad fil.</p>")
    add_version_file(version, upload("v1.odt", odt_bytes("Larmet testas varje år.")), user=None)
    add_version_file(
        version, upload("v2.odt", odt_bytes("Larmet testas första måndagen.")), user=None
    )
    row = register_rows(version.created_by, with_text=True).get(pk=version.pk)

    with django_assert_num_queries(0):
        from_row = snippet(row, "larm")
    assert from_row == "<mark>Larmet</mark> testas första måndagen."
    assert from_row == snippet(DocumentVersion.objects.get(pk=version.pk), "larm")
    assert snippet(row, "bifogad") == "Se <mark>bifogad</mark> fil."


def test_register_rows_of_a_version_without_files_have_no_file_text():
    version = PublishedVersionFactory(title="Rutin", body="<p>Se bifogad fil.</p>")
    row = register_rows(version.created_by, with_text=True).get(pk=version.pk)
    assert row.file_text is None
    assert snippet(row, "larm") == "Se bifogad fil."


def test_the_register_page_shows_the_files_snippet(client):
    version = PublishedVersionFactory(title="Rutin", body="<p>Se bifogad fil.</p>")
    add_version_file(
        version, upload("bilaga.odt", odt_bytes("Larmet testas första måndagen.")), user=None
    )
    response = client.get(reverse("register"), {"q": "larmet"})
    assert "<mark>Larmet</mark> testas första måndagen." in response.content.decode()
