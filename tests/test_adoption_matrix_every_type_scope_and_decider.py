"""The adoption rule set as a full matrix: document type x scope x candidate decider.

Each cell of the table below is its own test. The municipality is the one of
``tests.factories.build_municipality`` with the default rule set of DOMAIN.md section 1:

- vision, program, plan: KF
- policy: KS (higher bodies allowed, so KF too), the responsible nämnd, the responsible
  company board, the kommunchef
- riktlinje: KS, the responsible nämnd, the kommunchef
- handlingsplan: the chief of the scope unit
- rutin: the chief of the scope unit, the owner of the document's process

The nämnd (BUN) is responsible for Sektor Utbildning and everything below it; the company
board for Ådalens Energi AB; the top unit's responsible body is KS.
"""

from __future__ import annotations

import pytest

from documents.rules import allowed_deciders, check_decider

CANDIDATES = [
    "KF",
    "KS",
    "KSAU",
    "namnd",
    "bolag",
    "kommunchef",
    "sektorschef",
    "omradeschef",
    "enhetschef",
    "vd",
    "processagare",
    "registrator",
]

# Y = may adopt, H = may adopt as a body above an allowed one, . = refused.
# Scopes: top = Ådalens kommun, sector = Sektor Utbildning, area = Område Förskola,
# unit = Förskolan Solrosen, company = Ådalens Energi AB.
#
#                         KF KS AU NÄ BO KC SC OC EC VD PO RG
MATRIX = """
vision         top        Y  .  .  .  .  .  .  .  .  .  .  .
vision         sector     Y  .  .  .  .  .  .  .  .  .  .  .
vision         area       Y  .  .  .  .  .  .  .  .  .  .  .
vision         unit       Y  .  .  .  .  .  .  .  .  .  .  .
vision         company    Y  .  .  .  .  .  .  .  .  .  .  .
program        top        Y  .  .  .  .  .  .  .  .  .  .  .
program        sector     Y  .  .  .  .  .  .  .  .  .  .  .
program        area       Y  .  .  .  .  .  .  .  .  .  .  .
program        unit       Y  .  .  .  .  .  .  .  .  .  .  .
program        company    Y  .  .  .  .  .  .  .  .  .  .  .
plan           top        Y  .  .  .  .  .  .  .  .  .  .  .
plan           sector     Y  .  .  .  .  .  .  .  .  .  .  .
plan           area       Y  .  .  .  .  .  .  .  .  .  .  .
plan           unit       Y  .  .  .  .  .  .  .  .  .  .  .
plan           company    Y  .  .  .  .  .  .  .  .  .  .  .
policy         top        H  Y  .  .  .  Y  .  .  .  .  .  .
policy         sector     H  Y  .  Y  .  Y  .  .  .  .  .  .
policy         area       H  Y  .  Y  .  Y  .  .  .  .  .  .
policy         unit       H  Y  .  Y  .  Y  .  .  .  .  .  .
policy         company    H  Y  .  .  Y  Y  .  .  .  .  .  .
riktlinje      top        .  Y  .  .  .  Y  .  .  .  .  .  .
riktlinje      sector     .  Y  .  Y  .  Y  .  .  .  .  .  .
riktlinje      area       .  Y  .  Y  .  Y  .  .  .  .  .  .
riktlinje      unit       .  Y  .  Y  .  Y  .  .  .  .  .  .
riktlinje      company    .  Y  .  .  .  Y  .  .  .  .  .  .
handlingsplan  top        .  .  .  .  .  Y  .  .  .  .  .  .
handlingsplan  sector     .  .  .  .  .  .  Y  .  .  .  .  .
handlingsplan  area       .  .  .  .  .  .  .  Y  .  .  .  .
handlingsplan  unit       .  .  .  .  .  .  .  .  Y  .  .  .
handlingsplan  company    .  .  .  .  .  .  .  .  .  Y  .  .
rutin          top        .  .  .  .  .  Y  .  .  .  .  Y  .
rutin          sector     .  .  .  .  .  .  Y  .  .  .  Y  .
rutin          area       .  .  .  .  .  .  .  Y  .  .  Y  .
rutin          unit       .  .  .  .  .  .  .  .  Y  .  Y  .
rutin          company    .  .  .  .  .  .  .  .  .  Y  Y  .
"""


def _parse(table: str) -> dict[tuple[str, str], dict[str, str]]:
    rows = {}
    for line in table.strip().splitlines():
        type_code, scope, *marks = line.split()
        assert len(marks) == len(CANDIDATES), line
        assert set(marks) <= {"Y", "H", "."}, line
        rows[(type_code, scope)] = dict(zip(CANDIDATES, marks, strict=True))
    return rows


EXPECTED = _parse(MATRIX)
TYPES = ["vision", "program", "plan", "policy", "riktlinje", "handlingsplan", "rutin"]
SCOPES = ["top", "sector", "area", "unit", "company"]
CELLS = [
    pytest.param(t, s, c, EXPECTED[(t, s)][c], id=f"{t}-{s}-{c}-{EXPECTED[(t, s)][c]}")
    for t in TYPES
    for s in SCOPES
    for c in CANDIDATES
]


def test_the_table_covers_every_type_and_scope():
    assert set(EXPECTED) == {(t, s) for t in TYPES for s in SCOPES}
    assert len(CELLS) == 7 * 5 * 12


@pytest.mark.parametrize(("type_code", "scope", "candidate", "expected"), CELLS)
def test_cell(db, shared_org_tree, type_code, scope, candidate, expected):
    org = shared_org_tree
    doc_type = org.types[type_code]
    scope_unit = org.units[scope]
    candidate_name = str(org.candidate_object(candidate))

    verdict = check_decider(doc_type, scope_unit, org.process, **org.candidate(candidate))

    if expected == ".":
        assert verdict.allowed is False
        assert verdict.decider is None
        assert verdict.reason.strip()
        explanation = allowed_deciders(doc_type, scope_unit, org.process).explanation
        assert explanation.strip()
        # The refusal quotes the rule: the explanation of who may adopt instead ...
        assert explanation in verdict.reason
        for other, mark in EXPECTED[(type_code, scope)].items():
            if mark == "Y":
                assert str(org.candidate_object(other)) in verdict.reason
        assert doc_type.name_plural in verdict.reason
        # ... and names the refused candidate outside that explanation.
        assert candidate_name in verdict.reason.replace(explanation, "")
    else:
        assert verdict.allowed is True, verdict.reason
        decider = verdict.decider
        assert decider is not None
        assert (decider.body or decider.position) == org.candidate_object(candidate)
        assert decider.via_higher_body is (expected == "H")
        assert candidate_name in verdict.reason
        assert verdict.reason == decider.reason


ROWS = [pytest.param(t, s, id=f"{t}-{s}") for t in TYPES for s in SCOPES]


@pytest.mark.parametrize(("type_code", "scope"), ROWS)
def test_allowed_deciders_are_exactly_the_row(db, shared_org_tree, type_code, scope):
    """No decider outside the candidate list sneaks in, and every rule resolves here."""
    org = shared_org_tree
    deciders = allowed_deciders(org.types[type_code], org.units[scope], org.process)

    got = {d.body or d.position for d in deciders.allowed}
    want = {
        org.candidate_object(c) for c, mark in EXPECTED[(type_code, scope)].items() if mark != "."
    }
    assert got == want
    assert len(deciders.allowed) == len(want), "a decider is listed twice"
    assert deciders.unresolved == []
    for decider in deciders.allowed:
        assert decider.reason.strip()
