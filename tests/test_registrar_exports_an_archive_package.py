"""The archive package (issue 22): the registrar asks for a package of a document, a case
or a body's year on /archive/; the scheduled command builds it; the page shows progress
and the download. The package follows E-ARK CSIP: METS.xml and PREMIS validate against the
vendored schemas, every file's SHA-256 in METS matches, and the same selection gives the
same bytes apart from METS's CREATEDATE."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from archive import package, services
from archive.models import ArchiveExport, ExportStatus
from archive.refusals import ArchiveExportNotAllowed
from archive.selection import select
from archive.validation import errors
from audit.models import AuditEntry
from documents.pdfa import archival_pdf
from org.models import BodyKind, PositionKind
from tests import pdfa_validator
from tests.archive_support import assert_checksums_match, open_package, read
from tests.factories import (
    BodyFactory,
    PositionFactory,
    PositionHoldingFactory,
    UserFactory,
    VersionFileFactory,
    document_with_history,
)

pytestmark = pytest.mark.django_db

A_TIME = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2026, 11, 30, 17, 45, 12, tzinfo=datetime.UTC)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def registrar():
    user = UserFactory(username="registrator")
    PositionHoldingFactory(user=user, position=PositionFactory(kind=PositionKind.REGISTRAR))
    return user


@pytest.fixture
def ks():
    return BodyFactory(name="Kommunstyrelsen", short_name="KS", kind=BodyKind.EXECUTIVE_BOARD)


@pytest.fixture
def policy(media, ks):
    """A policy KS adopted twice (2016, 2017), its valid version with an uploaded original."""
    document = document_with_history(2, decided_by=ks, title="Policy för informationssäkerhet")
    VersionFileFactory(version=document.current_version, original_name="Policy åäö.pdf")
    return document


def built(selection, created_at=A_TIME) -> bytes:
    out = io.BytesIO()
    package.build(selection, out, created_at=created_at)
    return out.getvalue()


def test_a_documents_package_validates_and_its_checksums_match(policy):
    archive, root = open_package(built(select(document=policy.pk)))
    mets = read(archive, root, "METS.xml")
    premis = read(archive, root, "metadata/preservation/premis.xml")
    assert errors(mets) == []
    assert errors(premis) == []
    listed = assert_checksums_match(archive, root)
    pdfs = [p for p in listed if p.startswith("representations/pdfa/data/")]
    assert len(pdfs) == 2  # both adopted versions
    assert all(read(archive, root, p).startswith(b"%PDF") for p in pdfs)
    # The valid version's PDF is its stored PDF/A (documents.pdfa), the same bytes.
    stored = archival_pdf(policy.current_version)
    [valid] = [p for p in pdfs if p.endswith("_version-2.pdf")]
    assert listed[valid][0] == stored.sha256
    assert b"pdfaid" in read(archive, root, valid)
    [original] = [p for p in listed if p.startswith("representations/original/data/")]
    assert original.endswith("01-Policy-aao.pdf")
    for schema in ["mets.xsd", "premis-v3-0.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd"]:
        assert f"schemas/{schema}" in listed
    descriptive = read(archive, root, "metadata/descriptive/styrdok.xml").decode()
    assert "Policy för informationssäkerhet" in descriptive
    assert policy.current_version.diary_entry.diarienummer in descriptive
    assert "§ 12" in descriptive
    # PREMIS names every content file with its digest and the adoption decisions as events.
    text = premis.decode()
    assert text.count("<premis:object ") == len([p for p in listed if p.startswith("repr")])
    assert text.count("<premis:eventType>decision</premis:eventType>") == 2


def test_the_validator_finds_what_breaks_the_schema(policy):
    archive, root = open_package(built(select(document=policy.pk)))
    mets = read(archive, root, "METS.xml")
    broken = mets.replace(b' CHECKSUMTYPE="SHA-256"', b' CHECKSUMTYPE="SHA-257"', 1)
    assert errors(broken)
    no_header = re.sub(rb"<metsHdr.*?</metsHdr>", b"", mets, flags=re.S)
    assert errors(no_header) == []  # metsHdr is optional in METS itself ...
    wrong_type = mets.replace(b'csip:OAISPACKAGETYPE="SIP"', b'csip:OAISPACKAGETYPE="ZIP"')
    assert errors(wrong_type)  # ... but the CSIP extension's values are checked


def test_the_same_selection_gives_the_same_package_but_for_its_creation_date(policy, ks):
    selection = select(body="KS", year="2016")
    assert built(selection) == built(selection)
    first, root = open_package(built(selection, A_TIME))
    second, _ = open_package(built(selection, LATER))
    assert first.namelist() == second.namelist()
    for name in first.namelist():
        a, b = first.read(name), second.read(name)
        if name.endswith("/METS.xml"):
            pattern = rb'CREATEDATE="[^"]*"'
            assert a != b
            assert re.sub(pattern, b"", a) == re.sub(pattern, b"", b)
        else:
            assert a == b, name
    assert [i.date_time for i in first.infolist()] == [(1980, 1, 1, 0, 0, 0)] * len(
        first.infolist()
    )


def test_a_bodys_year_holds_only_what_the_body_adopted_that_year(policy, ks, media):
    other = document_with_history(1, title="Riktlinje för något annat")  # another body
    archive, root = open_package(built(select(body="ks", year=2017)))
    pdfs = [n for n in archive.namelist() if "/representations/pdfa/" in n]
    assert len(pdfs) == 1  # version 2 of the policy, adopted 2017
    assert f"_dokument-{policy.pk}_version-2" in pdfs[0]
    assert not any(f"_dokument-{other.pk}_" in n for n in archive.namelist())


def test_the_registrar_asks_the_job_builds_and_the_page_shows_the_download(
    client, registrar, policy
):
    client.force_login(registrar)
    url = reverse("archive:exports")
    response = client.post(url, {"kind": "document", "document": policy.pk})
    assert response.status_code == 302
    export = ArchiveExport.objects.get()
    assert export.status == ExportStatus.QUEUED and export.requested_by == registrar
    page = client.get(url).content.decode()
    # The list follows the job in place (data-refresh, static/js/styrdok.js), never a timed
    # reload of the whole page, which would lose a half-filled form (and fails WCAG 2.2.1).
    assert 'data-refresh="10"' in page and 'http-equiv="refresh"' not in page

    out = io.StringIO()
    call_command("export_archive_package", stdout=out)
    assert "1 package(s) built." in out.getvalue()
    call_command("export_archive_package", stdout=out)  # nothing left: builds nothing again
    assert out.getvalue().count("#") == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert export.done == export.total > 0

    page = client.get(url).content.decode()
    download = reverse("archive:download", args=[export.pk])
    assert download in page and export.sha256 in page
    assert "data-refresh=" not in page
    response = client.get(download)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    archive, root = open_package(data)
    assert errors(read(archive, root, "METS.xml")) == []
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert [a for a in actions if a.startswith("archive")] == [
        "archive_export_requested",
        "archive_export_built",
        "archive_package_downloaded",
    ]


def test_the_page_shows_how_far_a_package_has_come(client, registrar, policy):
    ArchiveExport.objects.create(
        requested_by=registrar,
        kind="document",
        document=policy,
        status=ExportStatus.RUNNING,
        done=3,
        total=12,
    )
    client.force_login(registrar)
    page = client.get(reverse("archive:exports"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<progress max="100" value="25"' in page
    assert "3 av 12 filer" in page
    assert "Byggs" in page


def test_only_the_registrar_and_administrators_export(client, registrar, policy):
    url = reverse("archive:exports")
    assert client.get(url).status_code == 302  # to the log-in page
    official = UserFactory(username="handlaggare")
    PositionHoldingFactory(user=official, position=PositionFactory(kind=PositionKind.CHIEF))
    client.force_login(official)
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "document", "document": policy.pk}).status_code == 403
    with pytest.raises(ArchiveExportNotAllowed):
        services.request_export(user=official, document=policy.pk)
    export = services.request_export(user=registrar, document=policy.pk)
    services.run_pending()
    assert client.get(reverse("archive:download", args=[export.pk])).status_code == 403
    assert (
        "Arkivpaket" not in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    )

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(url).status_code == 200
    assert client.get(reverse("archive:download", args=[export.pk])).status_code == 200
    client.force_login(registrar)
    assert "Arkivpaket" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert client.get(reverse("archive:download", args=[export.pk + 1])).status_code == 404
    assert client.get(reverse("archive:download", args=[2**40])).status_code == 404


@pytest.mark.parametrize(
    ("data", "swedish"),
    [
        (
            {"kind": "body_year", "body": "XX", "year": "2017"},
            "Det finns inget organ med den koden",
        ),
        ({"kind": "body_year", "body": "KS", "year": "20"}, "Ange året med fyra siffror"),
        ({"kind": "body_year", "body": "KS", "year": "2001"}, "det finns inget att arkivera"),
        ({"kind": "body_year", "body": "KS", "year": "2017", "document_type": "nej"}, "Välj"),
        ({"kind": "document"}, "Välj en sak att exportera"),
        ({"kind": "document", "document": "987654"}, "Det finns inget dokument med det numret"),
        ({"kind": "case", "case": "987654"}, "Det finns inget ärende med det numret"),
    ],
)
def test_bad_selections_are_explained_in_swedish(client, registrar, policy, data, swedish):
    client.force_login(registrar)
    response = client.post(reverse("archive:exports"), data, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code in (400, 404)
    assert swedish in response.content.decode()
    assert not ArchiveExport.objects.exists()


def test_a_build_that_fails_says_why_and_is_audited(registrar, policy):
    export = services.request_export(user=registrar, document=policy.pk)
    upload = policy.current_version.files.get()
    upload.file.storage.delete(upload.file.name)  # the stored original is gone
    [result] = services.run_pending()
    assert result.pk == export.pk
    assert result.status == ExportStatus.FAILED
    assert result.error
    assert AuditEntry.objects.filter(action="archive_export_failed").count() == 1


def test_the_command_writes_a_selection_directly(policy, tmp_path):
    target = tmp_path / "ks-2017.zip"
    out = io.StringIO()
    call_command(
        "export_archive_package",
        "--body",
        "KS",
        "--year",
        "2017",
        "--output",
        str(target),
        stdout=out,
    )
    archive, root = open_package(target.read_bytes())
    assert errors(read(archive, root, "METS.xml")) == []
    assert AuditEntry.objects.filter(action="archive_export_built").count() == 1
    with pytest.raises(CommandError, match="archive_body_unknown"):
        call_command("export_archive_package", "--body", "XX", "--year", "2017", "--output", "x")


def test_a_build_that_died_is_taken_up_again_but_a_running_one_is_not(registrar, policy):
    running = services.request_export(user=registrar, document=policy.pk)
    ArchiveExport.objects.filter(pk=running.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    assert services.claim_next() is None
    ArchiveExport.objects.filter(pk=running.pk).update(
        started_at=timezone.now() - services.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    assert services.claim_next().pk == running.pk


def test_the_pdfa_representation_holds_valid_pdf_a(policy):
    """Each published version's PDF in ``representations/pdfa`` passes the PDF/A validator
    of the tests (Apache PDFBox Preflight, tests/pdfa_validator.py)."""
    pdfa_validator.require()
    archive, root = open_package(built(select(document=policy.pk)))
    pdfs = [n for n in archive.namelist() if "/representations/pdfa/data/" in n]
    assert len(pdfs) == 2
    for name in pdfs:
        valid, report = pdfa_validator.preflight(archive.read(name))
        assert valid, (name, report)


def test_a_package_reads_its_selection_once(policy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    selection = select(document=policy.pk)
    with CaptureQueriesContext(connection) as queries:
        built(selection)
    selection_reads = [
        q["sql"] for q in queries.captured_queries if '"status" IN' in q["sql"].replace("`", '"')
    ]
    case_reads = [q["sql"] for q in queries.captured_queries if "workflows_case" in q["sql"]]
    assert len(selection_reads) == 0  # read by select() already, kept on the selection
    assert len(case_reads) <= 1
