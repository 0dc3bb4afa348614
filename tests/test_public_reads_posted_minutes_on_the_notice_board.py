"""The public notice board (/anslagstavla/) and its Atom feed: a body's posted minutes of
one meeting are one notice with the justering, posting, take-down, last-appeal and
legal-force days, where the minutes are kept and links to the adopted versions; notices
on the board first, those taken down in a paged archive; only what the public register
shows, so nothing internal, unregistered, sent back or decided by an official."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from documents import notice_rules
from documents.models import DecisionOutcome
from documents.noticeboard import ARCHIVE_PAGE_SIZE, archived_notices, current_notices
from org.models import BodyKind
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    PositionFactory,
    UserFactory,
    document_with_history,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
MEETING_GAP = datetime.timedelta(days=9)


@pytest.fixture
def ks():
    return BodyFactory(
        name="Kommunstyrelsen",
        short_name="KS",
        kind=BodyKind.EXECUTIVE_BOARD,
        minutes_kept_at="Kommunkansliet, Stadshuset",
    )


def posted(body, title, *, anslag, paragraph="§ 12", meeting=None, public=True, **decision):
    """A document whose valid version ``body`` adopted at ``meeting``, with its minutes
    checked the day before ``anslag`` and posted on ``anslag``."""
    fields = {
        "decision_date": meeting or anslag - MEETING_GAP,
        "paragraph": paragraph,
        "justering_date": anslag - datetime.timedelta(days=1),
        "anslag_date": anslag,
        "legal_force_date": notice_rules.legal_force_day(anslag),
        "registered_at": timezone.now(),
        **decision,
    }
    return document_with_history(
        1, decided_by=body, decision_fields=fields, title=title, is_public=public
    )


def notices_on(html: str) -> list[str]:
    return re.findall(r'<article class="notice" id="notice-([\w-]+)"', html)


def test_todays_minutes_are_one_notice_with_the_dates_the_law_gives(client, ks):
    today = TODAY()
    meeting = today - MEETING_GAP
    a = posted(ks, "Arbetsmiljöpolicy", anslag=today, paragraph="§ 141", meeting=meeting)
    b = posted(ks, "Riktlinjer för attest", anslag=today, paragraph="§ 142", meeting=meeting)
    other = BodyFactory(name="Socialnämnden", short_name="SN")
    posted(other, "Riktlinjer för avvikelser", anslag=today, meeting=meeting)

    response = client.get(reverse("noticeboard"))

    assert response.status_code == 200
    html = response.content.decode()
    current = html[: html.index('id="archive-heading"')]
    # One notice per body and meeting (same posting day: by the body).
    assert notices_on(current) == [f"{ks.pk}-{meeting:%Y%m%d}", f"{other.pk}-{meeting:%Y%m%d}"]
    [notice] = [n for n in response.context["current"] if n.body == ks]
    assert [d.paragraph for d in notice.decisions] == ["§ 141", "§ 142"]
    for day in (
        meeting,
        today - datetime.timedelta(days=1),  # justering
        today,  # posted
        notice_rules.last_appeal_day(today),
        notice_rules.legal_force_day(today),  # legal force and taken down
    ):
        assert day.isoformat() in current
    assert "Kommunkansliet, Stadshuset" in current
    for document in (a, b):
        url = reverse("documents:version", args=[document.pk, 1])
        assert f'href="{url}"' in current
        assert client.get(url).status_code == 200  # a public register page


def test_the_page_is_linked_from_the_public_navigation(client):
    assert f'href="{reverse("noticeboard")}"' in client.get(reverse("home")).content.decode()


def test_only_what_the_public_register_shows_is_on_the_board(client, ks):
    today = TODAY()
    posted(ks, "Offentlig policy", anslag=today)
    posted(ks, "Intern riktlinje", anslag=today, paragraph="§ 13", public=False)
    posted(ks, "Ej registrerad", anslag=today, paragraph="§ 14", registered_at=None)
    posted(ks, "Återremitterad", anslag=today, paragraph="§ 15", outcome=DecisionOutcome.RETURNED)
    official = PositionFactory(title="Kommundirektör")
    document = posted(ks, "Delegationsbeslut", anslag=today)
    DecisionFactory(
        document=document,
        version=document.current_version,
        body=None,
        position=official,
        decision_date=today - MEETING_GAP,
        justering_date=today,
        anslag_date=today,
        registered_at=timezone.now(),
        kind="review",
    )

    html = client.get(reverse("noticeboard")).content.decode()
    assert "Offentlig policy" in html
    for hidden in ("Intern riktlinje", "Ej registrerad", "Återremitterad", "Kommundirektör"):
        assert hidden not in html
    feed = client.get(reverse("noticeboard_feed")).content.decode()
    assert "Offentlig policy" in feed and "Intern riktlinje" not in feed

    # An employee sees the internal paragraph on the page; the feed stays public.
    client.force_login(UserFactory())
    assert "Intern riktlinje" in client.get(reverse("noticeboard")).content.decode()
    assert "Intern riktlinje" not in client.get(reverse("noticeboard_feed")).content.decode()


def test_a_notice_comes_down_the_day_after_the_last_day_to_appeal(client, ks):
    today = TODAY()
    down = notice_rules.last_taken_down_posting(today)
    still_up = down + datetime.timedelta(days=1)
    posted(ks, "Nedtagen", anslag=down, meeting=down - MEETING_GAP)
    posted(ks, "Uppsatt", anslag=still_up, meeting=still_up - MEETING_GAP)
    posted(ks, "Inte uppsatt än", anslag=today + datetime.timedelta(days=1))

    response = client.get(reverse("noticeboard"))

    assert [n.decisions[0].version.title for n in response.context["current"]] == ["Uppsatt"]
    archive = response.context["page"].object_list
    assert [n.decisions[0].version.title for n in archive] == ["Nedtagen"]
    assert notice_rules.take_down_day(down) <= today < notice_rules.take_down_day(still_up)
    assert "Inte uppsatt än" not in response.content.decode()


def test_the_archive_is_paged_latest_first(client, ks):
    first = notice_rules.last_taken_down_posting(TODAY())
    for n in range(ARCHIVE_PAGE_SIZE + 1):
        day = first - datetime.timedelta(days=7 * n)
        posted(ks, f"Beslut {n}", anslag=day, meeting=day - MEETING_GAP)

    page1 = client.get(reverse("noticeboard")).context["page"]
    page2 = client.get(reverse("noticeboard"), {"page": 2}).context["page"]

    assert len(page1.object_list) == ARCHIVE_PAGE_SIZE
    assert page1.object_list[0].anslag_date == first
    assert [n.decisions[0].version.title for n in page2.object_list] == [
        f"Beslut {ARCHIVE_PAGE_SIZE}"
    ]


def test_the_board_costs_the_same_queries_for_few_or_many_notices(client, ks):
    today = TODAY()

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            day = today - datetime.timedelta(days=n)
            posted(ks, f"Beslut {n}", anslag=day, meeting=day - MEETING_GAP)
            old = day - datetime.timedelta(days=60)
            posted(ks, f"Gammalt {n}", anslag=old, meeting=old - MEETING_GAP)

    add(1, 0)
    client.get(reverse("noticeboard"))  # warm caches (session, language)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("noticeboard"))
    add(5, 1)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("noticeboard"))
    assert len(many) == len(few)
    assert len(client.get(reverse("noticeboard")).context["current"]) == 6


def test_the_feed_is_atom_with_the_appeal_deadline(client, ks):
    today = TODAY()
    posted(ks, "Arbetsmiljöpolicy", anslag=today, paragraph="§ 141")

    response = client.get(reverse("noticeboard_feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 1
    assert "Kommunstyrelsen" in body and "§ 141 Arbetsmiljöpolicy" in body
    assert notice_rules.last_appeal_day(today).isoformat() in body
    assert "Kommunkansliet, Stadshuset" in body


def test_the_selectors_agree_with_the_page_for_an_anonymous_visitor(ks):
    today = TODAY()
    posted(ks, "Policy", anslag=today)
    assert len(current_notices(AnonymousUser(), today)) == 1
    assert archived_notices(AnonymousUser(), today, 1).paginator.count == 0


def test_where_a_body_keeps_its_minutes_is_in_the_audit_trail(ks):
    with transaction.atomic():
        ks.minutes_kept_at = "Kommunarkivet, Rådhuset"
        ks.save()
    entry = AuditEntry.objects.filter(action="organisation_changed").order_by("pk").last()
    assert entry.changes == {
        "minutes_kept_at": ["Kommunkansliet, Stadshuset", "Kommunarkivet, Rådhuset"]
    }
