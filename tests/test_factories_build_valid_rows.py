"""The test factories and the municipality builder produce rows the models accept."""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.mark.parametrize(
    "factory",
    [
        f.UserFactory,
        f.UnitLevelFactory,
        f.UnitFactory,
        f.BodyFactory,
        f.BodyMembershipFactory,
        f.PositionFactory,
        f.ChiefPositionFactory,
        f.PositionHoldingFactory,
        f.SubstitutionFactory,
        f.ProcessFactory,
        f.UnionFactory,
        f.SamverkanGroupFactory,
        f.UnionRepresentativeFactory,
        f.DocumentTypeFactory,
        f.AdoptionRuleFactory,
        f.DiarySeriesFactory,
        f.DocumentFactory,
        f.DocumentVersionFactory,
        f.DecisionFactory,
    ],
    ids=lambda factory: factory.__name__,
)
def test_factory_rows_pass_model_validation(db, factory):
    row = factory()
    row.full_clean()


def test_the_municipality_passes_model_validation(org_tree):
    rows = [
        *org_tree.levels.values(),
        *org_tree.units.values(),
        *org_tree.bodies.values(),
        *org_tree.positions.values(),
        org_tree.process,
        *org_tree.groups.values(),
        *org_tree.types.values(),
    ]
    for row in rows:
        row.full_clean()
    for group in org_tree.groups.values():
        assert group.representatives.count() == 1
    for key in ("kommunchef", "sektorschef", "omradeschef", "enhetschef", "vd"):
        assert org_tree.positions[key].unit.chief_position == org_tree.positions[key]
        assert org_tree.positions[key].holdings.get().user == org_tree.holders[key]


def test_the_default_rule_set_can_be_built_twice(org_tree):
    from documents.models import AdoptionRule

    before = AdoptionRule.objects.count()
    types = f.build_default_rule_set()

    assert types.keys() == org_tree.types.keys()
    assert AdoptionRule.objects.count() == before == 13
