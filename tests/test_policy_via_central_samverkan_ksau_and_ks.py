"""A municipality-wide policy, clicked through from start to publication.

The HR strategist drafts it; central samverkan consults (Vision supports, Kommunal
demands an MBL negotiation, so the chair must record the negotiation before anything
else); the KSAU secretary writes the decision proposal and records KSAU's handling; the
KS secretary records the decision with its paragraph; the registrar registers it with the
minutes extract and the dates of justering and anslag; the policy becomes valid.
"""

from __future__ import annotations

import pytest

from documents import notice_rules
from documents.dates import add_months
from documents.models import DocumentStatus, VersionStatus
from tests.lifecycle import (
    audit_actions,
    days,
    decisions,
    english,
    open_steps,
    open_tasks,
    pdf,
    refresh,
    tasks_ever,
    today,
)
from workflows.actions.decision import check_ready_for_decision
from workflows.models import Agreement, Negotiation, PreparationStep, SamverkanMeeting
from workflows.refusals import CaseError

TEXT = "<h2>Syfte</h2><p>Kommunen ska vara en attraktiv arbetsgivare.</p>"


def test_a_policy_travels_from_draft_to_valid_through_the_pages(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
        summary="Övergripande mål för kommunen som arbetsgivare.",
    )
    year = today().year
    assert case.diarienummer == f"KS {year}/1"
    assert case.decider_body == town.bodies["KS"]
    assert open_steps(case) == ["draft"]

    # Drafting: the author saves, then submits.
    response = hr.attempt(case, "draft", action="save", body=TEXT)
    assert response.status_code == 302
    assert open_steps(case) == ["draft"]
    hr.do(case, "draft")
    case = refresh(case)
    assert case.version.body == TEXT
    assert case.samverkan_group == town.groups["central"]

    # Samverkan: each union representative has their own task.
    statements = open_tasks(case, "union_statement")
    assert {t.owner.username for t in statements} == {"vision_central", "kommunal_central"}
    town.desk("vision_central").do(
        case, "union_statement", stance="supports", comment="Bra skrivning om arbetsmiljö."
    )
    assert open_steps(case) == ["union_statement"]  # the chair waits for everyone
    town.desk("kommunal_central").do(
        case, "union_statement", stance="demands_mbl", comment="Påverkar schemaläggningen."
    )
    assert open_steps(case) == ["samverkan_meeting"]
    with english(), pytest.raises(CaseError) as refused:
        check_ready_for_decision(refresh(case))
    assert refused.value.code == "samverkan_not_finished"

    # The employer-side chair (the municipal chief) records the meeting.
    town.desk("kommunchef").do(
        case,
        "samverkan_meeting",
        meeting_date=days(-20),
        agreement=Agreement.DISAGREEMENT,
        minutes_reference="Protokoll CSG 2026 § 4",
        reservations="Kommunal: protokollsanteckning om schemaläggning.",
    )
    # A union demanded negotiation: the negotiation comes next, nothing else.
    assert open_steps(case) == ["negotiation"]
    assert not tasks_ever(case, "proposal")
    with english(), pytest.raises(CaseError) as refused:
        check_ready_for_decision(refresh(case))
    assert refused.value.code == "negotiation_pending"
    town.desk("kommunchef").do(
        case,
        "negotiation",
        negotiation_date=days(-15),
        outcome="not_agreed",
        minutes_reference="MBL-protokoll 2026-10-01",
    )
    check_ready_for_decision(refresh(case))  # no longer raises

    # Preparation: the KSAU secretary writes the proposal, then records KSAU's meeting.
    assert open_steps(case) == ["proposal"]
    town.desk("sekr_ksau").do(
        case, "proposal", proposal="Kommunstyrelsen föreslås anta arbetsgivarpolicyn."
    )
    assert open_steps(case) == ["preparation"]
    town.desk("sekr_ksau").do(
        case,
        "preparation",
        meeting_date=days(-12),
        paragraph="§ 45",
        outcome="forwarded",
        note="KSAU föreslår KS att anta policyn.",
    )

    # Decision: the KS secretary records KS's decision with its paragraph.
    assert open_steps(case) == ["decision"]
    town.desk("sekr_ks").do(
        case,
        "decision",
        outcome="adopted",
        decision_date=days(-10),
        paragraph="§ 112",
        valid_from=today(),
    )
    assert open_steps(case) == ["registration"]

    # Registration: the registrar attaches the minutes extract and the dates.
    town.desk("registrator").do(
        case,
        "registration",
        minutes_extract=pdf(),
        justering_date=days(-8),
        anslag_date=days(-7),
    )

    case = refresh(case)
    assert open_tasks(case) == []
    assert case.finished is not None
    assert case.outcome == "published"

    [decision] = decisions(case)
    assert decision.body == town.bodies["KS"]
    assert decision.position is None
    assert decision.paragraph == "§ 112"
    assert decision.decision_date == days(-10)
    assert decision.recorded_by == town.users["sekr_ks"]
    assert decision.recorded_as == town.positions["sekr_ks"]
    assert decision.recorded_as_substitute is False
    assert decision.registered_by == town.users["registrator"]
    assert decision.justering_date == days(-8)
    assert decision.anslag_date == days(-7)
    # The day after the last day to appeal (three weeks from posting, moved past a
    # weekend or holiday: documents.notice_rules).
    assert decision.legal_force_date == notice_rules.legal_force_day(days(-7))
    with decision.minutes_extract.open("rb") as f:
        assert f.read().startswith(b"%PDF-")

    version = case.version
    version.refresh_from_db()
    document = case.document
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    assert document.current_version == version
    assert version.status == VersionStatus.VALID
    assert version.adoption == decision
    assert version.valid_from == today()
    assert version.next_review == add_months(today(), 48)
    assert version.diary_entry == case.diary_entry
    with english():
        assert version.adoption_line == (
            f"Adopted by Kommunstyrelsen {days(-10):%Y-%m-%d}, § 112, Dnr {case.diarienummer}"
        )

    [meeting] = SamverkanMeeting.objects.filter(case=case)
    assert meeting.group == town.groups["central"]
    assert meeting.agreement == Agreement.DISAGREEMENT
    assert meeting.recorded_by == town.users["kommunchef"]
    assert Negotiation.objects.filter(case=case).count() == 1
    assert [
        (p.body.short_name, p.paragraph) for p in PreparationStep.objects.filter(case=case)
    ] == [("KSAU", "§ 45")]
    stances = dict(case.statements.values_list("union__name", "stance"))
    assert stances == {"Vision": "supports", "Kommunal": "demands_mbl"}

    actions = audit_actions(case)
    for action in [
        "case_started",
        "draft_saved",
        "samverkan_statement",
        "samverkan_meeting",
        "negotiation",
        "proposal_written",
        "preparation",
        "decision",
        "decision_registered",
        "version_published",
    ]:
        assert action in actions
    assert actions[0] == "case_started"
    assert actions[-1] == "version_published"
    assert "samverkan_skipped" not in actions


def test_the_case_page_shows_the_timeline_and_the_flow_chart(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    hr.complete(case, "draft", body=TEXT)

    page = hr.get(f"/work/cases/{case.pk}/")
    assert page.status_code == 200
    assert case.diarienummer in page.content.decode()
    timeline = list(page.context["timeline"])
    assert [e.action for e in timeline][:2] == ["case_started", "task_created"]
    assert "Union position in samverkan" in page.content.decode()

    chart = hr.get(f"/work/cases/{case.pk}/chart.svg")
    assert chart.status_code == 200
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content
