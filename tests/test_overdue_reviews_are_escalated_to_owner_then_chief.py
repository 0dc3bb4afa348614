"""An overdue review (its next review date passed, not yet answered) is escalated by the
scheduled job: the owner's position is reminded from the first overdue day, the chief of
the owner's unit from STYRDOK_REVIEW_CHIEF_AFTER_DAYS, each once per
STYRDOK_REVIEW_REMINDER_DAYS however often the job runs. The health page and the desk
show overdue reviews."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from tests.lifecycle import days, days_pass, valid_document
from workflows.actions.review import open_due_reviews
from workflows.actions.review_reminders import chief_of, rounds_due


@pytest.fixture
def overdue(town, settings, mailoutbox):
    settings.STYRDOK_REVIEW_REMINDER_DAYS = 7
    settings.STYRDOK_REVIEW_CHIEF_AFTER_DAYS = 14
    document = valid_document(
        town,
        type_code="rutin",
        title="Rutin för nycklar",
        scope="unit",
        owner="samordnare",
        decided_by="enhetschef",
    )
    version = document.current_version
    version.next_review = days(0)
    version.save(update_fields=["next_review"])
    [case] = open_due_reviews()
    mailoutbox.clear()  # the review task's own mail; what follows are the reminders
    return case


def remind(days_later: int, capture) -> str:
    out = StringIO()
    with days_pass(days_later), capture(execute=True):
        call_command("remind_overdue_reviews", stdout=out)
    return out.getvalue()


def recipients(mailoutbox) -> list[str]:
    return [address for mail in mailoutbox for address in mail.to]


def test_owner_then_chief_once_each_per_interval(
    overdue, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert "0 reminder(s) sent." in remind(0, capture)  # due today: not overdue yet
    assert "1 reminder(s) sent." in remind(1, capture)
    assert recipients(mailoutbox) == ["samordnare@example.invalid"]
    assert "försenad" in mailoutbox[0].subject
    assert "0 reminder(s) sent." in remind(1, capture)  # the same day again: nothing
    assert "0 reminder(s) sent." in remind(7, capture)
    assert "1 reminder(s) sent." in remind(8, capture)  # the next interval: the owner again
    assert recipients(mailoutbox)[-1] == "samordnare@example.invalid"
    mailoutbox.clear()
    out = remind(14, capture)  # the chief's turn
    assert "1 reminder(s) sent." in out
    assert recipients(mailoutbox) == ["enhetschef@example.invalid"]
    assert "0 reminder(s) sent." in remind(14, capture)
    audits = AuditEntry.objects.filter(case=overdue, action="review_reminder_sent")
    assert sorted(audits.values_list("to_state", flat=True)) == ["chief", "owner", "owner"]


def test_nothing_after_the_review_is_answered(
    town, overdue, mailoutbox, django_capture_on_commit_callbacks
):
    response = town.desk("samordnare").attempt(overdue, "review_answer", answer="revise")
    assert response.status_code == 302
    mailoutbox.clear()  # the revision's new task mail; no reminder may follow
    assert "0 reminder(s) sent." in remind(20, django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_the_chief_of_a_chief_owner_is_the_chief_above(town):
    assert chief_of(town.positions["samordnare"]) == town.positions["enhetschef"]
    assert chief_of(town.positions["enhetschef"]) == town.positions["omradeschef"]
    assert chief_of(town.positions["kommunchef"]) is None
    assert [rounds_due(d, 1, 7) for d in (0, 1, 7, 8, 15)] == [0, 1, 1, 2, 3]


def test_the_health_page_and_the_desk_show_the_overdue_review(town, overdue):
    with days_pass(3):
        health = town.desk("registrator").get(reverse("register_health"))
        desk = town.desk("registrator").get(reverse("workflows:desk"))
    assert overdue.document.title in health.content.decode()
    assert overdue.diarienummer in desk.content.decode()
    rows = desk.context["overdue_reviews"]
    assert [row.pk for row in rows] == [overdue.pk]
