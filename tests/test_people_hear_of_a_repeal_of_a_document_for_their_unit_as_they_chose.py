"""A repeal reaches the people the document applies to as a new version does (issue 18),
not only its followers: at once for those who chose *immediately*, in the weekly digest
for those who chose it, never for those who chose *never*; people of other units are not
told."""

from __future__ import annotations

from django.core import mail

from notifications.models import Announcement, AnnouncementKind, Frequency
from tests.lifecycle import days_pass, refresh, run_to_end
from tests.notification_support import about, choose, digest, handlingsplan, to


def _repeal(town, case):
    document = refresh(case).document
    repeal = town.desk("samordnare").start_repeal(document, "Ersatt av en ny plan.")
    mail.outbox.clear()
    run_to_end(town, repeal)
    return document


def test_a_repeal_is_mailed_at_once_to_the_unit_that_chose_immediately(town):
    choose(town, "samordnare", Frequency.IMMEDIATELY)
    choose(town, "hrstrateg", Frequency.IMMEDIATELY)  # the top: not concerned
    choose(town, "enhetschef", Frequency.NEVER)
    case = handlingsplan(town)

    _repeal(town, case)

    assert Announcement.objects.filter(kind=AnnouncementKind.REPEALED).exists()
    repealed = [m for m in about("Handlingsplan 2027") if "Upphävd" in m.subject]
    assert [m.to for m in repealed] == [["samordnare@example.invalid"]]
    assert "Det gäller din enhet." in repealed[0].body
    assert not [m for m in to("hrstrateg") if "Upphävd" in m.subject]
    assert not [m for m in to("enhetschef") if "Upphävd" in m.subject]


def test_a_repeal_is_in_the_weekly_digest_of_the_unit(town):
    choose(town, "enhetschef", Frequency.NEVER)
    choose(town, "samordnare", Frequency.WEEKLY)
    case = handlingsplan(town)
    _repeal(town, case)
    mail.outbox.clear()

    with days_pass(7):
        digest()

    [message] = to("samordnare")
    assert "Upphävd" in message.body and "Handlingsplan 2027" in message.body
    assert not to("enhetschef")
