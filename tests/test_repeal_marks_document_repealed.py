"""A valid document is repealed by a decision of a body allowed to adopt it; after the
registration it is marked repealed on the decision's date and all versions are kept."""

from __future__ import annotations

from documents import notice_rules
from documents.models import DocumentStatus, VersionStatus
from tests.lifecycle import (
    audit_actions,
    days,
    decisions,
    open_steps,
    pdf,
    refresh,
    shows,
    tasks_ever,
    valid_document,
)
from workflows.models import Case


def test_a_ks_policy_is_repealed_by_ks(town):
    policy = valid_document(town, type_code="policy", title="Policy för tjänstebilar")
    version = policy.current_version
    author = town.desk("hrstrateg")

    case = author.start_repeal(policy, "Ersätts av resepolicyn.")
    assert case.kind == "repeal"
    assert case.version == version
    assert case.decider_body == town.bodies["KS"]
    assert open_steps(case) == ["repeal_draft"]
    page = author.open(case, "repeal_draft")[1]
    assert page.context["form"]["motivation"].value() == "Ersätts av resepolicyn."
    author.do(case, "repeal_draft")

    # A repeal to KS is prepared like any KS matter; no samverkan round.
    assert not tasks_ever(case, "union_statement")
    town.desk("sekr_ksau").do(case, "proposal", proposal="KS föreslås upphäva policyn.")
    town.desk("sekr_ksau").do(
        case, "preparation", meeting_date=days(-20), paragraph="§ 12", outcome="forwarded"
    )
    decision_page = town.desk("sekr_ks").open(case, "decision")[1]
    assert "valid_from" not in decision_page.context["form"].fields
    assert shows(decision_page, "Repeal the document")
    town.desk("sekr_ks").do(
        case, "decision", outcome="adopted", decision_date=days(-14), paragraph="§ 77"
    )
    # Nothing is repealed before the registration.
    policy.refresh_from_db()
    assert policy.status == DocumentStatus.VALID
    town.desk("registrator").do(
        case,
        "registration",
        minutes_extract=pdf(),
        justering_date=days(-10),
        anslag_date=days(-9),
    )

    case = refresh(case)
    assert case.outcome == "repealed"
    assert case.finished is not None
    [decision] = decisions(case)
    assert decision.kind == "repeal"
    assert decision.body == town.bodies["KS"]
    # The day after the last day to appeal (three weeks from posting, moved past a
    # weekend or holiday: documents.notice_rules).
    assert decision.legal_force_date == notice_rules.legal_force_day(days(-9))

    policy.refresh_from_db()
    version.refresh_from_db()
    assert policy.status == DocumentStatus.REPEALED
    assert policy.repealed_on == days(-14)
    assert policy.versions.count() == 1  # kept in the archive
    assert version.status == VersionStatus.REPEALED
    assert version.valid_until is not None
    assert version.valid_until <= days(-14)  # it applies no longer than until the repeal
    assert policy.current_version == version
    assert audit_actions(case)[-1] == "document_repealed"

    # The repealed document is still in the register.
    assert author.get(f"/documents/{policy.pk}/").status_code == 200


def test_a_repeal_needs_a_motivation(town):
    policy = valid_document(town, type_code="policy", title="Policy för tjänstebilar")
    url = f"/work/documents/{policy.pk}/repeal/"

    response = town.desk("hrstrateg").post(url, {"motivation": ""})

    assert response.status_code == 200
    assert Case.objects.filter(document=policy).count() == 0


def test_a_repealed_document_cannot_be_repealed_again(town):
    policy = valid_document(town, type_code="policy", title="Policy för tjänstebilar")
    case = town.desk("hrstrateg").start_repeal(policy, "Inaktuell.")
    from tests.lifecycle import run_to_end

    run_to_end(town, case)
    policy.refresh_from_db()
    assert policy.status == DocumentStatus.REPEALED

    response = town.desk("hrstrateg").post(
        f"/work/documents/{policy.pk}/repeal/", {"motivation": "Igen."}
    )
    assert response.status_code == 200
    assert shows(response, "Only a valid document can be repealed.")
    assert Case.objects.filter(document=policy).count() == 1
