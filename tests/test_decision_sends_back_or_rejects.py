"""Besides adopting, the decider may send the draft back (återremiss) with a motivation the
author sees, or reject it, which ends the case with everything kept."""

from __future__ import annotations

from documents.models import DocumentStatus, DocumentVersion, VersionStatus
from tests.lifecycle import (
    audit_actions,
    decisions,
    open_steps,
    open_tasks,
    refresh,
    run_to_end,
    run_until,
    shows,
    snapshot,
    today,
)
from workflows.models import SamverkanMeeting

MOTIVATION = "Beskriv hur introduktionen följs upp."


def rutin(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["rutin"],
        title="Rutin för introduktion",
        scope_unit=town.units["top"],
        process=town.process,
        owner_position=town.positions["processagare"],
    )
    run_until(town, case, "decision")
    return case


def test_sending_back_needs_a_motivation(town):
    case = rutin(town)
    before = snapshot(case)

    response = town.desk("processagare").attempt(
        case, "decision", outcome="returned", decision_date=today(), motivation=""
    )

    assert response.status_code == 400
    assert shows(response, "Give a motivation when sending back or rejecting.")
    assert snapshot(case) == before


def test_a_draft_sent_back_returns_to_the_author_and_samverkan_again(town):
    case = rutin(town)
    town.desk("processagare").complete(
        case, "decision", outcome="returned", decision_date=today(), motivation=MOTIVATION
    )

    assert open_steps(case) == ["draft"]
    page = town.desk("hrstrateg").open(case, "draft")[1]
    assert shows(page, MOTIVATION)
    assert [d.outcome for d in decisions(case)] == ["returned"]

    town.desk("hrstrateg").complete(case, "draft", body="<p>Uppföljning efter en månad.</p>")
    case = refresh(case)
    assert case.round == 2
    # The new draft goes through samverkan again; the first round's records are kept.
    assert open_steps(case) == ["union_statement", "union_statement"]
    assert case.statements.filter(round=1).count() == 2
    run_until(town, case, "decision")
    assert SamverkanMeeting.objects.filter(case=case).count() == 2
    case = run_to_end(town, case)
    assert case.outcome == "published"
    assert [d.outcome for d in decisions(case)] == ["returned", "adopted"]


def test_a_rejected_draft_ends_the_case_and_keeps_everything(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Policy för distansarbete",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "decision")
    town.desk("sekr_ks").complete(
        case,
        "decision",
        outcome="rejected",
        decision_date=today(),
        paragraph="§ 90",
        motivation="KS avslår förslaget.",
    )

    case = refresh(case)
    assert open_tasks(case) == []
    assert case.finished is not None
    assert case.outcome == "rejected"
    version = DocumentVersion.objects.get(pk=case.version_id)
    assert version.status == VersionStatus.REJECTED
    assert version.body  # the text is kept
    assert case.document.status == DocumentStatus.REJECTED
    assert [(d.outcome, d.paragraph) for d in decisions(case)] == [("rejected", "§ 90")]
    assert case.statements.count() == 2
    assert audit_actions(case)[-1] == "case_closed"


def test_a_preparing_body_may_send_the_matter_back(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Policy för distansarbete",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "preparation")
    ksau = town.desk("sekr_ksau")

    refused = ksau.attempt(case, "preparation", meeting_date=today(), outcome="returned", note="")
    assert refused.status_code == 400
    assert shows(refused, "Explain why the matter is sent back.")

    ksau.complete(
        case,
        "preparation",
        meeting_date=today(),
        outcome="returned",
        note="Komplettera med kostnader.",
    )
    assert open_steps(case) == ["draft"]
    assert shows(town.desk("hrstrateg").open(case, "draft")[1], "Komplettera med kostnader.")
