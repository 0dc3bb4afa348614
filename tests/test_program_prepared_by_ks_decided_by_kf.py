"""A politiskt program is adopted by KF: KSAU and then KS prepare it, KF decides.

The type needs no samverkan: the case records that samverkan was skipped, and why.
"""

from __future__ import annotations

from audit.models import AuditEntry
from documents import rules
from documents.dates import add_months
from documents.models import DocumentStatus
from tests.lifecycle import days, decisions, english, open_steps, pdf, refresh, tasks_ever, today
from workflows.models import PreparationStep


def test_a_program_passes_ksau_and_ks_before_kf_decides(town):
    author = town.desk("hrstrateg")
    case = author.start_document(
        document_type=town.types["program"],
        title="Program för hållbar kompetensförsörjning",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    # KF has no diarium of its own: KS registers the matters it prepares for KF.
    assert case.diarienummer == f"KS {today().year}/1"
    assert case.decider_body == town.bodies["KF"]

    author.do(case, "draft", body="<p>Kommunen ska trygga kompetensen till 2030.</p>")

    # No samverkan for a political program; the reason is in the audit trail.
    case = refresh(case)
    assert case.samverkan_group is None
    assert not tasks_ever(case, "union_statement")
    [skipped] = AuditEntry.objects.filter(case=case, action="samverkan_skipped")
    with english():
        reason = rules.samverkan_for(town.types["program"], town.units["top"]).reason
    assert skipped.comment == reason
    assert "Politiska program" in reason

    # KSAU: proposal and its meeting.
    assert open_steps(case) == ["proposal"]
    town.desk("sekr_ksau").do(case, "proposal", proposal="KF föreslås anta programmet.")
    town.desk("sekr_ksau").do(
        case, "preparation", meeting_date=days(-30), paragraph="§ 80", outcome="forwarded"
    )
    # KS prepares for KF: its secretary records KS's proposal to KF.
    assert open_steps(case) == ["preparation"]
    assert tasks_ever(case, "preparation")[-1].owner_permission_obj_pk == str(
        town.positions["sekr_ks"].pk
    )
    town.desk("sekr_ks").do(
        case,
        "preparation",
        meeting_date=days(-20),
        paragraph="§ 150",
        outcome="forwarded",
        note="KS föreslår KF att anta programmet.",
    )
    # KF decides; its secretary records the decision.
    assert open_steps(case) == ["decision"]
    town.desk("sekr_kf").do(
        case,
        "decision",
        outcome="adopted",
        decision_date=days(-10),
        paragraph="§ 26",
        valid_from=today(),
    )
    town.desk("registrator").do(
        case,
        "registration",
        minutes_extract=pdf(),
        justering_date=days(-6),
        anslag_date=days(-5),
    )

    case = refresh(case)
    assert case.outcome == "published"
    steps = [(p.body.short_name, p.paragraph) for p in PreparationStep.objects.filter(case=case)]
    assert steps == [("KSAU", "§ 80"), ("KS", "§ 150")]
    [decision] = decisions(case)
    assert decision.body == town.bodies["KF"]
    assert decision.recorded_by == town.users["sekr_kf"]
    assert decision.paragraph == "§ 26"
    document = case.document
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    assert document.current_version.next_review == add_months(today(), 48)
