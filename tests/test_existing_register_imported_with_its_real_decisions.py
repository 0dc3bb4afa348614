"""A municipality brings its existing register (issue 19): a KF policy adopted 2018-03-26
§ 26 under KS 2018/123 is imported as valid, with its real decision record and diarienummer
(never one of Styrdok's series), searchable through its file's text, in the review cycle;
earlier versions come superseded; a dry run writes nothing; a decision the rule set would not
allow is flagged; a bad file refuses the whole import naming its row; only administrators
and the registrar import; a re-import updates instead of duplicating."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from documents.importing import runs
from documents.importing.services import RegisterImportNotAllowed, import_register
from documents.importing.sources import Zip, open_files
from documents.models import (
    Decision,
    DiaryCounter,
    DiaryEntry,
    Document,
    DocumentStatus,
    VersionStatus,
)
from documents.search import search_documents
from tests.factories import UserFactory, build_default_rule_set, build_municipality
from tests.registerfile import kf_policy, xlsx, zip_of
from tests.upload_support import docx

pytestmark = pytest.mark.django_db

POLICY_TEXT = "<w:p><w:r><w:t>Informationsklassning gäller alla förvaltningar.</w:t></w:r></w:p>"


@pytest.fixture
def m():
    return build_municipality()


def _files(**extra: bytes) -> Zip:
    import io

    return Zip(io.BytesIO(zip_of({"policy.docx": docx(POLICY_TEXT), **extra})))


def _import(rows, earlier=None, files=None, repeals=None, **kwargs):
    data = xlsx(rows, earlier, repeals)
    return import_register("register.xlsx", data, files or _files(), **kwargs)


def test_a_kf_policy_from_2018_shows_its_real_record_and_diarienummer(m, client):
    earlier = [
        {
            "Dokument": "POL-1",
            "Version": "1",
            "Titel": "Informationssäkerhetspolicy",
            "Text": "Den första policyn.",
            "Beslutande organ": "KS",
            "Beslutsdatum": "2012-05-02",
            "Paragraf": "§ 88",
            "Diarienummer": "KS 2012/40",
        }
    ]
    report = _import([kf_policy(m)], earlier)
    assert report.ok, report.problems
    assert report.warnings == []
    document = Document.objects.get(import_key="POL-1")
    assert document.status == DocumentStatus.VALID
    version = document.current_version
    assert version.number == 2
    assert version.adoption_line == (
        "Fastställd av Kommunfullmäktige 2018-03-26, § 26, Dnr KS 2018/123"
    )
    assert version.valid_from == datetime.date(2018, 4, 1)
    assert version.next_review == datetime.date(2027, 3, 26)  # the review jobs read this
    first = document.versions.get(number=1)
    assert first.status == VersionStatus.SUPERSEDED
    assert first.superseded_on == datetime.date(2018, 4, 1)
    assert first.adoption.historical_diarienummer == "KS 2012/40"
    # The diarium's series are untouched: no number taken, no entry made.
    assert not DiaryEntry.objects.exists() and not DiaryCounter.objects.exists()
    # Searchable through the file's text; shown on the document page with its record.
    assert list(search_documents("informationsklassning")) == [document]
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Fastställd av Kommunfullmäktige 2018-03-26, § 26, Dnr KS 2018/123" in page
    # Audited as the import's: the run's entry, and each step noted with the import.
    assert AuditEntry.objects.filter(action="register_imported").count() == 1
    published = AuditEntry.objects.filter(action="version_published", target_id=str(version.pk))
    assert published.count() == 1
    # Everything that states the version's diarienummer states the historical one: the
    # archival PDF/A's record (its page 1 and metadata), the API, the open data.
    from documents.pdfa.record import load_version, record_of

    record = record_of(load_version(version.pk))
    assert record.diarienummer == "KS 2018/123"
    assert record.replaces.endswith("(Dnr KS 2012/40)")
    assert version.diarienummer == "KS 2018/123"


def test_a_dry_run_writes_nothing(m):
    report = _import([kf_policy(m)], dry_run=True)
    assert report.ok and len(report.changes) == 1
    assert not Document.objects.exists() and not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action="register_imported").exists()


def test_errors_name_sheet_row_and_column_in_swedish(m):
    rows = [kf_policy(m), kf_policy(m, Nyckel="POL-2", Enhet="SEK-9", Fil="", Text="x")]
    report = _import(rows)
    assert not report.ok
    assert "Blad Dokument, rad 3, kolumn Enhet: enhet 'SEK-9' finns inte" in [
        str(p) for p in report.problems
    ]
    assert not Document.objects.exists()


def test_a_decision_outside_the_rule_set_is_flagged_in_the_dry_run_and_on_the_health_page(
    m, client
):
    # A rutin is adopted by a unit chief or the process owner; this one by KF, long ago.
    row = kf_policy(m, Nyckel="RUT-1", Dokumenttyp="Rutin", Titel="Rutin för arkivering")
    dry = _import([row], dry_run=True)
    assert dry.ok
    assert [str(w) for w in dry.warnings] == [
        "Blad Dokument, rad 2, kolumn Beslutande organ: Kommunfullmäktige: "
        "fastställd av en annan instans än regelverket anger"
    ]
    assert _import([row]).ok
    document = Document.objects.get(import_key="RUT-1")
    assert document.current_version.adoption.outside_rule_set
    registrar = m.holders["registrator"]
    client.force_login(registrar)
    page = client.get(reverse("register_health")).content.decode()
    assert "Fastställd av en annan instans än regelverket anger" in page
    assert "Rutin för arkivering" in page


def test_a_bad_file_is_refused_with_its_row_and_nothing_is_imported(m):
    rows = [kf_policy(m), kf_policy(m, Nyckel="POL-2", Fil="falsk.pdf")]
    report = _import(rows, files=_files(**{"falsk.pdf": b"not a pdf at all"}))
    assert not report.ok
    (problem,) = report.problems
    assert (problem.sheet, problem.row, problem.column) == ("Dokument", 3, "Fil")
    assert not Document.objects.exists() and not Decision.objects.exists()


def test_only_administrators_and_the_registrar_import(m, client):
    data = xlsx([kf_policy(m)])
    with pytest.raises(RegisterImportNotAllowed):
        runs.preview(m.holders["enhetschef"], SimpleUploadedFile("r.xlsx", data), None)
    client.force_login(m.holders["enhetschef"])
    assert client.get(reverse("registerimport:start")).status_code == 403
    client.force_login(m.holders["registrator"])
    response = client.post(
        reverse("registerimport:start"),
        {
            "file": SimpleUploadedFile("register.xlsx", data),
            "files": SimpleUploadedFile("filer.zip", zip_of({"policy.docx": docx(POLICY_TEXT)})),
        },
    )
    # The upload is checked and kept as a run to confirm; nothing is imported yet.
    assert response.status_code == 302
    assert not Document.objects.exists()
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("registerimport:template")).status_code == 200


def test_a_reimport_updates_instead_of_duplicating(m, monkeypatch):
    assert _import([kf_policy(m)]).ok
    changed = kf_policy(m, Sammanfattning="Ny sammanfattning", **{"Nästa översyn": "2028-01-31"})
    # A known document is updated without its file: the file is not checked again.
    from documents.importing import check

    checked = []
    real = check._checked
    monkeypatch.setattr(check, "_checked", lambda *a: checked.append(a) or real(*a))
    report = _import([changed])
    assert checked == []
    assert report.ok, report.problems
    assert Document.objects.count() == 1
    document = Document.objects.get()
    assert document.summary == "Ny sammanfattning"
    assert document.current_version.next_review == datetime.date(2028, 1, 31)
    assert [c.kind for c in report.changes] == ["change"]
    # Another valid version under the same key is refused clearly, not added.
    refused = _import([kf_policy(m, Titel="En annan titel")])
    assert not refused.ok
    assert refused.problems[0].column == "Nyckel"
    assert Document.objects.count() == 1


def test_the_command_tries_and_imports_with_a_folder_of_files(m, tmp_path, capsys):
    (tmp_path / "filer").mkdir()
    (tmp_path / "filer" / "policy.docx").write_bytes(docx(POLICY_TEXT))
    (tmp_path / "register.xlsx").write_bytes(xlsx([kf_policy(m)]))
    args = [str(tmp_path / "register.xlsx"), "--files", str(tmp_path / "filer")]
    call_command("import_register", *args, "--dry-run", verbosity=0)
    assert not Document.objects.exists()
    call_command("import_register", *args, verbosity=0)
    assert Document.objects.get().status == DocumentStatus.VALID


@pytest.mark.django_db(transaction=True)
def test_export_import_into_an_empty_database_export_again_is_the_same(tmp_path):
    from documents.importing.export import export
    from org.importing.export import export as export_organisation

    m = build_municipality()
    earlier = [
        {
            "Dokument": "POL-1",
            "Version": "1",
            "Titel": "Informationssäkerhetspolicy",
            "Text": "Den första policyn.\n\nAndra stycket.",
            "Beslutande organ": "KS",
            "Beslutsdatum": "2012-05-02",
            "Paragraf": "88",
            "Diarienummer": "KS 2012/40",
        }
    ]
    rows = [
        kf_policy(m),
        kf_policy(
            m,
            Nyckel="RUT-1",
            Dokumenttyp="Rutin",
            Titel="Rutin för arkivering",
            **{"Överordnat dokument": "POL-1", "Beslutande organ": "", "Fil": ""},
            **{"Beslutande befattning": m.positions["processagare"].code, "Text": "Arkivera."},
            Process="Rekrytering",
        ),
        kf_policy(
            m,
            Nyckel="POL-OLD",
            Titel="Gammal policy",
            Fil="",
            Text="Upphävd.",
            **{"Giltig till": "2020-12-31"},
        ),
    ]
    repeals = [
        {
            "Dokument": "POL-OLD",
            "Beslutande organ": "KF",
            "Beslutsdatum": "2021-01-01",
            "Paragraf": "§ 3",
            "Diarienummer": "KS 2020/99",
        }
    ]
    assert _import(rows, earlier + [dict(earlier[0], Dokument="POL-OLD")], repeals=repeals).ok
    assert Document.objects.get(import_key="POL-OLD").status == DocumentStatus.REPEALED
    first, first_files = export("zip")
    organisation = export_organisation("zip")
    call_command("flush", interactive=False, verbosity=0)
    assert not Document.objects.exists()
    (tmp_path / "org.zip").write_bytes(organisation)
    call_command("import_organisation", str(tmp_path / "org.zip"), verbosity=0)
    build_default_rule_set()
    (tmp_path / "register.zip").write_bytes(first)
    (tmp_path / "filer.zip").write_bytes(first_files)
    call_command(
        "import_register",
        str(tmp_path / "register.zip"),
        "--files",
        str(tmp_path / "filer.zip"),
        verbosity=0,
    )
    assert Document.objects.filter(status=DocumentStatus.VALID).count() == 2
    repealed = Document.objects.get(import_key="POL-OLD")
    assert repealed.status == DocumentStatus.REPEALED
    assert repealed.repealed_on == datetime.date(2021, 1, 1)
    assert repealed.versions.get(number=1).status == VersionStatus.SUPERSEDED
    again, again_files = export("zip")
    assert again == first
    assert again_files == first_files
    call_command("export_register", str(tmp_path / "again.zip"))
    assert (tmp_path / "again.zip").read_bytes() == first
    # The exported files imported again change nothing and add nothing.
    report = import_register("register.zip", first, open_files(tmp_path / "filer.zip"))
    assert report.ok and report.changes == []
    assert Document.objects.count() == 3
