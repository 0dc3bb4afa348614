"""Every published version has an archival PDF (PDF/A-2b): its decision record on page 1,
its metadata in XMP, made once and the same bytes whenever it is asked for."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader

from documents.models import ArchivalCopy
from documents.pdfa import NotArchivable, archival_pdf
from tests.factories import DocumentVersionFactory, document_with_history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_the_archival_pdf_states_the_decision_on_page_one_and_carries_the_metadata():
    document = document_with_history(2, title="Policy för informationssäkerhet")
    version = document.current_version

    copy = archival_pdf(version)

    data = copy.read()
    assert copy.conformance == "PDF/A-2b"
    assert len(copy.sha256) == 64 and copy.size == len(data)
    first_page = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    decision = version.adoption
    assert "Policy för informationssäkerhet" in first_page
    assert decision.decider_name in first_page
    assert decision.decision_date.isoformat() in first_page
    assert "§ 12" in first_page
    assert version.diary_entry.diarienummer in first_page
    assert "Gäller från" in first_page and "2017-03-01" in first_page
    assert "Beslutat av" in first_page and "Dokumentansvarig" in first_page
    assert "Ersätter" in first_page and "version 1" in first_page
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert meta["dc:title"] == "Policy för informationssäkerhet"
        assert meta["dc:language"] == {"sv"}
        assert meta["dc:identifier"] == version.diary_entry.diarienummer
        assert meta["dc:type"] == {str(document.document_type)}
        assert meta["dc:coverage"] == str(document.scope_unit)
        assert meta["dc:creator"] == [str(document.owner_position)]
        ns = "{urn:styrdok:xmp:1.0/}"
        assert meta[f"{ns}ownerPosition"] == str(document.owner_position)
        assert meta[f"{ns}scopeUnit"] == str(document.scope_unit)
        assert meta[f"{ns}documentType"] == str(document.document_type)
        assert meta[f"{ns}diarienummer"] == version.diary_entry.diarienummer
        assert not pdf.is_encrypted
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        assert all(
            page.Resources.Font[name].FontDescriptor.get("/FontFile2") is not None
            for page in pdf.pages
            for name in page.Resources.Font
        ), fonts


def test_the_same_bytes_every_time_it_is_asked_for_and_one_row():
    version = document_with_history(1).current_version

    first = archival_pdf(version)
    second = archival_pdf(version)

    assert first == second
    assert first.read() == second.read()
    assert ArchivalCopy.objects.filter(version=version).count() == 1


def test_rendering_again_gives_the_same_bytes():
    from documents.pdfa.record import load_version, record_of
    from documents.pdfa.render import render_archival_pdf

    version = load_version(document_with_history(1).current_version.pk)

    once = render_archival_pdf(record_of(version), version.body)
    again = render_archival_pdf(record_of(version), version.body)

    assert once == again


def test_a_draft_has_no_archival_pdf():
    draft = DocumentVersionFactory()

    with pytest.raises(NotArchivable):
        archival_pdf(draft)
    assert not ArchivalCopy.objects.exists()
