"""Policies go to a board or KS; higher bodies only where the rule set allows it.

The nämnd or company board may adopt only where it is the body responsible for the
document's scope; KF may adopt a policy because the KS rule allows higher bodies; a working
committee (KSAU) never adopts; officials' rules can never allow higher bodies.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.models import AdoptionRule, DeciderKind
from documents.rules import allowed_deciders, check_decider
from org.models import BodyKind
from tests.factories import AdoptionRuleFactory, BodyFactory


def test_kf_may_adopt_a_policy_as_the_body_above_ks(org_tree):
    kf, ks = org_tree.bodies["KF"], org_tree.bodies["KS"]

    verdict = check_decider(org_tree.types["policy"], org_tree.units["top"], body=kf)

    assert verdict.allowed
    assert verdict.decider.via_higher_body
    assert kf.name in verdict.reason
    assert ks.name in verdict.reason


def test_without_allow_higher_bodies_kf_may_not_adopt_a_policy(org_tree):
    AdoptionRule.objects.filter(
        document_type=org_tree.types["policy"], decider=DeciderKind.EXECUTIVE_BOARD
    ).update(allow_higher_bodies=False)

    verdict = check_decider(
        org_tree.types["policy"], org_tree.units["top"], body=org_tree.bodies["KF"]
    )

    assert not verdict.allowed
    assert org_tree.bodies["KF"].name in verdict.reason
    assert org_tree.bodies["KS"].name in verdict.reason


@pytest.mark.parametrize("scope", ["top", "sector", "area", "unit", "company"])
def test_ksau_never_adopts_a_policy_even_when_higher_bodies_are_allowed(org_tree, scope):
    # Every body rule of the policy allows higher bodies: KSAU (rank 0) is still below all.
    AdoptionRule.objects.filter(document_type=org_tree.types["policy"]).filter(
        decider__in=[
            DeciderKind.EXECUTIVE_BOARD,
            DeciderKind.RESPONSIBLE_COMMITTEE,
            DeciderKind.COMPANY_BOARD,
        ]
    ).update(allow_higher_bodies=True)
    ksau = org_tree.bodies["KSAU"]

    verdict = check_decider(org_tree.types["policy"], org_tree.units[scope], body=ksau)

    assert not verdict.allowed
    assert ksau.name in verdict.reason


def test_a_nämnd_rule_allowing_higher_bodies_lets_ks_and_kf_adopt_in_its_area(org_tree):
    riktlinje = org_tree.types["riktlinje"]
    AdoptionRule.objects.filter(document_type=riktlinje).exclude(
        decider=DeciderKind.RESPONSIBLE_COMMITTEE
    ).delete()
    AdoptionRule.objects.filter(document_type=riktlinje).update(allow_higher_bodies=True)
    sector = org_tree.units["sector"]

    deciders = allowed_deciders(riktlinje, sector)

    by_body = {d.body.short_name: d for d in deciders.allowed}
    assert set(by_body) == {"BUN", "KS", "KF"}
    assert not by_body["BUN"].via_higher_body
    assert by_body["KS"].via_higher_body and by_body["KF"].via_higher_body
    assert not check_decider(riktlinje, sector, body=org_tree.bodies["KSAU"]).allowed
    # Higher bodies never push the matter down to an official.
    assert not check_decider(riktlinje, sector, position=org_tree.positions["kommunchef"]).allowed


def test_a_body_allowed_both_directly_and_as_a_higher_body_is_listed_once_directly(org_tree):
    riktlinje = org_tree.types["riktlinje"]
    AdoptionRule.objects.filter(
        document_type=riktlinje, decider=DeciderKind.RESPONSIBLE_COMMITTEE
    ).update(allow_higher_bodies=True)
    ks = org_tree.bodies["KS"]

    deciders = allowed_deciders(riktlinje, org_tree.units["sector"])

    listed = [d for d in deciders.allowed if d.body == ks]
    assert len(listed) == 1
    assert listed[0].via_higher_body is False
    # The direct rule is the explanation shown, not "as a body above the nämnd".
    assert listed[0].reason in deciders.explanation
    assert deciders.find(body=org_tree.bodies["KF"]).via_higher_body


@pytest.mark.parametrize(
    "decider",
    [DeciderKind.MUNICIPAL_CHIEF, DeciderKind.UNIT_CHIEF, DeciderKind.PROCESS_OWNER],
)
def test_allow_higher_bodies_is_refused_for_officials(db, decider):
    rule = AdoptionRuleFactory.build(
        document_type=AdoptionRuleFactory().document_type,
        decider=decider,
        allow_higher_bodies=True,
    )

    with pytest.raises(ValidationError) as error:
        rule.full_clean()

    assert "allow_higher_bodies" in error.value.message_dict


@pytest.mark.parametrize(
    "decider",
    [
        DeciderKind.COUNCIL,
        DeciderKind.EXECUTIVE_BOARD,
        DeciderKind.RESPONSIBLE_COMMITTEE,
        DeciderKind.COMPANY_BOARD,
    ],
)
def test_allow_higher_bodies_is_accepted_for_political_bodies(db, decider):
    rule = AdoptionRuleFactory.build(
        document_type=AdoptionRuleFactory().document_type,
        decider=decider,
        allow_higher_bodies=True,
    )

    rule.full_clean()


def test_the_nämnd_may_adopt_only_in_its_own_area(org_tree):
    policy, namnd = org_tree.types["policy"], org_tree.bodies["namnd"]

    assert check_decider(policy, org_tree.units["unit"], body=namnd).allowed
    refused = check_decider(policy, org_tree.units["company"], body=namnd)
    assert not refused.allowed
    assert namnd.name in refused.reason
    # The refusal says who may adopt for the company instead.
    assert org_tree.bodies["bolag"].name in refused.reason


def test_another_nämnd_may_not_adopt_for_a_unit_it_is_not_responsible_for(org_tree):
    social = BodyFactory(name="Socialnämnden", short_name="SN", kind=BodyKind.COMMITTEE)

    verdict = check_decider(org_tree.types["policy"], org_tree.units["area"], body=social)

    assert not verdict.allowed
    assert social.name in verdict.reason
    assert org_tree.bodies["namnd"].name in verdict.reason


def test_a_unit_can_change_its_responsible_nämnd(org_tree):
    social = BodyFactory(name="Socialnämnden", short_name="SN", kind=BodyKind.COMMITTEE)
    area = org_tree.units["area"]
    area.responsible_body = social
    area.save()

    policy = org_tree.types["policy"]
    assert check_decider(policy, org_tree.units["unit"], body=social).allowed
    assert not check_decider(policy, org_tree.units["unit"], body=org_tree.bodies["namnd"]).allowed
    assert check_decider(policy, org_tree.units["sector"], body=org_tree.bodies["namnd"]).allowed


def test_an_inactive_nämnd_may_not_adopt(org_tree):
    namnd = org_tree.bodies["namnd"]
    namnd.is_active = False
    namnd.save()

    verdict = check_decider(org_tree.types["policy"], org_tree.units["sector"], body=namnd)

    assert not verdict.allowed


def test_without_an_executive_board_the_rule_is_unresolved_and_explained(org_tree):
    ks = org_tree.bodies["KS"]
    ks.is_active = False
    ks.save()
    riktlinje = org_tree.types["riktlinje"]

    deciders = allowed_deciders(riktlinje, org_tree.units["top"])

    assert deciders.find(body=ks) is None
    assert len(deciders.unresolved) == 1
    assert riktlinje.name_plural in deciders.unresolved[0]
    assert deciders.unresolved[0] in deciders.explanation


def test_one_rule_per_type_and_decider(org_tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptionRule.objects.create(
            document_type=org_tree.types["policy"], decider=DeciderKind.EXECUTIVE_BOARD
        )
