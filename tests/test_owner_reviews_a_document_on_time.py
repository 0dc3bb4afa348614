"""Review on time (aktualitetsprövning): the schedule opens a review before a document's
next review date (the type's lead time); the owner's position gets the task in *Mina
uppgifter* and answers still current, needs revision or should be repealed. "Still
current" of a document an official adopts is confirmed by the one the rule set allows to
adopt it, never by who answered; the confirmation moves the next review date by the type's
interval, writes a review decision and creates no version."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from documents.dates import add_months
from documents.models import Decision, DecisionKind, DocumentStatus, DocumentVersion
from documents.services import repeal_document
from org.models import Substitution
from tests.lifecycle import (
    audit_actions,
    days,
    days_pass,
    english,
    open_steps,
    open_tasks,
    refresh,
    today,
    valid_document,
)
from workflows.actions.review import open_due_reviews
from workflows.actions.tasks import complete_task
from workflows.models import Case, CaseKind, CaseOutcome
from workflows.refusals import NotAllowed

QUESTIONS = "Stämmer rutinen med hur vi arbetar i dag?\nHar lagstiftningen ändrats?"


def rutin(
    town, *, next_review: datetime.date, owner: str = "samordnare", title="Rutin för", author=None
):
    """A rutin of Förskolan Solrosen, adopted by its unit chief, owned by ``owner``."""
    doc_type = town.types["rutin"]
    doc_type.review_questions = QUESTIONS
    doc_type.save()
    document = valid_document(
        town,
        type_code="rutin",
        title=f"{title} sjukanmälan",
        scope="unit",
        owner=owner,
        decided_by="enhetschef",
        author=author,
    )
    version = document.current_version
    version.next_review = next_review
    version.save(update_fields=["next_review"])
    return document


def run_job() -> str:
    out = StringIO()
    call_command("open_due_reviews", stdout=out)
    return out.getvalue()


def review_of(document) -> Case:
    return Case.objects.get(document=document, kind=CaseKind.REVIEW)


def test_the_owner_gets_the_review_task_when_due_and_not_before(
    town, mailoutbox, django_capture_on_commit_callbacks
):
    document = rutin(town, next_review=days(61))  # lead time 60 days: due tomorrow

    assert "0 review(s) opened." in run_job()
    assert not Case.objects.filter(document=document).exists()

    with days_pass(1), django_capture_on_commit_callbacks(execute=True):
        out = run_job()
    assert "1 review(s) opened." in out
    case = review_of(document)
    assert case.started_by is None and case.diarienummer in out
    assert open_steps(case) == ["review_answer"]
    [task] = open_tasks(case, "review_answer")
    owner = town.desk("samordnare")
    assert task.pk in owner.inbox_task_ids()
    assert task.pk not in town.desk("enhetschef").inbox_task_ids()
    assert [m.to for m in mailoutbox] == [["samordnare@example.invalid"]]
    assert "Aktualitetsprövning" in mailoutbox[0].subject
    # Being checked is not being revised: the register does not list it "under revision".
    assert not refresh(case).document.has_open_case

    page = owner.get(owner.task_url(task))
    assert page.status_code == 200
    assert "Har lagstiftningen ändrats?" in page.content.decode()
    assert page.context["review"]["next_review"] == days(61)


def test_the_job_run_twice_opens_one_review(town):
    document = rutin(town, next_review=days(30))

    assert "1 review(s) opened." in run_job()
    assert "0 review(s) opened." in run_job()
    assert open_due_reviews() == []
    assert Case.objects.filter(document=document).count() == 1
    assert AuditEntry.objects.filter(action="case_started", case__document=document).count() == 1


def test_the_substitute_of_the_day_gets_the_task_too(town):
    document = rutin(town, next_review=days(10))
    stand_in = town.users["utvecklare"]
    Substitution.objects.create(
        position=town.positions["samordnare"], user=stand_in, start=days(-1), end=days(5)
    )
    [case] = open_due_reviews()
    [task] = open_tasks(case, "review_answer")
    assert task.pk in town.desk(stand_in).inbox_task_ids()

    town.desk(stand_in).complete(case, "review_answer", answer="unchanged", comment="Stämmer.")
    assert open_steps(refresh(case)) == ["decision"]
    assert Case.objects.get(pk=case.pk).review_answer == "unchanged"
    assert document.pk == case.document_id


def test_only_who_acts_in_the_owner_position_may_answer(town):
    document = rutin(town, next_review=days(10))
    [case] = open_due_reviews()
    [task] = open_tasks(case, "review_answer")

    # The chief sees the case (the owner's unit chief) but does not act in the position.
    chief = town.desk("enhetschef")
    page = chief.get(chief.task_url(task))
    assert page.status_code == 200 and not page.context["permit"].allowed
    response = chief.attempt(case, "review_answer", answer="unchanged")
    assert response.status_code == 400
    with pytest.raises(NotAllowed) as refused:
        complete_task(user=town.users["enhetschef"], task_id=task.pk, data={"answer": "unchanged"})
    assert refused.value.code == "not_in_position"
    # Someone unrelated does not even see it.
    assert town.desk("ekonom").get(chief.task_url(task)).status_code == 404
    assert open_steps(refresh(case)) == ["review_answer"]
    assert not Decision.objects.filter(document=document, kind=DecisionKind.REVIEW).exists()


def test_the_answer_is_required_and_a_repeal_needs_a_motivation(town):
    rutin(town, next_review=days(10))
    [case] = open_due_reviews()
    [task] = open_tasks(case, "review_answer")
    owner = town.users["samordnare"]
    for data, code in [
        ({"answer": "maybe"}, "review_answer_missing"),
        ({"answer": "repeal", "comment": " "}, "review_repeal_motivation_missing"),
    ]:
        with pytest.raises(Exception) as refused:
            complete_task(user=owner, task_id=task.pk, data=data)
        assert refused.value.code == code
    assert open_steps(refresh(case)) == ["review_answer"]


def test_unchanged_is_confirmed_by_the_adopter_and_moves_the_next_review(town):
    document = rutin(town, next_review=days(20))
    version_count = DocumentVersion.objects.filter(document=document).count()
    [case] = open_due_reviews()

    town.desk("samordnare").do(case, "review_answer", answer="unchanged", comment="Aktuell.")
    [task] = open_tasks(case, "decision")
    chief = town.desk("enhetschef")
    assert task.pk in chief.inbox_task_ids()
    assert "Aktuell." in chief.get(chief.task_url(task)).content.decode()  # the owner's words
    chief.do(case, "decision", outcome="adopted", decision_date=today())

    case = refresh(case)
    assert case.finished is not None and case.outcome == CaseOutcome.CONFIRMED
    version = DocumentVersion.objects.get(pk=document.current_version_id)
    assert version.next_review == add_months(today(), town.types["rutin"].review_interval_months)
    assert DocumentVersion.objects.filter(document=document).count() == version_count
    [decision] = Decision.objects.filter(document=document, kind=DecisionKind.REVIEW)
    assert decision.position == town.positions["enhetschef"]
    assert decision.version_id == version.pk and decision.diary_entry_id == case.diary_entry_id
    assert "review_confirmed" in audit_actions(case)
    assert not refresh(case).document.has_open_case
    # No new review until the new date comes near again.
    assert open_due_reviews() == []


def test_who_answered_may_not_confirm_four_eyes(town):
    # The unit chief owns the rutin and may adopt it: they answer, so someone else confirms.
    document = rutin(town, next_review=days(20), owner="enhetschef")
    [case] = open_due_reviews()
    town.desk("enhetschef").do(case, "review_answer", answer="unchanged")

    [task] = open_tasks(case, "decision")
    with pytest.raises(NotAllowed) as refused:
        complete_task(
            user=town.users["enhetschef"],
            task_id=task.pk,
            data={"outcome": "adopted", "decision_date": today()},
        )
    assert refused.value.code == "four_eyes"
    response = town.desk("enhetschef").attempt(
        case, "decision", outcome="adopted", decision_date=today()
    )
    assert response.status_code == 400
    assert "may not confirm it yourself" in response.content.decode()
    assert not Decision.objects.filter(document=document, kind=DecisionKind.REVIEW).exists()


def test_who_wrote_the_version_once_may_confirm_its_review(town):
    """Four-eyes in a review is about the answer: the chief who wrote the rutin years ago
    may confirm the owner's "still current"."""
    document = rutin(town, next_review=days(20), author=town.users["enhetschef"])
    [case] = open_due_reviews()
    town.desk("samordnare").do(case, "review_answer", answer="unchanged")
    town.desk("enhetschef").do(case, "decision", outcome="adopted", decision_date=today())
    assert Decision.objects.filter(document=document, kind=DecisionKind.REVIEW).count() == 1


