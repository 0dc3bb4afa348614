"""The authors of a case sent back (återremiss) get the motivation by e-mail; the outcome
of a case (adopted, rejected, repealed) goes to its authors and to the union
representatives who stated a position in samverkan. In Swedish, queued with the decision,
linking to the host and port the decider was using (issue 18)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from mailer.models import Message

from tests import mail_support as transports
from tests.lifecycle import Desk, run_to_end, run_until, today, valid_document

MOTIVATION = "Beskriv hur introduktionen följs upp."
HOST = "styrdok.kommun.example:8443"


@pytest.fixture
def other_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "styrdok.kommun.example"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def at(town, key: str, host: str = HOST) -> Desk:
    """The person at the app served on another host and port, over HTTPS (behind the
    proxy, which says so)."""
    desk = town.desk(key)
    desk.client.defaults.update({"HTTP_HOST": host, "HTTP_X_FORWARDED_PROTO": "https"})
    return desk


def rutin_at_decision(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["rutin"],
        title="Rutin för introduktion",
        scope_unit=town.units["top"],
        process=town.process,
        owner_position=town.positions["processagare"],
    )
    run_until(town, case, "decision")
    mail.outbox.clear()
    return case


def mails_about(case, word: str) -> dict:
    return {
        tuple(m.to): m for m in mail.outbox if case.diarienummer in m.subject and word in m.subject
    }


def test_a_sent_back_author_gets_the_motivation_with_a_link_to_the_host_used(
    town, other_host, django_capture_on_commit_callbacks
):
    case = rutin_at_decision(town)

    with django_capture_on_commit_callbacks(execute=True):
        at(town, "processagare").complete(
            case, "decision", outcome="returned", decision_date=today(), motivation=MOTIVATION
        )

    [message] = mails_about(case, "återremitterats").values()
    assert message.to == ["hrstrateg@example.invalid"]
    assert message.subject == f"Ärende {case.diarienummer} har återremitterats till dig"
    assert MOTIVATION in message.body
    assert "har återremitterat ärendet" in message.body
    assert f"https://{HOST}{reverse('workflows:case', args=[case.pk])}" in message.body
    # The new draft task's mail links to the same host.
    [task_mail] = [m for m in mail.outbox if "Ny uppgift" in m.subject or "task" in m.subject]
    assert f"https://{HOST}/work/tasks/" in task_mail.body


def test_the_outcome_goes_to_the_authors_and_the_unions_that_stated_a_position(town, other_host):
    case = rutin_at_decision(town)

    at(town, "processagare").complete(
        case, "decision", outcome="adopted", decision_date=today(), valid_from=today()
    )

    by_recipient = mails_about(case, "fastställt")
    assert set(by_recipient) == {
        ("hrstrateg@example.invalid",),
        ("vision_central@example.invalid",),
        ("kommunal_central@example.invalid",),
    }
    message = by_recipient[("vision_central@example.invalid",)]
    assert message.subject == f"Ärende {case.diarienummer} fastställt: Rutin för introduktion"
    assert "fastställde dokumentet" in message.body
    assert f"https://{HOST}{reverse('workflows:case', args=[case.pk])}" in message.body


def test_a_rejection_goes_to_the_authors_and_the_unions(town):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Policy för distansarbete",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "decision")
    mail.outbox.clear()

    town.desk("sekr_ks").complete(
        case,
        "decision",
        outcome="rejected",
        decision_date=today(),
        paragraph="§ 4",
        motivation="Frågan regleras redan i arbetsmiljöpolicyn.",
    )

    by_recipient = mails_about(case, "avslaget")
    assert set(by_recipient) == {
        ("hrstrateg@example.invalid",),
        ("vision_central@example.invalid",),
        ("kommunal_central@example.invalid",),
    }
    message = by_recipient[("hrstrateg@example.invalid",)]
    assert message.subject == f"Ärende {case.diarienummer} avslaget: Policy för distansarbete"
    assert "Frågan regleras redan" in message.body
    assert "Paragraf: § 4" in message.body
    # Without a request (none here is on another host) the links use the request's host.
    assert f"http://testserver{reverse('workflows:case', args=[case.pk])}" in message.body


def test_a_repeal_tells_its_authors_that_the_document_is_repealed(town):
    document = valid_document(town, type_code="rutin", title="Rutin för nyckelkvittens")
    case = town.desk("hrstrateg").start_repeal(document, "Ersatt av passersystemet.")
    run_until(town, case, "decision")
    mail.outbox.clear()

    run_to_end(town, case)

    [message] = mails_about(case, "upphävs").values()
    assert message.to == ["hrstrateg@example.invalid"]
    assert message.subject == (
        f"Ärende {case.diarienummer} avgjort, dokumentet upphävs: Rutin för nyckelkvittens"
    )


@override_settings(EMAIL_BACKEND=transports.QUEUE)
def test_the_mail_is_queued_with_the_decision_and_not_for_a_refused_one(town):
    case = rutin_at_decision(town)
    queued = Message.objects.count()  # the earlier steps' new-task mails

    refused = town.desk("processagare").attempt(
        case, "decision", outcome="returned", decision_date=today(), motivation=""
    )
    assert refused.status_code == 400
    assert Message.objects.count() == queued

    town.desk("processagare").complete(
        case, "decision", outcome="returned", decision_date=today(), motivation=MOTIVATION
    )
    subjects = [m.email.subject for m in Message.objects.all()]
    assert f"Ärende {case.diarienummer} har återremitterats till dig" in subjects
