"""The adoption rule set is data: adding or deleting a rule changes the answer at once."""

from __future__ import annotations

import pytest

from documents.models import AdoptionRule, DeciderKind
from documents.rules import allowed_deciders, check_decider
from tests.factories import AdoptionRuleFactory, DocumentTypeFactory


def test_deleting_the_municipal_chief_rule_takes_policies_from_the_kommunchef(org_tree):
    policy, kommunchef = org_tree.types["policy"], org_tree.positions["kommunchef"]
    assert check_decider(policy, org_tree.units["sector"], position=kommunchef).allowed

    AdoptionRule.objects.get(document_type=policy, decider=DeciderKind.MUNICIPAL_CHIEF).delete()

    verdict = check_decider(policy, org_tree.units["sector"], position=kommunchef)
    assert not verdict.allowed
    assert kommunchef.title in verdict.reason
    assert org_tree.bodies["KS"].name in verdict.reason


def test_adding_a_process_owner_rule_lets_the_process_owner_adopt_handlingsplaner(org_tree):
    handlingsplan, owner = org_tree.types["handlingsplan"], org_tree.positions["processagare"]
    unit = org_tree.units["unit"]
    assert not check_decider(handlingsplan, unit, org_tree.process, position=owner).allowed

    AdoptionRuleFactory(document_type=handlingsplan, decider=DeciderKind.PROCESS_OWNER)

    assert check_decider(handlingsplan, unit, org_tree.process, position=owner).allowed
    assert check_decider(
        handlingsplan, unit, org_tree.process, position=org_tree.positions["enhetschef"]
    ).allowed


def test_kf_adopting_a_policy_itself_is_a_matter_of_configuration(org_tree):
    """One municipality had its leadership policy adopted by KF: add a KF rule and it may."""
    policy = org_tree.types["policy"]
    AdoptionRule.objects.filter(document_type=policy).update(allow_higher_bodies=False)
    assert not check_decider(policy, org_tree.units["top"], body=org_tree.bodies["KF"]).allowed

    AdoptionRuleFactory(document_type=policy, decider=DeciderKind.COUNCIL)

    verdict = check_decider(policy, org_tree.units["top"], body=org_tree.bodies["KF"])
    assert verdict.allowed
    assert not verdict.decider.via_higher_body


def test_a_type_without_rules_can_be_adopted_by_no_one_and_says_so(org_tree):
    instruktion = DocumentTypeFactory(
        code="instruktion", name="Instruktion", name_plural="Instruktioner"
    )

    deciders = allowed_deciders(instruktion, org_tree.units["unit"])

    assert deciders.allowed == []
    assert len(deciders.unresolved) == 1
    assert "Instruktioner" in deciders.unresolved[0]
    verdict = check_decider(
        instruktion, org_tree.units["unit"], position=org_tree.positions["enhetschef"]
    )
    assert not verdict.allowed
    assert "Instruktioner" in verdict.reason


@pytest.mark.parametrize(
    ("decider", "scope"),
    [(DeciderKind.RESPONSIBLE_COMMITTEE, "top"), (DeciderKind.COMPANY_BOARD, "sector")],
)
def test_an_unresolvable_body_rule_is_explained(org_tree, decider, scope):
    """A rule that names no concrete body for this scope must still say why no one may adopt."""
    riktlinje = org_tree.types["riktlinje"]
    AdoptionRule.objects.filter(document_type=riktlinje).delete()
    AdoptionRuleFactory(document_type=riktlinje, decider=decider)
    scope_unit = org_tree.units[scope]

    deciders = allowed_deciders(riktlinje, scope_unit)
    verdict = check_decider(riktlinje, scope_unit, body=org_tree.bodies["KS"])

    assert deciders.allowed == []
    assert not verdict.allowed
    assert deciders.unresolved, "the unresolvable rule is not explained"
    assert riktlinje.name_plural in verdict.reason
    assert scope_unit.name in verdict.reason


def test_an_inactive_type_keeps_its_rules(org_tree):
    """Deactivating a type hides it from new documents but does not rewrite history."""
    policy = org_tree.types["policy"]
    policy.is_active = False
    policy.save()

    assert check_decider(policy, org_tree.units["top"], body=org_tree.bodies["KS"]).allowed
