"""Re-importing the HR export updates the organisation by its stable keys (issue 19): people
who moved get their new position from the day given and keep the old one as history,
people who left lose their holdings from that day, nothing is deleted, and a file that
matches the organisation changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEntry
from org.importing.services import import_file
from org.models import PositionHolding, UnionRepresentative, Unit
from tests.orgfile import example, xlsx

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)
LAST_DAY = datetime.date(2026, 11, 30)


def _import(tables, day=DAY):
    report = import_file("hr.xlsx", xlsx(tables), ends_from=day)
    assert report.problems == []
    return report


def _holding(code, username):
    return PositionHolding.objects.get(position__code=code, user__username=username)


def _hr_export_a_month_later():
    tables = example()
    holdings = tables["Innehavare"]
    # bo.ek moves from the sector to the preschool area, whose chief (cecilia.lind) steps
    # down but stays process owner; gun.nord leaves the municipality.
    holdings[:] = [
        r
        for r in holdings
        if (r[0], r[1]) not in {("UTB-C", "bo.ek"), ("FSK-C", "cecilia.lind"), ("REG", "gun.nord")}
    ]
    holdings.append(["FSK-C", "bo.ek", DAY.isoformat(), ""])
    tables["Fackliga representanter"] = [
        r for r in tables["Fackliga representanter"] if r[1] != "gun.nord"
    ]
    people = tables["Personer"]
    people[:] = [r for r in people if r[0] != "gun.nord"]
    for row in people:
        if row[0] == "david.sjo":
            row[3] = "Sjöberg"
    tables["Enheter"] = [r for r in tables["Enheter"] if r[0] != "KANSLI"] + [
        ["KANSLI", "Kommunledningskontoret", "Sektor", "KOMMUN", "", "ja"]
    ]
    return tables


def test_moves_and_leavers_end_from_the_day_and_keep_their_history():
    _import(example())
    holdings_before = PositionHolding.objects.count()

    report = _import(_hr_export_a_month_later())

    moved_from = _holding("UTB-C", "bo.ek")
    assert moved_from.end == LAST_DAY  # ended, not deleted
    moved_to = _holding("FSK-C", "bo.ek")
    assert (moved_to.start, moved_to.end) == (DAY, None)
    assert _holding("FSK-C", "cecilia.lind").end == LAST_DAY
    assert _holding("PA-KOST", "cecilia.lind").end is None
    assert _holding("REG", "gun.nord").end == LAST_DAY
    assert UnionRepresentative.objects.get(user__username="gun.nord").end == LAST_DAY
    assert PositionHolding.objects.count() == holdings_before + 1
    leaver = get_user_model().objects.get(username="gun.nord")
    assert leaver.is_active  # the account is not the HR file's to close
    assert get_user_model().objects.get(username="david.sjo").last_name == "Sjöberg"
    assert Unit.objects.get(code="KANSLI").name == "Kommunledningskontoret"

    counts = report.counts()
    assert counts["Innehavare"] == {"add": 1, "change": 0, "end": 3}
    assert counts["Fackliga representanter"] == {"add": 0, "change": 0, "end": 1}
    assert counts["Personer"] == {"add": 0, "change": 1, "end": 0}
    texts = [c.text for c in report.changes]
    assert "Avslutas: innehav 'REG – gun.nord' (slutar 2026-11-30)" in texts
    assert "Ändras: enhet 'KANSLI' (Namn 'Kommunkansliet' → 'Kommunledningskontoret')" in texts
    ended = AuditEntry.objects.filter(
        action="role_changed", target_type="org.positionholding", target_id=str(moved_from.pk)
    ).get()
    assert ended.changes["end"] == [None, "2026-11-30"]
    assert ended.comment == "Organisationsimport från kommandoraden"


def test_the_same_file_again_changes_nothing_and_keeps_the_ended_holdings_as_they_are():
    _import(example())
    _import(_hr_export_a_month_later())
    entries = AuditEntry.objects.count()

    report = _import(_hr_export_a_month_later(), day=datetime.date(2027, 1, 15))

    assert report.changes == []
    assert _holding("UTB-C", "bo.ek").end == LAST_DAY
    assert AuditEntry.objects.count() == entries + 1  # only the run's own entry


def test_a_file_without_the_holdings_sheet_leaves_holdings_alone():
    _import(example())
    tables = {"Personer": example()["Personer"]}
    tables["Personer"][1][2] = "Annika"

    report = _import(tables)

    assert [c.sheet for c in report.changes] == ["Personer"]
    assert not PositionHolding.objects.filter(end__isnull=False).exists()
