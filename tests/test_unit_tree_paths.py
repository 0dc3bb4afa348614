"""The officials' tree: materialised paths, moves, and what ``clean`` refuses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from org.models import Unit
from tests.factories import UnitFactory


def _paths(*units: Unit) -> list[str]:
    return [Unit.objects.get(pk=u.pk).path for u in units]


def test_paths_are_ids_from_the_top(org_tree):
    u = org_tree.units
    top, sector, area, unit = u["top"], u["sector"], u["area"], u["unit"]

    assert _paths(top, sector, area, unit, u["company"]) == [
        f"/{top.pk}/",
        f"/{top.pk}/{sector.pk}/",
        f"/{top.pk}/{sector.pk}/{area.pk}/",
        f"/{top.pk}/{sector.pk}/{area.pk}/{unit.pk}/",
        f"/{top.pk}/{u['company'].pk}/",
    ]
    assert unit.ancestor_ids == [top.pk, sector.pk, area.pk, unit.pk]


def test_ancestors_closest_first_and_descendants(org_tree):
    u = org_tree.units

    assert u["unit"].ancestors() == [u["unit"], u["area"], u["sector"], u["top"]]
    assert u["unit"].ancestors(include_self=False) == [u["area"], u["sector"], u["top"]]
    assert set(u["sector"].descendants()) == {u["sector"], u["area"], u["unit"]}
    assert set(u["sector"].descendants(include_self=False)) == {u["area"], u["unit"]}
    assert set(u["top"].descendants()) == set(u.values())


def test_descendants_do_not_include_units_whose_id_merely_starts_alike(db):
    """'/1/' must not match '/12/': paths end with a slash."""
    top = UnitFactory()
    children = [UnitFactory(parent=top) for _ in range(12)]
    first = children[0]
    grandchild = UnitFactory(parent=first)

    assert set(first.descendants()) == {first, grandchild}


@pytest.mark.parametrize("save_kwargs", [{}, {"update_fields": ["parent"]}], ids=["all", "parent"])
def test_moving_a_unit_moves_its_whole_subtree(org_tree, save_kwargs):
    """Also when the save names only the parent (an import saves what changed): the path
    follows it."""
    u = org_tree.units
    culture = UnitFactory(name="Sektor Kultur", parent=u["top"], level=org_tree.levels["sektor"])
    leaf = UnitFactory(name="Solrosen avdelning Blå", parent=u["unit"])

    area = Unit.objects.get(pk=u["area"].pk)
    area.parent = culture
    area.save(**save_kwargs)

    top = u["top"].pk
    assert _paths(area, u["unit"], leaf) == [
        f"/{top}/{culture.pk}/{area.pk}/",
        f"/{top}/{culture.pk}/{area.pk}/{u['unit'].pk}/",
        f"/{top}/{culture.pk}/{area.pk}/{u['unit'].pk}/{leaf.pk}/",
    ]
    assert set(Unit.objects.get(pk=u["sector"].pk).descendants()) == {u["sector"]}
    assert set(culture.descendants(include_self=False)) == {area, u["unit"], leaf}
    # Units outside the moved subtree keep their paths.
    assert _paths(u["sector"], u["company"]) == [
        f"/{top}/{u['sector'].pk}/",
        f"/{top}/{u['company'].pk}/",
    ]


def test_a_moved_unit_takes_the_responsible_body_of_its_new_place(org_tree):
    u = org_tree.units
    unit = Unit.objects.get(pk=u["unit"].pk)
    assert unit.effective_responsible_body() == org_tree.bodies["namnd"]

    unit.parent = u["company"]
    unit.save()

    assert Unit.objects.get(pk=unit.pk).effective_responsible_body() == org_tree.bodies["bolag"]


def test_saving_without_a_move_keeps_the_paths(org_tree):
    u = org_tree.units
    before = _paths(*u.values())
    sector = Unit.objects.get(pk=u["sector"].pk)
    sector.name = "Sektor Utbildning och kultur"
    sector.save()

    assert _paths(*u.values()) == before


def test_a_unit_cannot_be_its_own_parent(org_tree):
    area = Unit.objects.get(pk=org_tree.units["area"].pk)
    area.parent = area

    with pytest.raises(ValidationError) as error:
        area.clean()
    assert "parent" in error.value.message_dict


def test_a_unit_cannot_be_placed_below_its_descendant(org_tree):
    u = org_tree.units
    sector = Unit.objects.get(pk=u["sector"].pk)
    # The leaf is deep enough that only the cycle, not the level, is wrong.
    leaf = UnitFactory(name="Solrosen avdelning Blå", parent=u["unit"])
    sector.parent = leaf

    with pytest.raises(ValidationError) as error:
        sector.clean()
    assert "parent" in error.value.message_dict


def test_a_units_level_must_be_below_its_parents(org_tree):
    u = org_tree.units
    for level in ("sektor", "kommun"):
        unit = Unit(
            name="Ny enhet", code="ny-enhet", level=org_tree.levels[level], parent=u["sector"]
        )
        with pytest.raises(ValidationError) as error:
            unit.full_clean()
        assert "level" in error.value.message_dict


def test_a_level_further_down_is_fine(org_tree):
    Unit(
        name="Ny enhet",
        code="ny-enhet",
        level=org_tree.levels["enhet"],
        parent=org_tree.units["sector"],
    ).full_clean()


def test_only_the_top_level_may_lack_a_parent(org_tree):
    orphan = Unit(name="Lös enhet", code="los", level=org_tree.levels["enhet"])

    with pytest.raises(ValidationError) as error:
        orphan.full_clean()
    assert "parent" in error.value.message_dict


def test_the_effective_responsible_body_is_the_closest_above(org_tree):
    u = org_tree.units

    assert u["top"].effective_responsible_body() == org_tree.bodies["KS"]
    assert u["sector"].effective_responsible_body() == org_tree.bodies["namnd"]
    assert u["area"].effective_responsible_body() == org_tree.bodies["namnd"]
    assert u["unit"].effective_responsible_body() == org_tree.bodies["namnd"]
    assert u["company"].effective_responsible_body() == org_tree.bodies["bolag"]
    assert UnitFactory().effective_responsible_body() is None
