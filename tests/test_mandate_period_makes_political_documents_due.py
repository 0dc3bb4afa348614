"""The mandate period's due rule (documents.due): a valid document adopted by KF, KS or a
nämnd that has not been reviewed in the current mandate period (no adoption or review
decision on or after the period's first day, not sent back or rejected) is due at the
latest on the period's deadline, the end of the period's first year, even if its own next
review is later. The review job opens it the type's lead time before; the sweep page
shows the day it is due."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from documents.dates import add_months
from documents.due import due_on, mandate_deadline
from documents.health import problems
from documents.models import Decision, DecisionKind, DecisionOutcome, Document, MandatePeriod
from tests.lifecycle import days, days_pass, today, valid_document
from workflows.actions.review import open_due_reviews
from workflows.actions.review_reminders import remind_overdue_reviews
from workflows.desk.reviews import overdue_reviews
from workflows.models import Case, CaseKind

LEAD = 60


@pytest.fixture
def period(town):
    """A period whose deadline is ``LEAD + 1`` days away: the mandate rule opens its
    reviews tomorrow, not today."""
    deadline = days(LEAD + 1)
    starts = add_months(deadline + datetime.timedelta(days=1), -12)
    for doc_type in town.types.values():
        doc_type.review_lead_days = LEAD
        doc_type.save(update_fields=["review_lead_days"])
    MandatePeriod.objects.all().delete()  # the reference calendar's periods
    made = MandatePeriod.objects.create(
        starts_on=starts, ends_on=add_months(starts, 48) - datetime.timedelta(days=1)
    )
    assert mandate_deadline(made) == deadline
    return made


def inherited(town, *, decided_by="KS", type_code="policy", next_review=None, title="Policy"):
    """Adopted before the period began; its next review years away unless given."""
    document = valid_document(
        town, type_code=type_code, title=title, decided_by=decided_by, valid_from=days(-500)
    )
    version = document.current_version
    version.next_review = next_review or days(1000)
    version.save(update_fields=["next_review"])
    return document


def reviewed(document, body, on, outcome=DecisionOutcome.ADOPTED):
    return Decision.objects.create(
        document=document,
        version=document.current_version,
        kind=DecisionKind.REVIEW,
        outcome=outcome,
        body=body,
        decision_date=on,
        paragraph="§ 3",
        motivation="" if outcome == DecisionOutcome.ADOPTED else "Mer underlag",
    )


def reviews_of(document):
    return Case.objects.filter(document=document, kind=CaseKind.REVIEW)


def test_the_deadline_is_the_end_of_the_periods_first_year(db):
    period = MandatePeriod(
        starts_on=datetime.date(2026, 10, 15), ends_on=datetime.date(2030, 10, 14)
    )
    assert mandate_deadline(period) == datetime.date(2027, 10, 14)
    short = MandatePeriod(starts_on=datetime.date(2026, 10, 15), ends_on=datetime.date(2027, 3, 1))
    assert mandate_deadline(short) == datetime.date(2027, 3, 1)


@pytest.mark.parametrize("body", ["KS", "KF", "namnd"])
def test_a_political_document_not_reviewed_in_the_period_opens_before_the_deadline(
    town, period, body
):
    document = inherited(town, decided_by=body)
    assert due_on(document, today()) == mandate_deadline(period)

    assert open_due_reviews() == []
    with days_pass(1):
        [case] = open_due_reviews()
    assert case.document == document and case.kind == CaseKind.REVIEW
    with days_pass(1):
        assert open_due_reviews() == []  # idempotent
    assert reviews_of(document).count() == 1


def test_a_document_reviewed_in_the_period_keeps_its_own_next_review(town, period):
    document = inherited(town)
    reviewed(document, town.bodies["KS"], period.starts_on + datetime.timedelta(days=2))
    assert due_on(document, today()) == days(1000)
    with days_pass(1):
        assert open_due_reviews() == []


def test_a_review_decision_before_the_period_or_sent_back_does_not_count(town, period):
    before = inherited(town, title="Före perioden")
    reviewed(before, town.bodies["KS"], period.starts_on - datetime.timedelta(days=1))
    sent_back = inherited(town, title="Återremitterad")
    reviewed(sent_back, town.bodies["KS"], days(-1), outcome=DecisionOutcome.RETURNED)
    assert due_on(before, today()) == due_on(sent_back, today()) == mandate_deadline(period)
    with days_pass(1):
        opened = {case.document_id for case in open_due_reviews()}
    assert opened == {before.pk, sent_back.pk}


def test_an_earlier_next_review_stays_earlier(town, period):
    document = inherited(town, next_review=days(LEAD - 5))
    assert due_on(document, today()) == days(LEAD - 5)
    [case] = open_due_reviews()
    assert case.document == document


def test_a_document_an_official_or_a_company_board_adopts_is_not_swept(town, period):
    rutin = inherited(town, decided_by="enhetschef", type_code="rutin", title="Rutin")
    bolag = inherited(town, decided_by="bolag", title="Bolagets policy")
    assert due_on(rutin, today()) == due_on(bolag, today()) == days(1000)
    with days_pass(1):
        assert open_due_reviews() == []


def test_without_a_period_in_the_calendar_the_next_review_decides(town):
    MandatePeriod.objects.all().delete()
    document = inherited(town)
    assert due_on(document, today()) == days(1000)


def test_the_sweep_page_shows_when_each_document_is_due(town, period, client):
    document = inherited(town, title="Policy för inköp")
    client.force_login(town.users["registrator"])
    response = client.get(reverse("mandate_sweep"), {"body": town.bodies["KS"].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert document.title in html
    assert f"{mandate_deadline(period):%Y-%m-%d} (mandatperiod)" in html


def test_a_review_past_the_mandate_deadline_is_overdue_on_the_desk_and_reminded(town, period):
    document = inherited(town)
    with days_pass(1):
        [case] = open_due_reviews()
    with days_pass(LEAD + 1 + 9):  # nine days after the deadline; the own review years away
        [shown] = overdue_reviews()
        sent = remind_overdue_reviews()
    assert shown == case and shown.days_overdue == 9 and shown.due_on == mandate_deadline(period)
    assert [reminder.case for reminder in sent] == [case]
    document.current_version.refresh_from_db()
    assert document.current_version.next_review == days(1000)  # the reminder moves nothing


def test_the_health_page_counts_a_review_past_the_mandate_deadline_as_overdue(town, period):
    document = inherited(town)
    by_key = {p.key: list(p.documents) for p in problems(Document.objects.all(), today())}
    assert by_key["review_soon"] == [document] and by_key["review_overdue"] == []
    later = mandate_deadline(period) + datetime.timedelta(days=1)
    by_key = {p.key: list(p.documents) for p in problems(Document.objects.all(), later)}
    assert by_key["review_overdue"] == [document]
