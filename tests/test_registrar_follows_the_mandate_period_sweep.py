"""The mandate-period sweep (/register/mandate-period/): per body (KF, KS, each nämnd) the
valid documents it adopted, how many are reviewed in the current mandate period (adopted
anew, or confirmed by a decision of kind "review", on or after the period's first day,
not sent back or rejected) and which remain. Only the registrar and administrators see it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import DecisionKind, DecisionOutcome, MandatePeriod
from documents.sweep import progress
from fixtures.reference_data import LoadResult, load_mandate_periods
from org.models import BodyKind, PositionKind
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    PositionFactory,
    PositionHoldingFactory,
    UserFactory,
    document_with_history,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    """A period that began 30 days ago: the latest start, so the current one."""
    today = timezone.localdate()
    return MandatePeriod.objects.create(
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=1400),
        name="Mandatperioden i testet",
    )


@pytest.fixture
def registrar():
    user = UserFactory(username="registrator")
    PositionHoldingFactory(user=user, position=PositionFactory(kind=PositionKind.REGISTRAR))
    return user


@pytest.fixture
def bodies():
    return {
        "KF": BodyFactory(name="Kommunfullmäktige", short_name="KF", kind=BodyKind.COUNCIL),
        "KS": BodyFactory(name="Kommunstyrelsen", short_name="KS", kind=BodyKind.EXECUTIVE_BOARD),
        "SN": BodyFactory(name="Socialnämnden", short_name="SN", kind=BodyKind.COMMITTEE),
        "bolag": BodyFactory(
            name="Bostadsbolagets styrelse", short_name="BB", kind=BodyKind.COMPANY_BOARD
        ),
    }


def adopted(body, title, on: datetime.date, **fields):
    return document_with_history(
        1, decided_by=body, decision_fields={"decision_date": on}, title=title, **fields
    )


def review(document, body, on: datetime.date, **fields):
    """A confirmation that the document still applies (the kind's value, as a string)."""
    return DecisionFactory(
        document=document,
        version=document.current_version,
        body=body,
        kind=fields.pop("kind", "review"),
        decision_date=on,
        **fields,
    )


@pytest.fixture
def swept(period, bodies):
    start = period.starts_on
    before = start - datetime.timedelta(days=1)
    ks, kf = bodies["KS"], bodies["KF"]
    adopted(ks, "Antagen på periodens första dag", start)
    adopted(ks, "Antagen dagen före", before)
    confirmed = adopted(ks, "Bekräftad i perioden", start - datetime.timedelta(days=400))
    review(confirmed, ks, start + datetime.timedelta(days=3))
    sent_back = adopted(ks, "Bekräftelsen återremitterad", start - datetime.timedelta(days=400))
    review(sent_back, ks, start + datetime.timedelta(days=3), outcome=DecisionOutcome.RETURNED)
    repealed_in_period = adopted(ks, "Upphävandebeslut räknas inte", before)
    review(repealed_in_period, ks, start, kind=DecisionKind.REPEAL)
    adopted(ks, "Upphävd", before, repealed=True)
    adopted(kf, "Vision", before)
    adopted(bodies["bolag"], "Bolagets policy", before)
    return bodies


def test_counts_per_body_in_the_current_period(period, swept):
    counts = {p.body.short_name: (p.total, p.done, p.remaining) for p in progress(period)}
    assert counts == {"KF": (1, 0, 1), "KS": (5, 2, 3), "SN": (0, 0, 0)}


def test_the_page_lists_the_chosen_bodys_documents_remaining_first(client, registrar, swept):
    client.force_login(registrar)
    response = client.get(reverse("mandate_sweep"), {"body": swept["KS"].pk})
    assert response.status_code == 200
    rows = [(d.title, d.reviewed) for d in response.context["page"].object_list]
    assert [r for r in rows if not r[1]] == rows[:3]
    assert {title for title, reviewed in rows if reviewed} == {
        "Antagen på periodens första dag",
        "Bekräftad i perioden",
    }
    assert {title for title, reviewed in rows if not reviewed} == {
        "Antagen dagen före",
        "Bekräftelsen återremitterad",
        "Upphävandebeslut räknas inte",
    }
    html = response.content.decode()
    assert "Bolagets policy" not in html and "Bostadsbolagets styrelse" not in html
    assert [p.body.short_name for p in response.context["progress"]] == ["KF", "KS", "SN"]


def test_without_a_body_chosen_the_first_with_documents_left_is_shown(client, registrar, swept):
    client.force_login(registrar)
    response = client.get(reverse("mandate_sweep"))
    assert response.context["chosen"].body == swept["KF"]


def test_an_administrator_sees_the_page(client, swept):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("mandate_sweep")).status_code == 200


def test_other_employees_are_refused_and_visitors_sent_to_log_in(client, swept):
    response = client.get(reverse("mandate_sweep"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(UserFactory())
    assert client.get(reverse("mandate_sweep")).status_code == 403


def test_the_start_page_links_the_sweep_for_the_registrar_only(client, registrar, period):
    link = f'href="{reverse("mandate_sweep")}"'
    client.force_login(UserFactory())
    assert link not in client.get(reverse("home")).content.decode()
    client.force_login(registrar)
    assert link in client.get(reverse("home")).content.decode()


def test_the_calendar_starts_periods_on_15_october_of_election_years(db):
    load_mandate_periods(LoadResult())  # what the migration seeded, again (idempotent)
    load_mandate_periods(LoadResult())
    assert MandatePeriod.objects.filter(starts_on=datetime.date(2026, 10, 15)).count() == 1
    starts = set(MandatePeriod.objects.values_list("starts_on", flat=True))
    for year in (2022, 2026, 2030):
        assert datetime.date(year, 10, 15) in starts
    assert MandatePeriod.current(datetime.date(2026, 10, 14)).starts_on == datetime.date(
        2022, 10, 15
    )
    assert MandatePeriod.current(datetime.date(2026, 10, 15)).starts_on == datetime.date(
        2026, 10, 15
    )
