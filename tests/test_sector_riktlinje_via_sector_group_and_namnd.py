"""A riktlinje for one sector goes to the sector's samverkan group and is adopted by the
nämnd responsible for the sector; the nämnd's secretary prepares and records it."""

from __future__ import annotations

from documents import notice_rules
from documents.dates import add_months
from documents.models import DocumentStatus, VersionStatus
from tests.lifecycle import (
    audit_actions,
    days,
    decisions,
    open_steps,
    open_tasks,
    pdf,
    refresh,
    tasks_ever,
    today,
)


def test_a_sector_riktlinje_is_consulted_in_the_sector_group_and_adopted_by_the_namnd(town):
    author = town.desk("utvecklare")
    case = author.start_document(
        document_type=town.types["riktlinje"],
        title="Riktlinje för inskolning",
        scope_unit=town.units["sector"],
        owner_position=town.positions["utvecklare"],
    )
    assert case.diarienummer == f"BUN {today().year}/1"
    assert case.decider_body == town.bodies["namnd"]

    author.do(case, "draft", body="<p>Inskolning sker under två veckor.</p>")
    case = refresh(case)
    assert case.samverkan_group == town.groups["sector"]
    reps = {t.owner.username for t in open_tasks(case, "union_statement")}
    assert reps == {"lärare_utb", "vision_utb"}

    town.desk("lärare_utb").do(case, "union_statement", stance="no_objections")
    town.desk("vision_utb").do(
        case, "union_statement", stance="opposes", comment="Två veckor räcker inte alltid."
    )
    # The sector group's chair is the sector chief.
    assert open_steps(case) == ["samverkan_meeting"]
    town.desk("sektorschef").do(
        case,
        "samverkan_meeting",
        meeting_date=days(-14),
        agreement="disagreement",
        minutes_reference="Protokoll SVG Utbildning § 7",
        reservations="Vision: protokollsanteckning.",
    )
    # Opposing is not demanding negotiation: no negotiation step.
    assert open_steps(case) == ["proposal"]

    # The nämnd has no preparing body: its secretary writes the proposal, then records
    # the decision.
    town.desk("sekr_bun").do(case, "proposal", proposal="Nämnden föreslås anta riktlinjen.")
    assert open_steps(case) == ["decision"]
    town.desk("sekr_bun").do(
        case,
        "decision",
        outcome="adopted",
        decision_date=days(-7),
        paragraph="§ 31",
        valid_from=today(),
    )
    town.desk("registrator").do(
        case,
        "registration",
        minutes_extract=pdf(),
        justering_date=days(-5),
        anslag_date=days(-4),
    )

    case = refresh(case)
    assert case.outcome == "published"
    assert not tasks_ever(case, "negotiation")
    assert not tasks_ever(case, "preparation")
    [decision] = decisions(case)
    assert decision.body == town.bodies["namnd"]
    assert decision.paragraph == "§ 31"
    assert decision.recorded_by == town.users["sekr_bun"]
    # The day after the last day to appeal (three weeks from posting, moved past a
    # weekend or holiday: documents.notice_rules).
    assert decision.legal_force_date == notice_rules.legal_force_day(days(-4))

    document = case.document
    document.refresh_from_db()
    version = document.current_version
    assert document.status == DocumentStatus.VALID
    assert version == case.version
    assert version.status == VersionStatus.VALID
    assert version.next_review == add_months(today(), 24)
    assert "negotiation" not in audit_actions(case)
