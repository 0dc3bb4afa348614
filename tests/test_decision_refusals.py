"""Only an allowed decider records the decision, never the author, only when samverkan
(and a demanded negotiation) is done. Every refusal explains itself and changes nothing."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from documents import rules
from org.models import Substitution
from tests.factories import SubstitutionFactory, UserFactory
from tests.lifecycle import (
    audit_actions,
    days,
    decisions,
    english,
    open_steps,
    open_tasks,
    refresh,
    run_until,
    shows,
    snapshot,
    tasks_ever,
    today,
)
from workflows import access
from workflows.actions.decision import check_ready_for_decision
from workflows.actions.drafting import save_draft
from workflows.actions.tasks import complete_task
from workflows.refusals import CaseError, NotAllowed

ADOPT = {"outcome": "adopted", "decision_date": today(), "valid_from": today()}
FOUR_EYES = "You wrote this proposal and may not decide on it yourself (the four-eyes principle)."


def ks_policy(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "decision")
    return refresh(case)


def rutin(town, *, scope="top", author="hrstrateg"):
    case = town.desk(author).start_document(
        document_type=town.types["rutin"],
        title="Rutin för rekrytering",
        scope_unit=town.units[scope],
        process=town.process,
        owner_position=town.positions["processagare"],
    )
    return refresh(case)


def assert_refused(response, before, case, message):
    """The refusal is shown on the page and nothing changed."""
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert list(errors) == [message]
    assert shows(response, message)
    assert snapshot(case) == before


# --- Wrong body ------------------------------------------------------------------


def test_the_ksau_secretary_may_not_record_a_ks_decision(town):
    case = ks_policy(town)
    before = snapshot(case)
    with english():
        message = rules.check_decider(
            town.types["policy"], town.units["top"], position=town.positions["sekr_ksau"]
        ).reason
    assert "Kommunstyrelsen" in message

    # KSAU prepared the matter, so its secretary sees the case and the task page ...
    task, page = town.desk("sekr_ksau").open(case, "decision")
    assert page.status_code == 200
    assert page.context["permit"].allowed is False
    assert shows(page, message)
    # ... but posting the decision is refused with the rule service's explanation.
    response = town.desk("sekr_ksau").attempt(case, "decision", paragraph="§ 1", **ADOPT)
    assert_refused(response, before, case, message)
    assert not decisions(case).exists()
    assert "decision" not in audit_actions(case)


def test_the_namnds_secretary_may_not_decide_a_ks_case(town):
    case = ks_policy(town)
    task = open_tasks(case, "decision")[0]
    before = snapshot(case)
    secretary = town.users["sekr_bun"]

    # The nämnd's secretary has nothing to do with the case: the page does not exist for them.
    desk = town.desk(secretary)
    assert desk.get(desk.task_url(task)).status_code == 404
    assert (
        desk.post(desk.task_url(task), {"action": "complete", "paragraph": "§ 3"}).status_code
        == 404
    )

    # Through the service the refusal names the rule.
    with english(), pytest.raises(NotAllowed) as refused:
        complete_task(user=secretary, task_id=task.pk, data={"paragraph": "§ 3", **ADOPT})
    assert "Nämndsekreterare BUN may not adopt this document." in refused.value.message
    assert "Policyer may be adopted by Kommunstyrelsen." in refused.value.message
    assert snapshot(case) == before


def test_the_draft_cannot_name_a_body_the_rules_do_not_allow(town):
    author = town.desk("hrstrateg")
    case = author.start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    before = snapshot(case)
    bun = f"body:{town.bodies['namnd'].pk}"

    # The nämnd is not offered for a municipality-wide policy, and a crafted choice is refused.
    response = author.attempt(case, "draft", body="<p>Text</p>", decider=bun)
    assert response.status_code == 400
    assert "decider" in response.context["form"].errors
    assert refresh(case).decider_body == town.bodies["KS"]

    with english(), pytest.raises(NotAllowed) as refused:
        save_draft(user=author.user, case_id=case.pk, decider=bun)
    assert refused.value.message.startswith("The chosen decider may not adopt this document.")
    assert "Policyer may be adopted by Kommunstyrelsen." in refused.value.message
    assert snapshot(case) == before


# --- Wrong official --------------------------------------------------------------


def test_a_unit_chief_may_not_decide_a_rutin_the_process_owner_decides(town):
    case = rutin(town, scope="unit", author="samordnare")
    assert case.decider_position == town.positions["processagare"]
    run_until(town, case, "decision")
    before = snapshot(case)
    doc = case.document
    with english():
        explanation = rules.allowed_deciders(
            doc.document_type, doc.scope_unit, doc.process
        ).explanation
        message = access.decision_refusal(town.users["enhetschef"], case)

    # The unit chief chaired the unit's samverkan, so they see the case ...
    response = town.desk("enhetschef").attempt(case, "decision", **ADOPT)
    # ... and are told who decides this case, with the rule behind it.
    assert_refused(response, before, case, message)
    assert explanation in message
    assert "Processägare Rekrytering" in message


def test_a_chief_the_rule_does_not_name_is_refused_with_the_rule(town):
    case = rutin(town, scope="unit", author="samordnare")
    run_until(town, case, "decision")
    task = open_tasks(case, "decision")[0]
    before = snapshot(case)
    doc = case.document
    with english():
        reason = rules.check_decider(
            doc.document_type, doc.scope_unit, doc.process, position=town.positions["omradeschef"]
        ).reason
        with pytest.raises(NotAllowed) as refused:
            complete_task(user=town.users["omradeschef"], task_id=task.pk, data=ADOPT)
    assert refused.value.message == reason
    assert reason.startswith("Områdeschef Förskola may not adopt this document.")
    assert snapshot(case) == before


@pytest.mark.parametrize("who", ["registrator", "vision_central"])
def test_others_who_see_the_case_may_not_decide_it(town, who):
    """The registrar sees every case and a union representative sees the cases of their
    group; neither may record the decision."""
    case = rutin(town)
    run_until(town, case, "decision")
    before = snapshot(case)
    with english():
        message = access.decision_refusal(town.users[who], case)

    response = town.desk(who).attempt(case, "decision", **ADOPT)

    assert_refused(response, before, case, message)


# --- The author deciding ---------------------------------------------------------


@pytest.mark.parametrize("who", ["author", "co_author"])
def test_the_author_may_not_decide_even_when_acting_as_the_decider(town, who):
    author = town.desk("hrstrateg")
    case = rutin(town)
    if who == "co_author":
        author.complete(case, "draft", body="<p>Text</p>", co_authors="utvecklare")
        person = town.users["utvecklare"]
    else:
        person = town.users["hrstrateg"]
    # The author substitutes for the process owner this week.
    SubstitutionFactory(
        position=town.positions["processagare"], user=person, start=days(-2), end=days(5)
    )
    run_until(town, case, "decision")
    before = snapshot(case)

    task, page = town.desk(person).open(case, "decision")
    assert page.status_code == 200
    assert shows(page, FOUR_EYES)
    response = town.desk(person).attempt(case, "decision", **ADOPT)

    assert_refused(response, before, case, FOUR_EYES)
    with english(), pytest.raises(NotAllowed) as refused:
        complete_task(user=person, task_id=task.pk, data=ADOPT)
    assert refused.value.code == "four_eyes"
    assert snapshot(case) == before


# --- Substitutes and their dates -------------------------------------------------


def test_a_substitute_decides_only_within_their_dates(town):
    case = rutin(town)
    run_until(town, case, "decision")
    task = open_tasks(case, "decision")[0]
    stand_in = UserFactory(username="vikarie", email="vikarie@example.invalid")
    substitution = SubstitutionFactory(
        position=town.positions["processagare"], user=stand_in, start=days(-30), end=days(-1)
    )
    before = snapshot(case)

    # The substitution ended yesterday: the task is not theirs any more.
    desk = town.desk(stand_in)
    assert desk.get(desk.task_url(task)).status_code == 404
    assert desk.post(desk.task_url(task), {"action": "complete"}).status_code == 404
    with english(), pytest.raises(NotAllowed) as refused:
        complete_task(user=stand_in, task_id=task.pk, data=ADOPT)
    assert "Rutiner may be adopted by the process owner" in refused.value.message
    assert snapshot(case) == before

    # Within the dates the substitute decides, and the records say so.
    Substitution.objects.filter(pk=substitution.pk).update(end=days(10))
    desk.complete(case, "decision", **ADOPT)

    [decision] = decisions(case)
    assert decision.position == town.positions["processagare"]
    assert decision.recorded_by == stand_in
    assert decision.recorded_as == town.positions["processagare"]
    assert decision.recorded_as_substitute is True
    entry = AuditEntry.objects.get(case=case, action="decision")
    assert entry.actor == stand_in
    assert entry.acting_as == town.positions["processagare"]
    assert entry.as_substitute is True
    assert open_steps(case) == ["registration"]


# --- Before samverkan and a demanded negotiation ---------------------------------


def test_no_decision_before_samverkan_is_done(town):
    case = rutin(town)
    # In drafting, samverkan has not been held.
    with english(), pytest.raises(CaseError) as refused:
        check_ready_for_decision(refresh(case))
    assert refused.value.code == "samverkan_not_held"

    town.desk("hrstrateg").complete(case, "draft", body="<p>Text</p>")
    case = refresh(case)
    assert open_steps(case) == ["union_statement", "union_statement"]
    assert not tasks_ever(case, "decision")
    with english(), pytest.raises(CaseError) as refused:
        check_ready_for_decision(case)
    assert refused.value.code == "samverkan_not_finished"

    # The process owner has nothing to decide yet.
    inbox = town.desk("processagare").inbox()
    assert inbox.context["rows"] == []

    for task in open_tasks(case, "union_statement"):
        town.desk(task.owner).complete(case, "union_statement", stance="supports")
    assert open_steps(case) == ["samverkan_meeting"]
    assert not tasks_ever(case, "decision")


def test_no_decision_before_a_demanded_negotiation(town):
    case = rutin(town)
    town.desk("hrstrateg").complete(case, "draft", body="<p>Text</p>")
    town.desk("vision_central").complete(case, "union_statement", stance="supports")
    town.desk("kommunal_central").complete(case, "union_statement", stance="demands_mbl")
    town.desk("kommunchef").complete(
        case,
        "samverkan_meeting",
        meeting_date=today(),
        agreement="disagreement",
        minutes_reference="Protokoll CSG § 2",
    )

    assert open_steps(case) == ["negotiation"]
    assert not tasks_ever(case, "decision")
    with english(), pytest.raises(CaseError) as refused:
        check_ready_for_decision(refresh(case))
    assert refused.value.code == "negotiation_pending"

    town.desk("kommunchef").complete(
        case,
        "negotiation",
        negotiation_date=today(),
        outcome="agreed",
        minutes_reference="MBL § 1",
    )
    assert open_steps(case) == ["decision"]
    check_ready_for_decision(refresh(case))


def test_a_decision_dated_before_the_negotiation_ended_is_refused(town):
    """The employer must wait with the decision until the MBL negotiation is concluded."""
    case = rutin(town)
    town.desk("hrstrateg").complete(case, "draft", body="<p>Text</p>")
    town.desk("vision_central").complete(case, "union_statement", stance="supports")
    town.desk("kommunal_central").complete(case, "union_statement", stance="demands_mbl")
    chair = town.desk("kommunchef")
    chair.complete(
        case,
        "samverkan_meeting",
        meeting_date=days(-10),
        agreement="disagreement",
        minutes_reference="Protokoll CSG § 2",
    )
    chair.complete(
        case,
        "negotiation",
        negotiation_date=days(-3),
        outcome="agreed",
        minutes_reference="MBL § 1",
    )
    before = snapshot(case)

    response = town.desk("processagare").attempt(
        case, "decision", outcome="adopted", decision_date=days(-5), valid_from=today()
    )

    assert response.status_code == 400
    assert snapshot(case) == before


# --- Crafted requests ------------------------------------------------------------


def test_an_unrelated_user_gets_not_found_for_a_crafted_post(town):
    case = ks_policy(town)
    task = open_tasks(case, "decision")[0]
    before = snapshot(case)
    desk = town.desk("ekonom")

    assert desk.get(desk.task_url(task)).status_code == 404
    crafted = {
        "outcome": "adopted",
        "decision_date": today().isoformat(),
        "paragraph": "§ 1",
        "valid_from": today().isoformat(),
    }
    for action in ["complete", "claim", "release", "save"]:
        response = desk.post(desk.task_url(task), {"action": action, **crafted})
        assert response.status_code == 404
    assert desk.post("/work/tasks/999999/", {"action": "complete", **crafted}).status_code == 404
    assert desk.get(f"/work/cases/{case.pk}/").status_code == 404
    assert desk.get(f"/work/cases/{case.pk}/chart.svg").status_code == 404
    assert snapshot(case) == before