def test_confirmation_by_someone_the_rule_set_does_not_allow_is_refused(town):
    document = rutin(town, next_review=days(20))
    [case] = open_due_reviews()
    town.desk("samordnare").do(case, "review_answer", answer="unchanged")
    [task] = open_tasks(case, "decision")

    for username in ("omradeschef", "processagare"):
        with pytest.raises(NotAllowed) as refused:
            complete_task(
                user=town.users[username],
                task_id=task.pk,
                data={"outcome": "adopted", "decision_date": today()},
            )
        assert refused.value.code == "not_the_decider"
    assert not Decision.objects.filter(document=document, kind=DecisionKind.REVIEW).exists()


def test_not_confirmed_goes_back_to_the_owner_with_the_motivation(town):
    rutin(town, next_review=days(20))
    [case] = open_due_reviews()
    town.desk("samordnare").do(case, "review_answer", answer="unchanged")
    town.desk("enhetschef").do(
        case, "decision", outcome="returned", decision_date=today(), motivation="Se över avsnitt 2."
    )
    assert open_steps(refresh(case)) == ["review_answer"]
    owner = town.desk("samordnare")
    task, page = owner.open(case, "review_answer")
    assert "Se över avsnitt 2." in page.content.decode()


def test_needs_revision_closes_the_review_and_starts_a_revision_case(town):
    document = rutin(town, next_review=days(20))
    [review] = open_due_reviews()
    owner = town.desk("samordnare")
    task = open_tasks(review, "review_answer")[0]
    response = owner.attempt(review, "review_answer", answer="revise", comment="Nya rutiner.")

    review = refresh(review)
    assert review.finished is not None and review.outcome == CaseOutcome.REVISION
    revision = Case.objects.get(document=document, kind=CaseKind.REVISION)
    assert revision.finished is None and revision.started_by == town.users["samordnare"]
    [draft] = open_tasks(revision, "draft")
    assert response.status_code == 302 and response.url == reverse(
        "workflows:task", args=[draft.pk]
    )
    assert task.pk not in owner.inbox_task_ids()
    assert document.current_version.status == "valid"


