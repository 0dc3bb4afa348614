"""The diarienummer allocator: the one place numbers are issued (and read back from how
people write them, ``diarienummer_q``).

Numbers are allocated inside the caller's transaction with a row lock on the
series' counter for the year, so a rolled-back start does not burn a number
and concurrent starts never get the same one.
"""

from __future__ import annotations

import datetime
import re

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recording as audit
from config.compiled_query import CompiledQuery, statement_cursor
from org.models import Body, Unit

from . import access
from .models import DiaryCounter, DiaryEntry, DiarySeries, format_diarienummer

# "KS 2026/155", "ks 2026 / 155", "KS2026/155" or just "2026/155"; at most nine digits, so
# the number fits the column.
_WRITTEN = re.compile(r"^\s*(?:([^\W\d_][\w-]{0,19}?)\s*)?(\d{4})\s*/\s*(\d{1,9})\s*$")


def diarienummer_q(text: str, through: str = "") -> Q | None:
    """The diary entries a diarienummer as people write it names, as a filter on
    ``DiaryEntry`` (or on a model reaching it ``through``, e.g. ``"case__diary_entry__"``);
    None when the text is not a diarienummer. Without a series it names every series'."""
    written = _WRITTEN.match(text)
    if written is None:
        return None
    code, year, number = written.groups()
    q = Q(**{f"{through}year": int(year), f"{through}number": int(number)})
    if code:
        q &= Q(**{f"{through}series__code__iexact": code})
    return q


class NoDiarySeries(Exception):
    """No series is configured for the case and there is no default series."""


# A body's series and the default one, compiled once per process (config/compiled_query.py):
# every case's diarienummer asks. ``first()``: in the model's order, else by id.
def _first(queryset):
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]


_BODY_SERIES = CompiledQuery(
    lambda body_id: _first(DiarySeries.objects.filter(body=body_id)), ids=("body_id",)
)
_DEFAULT_SERIES = CompiledQuery(lambda: _first(DiarySeries.objects.filter(is_default=True)), ids=())


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
        found = _BODY_SERIES.run(body_id=b.pk)
        if found:
            return found[0]
    found = _DEFAULT_SERIES.run()
    series = found[0] if found else None
    if series is None:
        raise NoDiarySeries("No diary series is configured; add a default series in the admin.")
    return series


def counter_year(series: DiarySeries, day: datetime.date) -> int:
    """The counter a number issued on ``day`` comes from: the year's, or the one counter
    (year 0) of a series that does not restart each year."""
    return day.year if series.restart_each_year else 0


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


def _take_number(series: DiarySeries, year: int) -> int:
    """Take the next number of the series' counter for ``year`` in one statement.

    The upsert creates the counter at 1 or adds one to it, and holds the row's lock until
    the transaction ends (PostgreSQL; SQLite's writer lock covers the whole database), so
    two starts never get the same number and a rolled-back start gives its number back.
    Both databases run the same statement (SQLite 3.35 and later have RETURNING).
    """
    table = connection.ops.quote_name(DiaryCounter._meta.db_table)
    cursor = statement_cursor(connection)  # prepared on PostgreSQL (config.prepared)
    cursor.execute(
        f"INSERT INTO {table} (series_id, year, last_number) VALUES (%s, %s, 1) "
        f"ON CONFLICT (series_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number",
        [series.pk, year],
    )
    return cursor.fetchall()[0][0]  # read to its end: the kept cursor holds no statement


def allocate(
    series: DiarySeries, title: str, *, user=None, on: datetime.date | None = None
) -> DiaryEntry:
    """Issue the next diarienummer in ``series`` for the year of ``on`` (default today)."""
    day = on or timezone.localdate()
    with transaction.atomic(savepoint=False):
        number = _take_number(series, counter_year(series, day))
        return DiaryEntry.objects.create(
            series=series,
            year=day.year,
            number=number,
            title=title[:300],
            registered_by=user,
        )


def allocate_for(document, body, *, user=None, on: datetime.date | None = None) -> DiaryEntry:
    """The diarienummer of a new case about ``document`` decided by ``body`` (or by an
    official when None): the series for that body and the document's scope, its next
    number."""
    series = series_for(body=body, scope_unit=document.scope_unit)
    return allocate(series, document.title, user=user, on=on)


class NotAllowedToPublish(Exception):
    """The user may not mark diarium records public or hide them."""


def set_public(*, user, entry_id: int, public: bool) -> DiaryEntry:
    """Mark the diarium record ``entry_id`` public in the e-diarium (its subject, decider
    and public documents shown to everyone) or hide those again; the registrar's decision,
    audited with the record's case. Marking it as it already is changes and records
    nothing."""
    if not access.can_mark_diary_entry_public(user):
        raise NotAllowedToPublish(_("Only the registrar marks diarium records public."))
    with transaction.atomic():
        entry = DiaryEntry.objects.select_for_update().select_related("series").get(pk=entry_id)
        if entry.is_public == public:
            return entry
        entry.is_public = public
        entry.save(update_fields=["is_public"])
        audit.record(
            "diary_entry_published" if public else "diary_entry_hidden",
            actor=user,
            acting=access.diary_marking_acting(user),
            target=entry,
            case=getattr(entry, "case", None),
            from_state="public" if not public else "masked",
            to_state="public" if public else "masked",
            ip_address=audit.current_ip(),
        )
    return entry
