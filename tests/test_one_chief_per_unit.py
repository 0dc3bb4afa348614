"""A unit has at most one chief position; other positions are unlimited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from org.models import Position, PositionKind
from tests.factories import ChiefPositionFactory, PositionFactory, UnitFactory


def test_a_second_chief_position_is_refused_by_the_database(db):
    unit = UnitFactory()
    ChiefPositionFactory(unit=unit)

    with pytest.raises(IntegrityError), transaction.atomic():
        ChiefPositionFactory(unit=unit, title="Biträdande chef")


def test_model_validation_reports_the_second_chief(db):
    unit = UnitFactory()
    ChiefPositionFactory(unit=unit)

    with pytest.raises(ValidationError):
        Position(title="Biträdande chef", kind=PositionKind.CHIEF, unit=unit).full_clean()


def test_other_positions_and_other_units_are_unlimited(db):
    unit = UnitFactory()
    chief = ChiefPositionFactory(unit=unit)
    PositionFactory(unit=unit, kind=PositionKind.OFFICIAL)
    PositionFactory(unit=unit, kind=PositionKind.OFFICIAL)
    PositionFactory(unit=unit, kind=PositionKind.PROCESS_OWNER)
    ChiefPositionFactory(unit=UnitFactory(parent=unit))

    assert unit.chief_position == chief


def test_a_unit_without_a_chief_has_no_chief_position(db):
    unit = UnitFactory()
    PositionFactory(unit=unit, kind=PositionKind.OFFICIAL)

    assert unit.chief_position is None