def test_should_be_repealed_closes_the_review_and_starts_a_repeal_case(town):
    document = rutin(town, next_review=days(20))
    [review] = open_due_reviews()
    town.desk("samordnare").attempt(
        review, "review_answer", answer="repeal", comment="Ersätts av en gemensam rutin."
    )

    assert refresh(review).outcome == CaseOutcome.REPEAL_STARTED
    repeal = Case.objects.get(document=document, kind=CaseKind.REPEAL)
    assert repeal.repeal_motivation == "Ersätts av en gemensam rutin."
    assert open_steps(repeal) == ["repeal_draft"]
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID


def test_the_confirmation_cannot_rewrite_the_adopted_content(town):
    """next_review of a valid version may move (the review); its text may not."""
    document = rutin(town, next_review=days(20))
    version = DocumentVersion.objects.get(pk=document.current_version_id)
    DocumentVersion.objects.filter(pk=version.pk).update(next_review=days(400))
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(body="<p>Ny text</p>")
    assert DocumentVersion.objects.get(pk=version.pk).body == version.body


def test_the_task_page_lists_changes_of_parent_and_children_since_the_last_review(town):
    policy = valid_document(
        town, type_code="policy", title="Policy för arbetsmiljö", valid_from=days(-300)
    )
    document = rutin(town, next_review=days(20))
    document.parent = policy
    document.save(update_fields=["parent"])
    # The parent is repealed after the rutin became valid (100 days ago).
    decision = Decision.objects.create(
        document=policy,
        version=policy.current_version,
        kind=DecisionKind.REPEAL,
        outcome="adopted",
        body=town.bodies["KS"],
        decision_date=days(-10),
        paragraph="§ 3",
    )
    with transaction.atomic():
        repeal_document(policy, decision)
    [case] = open_due_reviews()
    owner = town.desk("samordnare")
    with english():
        task, page = owner.open(case, "review_answer")
    changes = page.context["review"]["changes"]
    assert [(c.document.pk, str(c.what)) for c in changes] == [(policy.pk, "Repealed")]
    assert "Policy för arbetsmiljö" in page.content.decode()
