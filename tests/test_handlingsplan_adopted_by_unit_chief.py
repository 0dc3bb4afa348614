"""A handlingsplan for a unit is consulted in the unit's samverkan group and adopted by the
unit's chief; an official's decision needs no preparation and no minutes."""

from __future__ import annotations

import datetime

from documents.dates import add_months
from documents.models import DocumentStatus, VersionStatus
from tests.lifecycle import audit_actions, decisions, open_steps, refresh, tasks_ever, today


def test_the_unit_chief_adopts_the_units_handlingsplan(town):
    author = town.desk("samordnare")
    case = author.start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan för språkutveckling 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    assert case.decider_body is None
    assert case.decider_position == town.positions["enhetschef"]
    # The unit belongs to the nämnd's area: its diarium.
    assert case.diarienummer.startswith("BUN ")

    author.do(case, "draft", body="<ul><li>Läsa varje dag.</li></ul>")
    assert open_steps(case) == ["union_statement"]
    town.desk("kommunal_solrosen").do(case, "union_statement", stance="supports")
    town.desk("enhetschef").do(
        case,
        "samverkan_meeting",
        meeting_date=today(),
        agreement="agreement",
        minutes_reference="APT/samverkan Solrosen § 3",
    )
    # No proposal, no preparation: straight to the chief's decision.
    assert open_steps(case) == ["decision"]
    page = town.desk("enhetschef").open(case, "decision")[1]
    assert "paragraph" in page.context["form"].fields
    assert not page.context["form"].fields["paragraph"].required
    town.desk("enhetschef").do(
        case, "decision", outcome="adopted", decision_date=today(), valid_from=today()
    )
    # The registrar registers the delegation decision; no minutes are required.
    town.desk("registrator").do(case, "registration")

    case = refresh(case)
    assert case.outcome == "published"
    assert not tasks_ever(case, "proposal")
    assert not tasks_ever(case, "preparation")
    [decision] = decisions(case)
    assert decision.body is None
    assert decision.position == town.positions["enhetschef"]
    assert decision.recorded_by == town.users["enhetschef"]
    assert decision.recorded_as == town.positions["enhetschef"]
    assert decision.paragraph == ""
    assert decision.registered_by == town.users["registrator"]
    assert decision.legal_force_date is None

    version = case.version
    version.refresh_from_db()
    assert version.status == VersionStatus.VALID
    version.document.refresh_from_db()
    assert version.document.status == DocumentStatus.VALID
    assert version.document.current_version == version
    # Handlingsplaner are reviewed yearly and valid for a year by default.
    assert version.next_review == add_months(today(), 12)
    assert version.valid_until == add_months(today(), 12) - datetime.timedelta(days=1)
    assert audit_actions(case)[-1] == "version_published"
