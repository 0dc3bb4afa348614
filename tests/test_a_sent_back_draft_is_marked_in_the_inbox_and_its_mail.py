"""A draft sent back (återremiss) is marked as such in the author's inbox, on the start
page and in the new task's e-mail, with the motivation; a first draft is not."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from tests.lifecycle import run_until, today

MOTIVATION = "Beskriv hur introduktionen följs upp."


def _rutin(town):
    return town.desk("hrstrateg").start_document(
        document_type=town.types["rutin"],
        title="Rutin för introduktion",
        scope_unit=town.units["top"],
        process=town.process,
        owner_position=town.positions["processagare"],
    )


def _draft_row(desk, case):
    rows = desk.inbox().context["rows"]
    return next(r for r in rows if r["diarienummer"] == case.diarienummer)


def test_a_first_draft_is_not_marked_sent_back(town):
    author = town.desk("hrstrateg")
    case = _rutin(town)
    assert _draft_row(author, case)["sent_back"] == ""
    assert "Sent back" not in author.inbox().content.decode()


def test_the_inbox_start_page_and_mail_say_sent_back_with_the_motivation(
    town, django_capture_on_commit_callbacks
):
    case = _rutin(town)
    run_until(town, case, "decision")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        town.desk("processagare").complete(
            case, "decision", outcome="returned", decision_date=today(), motivation=MOTIVATION
        )

    author = town.desk("hrstrateg")
    row = _draft_row(author, case)
    assert row["sent_back"] == MOTIVATION
    inbox = author.inbox().content.decode()
    assert "Sent back" in inbox and MOTIVATION in inbox
    home = author.get(reverse("home")).content.decode()
    assert "Sent back" in home

    [task_mail] = [m for m in mail.outbox if "New task" in m.subject or "Ny uppgift" in m.subject]
    assert task_mail.to == ["hrstrateg@example.invalid"]
    assert case.diarienummer in task_mail.subject
    assert "återremitterad" in task_mail.subject or "sent back" in task_mail.subject
    assert MOTIVATION in task_mail.body
