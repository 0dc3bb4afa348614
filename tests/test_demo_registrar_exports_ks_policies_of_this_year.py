"""Issue 22's "done when": in the demo, the registrar exports the archive package of KS's
policies of this year, and it validates (METS and PREMIS against the vendored schemas,
every checksum matching)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from archive.models import ArchiveExport, ExportStatus
from archive.validation import errors
from documents.models import DocumentVersion
from tests.archive_support import assert_checksums_match, open_package, read


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())


def test_the_registrar_exports_ks_policies_of_this_year_and_it_validates(demo, client):
    year = timezone.localdate().year
    adopted = DocumentVersion.objects.filter(
        adoption__body__short_name="KS",
        adoption__decision_date__year=year,
        adoption__outcome="adopted",
        document__document_type__code="policy",
    )
    assert adopted.exists()
    client.force_login(get_user_model().objects.get(username="registrator"))
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert reverse("archive:exports") in page  # the menu links the archive page

    response = client.post(
        reverse("archive:exports"),
        {"kind": "body_year", "body": "KS", "year": year, "document_type": "policy"},
    )
    assert response.status_code == 302
    call_command("export_archive_package", stdout=io.StringIO())
    export = ArchiveExport.objects.get()
    assert export.status == ExportStatus.DONE, export.error

    response = client.get(reverse("archive:download", args=[export.pk]))
    archive, root = open_package(b"".join(response.streaming_content))
    assert errors(read(archive, root, "METS.xml")) == []
    assert errors(read(archive, root, "metadata/preservation/premis.xml")) == []
    listed = assert_checksums_match(archive, root)
    pdfs = sorted(p for p in listed if p.startswith("representations/pdfa/data/"))
    assert len(pdfs) == adopted.count()
    for version in adopted:
        assert any(f"_dokument-{version.document_id}_version-{version.number}/" in p for p in pdfs)
    descriptive = read(archive, root, "metadata/descriptive/styrdok.xml").decode()
    assert f'urval="body:KS:{year}:policy"' in descriptive
