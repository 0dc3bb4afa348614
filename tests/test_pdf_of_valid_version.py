"""A PDF of a version, generated on request from its sanitised text: a header with title,
type, decision line, valid-from date and diarienummer; headings, lists, tables, bold and
italic; Swedish letters; only for those who may see the version."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from documents import pdf
from documents.models import Decision, DiaryEntry
from tests.factories import (
    BodyFactory,
    DiarySeriesFactory,
    DocumentTypeFactory,
    UserFactory,
    document_with_history,
)

pytestmark = pytest.mark.django_db

RICH_TEXT = (
    "<h1>Syfte</h1>"
    "<div>Rutinen gäller för <strong>alla</strong> medarbetare på <em>förskolan</em>. "
    'Åsa och Örjan ansvarar – se <a href="https://example.org/?a=1&amp;b=2">länken</a>.</div>'
    "<h2>Ansvar</h2>"
    "<ul><li>Enhetschefen följer upp<ul><li>varje halvår</li></ul></li><li>Skyddsombudet</li></ul>"
    "<ol><li>Anmäl tillbudet</li><li>Utred orsaken</li></ol>"
    "<table><thead><tr><th>Roll</th><th>Uppgift</th></tr></thead>"
    "<tbody><tr><td>Medarbetare</td><td>Rapporterar inom tre dagar</td></tr></tbody></table>"
    "<blockquote>Citat ur arbetsmiljölagen</blockquote>"
    "<script>alert('inte text')</script>"
)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def rutin():
    ks = BodyFactory(name="Kommunstyrelsen", short_name="KS")
    document = document_with_history(
        2,
        title="Rutin för tillbud på förskolan",
        document_type=DocumentTypeFactory(code="rutin-pdf", name="Rutin"),
        decided_by=ks,
        series=DiarySeriesFactory(code="KS", body=ks),
        body_texts=["<p>Den gamla versionen.</p>", RICH_TEXT],
    )
    valid = document.current_version
    Decision.objects.filter(pk=valid.adoption_id).update(
        decision_date=datetime.date(2026, 3, 26), paragraph="§ 26"
    )
    DiaryEntry.objects.filter(pk=valid.diary_entry_id).update(year=2026, number=17)
    return document


def test_the_pdf_of_the_valid_version_is_an_attachment(client, rutin):
    response = client.get(f"/documents/{rutin.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        'attachment; filename="rutin-for-tillbud-pa-forskolan-v2.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_header_names_title_type_decision_validity_and_diarienummer(client, rutin):
    text = pdf_text(client.get(f"/documents/{rutin.pk}/pdf/").content)

    assert "Rutin för tillbud på förskolan" in text
    assert "RUTIN" in text
    assert "Fastställd av Kommunstyrelsen 2026-03-26, § 26, Dnr KS 2026/17" in text
    assert "Gäller från" in text
    assert "2017-03-01" in text
    assert "Diarienummer" in text
    assert "KS 2026/17" in text


def test_the_pdf_holds_the_text_with_headings_lists_tables_and_swedish_letters(client, rutin):
    text = pdf_text(client.get(f"/documents/{rutin.pk}/pdf/").content)

    for expected in [
        "Syfte",
        "Rutinen gäller för alla medarbetare på förskolan.",
        "Åsa och Örjan ansvarar",
        "Ansvar",
        "Enhetschefen följer upp",
        "varje halvår",
        "Skyddsombudet",
        "Anmäl tillbudet",
        "Utred orsaken",
        "Roll",
        "Uppgift",
        "Rapporterar inom tre dagar",
        "Citat ur arbetsmiljölagen",
        "Sida 1",
    ]:
        assert expected in text, expected
    assert re.search(r"1\.\s+Anmäl tillbudet\s+2\.\s+Utred orsaken", text)
    assert "inte text" not in text
    assert "Den gamla versionen." not in text


def test_bold_and_italic_use_the_bold_and_italic_fonts(client, rutin):
    reader = PdfReader(io.BytesIO(client.get(f"/documents/{rutin.pk}/pdf/").content))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }

    assert {"/Helvetica", "/Helvetica-Bold", "/Helvetica-Oblique"} <= fonts


def test_a_fixed_version_has_its_own_pdf(client, rutin):
    response = client.get(f"/documents/{rutin.pk}/versions/1/pdf/")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-v1.pdf"')
    text = pdf_text(response.content)
    assert "Den gamla versionen." in text
    assert "Ersatt" in text


def test_the_pdf_of_a_repealed_document_says_so(client):
    document = document_with_history(1, repealed=True, body_texts=["<p>Sista texten.</p>"])

    text = pdf_text(client.get(f"/documents/{document.pk}/pdf/").content)

    assert "Upphävd 2016-12-31" in text
    assert "Sista texten." in text


def test_an_internal_document_pdf_needs_a_login(client):
    document = document_with_history(1, is_public=False)

    assert client.get(f"/documents/{document.pk}/pdf/").status_code == 404
    assert client.get(f"/documents/{document.pk}/versions/1/pdf/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/documents/{document.pk}/pdf/").status_code == 200


def test_a_document_without_a_valid_version_has_no_pdf(client):
    assert client.get("/documents/987654/pdf/").status_code == 404


# --- The generator -------------------------------------------------------------------------


def test_characters_outside_helvetica_become_readable_substitutes():
    data = pdf.render_pdf(pdf.PdfHeader(title="Tecken"), "<p>a → b ≥ c ☃ d</p>")

    text = pdf_text(data)
    assert "a -> b >= c ? d" in text


def test_a_table_cell_taller_than_a_page_falls_back_to_lines_of_text():
    long_cell = "<br>".join(f"Rad {i} i en mycket lång cell" for i in range(200))
    data = pdf.render_pdf(
        pdf.PdfHeader(title="Lång tabell"),
        f"<table><tr><td>{long_cell}</td><td>Kort</td></tr></table>",
    )

    text = pdf_text(data)
    assert "Rad 199 i en mycket lång cell" in text


def test_deeply_nested_markup_does_not_break_the_generator():
    nested = "<div>" * 300 + "Djupt inne" + "</div>" * 300
    lists = "<ul><li>" * 60 + "Djup lista" + "</li></ul>" * 60

    text = pdf_text(pdf.render_pdf(pdf.PdfHeader(title="Djup"), nested + lists))

    assert "Djupt inne" in text
    assert "Djup lista" in text


def test_a_30_page_document_renders_every_page():
    paragraph = "<p>" + " ".join(["Medarbetaren rapporterar tillbud i systemet."] * 8) + "</p>"
    html = "".join(
        f"<h2>Avsnitt {i}</h2>{paragraph * 10}<ul><li>Punkt ett</li><li>Punkt två</li></ul>"
        for i in range(40)
    )

    data = pdf.render_pdf(pdf.PdfHeader(title="Lång rutin"), html)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 20
    assert "Avsnitt 39" in "".join(page.extract_text() for page in reader.pages[-3:])
