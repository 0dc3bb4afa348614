"""The organisation file names the political bodies' elected members (sheet *Ledamöter*:
body, user name, role, from, until): they are imported with their roles, a member missing
from a later file leaves the body from the day given (history kept), a changed role is
updated, and the export writes them back, with the members among the people."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from org.importing.export import export
from org.importing.services import import_file
from org.models import BodyMemberRole, BodyMembership
from tests.orgfile import example, xlsx

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


def _import(tables):
    report = import_file("organisation.xlsx", xlsx(tables), ends_from=DAY)
    assert report.problems == []
    return report


def _seat(body, username):
    return BodyMembership.objects.get(body__short_name=body, user__username=username)


def test_members_are_imported_with_their_roles():
    report = _import(example())

    assert _seat("KF", "ida.fors").role == BodyMemberRole.CHAIR
    assert _seat("KS", "ida.fors").role == BodyMemberRole.MEMBER
    assert _seat("KF", "olof.hed").role == BodyMemberRole.DEPUTY
    assert _seat("BUN", "olof.hed").start == datetime.date(2022, 10, 15)
    assert report.counts()["Ledamöter"] == {"add": 4, "change": 0, "end": 0}


def test_a_member_missing_from_the_next_file_leaves_and_a_new_role_is_updated():
    _import(example())
    tables = example()
    members = tables["Ledamöter"]
    members[:] = [r for r in members if (r[0], r[1]) != ("KS", "ida.fors")]
    for row in members:
        if (row[0], row[1]) == ("KF", "olof.hed"):
            row[2] = "ledamot"

    report = _import(tables)

    assert _seat("KS", "ida.fors").end == DAY - datetime.timedelta(days=1)  # history kept
    assert _seat("KF", "olof.hed").role == BodyMemberRole.MEMBER
    texts = [c.text for c in report.changes]
    assert "Avslutas: ledamot 'KS – ida.fors' (slutar 2026-11-30)" in texts
    assert "Ändras: ledamot 'KF – olof.hed' (Roll 'ersättare' → 'ledamot')" in texts


def test_the_export_writes_the_members_and_names_them_among_the_people():
    _import(example())
    book = load_workbook(io.BytesIO(export("xlsx")))
    rows = [[c.value for c in r] for r in book["Ledamöter"].iter_rows()]
    assert rows[0] == ["Organ", "Användarnamn", "Roll", "Från", "Till"]
    assert ["KF", "ida.fors", "ordförande", "2022-10-15", None] in rows
    people = {r[0].value for r in book["Personer"].iter_rows(min_row=2)}
    assert {"ida.fors", "olof.hed"} <= people  # in no position, yet on the file
