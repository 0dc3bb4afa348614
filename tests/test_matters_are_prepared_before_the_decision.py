"""A matter for KF passes KSAU, then KS; a matter for KS passes KSAU; a nämnd decides alone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from documents.rules import preparing_bodies
from org.models import Body, BodyKind
from tests.factories import BodyFactory


def _short(bodies: list[Body]) -> list[str]:
    return [b.short_name for b in bodies]


def test_kf_matters_pass_ksau_then_ks(org_tree):
    assert _short(preparing_bodies(org_tree.bodies["KF"])) == ["KSAU", "KS"]


def test_ks_matters_pass_ksau(org_tree):
    assert _short(preparing_bodies(org_tree.bodies["KS"])) == ["KSAU"]


@pytest.mark.parametrize("key", ["namnd", "bolag", "KSAU"])
def test_other_bodies_have_no_preparation(org_tree, key):
    assert preparing_bodies(org_tree.bodies[key]) == []


def test_a_nämnds_own_working_committee_prepares_its_matters(org_tree):
    au = BodyFactory(
        name="Barn- och utbildningsnämndens arbetsutskott",
        short_name="BUNAU",
        kind=BodyKind.WORKING_COMMITTEE,
        prepares_for=org_tree.bodies["namnd"],
    )

    assert preparing_bodies(org_tree.bodies["namnd"]) == [au]
    assert _short(preparing_bodies(org_tree.bodies["KF"])) == ["KSAU", "KS"]


def test_a_kf_matter_goes_through_ks_even_when_another_body_also_prepares_for_kf(org_tree):
    BodyFactory(
        name="Valberedningen",
        short_name="VB",
        kind=BodyKind.WORKING_COMMITTEE,
        prepares_for=org_tree.bodies["KF"],
    )

    assert _short(preparing_bodies(org_tree.bodies["KF"])) == ["KSAU", "KS"]


def test_inactive_bodies_are_skipped(org_tree):
    ksau = org_tree.bodies["KSAU"]
    ksau.is_active = False
    ksau.save()

    assert _short(preparing_bodies(org_tree.bodies["KF"])) == ["KS"]


def test_a_preparation_loop_is_refused(org_tree):
    kf = Body.objects.get(pk=org_tree.bodies["KF"].pk)
    kf.prepares_for = org_tree.bodies["KSAU"]

    with pytest.raises(ValidationError) as error:
        kf.clean()
    assert "prepares_for" in error.value.message_dict


def test_preparing_for_itself_is_a_loop(org_tree):
    ks = Body.objects.get(pk=org_tree.bodies["KS"].pk)
    ks.prepares_for = ks

    with pytest.raises(ValidationError):
        ks.clean()


def test_the_existing_chain_is_valid(org_tree):
    for body in org_tree.bodies.values():
        body.full_clean()


def test_bodies_rank_kf_above_ks_above_nämnd_and_working_committees_lowest(org_tree):
    b = org_tree.bodies
    assert b["KF"].rank > b["KS"].rank > b["namnd"].rank > b["KSAU"].rank
    assert b["namnd"].rank == b["bolag"].rank
