""" "Only for its own area" is data on every adoption rule, with one meaning per decider kind.

- KS and the process owner: the administrator's choice (KS: the units whose responsible body is
  KS; a process owner: the part of the organisation the process runs in).
- The responsible nämnd, the responsible company board and the unit's chief: always on, since
  the kind names the decider *of* the scope; a rule cannot be widened.
- KF and the municipal chief: always off, since their area is the whole municipality.

Existing rules keep what they did (the migration marks the kinds that were limited all along),
the shipped rule set loads with the right flags, every kind has its resolver in the rule set's
table, and the order and keys the drafting form offers come from the rules module.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

import documents.migrations
from documents import rules
from documents.models import (
    OWN_AREA_ALWAYS,
    OWN_AREA_NEVER,
    AdoptionRule,
    DeciderKind,
    DocumentType,
)
from fixtures.reference_data import default_rule_set, load_reference_data
from tests.factories import (
    AdoptionRuleFactory,
    DocumentFactory,
    DocumentTypeFactory,
    ProcessFactory,
)
from workflows.actions.base import decider_choices

OPTIONAL = [DeciderKind.EXECUTIVE_BOARD, DeciderKind.PROCESS_OWNER]


def test_every_decider_kind_has_a_resolver_and_one_own_area_meaning():
    assert set(rules.RESOLVERS) == set(DeciderKind.values)
    assert not OWN_AREA_ALWAYS & OWN_AREA_NEVER
    assert set(DeciderKind.values) - OWN_AREA_ALWAYS - OWN_AREA_NEVER == set(OPTIONAL)


@pytest.mark.parametrize("decider", DeciderKind.values)
@pytest.mark.parametrize("own_area", [True, False])
def test_the_model_refuses_exactly_the_combinations_that_cannot_mean_anything(
    db, decider, own_area
):
    rule = AdoptionRule(
        document_type=DocumentTypeFactory(), decider=decider, only_own_area=own_area
    )
    refused = (own_area and decider in OWN_AREA_NEVER) or (
        not own_area and decider in OWN_AREA_ALWAYS
    )

    if not refused:
        rule.full_clean()
        return
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        rule.full_clean()
    [message] = error.value.message_dict["only_own_area"]
    assert rule.get_decider_display() in message
    assert message.startswith("Beslutsfattaren ”")


@pytest.mark.parametrize("decider", sorted(OWN_AREA_ALWAYS | OWN_AREA_NEVER))
def test_a_rule_saved_by_code_stores_what_its_kind_does(db, decider):
    rule = AdoptionRule.objects.create(
        document_type=DocumentTypeFactory(),
        decider=decider,
        only_own_area=decider in OWN_AREA_NEVER,
    )

    rule.refresh_from_db()
    assert rule.only_own_area is (decider in OWN_AREA_ALWAYS)


def test_the_migration_marks_the_kinds_that_were_limited_all_along(db):
    document_type = DocumentTypeFactory()
    AdoptionRule.objects.bulk_create(
        AdoptionRule(document_type=document_type, decider=decider, only_own_area=False)
        for decider in DeciderKind.values
    )
    [path] = Path(documents.migrations.__file__).parent.glob("*_adoptionrule_only_own_area.py")
    migration = importlib.import_module(f"documents.migrations.{path.stem}")

    migration.mark_rules_limited_by_their_kind(apps, None)

    marked = set(
        AdoptionRule.objects.filter(document_type=document_type, only_own_area=True).values_list(
            "decider", flat=True
        )
    )
    assert marked == OWN_AREA_ALWAYS


def test_the_shipped_rule_set_loads_with_the_flags_its_kinds_require(db):
    AdoptionRule.objects.all().delete()
    DocumentType.objects.all().delete()

    load_reference_data()

    stored = list(AdoptionRule.objects.all())
    assert len(stored) == sum(len(t.rules) for t in default_rule_set().types)
    for rule in stored:
        rule.full_clean()
        assert rule.only_own_area is (rule.decider in OWN_AREA_ALWAYS), rule


# --- KS and the process owner: optional ----------------------------------------


def test_ks_limited_to_its_own_area_keeps_the_top_unit_and_leaves_the_nämnds_units(org_tree):
    riktlinje = org_tree.types["riktlinje"]
    AdoptionRule.objects.filter(
        document_type=riktlinje, decider=DeciderKind.EXECUTIVE_BOARD
    ).update(only_own_area=True)
    ks = org_tree.bodies["KS"]

    assert rules.check_decider(riktlinje, org_tree.units["top"], body=ks).allowed
    for scope, responsible in [("sector", "namnd"), ("unit", "namnd"), ("company", "bolag")]:
        with translation.override("en"):
            verdict = rules.check_decider(riktlinje, org_tree.units[scope], body=ks)
        assert not verdict.allowed
        assert (
            f"Riktlinjer may be adopted by Kommunstyrelsen only for its own area, the units it "
            f"is responsible for; {org_tree.units[scope].name} is the responsibility of "
            f"{org_tree.bodies[responsible].name}."
        ) in verdict.reason
    # The nämnd and the kommunchef are untouched by KS's limit.
    unit = org_tree.units["unit"]
    assert rules.check_decider(riktlinje, unit, body=org_tree.bodies["namnd"]).allowed
    assert rules.check_decider(riktlinje, unit, position=org_tree.positions["kommunchef"]).allowed


@pytest.fixture
def sector_process(org_tree):
    """A process run in Sektor Utbildning, owned by the municipality's process owner."""
    return ProcessFactory(
        name="Barnomsorgsplacering",
        unit=org_tree.units["sector"],
        owner_position=org_tree.positions["processagare"],
    )


