"""The yearly aktualitetsprövning list: the owners answer that their policies are still
current; the reviews become matters for KS, which the secretary puts on a meeting and
confirms in one decision (one paragraph for the list) through the meeting's batch
recording. Each confirmation writes a review decision of KS and moves the next review;
no version is created."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEntry
from documents.dates import add_months
from documents.models import Decision, DecisionKind, DocumentVersion
from tests.desk_support import held_today, ks_meeting
from tests.lifecycle import days, open_steps, open_tasks, refresh, today, valid_document
from workflows.actions.meetings import set_target_meeting
from workflows.actions.review import open_due_reviews
from workflows.models import CaseOutcome


def due_policies(town, n: int) -> list:
    documents = []
    for number in range(1, n + 1):
        document = valid_document(town, type_code="policy", title=f"Policy nummer {number}")
        version = document.current_version
        version.next_review = days(30)
        version.save(update_fields=["next_review"])
        documents.append(document)
    return documents


def test_ks_confirms_the_list_of_policies_at_one_meeting(town):
    documents = due_policies(town, 3)
    reviews = sorted(open_due_reviews(), key=lambda c: c.pk)
    assert [c.document_id for c in reviews] == [d.pk for d in documents]
    assert all(c.decider_body == town.bodies["KS"] for c in reviews)
    for case in reviews:
        town.desk("hrstrateg").do(case, "review_answer", answer="unchanged", comment="Aktuell.")
        assert open_steps(refresh(case)) == ["decision"]
    # The matters reach KS's secretary, who puts them on the coming meeting.
    secretary = town.desk("sekr_ks")
    inbox = secretary.inbox_task_ids()
    assert all(open_tasks(c, "decision")[0].pk in inbox for c in reviews)
    meeting = ks_meeting(town)
    for case in reviews:
        set_target_meeting(user=town.users["sekr_ks"], case_id=case.pk, meeting_id=meeting.pk)
    meeting = held_today(meeting)

    url = reverse("workflows:desk_meeting", args=[meeting.pk])
    page = secretary.get(url)
    form = page.context["form"]
    assert [c.pk for c in form.cases] == [c.pk for c in reviews]
    # One paragraph for the whole list.
    assert {form[f"paragraph_{c.pk}"].value() for c in reviews} == {"§ 1"}
    data = {"case": [c.pk for c in reviews]}
    for case in reviews:
        data[f"paragraph_{case.pk}"] = "§ 14"
        data[f"outcome_{case.pk}"] = "adopted"
        data[f"motivation_{case.pk}"] = ""
    response = secretary.post(url, data)
    assert response.status_code == 302, response.context["form"].errors

    interval = town.types["policy"].review_interval_months
    for case, document in zip(reviews, documents, strict=True):
        case = refresh(case)
        assert case.finished is not None and case.outcome == CaseOutcome.CONFIRMED
        [decision] = Decision.objects.filter(document=document, kind=DecisionKind.REVIEW)
        assert (decision.body, decision.paragraph, decision.decision_date) == (
            town.bodies["KS"],
            "§ 14",
            today(),
        )
        assert decision.recorded_by == town.users["sekr_ks"]
        assert DocumentVersion.objects.filter(document=document).count() == 1
        version = DocumentVersion.objects.get(document=document)
        assert version.next_review == add_months(today(), interval)
        assert AuditEntry.objects.filter(case=case, action="review_confirmed").count() == 1


def test_a_review_list_may_share_its_paragraph_but_other_matters_may_not(town):
    documents = due_policies(town, 2)
    reviews = sorted(open_due_reviews(), key=lambda c: c.pk)
    for case in reviews:
        town.desk("hrstrateg").do(case, "review_answer", answer="unchanged")
    meeting = ks_meeting(town)
    for case in reviews:
        set_target_meeting(user=town.users["sekr_ks"], case_id=case.pk, meeting_id=meeting.pk)
    meeting = held_today(meeting)
    url = reverse("workflows:desk_meeting", args=[meeting.pk])
    data = {"case": [c.pk for c in reviews]}
    for case, paragraph in zip(reviews, ["§ 3", "§ 3"], strict=True):
        data[f"paragraph_{case.pk}"] = paragraph
        data[f"outcome_{case.pk}"] = "adopted"
    # A paragraph already used at the meeting is refused for the list too.
    Decision.objects.create(
        document=documents[0],
        kind=DecisionKind.ADOPTION,
        outcome="adopted",
        body=town.bodies["KS"],
        decision_date=today(),
        paragraph="§ 3",
    )
    response = town.desk("sekr_ks").post(url, data)
    assert response.status_code == 400
    assert reviews[0].pk in response.context["form"].line_errors
    assert not Decision.objects.filter(kind=DecisionKind.REVIEW).exists()
