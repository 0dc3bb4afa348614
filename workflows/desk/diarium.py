"""The diarium: every number issued in a series and year, with its case and status."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from documents.models import DiaryCounter, DiaryEntry, DiarySeries

from .. import routing


@dataclass
class DiariumLine:
    number: int
    entry: DiaryEntry | None
    status: str


def diarium_years(series: DiarySeries) -> list[int]:
    return sorted(
        set(DiaryEntry.objects.filter(series=series).values_list("year", flat=True)), reverse=True
    )


def diarium_register(series: DiarySeries, year: int) -> tuple[list[DiariumLine], list[int]]:
    """Every number issued in the series and year, in order, with its case and status;
    and the numbers the counter passed that have no entry (there should be none: a
    rolled-back start does not keep its number)."""
    entries = list(
        DiaryEntry.objects.filter(series=series, year=year)
        .select_related("case__document", "series")
        .order_by("number")
    )
    lines = []
    for entry in entries:
        case = getattr(entry, "case", None)
        if case is None:
            status = _("Registered without a case in Styrdok")
        elif case.finished:
            status = _("Closed: %(outcome)s") % {"outcome": case.get_outcome_display()}
        else:
            status = _("Open: %(step)s") % {"step": routing.step_title(case.current_step)}
        lines.append(DiariumLine(entry.number, entry, status))
    counter = DiaryCounter.objects.filter(
        series=series, year=year if series.restart_each_year else 0
    ).first()
    issued = {e.number for e in entries}
    top = counter.last_number if counter and series.restart_each_year else max(issued, default=0)
    low = 1 if series.restart_each_year else min(issued, default=1)
    missing = [n for n in range(low, top + 1) if n not in issued]
    return lines, missing
