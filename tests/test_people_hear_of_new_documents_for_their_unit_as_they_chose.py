"""A new or revised document that applies to my unit (the units of my positions and the
units above them, by the document's scope) is mailed to me as I chose on my
notifications page: immediately, in the weekly digest (the default) or never. The
digest is a scheduled job that sends once a week however often it runs (issue 18)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEntry
from config import jobs
from notifications.announcements import send_weekly_digest, week_of
from notifications.models import DigestSent, Frequency, Preference
from tests.lifecycle import days, days_pass, refresh, run_to_end, run_until, today
from tests.notification_support import (
    about,
    choose,
    digest,
    document_url,
    handlingsplan,
    swedish,
    to,
)

URL = "/following/preferences/"


def test_the_notifications_page_offers_three_choices_weekly_by_default(town):
    desk = swedish(town.desk("samordnare"))

    page = desk.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Aviseringar</h1>" in html
    for label in ["Direkt, ett e-brev varje gång", "En gång i veckan", "Aldrig"]:
        assert label in html
    assert page.context["form"].initial == {"documents": "weekly"}

    response = desk.post(URL, {"documents": "immediately"})
    assert response.status_code == 302
    assert Preference.objects.get(user=town.users["samordnare"]).documents == "immediately"
    entry = AuditEntry.objects.get(action="notification_preference_set")
    assert entry.actor == town.users["samordnare"]
    assert (entry.from_state, entry.to_state) == ("", "immediately")
    assert desk.get(URL).context["form"].initial == {"documents": "immediately"}


def test_a_choice_not_offered_is_refused_and_changes_nothing(town, client):
    desk = town.desk("samordnare")
    response = desk.post(URL, {"documents": "daily"})
    assert response.status_code == 400
    assert response.context["form"].errors["documents"]
    assert not Preference.objects.exists()
    assert not AuditEntry.objects.filter(action="notification_preference_set").exists()

    anonymous = client.post(URL, {"documents": "never"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert not Preference.objects.exists()


def test_who_chose_immediately_is_mailed_at_publication_and_only_for_their_units(town):
    choose(town, "samordnare", Frequency.IMMEDIATELY)
    choose(town, "omradeschef", Frequency.IMMEDIATELY)  # the unit above: not concerned
    choose(town, "hrstrateg", Frequency.IMMEDIATELY)  # the top: not concerned
    choose(town, "enhetschef", Frequency.NEVER)
    mail.outbox.clear()

    case = handlingsplan(town)

    [message] = about("Nytt dokument: Handlingsplan 2027")
    assert message.to == ["samordnare@example.invalid"]
    assert "Det gäller din enhet." in message.body
    # Published as the registrar registered the decision: the request's address.
    assert f"http://testserver{document_url(case.document_id)}" in message.body
    assert not to("omradeschef") and not to("hrstrateg")
    assert not [
        m for m in to("enhetschef") if "Handlingsplan 2027" in m.subject and "Nytt" in m.subject
    ]


def test_the_weekly_digest_tells_the_others_once_with_links_to_the_configured_address(
    town, settings
):
    settings.STYRDOK_BASE_URL = "https://styrdok.kommun.example"
    choose(town, "enhetschef", Frequency.NEVER)
    case = handlingsplan(town)  # samordnare: the default, weekly
    mail.outbox.clear()

    assert "0 digest(s) sent." in digest()  # this week's digest covers last week
    assert mail.outbox == []

    with days_pass(7):
        assert "1 digest(s) sent." in digest()
        assert "0 digest(s) sent." in digest()  # twice in a week: once

    [message] = mail.outbox
    assert message.to == ["samordnare@example.invalid"]
    monday = week_of(today())
    assert message.subject == f"Styrdokument veckan som började {monday:%Y-%m-%d}: 1 ändring"
    assert "Nytt dokument: Handlingsplan 2027" in message.body
    assert f"https://styrdok.kommun.example{document_url(case.document_id)}" in message.body

    with days_pass(14):
        assert "0 digest(s) sent." in digest()  # nothing new the week after


def test_a_version_the_nightly_job_publishes_links_to_the_configured_address(town, settings):
    settings.STYRDOK_BASE_URL = "https://styrdok.kommun.example"
    choose(town, "samordnare", Frequency.IMMEDIATELY)
    case = handlingsplan(town, finish=False)
    run_until(town, case, "decision")
    town.desk("enhetschef").complete(
        case, "decision", outcome="adopted", decision_date=today(), valid_from=days(3)
    )
    town.desk("registrator").complete(case, "registration")
    mail.outbox.clear()

    with days_pass(3):
        call_command("publish_due_versions", stdout=StringIO())

    [message] = about("Nytt dokument: Handlingsplan 2027")
    assert message.to == ["samordnare@example.invalid"]
    document_id = refresh(case).document_id
    assert f"https://styrdok.kommun.example{document_url(document_id)}" in message.body


def test_a_revision_is_announced_as_a_new_version(town):
    choose(town, "samordnare", Frequency.IMMEDIATELY)
    first = handlingsplan(town)
    mail.outbox.clear()

    revision = town.desk("samordnare").start_revision(first.document)
    run_to_end(town, revision)

    [message] = about("Ny version: Handlingsplan 2027")
    assert message.to == ["samordnare@example.invalid"]
    assert "Det gäller din enhet." in message.body


def _at_once(*runs) -> list:
    barrier = threading.Barrier(len(runs))
    results: list = []

    def run(function):
        try:
            barrier.wait(timeout=10)
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _both_try_the_lock_first(monkeypatch, runs: int) -> None:
    """Runs started at once go on only when each has tried the job's lock: else the first
    may finish before the second tries (a fast digest, a slow new connection), and the
    second then finds the lock free and nothing left to send."""
    barrier = threading.Barrier(runs)
    original = jobs.exclusive

    @contextmanager
    def exclusive(name, using="default"):
        with original(name, using) as held:
            barrier.wait(timeout=10)
            yield held

    monkeypatch.setattr(jobs, "exclusive", exclusive)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_started_at_once_send_each_digest_once(town, monkeypatch):
    handlingsplan(town)  # samordnare and enhetschef: weekly, the default
    mail.outbox.clear()
    _both_try_the_lock_first(monkeypatch, 2)

    with days_pass(7):
        commands = _at_once(digest, digest)
    assert sum("2 digest(s) sent." in out for out in commands) == 1, commands
    assert sum("already running" in out for out in commands) == 1, commands

    assert sorted(m.to[0] for m in mail.outbox) == [
        "enhetschef@example.invalid",
        "samordnare@example.invalid",
    ]

    # Without the job's lock (a run that bypasses it), the unique (person, week) row still
    # lets one run send each digest: the week again, as if never sent.
    DigestSent.objects.all().delete()
    mail.outbox.clear()
    with days_pass(7):
        counts = _at_once(send_weekly_digest, send_weekly_digest)
    assert sum(counts) == 2, counts
    assert sorted(m.to[0] for m in mail.outbox) == [
        "enhetschef@example.invalid",
        "samordnare@example.invalid",
    ]
