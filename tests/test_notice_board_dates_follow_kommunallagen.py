"""Kommunallagen's dates for posted minutes (documents.notice_rules): justering within 14
days of the meeting, posting within two days of justering, appeal within three weeks from
the posting day, legal force and take-down the day after; a deadline ending on a Saturday,
Sunday, public holiday or midsommar-, jul- or nyårsafton moves to the next weekday
(lagen 1930:173)."""

from __future__ import annotations

import datetime

import pytest

from documents import notice_rules as rules


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28")],
)
def test_easter_is_computed_for_the_movable_holidays(year, easter):
    assert rules.easter_sunday(year) == d(easter)


def test_the_swedish_holidays_and_the_eves_of_1930_173_are_not_weekdays():
    days_off = rules.non_weekdays(2026)
    for day in (
        "2026-01-01",  # nyårsdagen
        "2026-01-06",  # trettondedag jul
        "2026-04-03",  # långfredagen
        "2026-04-06",  # annandag påsk
        "2026-05-01",
        "2026-05-14",  # Kristi himmelsfärdsdag
        "2026-06-06",  # nationaldagen
        "2026-06-19",  # midsommarafton
        "2026-12-24",  # julafton
        "2026-12-31",  # nyårsafton
    ):
        assert d(day) in days_off, day
        assert not rules.is_weekday(d(day))
    assert rules.is_weekday(d("2026-06-18"))  # the Thursday before midsommarafton
    assert not rules.is_weekday(d("2026-12-05"))  # a Saturday
    assert rules.is_weekday(d("2026-12-07"))  # a Monday


def test_posting_is_due_two_days_after_justering():
    assert rules.latest_anslag_day(d("2026-12-01")) == d("2026-12-03")  # Tue -> Thu


def test_a_posting_deadline_on_a_weekend_moves_to_monday():
    # Justering on a Thursday: two days later is a Saturday, so Monday is the last day.
    assert rules.latest_anslag_day(d("2026-12-03")) == d("2026-12-07")
    assert rules.latest_anslag_day(d("2026-12-04")) == d("2026-12-07")  # Fri -> Sun -> Mon


def test_a_posting_deadline_on_a_holiday_moves_past_it():
    # Justering on Wednesday 1 April 2026: Friday 3 April is långfredagen, then the weekend
    # and annandag påsk; the last day is Tuesday 7 April.
    assert rules.latest_anslag_day(d("2026-04-01")) == d("2026-04-07")


def test_justering_is_due_fourteen_days_after_the_meeting():
    assert rules.latest_justering_day(d("2026-11-24")) == d("2026-12-08")  # Tue -> Tue
    # A meeting on a Saturday: 14 days later is a Saturday too, so Monday.
    assert rules.latest_justering_day(d("2026-11-21")) == d("2026-12-07")


def test_the_appeal_time_is_three_weeks_from_the_posting_day():
    # Posted on Monday 2 November 2026: the last day to appeal is Monday 23 November.
    assert rules.last_appeal_day(d("2026-11-02")) == d("2026-11-23")
    assert rules.legal_force_day(d("2026-11-02")) == d("2026-11-24")
    assert rules.take_down_day(d("2026-11-02")) == d("2026-11-24")


def test_an_appeal_time_ending_at_christmas_moves_past_the_holidays():
    # Posted Thursday 3 December 2026: three weeks later is julafton, then juldagen,
    # annandag jul (a Saturday) and a Sunday; the last day is Monday 28 December.
    assert rules.last_appeal_day(d("2026-12-03")) == d("2026-12-28")
    assert rules.legal_force_day(d("2026-12-03")) == d("2026-12-29")


def test_a_notice_is_up_from_its_posting_day_through_the_last_day_to_appeal():
    posted = d("2026-11-02")
    assert not rules.is_posted_on(posted, d("2026-11-01"))
    assert rules.is_posted_on(posted, posted)
    assert rules.is_posted_on(posted, d("2026-11-23"))  # the last day to appeal
    assert not rules.is_posted_on(posted, d("2026-11-24"))  # taken down


@pytest.mark.parametrize("today", ["2026-11-24", "2026-12-28", "2026-12-29", "2027-01-02"])
def test_the_archive_cutoff_splits_the_postings_exactly(today):
    today = d(today)
    cutoff = rules.last_taken_down_posting(today)
    for offset in range(0, 60):
        posted = today - datetime.timedelta(days=offset)
        assert (posted <= cutoff) == (not rules.is_posted_on(posted, today)), posted
