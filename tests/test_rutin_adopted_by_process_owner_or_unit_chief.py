"""Handlingsplaner go to the unit's chief; rutiner to the unit's chief or the process owner."""

from __future__ import annotations

from documents.rules import allowed_deciders, check_decider
from tests.factories import PositionFactory, ProcessFactory, UnitFactory


def test_the_process_owner_adopts_a_rutin_of_their_process(org_tree):
    verdict = check_decider(
        org_tree.types["rutin"],
        org_tree.units["unit"],
        org_tree.process,
        position=org_tree.positions["processagare"],
    )

    assert verdict.allowed
    assert org_tree.process.name in verdict.reason
    assert org_tree.positions["processagare"].title in verdict.reason


def test_the_owner_of_another_process_may_not_adopt_it(org_tree):
    other = ProcessFactory(name="Inköp", unit=org_tree.units["top"])

    verdict = check_decider(
        org_tree.types["rutin"],
        org_tree.units["unit"],
        org_tree.process,
        position=other.owner_position,
    )

    assert not verdict.allowed
    assert other.owner_position.title in verdict.reason
    assert org_tree.process.name in verdict.reason


def test_a_rutin_without_a_process_has_an_unresolved_explanation(org_tree):
    rutin = org_tree.types["rutin"]

    deciders = allowed_deciders(rutin, org_tree.units["unit"], None)

    assert [d.position for d in deciders.allowed] == [org_tree.positions["enhetschef"]]
    assert len(deciders.unresolved) == 1
    assert rutin.name_plural in deciders.unresolved[0]

    verdict = check_decider(
        rutin, org_tree.units["unit"], None, position=org_tree.positions["processagare"]
    )
    assert not verdict.allowed
    assert org_tree.positions["processagare"].title in verdict.reason
    assert deciders.unresolved[0] in verdict.reason
    assert org_tree.positions["enhetschef"].title in verdict.reason


def test_the_chief_of_the_parent_unit_may_not_adopt_a_units_handlingsplan(org_tree):
    verdict = check_decider(
        org_tree.types["handlingsplan"],
        org_tree.units["unit"],
        position=org_tree.positions["omradeschef"],
    )

    assert not verdict.allowed
    assert org_tree.positions["omradeschef"].title in verdict.reason
    assert org_tree.positions["enhetschef"].title in verdict.reason
    assert org_tree.units["unit"].name in verdict.reason


def test_a_unit_without_a_chief_position_leaves_its_handlingsplan_unresolved(org_tree):
    headless = UnitFactory(name="Förskolan Vitsippan", parent=org_tree.units["area"])
    clerk = PositionFactory(title="Administratör Vitsippan", unit=headless)
    handlingsplan = org_tree.types["handlingsplan"]

    deciders = allowed_deciders(handlingsplan, headless)

    assert deciders.allowed == []
    assert len(deciders.unresolved) == 1
    assert headless.name in deciders.unresolved[0]
    assert handlingsplan.name_plural in deciders.unresolved[0]

    verdict = check_decider(handlingsplan, headless, position=clerk)
    assert not verdict.allowed
    assert clerk.title in verdict.reason
    assert headless.name in verdict.reason
    # Nor does the chief above step in without a rule saying so.
    assert not check_decider(
        handlingsplan, headless, position=org_tree.positions["omradeschef"]
    ).allowed


def test_a_rutin_of_a_unit_without_a_chief_can_still_go_to_the_process_owner(org_tree):
    headless = UnitFactory(name="Förskolan Vitsippan", parent=org_tree.units["area"])

    deciders = allowed_deciders(org_tree.types["rutin"], headless, org_tree.process)

    assert [d.position for d in deciders.allowed] == [org_tree.positions["processagare"]]
    assert len(deciders.unresolved) == 1
    assert headless.name in deciders.unresolved[0]


def test_the_unit_chiefs_explanation_uses_the_levels_chief_title(org_tree):
    """Titles are data: the explanation says 'sektorschef' because the level says so."""
    verdict = check_decider(
        org_tree.types["handlingsplan"],
        org_tree.units["sector"],
        position=org_tree.positions["sektorschef"],
    )

    assert verdict.allowed
    assert org_tree.units["sector"].level.chief_title in verdict.reason.lower()
    assert org_tree.units["sector"].name in verdict.reason
