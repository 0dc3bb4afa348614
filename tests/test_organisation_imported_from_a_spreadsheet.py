"""An administrator imports the organisation from a spreadsheet (issue 19): the template and
the example are downloadable, the dry run writes nothing, the confirmation applies all of it
with the circle body -> secretary position -> unit resolved, audited as the import's; CSV and
ZIP of CSVs work too; the export round-trips through an empty database."""

from __future__ import annotations

import html
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from documents.models import DiarySeries
from org.import_models import ImportStatus, OrganisationImport
from org.importing.export import export, tables
from org.models import Body, Position, PositionHolding, Substitution, Unit
from tests.factories import UserFactory, build_municipality
from tests.orgfile import csv_zip, example, upload, wipe_organisation, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.admin = admin
    return client


def _confirm(client, run):
    return client.post(reverse("orgimport:confirm", args=[run.pk]), follow=True)


def test_the_template_has_every_sheet_with_swedish_column_names(admin_client):
    response = admin_client.get(reverse("orgimport:template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "Enheter" in book.sheetnames and "Diarieserier" in book.sheetnames
    headers = [c.value for c in book["Enheter"][1]]
    assert headers == ["Kod", "Namn", "Nivå", "Överordnad enhet", "Ansvarigt organ", "Aktiv"]
    assert book["Enheter"].max_row == 1


def test_the_page_offers_template_example_and_export(admin_client):
    page = admin_client.get(reverse("orgimport:start")).content.decode()
    for name in ("orgimport:template", "orgimport:example", "orgimport:export"):
        assert reverse(name) in page
    assert 'for="id_file"' in page and 'for="id_ends_from"' in page


def test_dry_run_writes_nothing_and_confirming_applies_the_example(admin_client):
    response = upload(admin_client, admin_client.get(reverse("orgimport:example")).content)
    run = OrganisationImport.objects.get()
    assert run.status == ImportStatus.PREVIEWED
    page = html.unescape(response.content.decode())
    assert "Enheter: Läggs till: enhet 'FSK-SOL'" in page
    assert Unit.objects.count() == 0 and Body.objects.count() == 0  # nothing written yet

    response = _confirm(admin_client, run)
    assert "Organisationen importerades" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED and run.applied_by == admin_client.admin
    assert run.preview["counts"]["Enheter"] == {"add": 5, "change": 0, "end": 0}  # what it did
    ks = Body.objects.get(short_name="KS")
    # The circle: KS's secretary sits in a unit of the municipality whose body is KS.
    assert ks.secretary_position.code == "KS-SEK"
    assert ks.prepares_for.short_name == "KF"
    assert Unit.objects.get(code="KOMMUN").responsible_body == ks
    assert Unit.objects.get(code="FSK-SOL").parent.code == "FSK"
    assert PositionHolding.objects.get(position__code="KC").user.email == "anna.berg@exempel.se"
    assert Substitution.objects.get().reason == "Semester"
    assert DiarySeries.objects.get(is_default=True).body == ks
    # Every change is the import's, by the administrator.
    note = f"Organisationsimport nr {run.pk} (organisation.xlsx)"
    added = AuditEntry.objects.filter(action="organisation_added", target_type="org.unit")
    assert added.count() == 5
    assert set(added.values_list("comment", flat=True)) == {note}
    assert set(added.values_list("actor", flat=True)) == {admin_client.admin.pk}
    assert AuditEntry.objects.filter(action="role_added", comment=note).count() >= 10
    assert AuditEntry.objects.filter(action="organisation_imported", target_id=str(run.pk)).exists()


def test_a_run_cannot_be_confirmed_twice(admin_client):
    upload(admin_client, xlsx(example()))
    run = OrganisationImport.objects.get()
    _confirm(admin_client, run)
    response = _confirm(admin_client, run)
    assert "redan importerats" in response.content.decode()
    assert Unit.objects.count() == 5


def test_a_zip_of_csv_files_and_a_single_csv_file(admin_client):
    upload(admin_client, csv_zip(example()), name="org.zip")
    _confirm(admin_client, OrganisationImport.objects.get())
    assert Position.objects.count() == 9
    csv = "Kod;Namn;Nivå;Överordnad enhet;Ansvarigt organ\nNY-1;Ny enhet;Enhet;FSK;\n"
    upload(admin_client, csv.encode(), name="Enheter.csv")
    run = OrganisationImport.objects.first()
    # A units sheet of one new unit would end all the others, which are in use: refused.
    assert run.status == ImportStatus.REFUSED
    assert (
        "Blad Enheter, rad 2, kolumn Överordnad enhet: enhet 'FSK' avslutas: "
        "den saknas på bladet Enheter eller är inte aktiv" in run.preview["errors"]
    )
    units = [*example()["Enheter"], ["NY-1", "Ny enhet", "Enhet", "FSK", "", "ja"]]
    csv = "\n".join(";".join(row) for row in units) + "\n"
    upload(admin_client, csv.encode(), name="Enheter.csv")
    run = OrganisationImport.objects.first()
    assert run.preview["errors"] == []
    _confirm(admin_client, run)
    assert Unit.objects.get(code="NY-1").parent.code == "FSK"
    assert Unit.objects.filter(is_active=True).count() == 6
    assert Position.objects.count() == 9


def test_command_dry_run_and_import(tmp_path, capsys):
    path = tmp_path / "organisation.xlsx"
    path.write_bytes(xlsx(example()))
    call_command("import_organisation", str(path), "--dry-run")
    assert Unit.objects.count() == 0
    assert "Enheter: 5 tillagda, 0 ändrade, 0 avslutade" in capsys.readouterr().out
    call_command("import_organisation", str(path))
    assert Unit.objects.count() == 5
    assert AuditEntry.objects.filter(
        action="organisation_added", comment="Organisationsimport från kommandoraden"
    ).exists()


def test_export_import_into_an_empty_database_export_again_is_the_same(tmp_path):
    build_municipality(with_rules=False)
    first = export("zip")
    first_tables = tables()
    assert len(first_tables["Befattningar"]) == 8  # header and the seven positions
    wipe_organisation()
    assert Unit.objects.count() == 0
    path = tmp_path / "organisation.zip"
    path.write_bytes(first)
    call_command("import_organisation", str(path), verbosity=0)
    assert tables() == first_tables
    assert export("zip") == first
    call_command("export_organisation", str(tmp_path / "again.xlsx"))
    book = load_workbook(tmp_path / "again.xlsx")
    rows = [[c or "" for c in r] for r in book["Enheter"].iter_rows(values_only=True)]
    assert rows == first_tables["Enheter"]


def test_the_pages_tables_scroll_in_named_regions_on_a_phone(admin_client):
    from tests.test_wide_tables_scroll_in_named_regions_on_a_phone import _check

    upload(admin_client, xlsx(example()))
    run = OrganisationImport.objects.get()
    _check(admin_client.get(reverse("orgimport:start")))
    _check(admin_client.get(reverse("orgimport:run", args=[run.pk])))
