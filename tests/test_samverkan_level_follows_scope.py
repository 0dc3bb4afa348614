"""The samverkan group of a document is the closest one at or above its scope.

Groups in the municipality: central (Ådalens kommun), sector (Sektor Utbildning) and unit
(Förskolan Solrosen). Område Förskola and Ådalens Energi AB have none of their own.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from documents.rules import samverkan_for
from org.models import SamverkanGroup, SamverkanLevel
from tests.factories import SamverkanGroupFactory, UnitFactory


@pytest.mark.parametrize(
    ("scope", "group", "level", "own_group"),
    [
        ("top", "central", SamverkanLevel.CENTRAL, True),
        ("sector", "sector", SamverkanLevel.SECTOR, True),
        ("area", "sector", SamverkanLevel.SECTOR, False),
        ("unit", "unit", SamverkanLevel.UNIT, True),
        ("company", "central", SamverkanLevel.CENTRAL, False),
    ],
)
@pytest.mark.parametrize("type_code", ["policy", "riktlinje", "handlingsplan", "rutin"])
def test_group_for_every_scope_level(org_tree, type_code, scope, group, level, own_group):
    scope_unit = org_tree.units[scope]

    routing = samverkan_for(org_tree.types[type_code], scope_unit)

    assert routing.required is True
    assert routing.group == org_tree.groups[group]
    assert routing.group.level == level
    assert scope_unit.name in routing.reason
    assert routing.group.name in routing.reason
    if not own_group:
        # The reason says the group is the closest above, not that it is the unit's own:
        # it differs from the own-group wording filled in with this unit's name.
        group_unit = org_tree.groups[group].unit
        own_wording = samverkan_for(org_tree.types[type_code], group_unit).reason
        assert routing.reason != own_wording.replace(group_unit.name, scope_unit.name)


def test_a_new_unit_below_a_unit_group_uses_that_group(org_tree):
    team = UnitFactory(name="Solrosen avdelning Blå", parent=org_tree.units["unit"])
    assert team.level.depth == 4

    routing = samverkan_for(org_tree.types["rutin"], team)

    assert routing.group == org_tree.groups["unit"]


def test_giving_the_area_its_own_group_takes_it_from_the_sector_group(org_tree):
    area = org_tree.units["area"]
    own = SamverkanGroupFactory(
        name="Samverkansgrupp Förskola", unit=area, chair_position=org_tree.positions["omradeschef"]
    )

    assert samverkan_for(org_tree.types["rutin"], area).group == own
    assert (
        samverkan_for(org_tree.types["rutin"], org_tree.units["unit"]).group
        == (org_tree.groups["unit"])
    )
    assert (
        samverkan_for(org_tree.types["rutin"], org_tree.units["sector"]).group
        == (org_tree.groups["sector"])
    )


@pytest.mark.parametrize("scope", ["top", "sector", "area", "unit", "company"])
def test_a_type_without_samverkan_needs_no_group(org_tree, scope):
    vision = org_tree.types["vision"]
    assert vision.samverkan_required is False

    routing = samverkan_for(vision, org_tree.units[scope])

    assert routing.required is False
    assert routing.group is None
    assert vision.name_plural in routing.reason


def test_no_group_anywhere_means_required_without_a_group_and_says_why(org_tree):
    # A tree of its own, with no samverkan group on any level.
    root = UnitFactory(name="Grannkommunen", level=org_tree.levels["kommun"])
    scope_unit = UnitFactory(name="Grannkommunens enhet", parent=root)

    routing = samverkan_for(org_tree.types["rutin"], scope_unit)

    assert routing.required is True
    assert routing.group is None
    assert scope_unit.name in routing.reason


def test_a_group_works_on_the_samverkan_level_of_its_units_level(org_tree):
    wrong = SamverkanGroup(
        name="Felaktig grupp",
        level=SamverkanLevel.CENTRAL,
        unit=org_tree.units["area"],
        chair_position=org_tree.positions["omradeschef"],
    )
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "level" in error.value.message_dict

    wrong.level = SamverkanLevel.UNIT
    wrong.full_clean()
