"""Kommunallagen's dates for the minutes of a political body, in one place (pure functions).

- The minutes are checked (justeras) at the latest 14 days after the meeting
  (8 kap. 12 § första stycket kommunallagen, 2017:725).
- The justering is posted on the municipality's notice board (anslag) at the latest two
  days after the justering (8 kap. 12 § andra stycket KL).
- Anyone may appeal (laglighetsprövning) within three weeks from the day of posting
  (13 kap. 5 § KL): posted on a Monday, the last day to appeal is the Monday three weeks
  later (the posting day plus 21 days).
- The notice may not be taken down before the appeal time has run out (8 kap. 12 § KL).
  It comes down the day after the last day to appeal, which is also the day the
  decision gains legal force (laga kraft) if nobody appeals.

Weekends and holidays follow lagen (1930:173) om beräkning av lagstadgad tid: a deadline
whose last day falls on a Saturday, a Sunday, another public holiday (allmän helgdag), or
on midsommarafton, julafton or nyårsafton, moves to the next weekday (1930:173, 2 §). That
applies to all three deadlines above (justering, posting, appeal); the legal-force day and
the take-down day follow the (moved) last day to appeal.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

JUSTERING_DAYS = 14
ANSLAG_DAYS = 2
APPEAL_DAYS = 21  # three weeks

_DAY = datetime.timedelta(days=1)


def easter_sunday(year: int) -> datetime.date:
    """Easter Sunday of ``year`` (Gregorian calendar; the anonymous algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    x = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * x) // 451
    month, day = divmod(h + x - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _saturday_from(year: int, month: int, first: int) -> datetime.date:
    """The first Saturday on or after ``first`` of ``month``."""
    start = datetime.date(year, month, first)
    return start + datetime.timedelta(days=(5 - start.weekday()) % 7)


@lru_cache(maxsize=64)
def non_weekdays(year: int) -> frozenset[datetime.date]:
    """The days of ``year`` other than Saturdays and Sundays on which a deadline cannot end:
    the public holidays (lagen 1989:253 om allmänna helgdagar) and midsommarafton,
    julafton and nyårsafton (1930:173, 2 §)."""
    easter = easter_sunday(year)
    midsummer_day = _saturday_from(year, 6, 20)  # the Saturday 20-26 June
    all_saints = _saturday_from(year, 10, 31)  # the Saturday 31 October - 6 November
    return frozenset(
        {
            datetime.date(year, 1, 1),  # nyårsdagen
            datetime.date(year, 1, 6),  # trettondedag jul
            easter - 2 * _DAY,  # långfredagen
            easter,  # påskdagen
            easter + _DAY,  # annandag påsk
            datetime.date(year, 5, 1),  # första maj
            easter + 39 * _DAY,  # Kristi himmelsfärdsdag
            easter + 49 * _DAY,  # pingstdagen
            datetime.date(year, 6, 6),  # nationaldagen
            midsummer_day - _DAY,  # midsommarafton
            midsummer_day,  # midsommardagen
            all_saints,  # alla helgons dag
            datetime.date(year, 12, 24),  # julafton
            datetime.date(year, 12, 25),  # juldagen
            datetime.date(year, 12, 26),  # annandag jul
            datetime.date(year, 12, 31),  # nyårsafton
        }
    )


def is_weekday(day: datetime.date) -> bool:
    """Whether a deadline may end on ``day`` (a vardag in the sense of 1930:173)."""
    return day.weekday() < 5 and day not in non_weekdays(day.year)


def deadline(day: datetime.date) -> datetime.date:
    """A deadline whose last day would be ``day``: moved to the next weekday when ``day``
    is a Saturday, Sunday, holiday or midsommar-, jul- or nyårsafton (1930:173, 2 §)."""
    while not is_weekday(day):
        day += _DAY
    return day


def latest_justering_day(meeting: datetime.date) -> datetime.date:
    """The last day the minutes of a meeting on ``meeting`` may be checked."""
    return deadline(meeting + datetime.timedelta(days=JUSTERING_DAYS))


def latest_anslag_day(justering: datetime.date) -> datetime.date:
    """The last day the justering on ``justering`` may be posted on the notice board."""
    return deadline(justering + datetime.timedelta(days=ANSLAG_DAYS))


def last_appeal_day(anslag: datetime.date) -> datetime.date:
    """The last day to appeal a decision whose minutes were posted on ``anslag``."""
    return deadline(anslag + datetime.timedelta(days=APPEAL_DAYS))


def legal_force_day(anslag: datetime.date) -> datetime.date:
    """The day the decision gains legal force if not appealed: the day after the last day
    to appeal."""
    return last_appeal_day(anslag) + _DAY


def take_down_day(anslag: datetime.date) -> datetime.date:
    """The day the notice comes down: not before the appeal time has run out, so the day
    after the last day to appeal."""
    return legal_force_day(anslag)


def is_posted_on(anslag: datetime.date, today: datetime.date) -> bool:
    """Whether a notice posted on ``anslag`` is on the notice board on ``today``."""
    return anslag <= today < take_down_day(anslag)


def last_taken_down_posting(today: datetime.date) -> datetime.date:
    """The latest posting day whose notice is down on ``today``. ``take_down_day`` never
    decreases as the posting day grows, so a notice is down exactly when it was posted on
    or before this day (the notice board's archive is one date filter)."""
    day = today
    while take_down_day(day) > today:
        day -= _DAY
    return day