def test_without_own_area_a_process_owner_adopts_their_rutiner_for_any_scope(
    org_tree, sector_process
):
    owner = org_tree.positions["processagare"]
    rutin = org_tree.types["rutin"]

    for scope in ["top", "sector", "unit", "company"]:
        assert rules.check_decider(
            rutin, org_tree.units[scope], sector_process, position=owner
        ).allowed


def test_a_process_owner_limited_to_their_own_area_adopts_only_where_the_process_runs(
    org_tree, sector_process
):
    owner = org_tree.positions["processagare"]
    rutin = org_tree.types["rutin"]
    AdoptionRule.objects.filter(document_type=rutin, decider=DeciderKind.PROCESS_OWNER).update(
        only_own_area=True
    )

    with translation.override("sv"):
        inside = rules.check_decider(rutin, org_tree.units["unit"], sector_process, position=owner)
        outside = rules.check_decider(
            rutin, org_tree.units["company"], sector_process, position=owner
        )

    assert inside.allowed
    assert inside.reason == (
        "Rutiner får fastställas av processägaren för processen Barnomsorgsplacering "
        "(Processägare Rekrytering) inom den del av organisationen där processen bedrivs, "
        "Sektor Utbildning."
    )
    assert not outside.allowed
    assert (
        "Rutiner får fastställas av processägaren för processen Barnomsorgsplacering "
        "(Processägare Rekrytering) bara inom den del av organisationen där processen bedrivs, "
        "Sektor Utbildning; Ådalens Energi AB ligger utanför den."
    ) in outside.reason
    # The company's own chief still adopts it.
    assert rules.check_decider(
        rutin, org_tree.units["company"], sector_process, position=org_tree.positions["vd"]
    ).allowed


def test_when_no_one_else_may_adopt_the_own_area_rule_explains_the_refusal(
    org_tree, sector_process
):
    instruktion = DocumentTypeFactory(name="Instruktion", name_plural="Instruktioner")
    AdoptionRuleFactory(
        document_type=instruktion, decider=DeciderKind.PROCESS_OWNER, only_own_area=True
    )

    with translation.override("en"):
        deciders = rules.allowed_deciders(instruktion, org_tree.units["top"], sector_process)

    assert deciders.allowed == []
    assert deciders.unresolved == [
        "Instruktioner may be adopted by the process owner of the process Barnomsorgsplacering "
        "(Processägare Rekrytering) only within the part of the organisation the process runs "
        "in, Sektor Utbildning; Ådalens kommun is outside it."
    ]


# --- The order and keys the drafting form offers --------------------------------


def test_deciders_are_offered_bodies_closest_to_the_matter_first_then_officials(org_tree):
    policy = org_tree.types["policy"]

    offered = rules.allowed_deciders(policy, org_tree.units["sector"]).offered

    bodies, positions = org_tree.bodies, org_tree.positions
    assert [d.body or d.position for d in offered] == [
        bodies["namnd"],
        bodies["KS"],
        positions["kommunchef"],
        bodies["KF"],  # only as the body above KS
    ]


def test_the_keys_the_form_posts_find_the_same_deciders(org_tree):
    policy = org_tree.types["policy"]
    found = rules.allowed_deciders(policy, org_tree.units["sector"])
    document = DocumentFactory(document_type=policy, scope_unit=org_tree.units["sector"])

    choices = decider_choices(document)

    assert [key for key, _d in choices] == [d.key for d in found.offered]
    for key, decider in choices:
        assert found.by_key(key) == decider
    ks = org_tree.bodies["KS"]
    assert rules.decider_key(body_id=ks.pk) == f"body:{ks.pk}"
    chief = org_tree.positions["kommunchef"]
    assert rules.decider_key(position_id=chief.pk) == f"position:{chief.pk}"
    assert found.by_key(f"body:{org_tree.bodies['bolag'].pk}") is None
