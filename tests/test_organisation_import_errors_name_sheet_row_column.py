"""Every error in an organisation file is named by sheet, row and column, in Swedish, and a
file with errors imports nothing (issue 19)."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from org.import_models import ImportStatus, OrganisationImport
from org.importing.services import import_file
from org.models import Body, Unit
from tests.factories import UserFactory
from tests.orgfile import example, upload, xlsx

pytestmark = pytest.mark.django_db


def _errors(tables) -> list[str]:
    report = import_file("fel.xlsx", xlsx(tables))
    assert report.changes == []
    return [str(p) for p in report.problems]


def _row(tables, sheet, row) -> int:
    """The spreadsheet's number of a row appended to ``sheet``."""
    tables[sheet].append(row)
    return len(tables[sheet])


def test_a_missing_parent_unit_names_sheet_row_and_column():
    tables = example()
    number = _row(tables, "Enheter", ["NY", "Ny enhet", "Enhet", "SEK-9", "", "ja"])
    assert _errors(tables) == [
        f"Blad Enheter, rad {number}, kolumn Överordnad enhet: överordnad enhet 'SEK-9' finns inte"
    ]
    assert Unit.objects.count() == 0


@pytest.mark.parametrize(
    ("sheet", "row", "expected"),
    [
        (
            "Innehavare",
            ["KC", "bo.ek", "1 maj 2024", ""],
            "kolumn Från: '1 maj 2024' är inget datum (skriv det som ÅÅÅÅ-MM-DD)",
        ),
        (
            "Innehavare",
            ["KC", "okand.person", "2024-01-01", ""],
            "kolumn Användarnamn: person 'okand.person' finns inte",
        ),
        (
            "Innehavare",
            ["KC", "bo.ek", "2024-05-01", "2024-04-01"],
            "kolumn Till: slutdatumet ligger före startdatumet",
        ),
        ("Enheter", ["X1", "X", "Enhet", "FSK", "", "kanske"], "kolumn Aktiv: 'kanske' är varken"),
        ("Enheter", ["X 1", "X", "Enhet", "FSK", "", ""], "kolumn Kod: bara bokstäverna a–z"),
        ("Enheter", ["X1", "X", "Sektor", "FSK", "", ""], "kolumn Nivå: nivån måste ligga under"),
        ("Enheter", ["X1", "X", "Enhet", "", "", ""], "kolumn Överordnad enhet: bara en enhet på"),
        (
            "Enheter",
            ["KOMMUN", "Igen", "Kommun", "", "", ""],
            "kolumn Kod: samma enhet finns också",
        ),
        ("Befattningar", ["X", "X", "chefen", "FSK"], "kolumn Typ: 'chefen' är inte något av"),
        (
            "Befattningar",
            ["KC2", "Biträdande kommunchef", "chef", "KOMMUN"],
            "kolumn Typ: enheten 'KOMMUN' har redan en chefsbefattning: KC",
        ),
        ("Organ", ["X", "", "nämnd", "", "", "", ""], "kolumn Namn: ett värde krävs"),
        ("Organ", ["NÄMNDKODENÄRFÖRLÅNG123", "X", "nämnd", "", "", "", ""], "högst 20 tecken"),
        ("Personer", ["ny.person", "inte-en-adress", "Ny", "Person"], "ingen e-postadress"),
        (
            "Ledamöter",
            ["KF", "ingen.alls", "ledamot", "2022-10-15", ""],
            "kolumn Användarnamn: person 'ingen.alls' finns inte",
        ),
        (
            "Ledamöter",
            ["FN", "ida.fors", "ledamot", "2022-10-15", ""],
            "kolumn Organ: organ 'FN' finns inte",
        ),
        (
            "Ledamöter",
            ["KF", "bo.ek", "talman", "2022-10-15", ""],
            "kolumn Roll: 'talman' är inte något av",
        ),
        (
            "Ledamöter",
            ["KF", "bo.ek", "ledamot", "2022-10-15", "2021-01-01"],
            "kolumn Till: slutdatumet ligger före startdatumet",
        ),
        (
            "Samverkansgrupper",
            ["Fel nivå", "central", "UTB", "UTB-C"],
            "kolumn Nivå: en grupp för den här enheten arbetar på nivån 'sektor'",
        ),
        ("Diarieserier", ["X", "X", "KS", "ja", "ja"], "organet har redan en diarieserie (rad 2)"),
    ],
)
def test_bad_cells(sheet, row, expected):
    tables = example()
    number = _row(tables, sheet, row)
    errors = _errors(tables)
    assert any(e.startswith(f"Blad {sheet}, rad {number}, ") and expected in e for e in errors), (
        errors
    )


def test_a_preparation_loop_is_refused():
    tables = example()
    tables["Organ"][2][3] = "KSAU"  # KF prepares for KSAU, which prepares for KS, for KF
    assert any("beredningskedjan bildar en slinga" in e for e in _errors(tables))


def test_unknown_sheets_and_columns_and_missing_columns():
    tables = example()
    tables["Enhter"] = [["Kod"], ["X"]]
    tables["Befattningar"] = [[h for h in tables["Befattningar"][0] if h != "Enhet"] + ["Lön"]]
    errors = _errors(tables)
    assert any(e.startswith("Blad Enhter: okänt blad (kända blad: Nivåer, Organ, ") for e in errors)
    assert "Blad Befattningar, rad 1, kolumn Lön: okänd kolumn" in errors
    assert "Blad Befattningar, rad 1, kolumn Enhet: kolumnen saknas" in errors


def test_files_that_cannot_be_read():
    assert [str(p) for p in import_file("org.xlsx", b"not a workbook").problems] == [
        "Filen kan inte läsas som xlsx."
    ]
    latin1 = "Namn\nSveriges Lärare\n".encode("latin-1")
    assert [str(p) for p in import_file("Fackförbund.csv", latin1).problems] == [
        "Blad Fackförbund: filen är inte text i UTF-8"
    ]


def test_the_page_shows_the_errors_offers_no_import_and_refuses_to_confirm(client):
    client.force_login(UserFactory(is_superuser=True))
    tables = example()
    _row(tables, "Enheter", ["NY", "Ny enhet", "Enhet", "SEK-9", "", "ja"])
    page = html.unescape(upload(client, xlsx(tables)).content.decode())
    run = OrganisationImport.objects.get()
    assert run.status == ImportStatus.REFUSED
    assert "1 fel: ingenting kan importeras" in page
    assert "överordnad enhet 'SEK-9' finns inte" in page
    assert reverse("orgimport:confirm", args=[run.pk]) not in page
    response = client.post(reverse("orgimport:confirm", args=[run.pk]), follow=True)
    assert "Filen har redan importerats eller har fel." in response.content.decode()
    assert Body.objects.count() == 0


def test_the_form_refuses_other_files_in_swedish(client):
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(
        reverse("orgimport:start"),
        {"file": SimpleUploadedFile("org.pdf", b"%PDF"), "ends_from": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "Ladda upp en XLSX-fil, en CSV-fil eller en ZIP-fil med CSV-filer." in (
        response.content.decode()
    )
    assert not OrganisationImport.objects.exists()


def test_the_command_fails_and_writes_nothing(tmp_path):
    tables = example()
    _row(tables, "Enheter", ["NY", "Ny enhet", "Enhet", "SEK-9", "", "ja"])
    path = tmp_path / "fel.xlsx"
    path.write_bytes(xlsx(tables))
    with pytest.raises(CommandError, match="1 fel: ingenting importerades"):
        call_command("import_organisation", str(path), verbosity=0)
    assert Unit.objects.count() == 0
