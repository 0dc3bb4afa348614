"""The diarienummer allocator: the one place numbers are issued.

Numbers are allocated inside the caller's transaction with a row lock on the
series' counter for the year, so a rolled-back start does not burn a number
and concurrent starts never get the same one.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from org.models import Body, Unit

from .models import DiaryCounter, DiaryEntry, DiarySeries, format_diarienummer


class NoDiarySeries(Exception):
    """No series is configured for the case and there is no default series."""


def series_for(*, body: Body | None = None, scope_unit: Unit | None = None) -> DiarySeries:
    """The series a case is registered in: the deciding body's, else the body responsible
    for the scope's, else the default series."""
    candidates: list[Body] = []
    if body is not None:
        candidates.append(body)
    if scope_unit is not None:
        responsible = scope_unit.effective_responsible_body()
        if responsible is not None:
            candidates.append(responsible)
    for b in candidates:
        series = DiarySeries.objects.filter(body=b).first()
        if series:
            return series
    series = DiarySeries.objects.filter(is_default=True).first()
    if series is None:
        raise NoDiarySeries("No diary series is configured; add a default series in the admin.")
    return series


def counter_year(series: DiarySeries, day: datetime.date) -> int:
    """The counter a number issued on ``day`` comes from: the year's, or the one counter
    (year 0) of a series that does not restart each year."""
    return day.year if series.restart_each_year else 0


def _locked_counter(series: DiarySeries, day: datetime.date) -> DiaryCounter:
    year = counter_year(series, day)
    # Make sure the counter row exists without racing on its creation, then lock it for
    # the rest of the transaction.
    DiaryCounter.objects.bulk_create(
        [DiaryCounter(series=series, year=year, last_number=0)], ignore_conflicts=True
    )
    return DiaryCounter.objects.select_for_update().get(series=series, year=year)


def next_number(series: DiarySeries, *, on: datetime.date | None = None) -> str:
    """The diarienummer ``allocate`` would issue in ``series`` now, without issuing it (a
    start's confirmation page shows it; the number is taken when the case starts)."""
    day = on or timezone.localdate()
    last = (
        DiaryCounter.objects.filter(series=series, year=counter_year(series, day))
        .values_list("last_number", flat=True)
        .first()
    )
    return format_diarienummer(series.code, day.year, (last or 0) + 1)


def allocate(
    series: DiarySeries, title: str, *, user=None, on: datetime.date | None = None
) -> DiaryEntry:
    """Issue the next diarienummer in ``series`` for the year of ``on`` (default today)."""
    day = on or timezone.localdate()
    with transaction.atomic(savepoint=False):
        counter = _locked_counter(series, day)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return DiaryEntry.objects.create(
            series=series,
            year=day.year,
            number=counter.last_number,
            title=title[:300],
            registered_by=user,
        )


def allocate_for(document, body, *, user=None, on: datetime.date | None = None) -> DiaryEntry:
    """The diarienummer of a new case about ``document`` decided by ``body`` (or by an
    official when None): the series for that body and the document's scope, its next
    number."""
    series = series_for(body=body, scope_unit=document.scope_unit)
    return allocate(series, document.title, user=user, on=on)
