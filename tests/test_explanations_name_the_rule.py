"""Explanations carry the data that makes them specific, in Swedish and in English.

The Swedish catalogue is written in parallel, so these tests check the language-independent
content (type names, body names, process names, titles) under both languages rather than the
wording itself.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from documents.rules import allowed_deciders, check_decider, samverkan_for

LANGUAGES = ["sv", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rutin_explanation_names_the_process_and_its_owner(org_tree, language):
    with translation.override(language):
        deciders = allowed_deciders(
            org_tree.types["rutin"], org_tree.units["unit"], org_tree.process
        )

    reason = deciders.find(position=org_tree.positions["processagare"]).reason
    assert "Rutiner" in reason
    assert "Rekrytering" in reason
    assert "Processägare Rekrytering" in reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_policy_explanation_names_the_responsible_nämnd_and_the_scope(org_tree, language):
    with translation.override(language):
        deciders = allowed_deciders(org_tree.types["policy"], org_tree.units["area"])

    reason = deciders.find(body=org_tree.bodies["namnd"]).reason
    assert "Policyer" in reason
    assert "Barn- och utbildningsnämnden" in reason
    assert "Område Förskola" in reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_company_policy_explanation_names_the_company_board(org_tree, language):
    with translation.override(language):
        deciders = allowed_deciders(org_tree.types["policy"], org_tree.units["company"])

    reason = deciders.find(body=org_tree.bodies["bolag"]).reason
    assert "Policyer" in reason
    assert "Styrelsen för Ådalens Energi AB" in reason
    assert "Ådalens Energi AB" in reason.replace("Styrelsen för Ådalens Energi AB", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_handlingsplan_explanation_names_the_unit_title_and_position(org_tree, language):
    with translation.override(language):
        deciders = allowed_deciders(org_tree.types["handlingsplan"], org_tree.units["unit"])

    reason = deciders.find(position=org_tree.positions["enhetschef"]).reason
    assert "Handlingsplaner" in reason
    assert "Förskolan Solrosen" in reason
    assert "enhetschef" in reason.lower()
    assert "Enhetschef Solrosen" in reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kommunchef_explanation_uses_the_top_levels_title(org_tree, language):
    with translation.override(language):
        deciders = allowed_deciders(org_tree.types["riktlinje"], org_tree.units["unit"])

    reason = deciders.find(position=org_tree.positions["kommunchef"]).reason
    assert "Riktlinjer" in reason
    assert "kommunchef" in reason.lower()
    assert "Kommunchef" in reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_names_the_candidate_and_the_allowed_deciders(org_tree, language):
    with translation.override(language):
        verdict = check_decider(
            org_tree.types["vision"], org_tree.units["top"], body=org_tree.bodies["KS"]
        )

    assert not verdict.allowed
    assert "Kommunstyrelsen" in verdict.reason
    assert "Visioner" in verdict.reason
    assert "Kommunfullmäktige" in verdict.reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_samverkan_explanation_names_the_scope_and_the_group(org_tree, language):
    with translation.override(language):
        routing = samverkan_for(org_tree.types["rutin"], org_tree.units["area"])

    assert "Område Förskola" in routing.reason
    assert "Samverkansgrupp Utbildning" in routing.reason


def test_check_decider_needs_exactly_one_candidate(org_tree):
    with pytest.raises(ValueError):
        check_decider(org_tree.types["policy"], org_tree.units["top"])
    with pytest.raises(ValueError):
        check_decider(
            org_tree.types["policy"],
            org_tree.units["top"],
            body=org_tree.bodies["KS"],
            position=org_tree.positions["kommunchef"],
        )
