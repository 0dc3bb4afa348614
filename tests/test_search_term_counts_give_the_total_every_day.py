"""A one-word search's total in the register as it opens is read from the term's kept count
(``SearchTermCount``: the versions valid from a day without an end) plus its rows of
versions valid for a limited time shown that day, not counted row by row. It must stay the
number of versions shown as versions are published, superseded, repealed, made internal
and removed, and as days pass with nothing written: a version valid from a later day
arrives, one valid until a day leaves. Checked against the rows counted one by one (the
same search with a filter that lets every version through, which counts them), and the
counts against a rebuild."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents.models import SearchRank, SearchTermCount, count_ranks
from documents.search import query_terms, remove_version
from documents.search.ranked_term import RankedTerm
from documents.services import publish_version, repeal_document
from org.models import Unit
from tests.factories import DecisionFactory, PublishedVersionFactory
from tests.search_ranks import counted_starts_hold, rebuilt_state, state

pytestmark = pytest.mark.django_db

WORD = "brandskydd"
TERM = "brandskyd"  # its stem: the one index term it finds


def ranked(day: datetime.date, *, public_only: bool = False, counted: bool = False):
    """The word's hits in the register's view on ``day``; ``counted``: with a filter that
    lets every version through, so the total is counted row by row."""
    among = {"scope_unit": list(Unit.objects.values_list("pk", flat=True))} if counted else {}
    return RankedTerm(query_terms(WORD)[0], day=day, public_only=public_only, among=among)


def shown(day: datetime.date, *, public_only: bool = False) -> int:
    """The versions with the word valid on ``day``, from the rank rows themselves."""
    rows = SearchRank.objects.filter(term=TERM, valid_from__lte=day).exclude(valid_until__lt=day)
    if public_only:
        rows = rows.filter(is_public=True)
    return rows.count()


def assert_totals(day: datetime.date) -> None:
    for public_only in (False, True):
        expected = shown(day, public_only=public_only)
        assert ranked(day, public_only=public_only).count() == expected, (day, public_only)
        assert ranked(day, public_only=public_only, counted=True).count() == expected
    assert counted_starts_hold()
    assert state() == rebuilt_state()


def publish(title: str, today: datetime.date, **dates):
    version = PublishedVersionFactory(
        title=title,
        document__title=title,
        body="<p>Brandskydd och utrymning.</p>",
        **{"valid_from": today - datetime.timedelta(days=30), **dates},
        publish=False,
    )
    publish_version(version, on=version.valid_from)
    return version


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def register(today):
    day = datetime.timedelta(days=1)
    return {
        "open": [publish(f"Brandskydd {i}", today) for i in range(3)],
        "until today": publish("Brandskydd till i dag", today, valid_until=today),
        "until tomorrow": publish("Brandskydd till i morgon", today, valid_until=today + day),
        "ended": publish("Brandskydd som upphört", today, valid_until=today - day),
    }


def test_the_kept_count_holds_today_and_is_read(register, today):
    kept = SearchTermCount.objects.get(term=TERM)
    assert (kept.versions, kept.public) == (3, 3)
    assert kept.latest_start <= today
    assert_totals(today)
    assert ranked(today).count() == 5


def test_days_pass_with_nothing_written(register, today):
    for days in range(-2, 4):
        assert_totals(today + datetime.timedelta(days=days))
    assert ranked(today + datetime.timedelta(days=1)).count() == 4
    assert ranked(today + datetime.timedelta(days=2)).count() == 3


def test_a_version_valid_from_a_later_day_arrives_without_a_write(register, today):
    later = today + datetime.timedelta(days=2)
    publish("Brandskydd från i övermorgon", today, valid_from=later)
    # Counted, and the count holds only from its first day: before it the rows are counted.
    assert SearchTermCount.objects.get(term=TERM).latest_start == later
    for days in range(0, 5):
        assert_totals(today + datetime.timedelta(days=days))
    assert ranked(later - datetime.timedelta(days=1)).count() == 4
    assert ranked(later).count() == 4  # the new one in, "until tomorrow" out


def test_publication_supersession_repeal_and_removal(register, today):
    first = register["open"][0]
    newer = PublishedVersionFactory(
        document=first.document, title=first.title, body="<p>Brandskydd, ny text.</p>"
    )
    assert_totals(today)
    PublishedVersionFactory(
        document=register["open"][1].document,
        title="Utan ordet",
        body="<p>Något annat.</p>",
    )
    assert_totals(today)
    repeal_document(
        register["until tomorrow"].document,
        DecisionFactory(
            document=register["until tomorrow"].document,
            decision_date=today - datetime.timedelta(days=1),
        ),
    )
    assert_totals(today)
    remove_version(newer)
    assert_totals(today)
    assert ranked(today).count() == 2  # the third "open" one and "until today"


def test_a_document_made_internal_leaves_the_public_count(register, today):
    document = register["open"][2].document
    document.is_public = False
    document.save(update_fields=["is_public"])

    assert SearchTermCount.objects.get(term=TERM).public == 2
    assert_totals(today)
    assert (ranked(today).count(), ranked(today, public_only=True).count()) == (5, 4)


def test_a_rebuild_repairs_a_drifted_count(register, today):
    SearchTermCount.objects.filter(term=TERM).update(versions=99, public=0)
    assert ranked(today).count() != shown(today)

    count_ranks(None)

    assert_totals(today)
