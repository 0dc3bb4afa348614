"""The chief's overview and the review report's unread figures count in one statement;
these tests count the same person by person in Python, from every holding and
confirmation, and compare: people holding two positions, people who left or have not
started yet, position kinds, material changes, documents scoped above, at and below the
chief's unit, and several audiences on one page."""

from __future__ import annotations

import pytest

from documents.models import DocumentVersion, kinds_of
from org.models import PositionHolding, Unit
from org.selectors import today
from reading import selectors, services
from reading.models import ReadConfirmation
from tests.factories import PositionFactory, PositionHoldingFactory
from tests.lifecycle import days, valid_document
from tests.reading_helpers import leave, new_version, rutin, staff


def _by_hand(version: DocumentVersion, root: str) -> tuple[int, int]:
    """(audience, confirmed) of ``version`` below the unit at ``root``, person by person."""
    kinds = kinds_of(version.document_type.reading_position_kinds)
    on = today()
    audience = {
        h.user_id
        for h in PositionHolding.objects.select_related("position__unit")
        if h.start <= on
        and (h.end is None or h.end >= on)
        and h.position.unit.path.startswith(root)
        and (not kinds or h.position.kind in kinds)
    }
    latest: dict[int, int] = {}
    for c in ReadConfirmation.objects.filter(document_id=version.document_id):
        latest[c.user_id] = max(latest.get(c.user_id, 0), c.version_number)
    confirmed = {u for u in audience if latest.get(u, -1) >= version.reading_baseline}
    return len(audience), len(confirmed)


@pytest.fixture
def scene(town):
    """Rutiner scoped to the top, the sector, the area and the unit; a riktlinje for
    chiefs only; people in every unit, one with two positions, one who left, one who
    starts next month; confirmations of current and of older versions."""
    chiefs_only = town.types["riktlinje"]
    chiefs_only.reading_required = True
    chiefs_only.reading_position_kinds = "chief"
    chiefs_only.save()
    documents = [rutin(town, f"Rutin {scope}", scope=scope) for scope in ("top", "sector", "unit")]
    documents.append(rutin(town, "Rutin area", scope="area"))
    documents.append(
        valid_document(
            town, type_code="riktlinje", title="Riktlinje för chefer", scope="top", decided_by="KS"
        )
    )
    anna = staff(town, "anna", "unit")
    PositionHoldingFactory(
        position=PositionFactory(title="Extra", kind="official", unit=town.units["sector"]),
        user=anna,
    )
    bertil = staff(town, "bertil", "area")
    cecilia = staff(town, "cecilia", "unit")
    david = staff(town, "david", "sector")
    PositionHolding.objects.filter(user=david).update(start=days(30))  # not started yet
    for person in (anna, bertil, cecilia, town.users["enhetschef"], town.users["sektorschef"]):
        for document in documents:
            if selectors.waiting_for(person) and any(
                w.document_id == document.pk for w in selectors.waiting_for(person)
            ):
                services.confirm_reading(user=person, version_id=document.current_version_id)
    # A material change after the confirmations, then one person confirms again; a
    # non-material change keeps the others' confirmations.
    new_version(town, documents[0], material=True)
    services.confirm_reading(user=anna, version_id=documents[0].current_version_id)
    new_version(town, documents[1], material=False)
    leave(cecilia)
    return documents


@pytest.mark.parametrize("unit_key", ["top", "sector", "area", "unit"])
def test_the_overview_counts_as_person_by_person(town, scene, unit_key):
    unit = town.units[unit_key]
    rows = selectors.overview_rows(unit, selectors.unit_versions(unit))
    assert len(rows) == selectors.unit_versions(unit).count() >= 3
    versions = {v.pk: v for v in DocumentVersion.objects.select_related("document_type")}
    for row in rows:
        assert (row.audience, row.confirmed) == _by_hand(versions[row.version_id], row.root_path)
    assert any(row.confirmed for row in rows) and any(row.pending for row in rows)


def test_the_review_reports_unread_counts_as_person_by_person(town, scene):
    versions = list(
        DocumentVersion.objects.filter(pk__in=[d.current_version_id for d in scene]).select_related(
            "document_type", "scope_unit"
        )
    )
    unread = selectors.unread_counts(versions, today())
    assert set(unread) == {v.pk for v in versions}
    for version in versions:
        audience, confirmed = _by_hand(version, version.scope_unit.path)
        assert unread[version.pk] == audience - confirmed
    assert any(unread.values())


def test_many_rows_of_many_audiences_are_counted_in_one_statement_each(town, scene):
    """More rows than one statement takes: the rows of the second statement count too."""
    unit = Unit.objects.get(pk=town.units["top"].pk)
    rows = selectors.overview_rows(unit, selectors.unit_versions(unit))
    many = rows * 90  # 450 rows: three statements
    counted = selectors.counts(many, today())
    assert counted == [(row.audience, row.confirmed) for row in many]
