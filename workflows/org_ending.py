"""What open cases still need from the organisation (``org.importing.ending``): a re-import
of the organisation file may not end a position with open tasks or an open case to decide,
a body with an open case to decide, or a samverkan group consulting on an open case.
Registered in ``WorkflowsConfig.ready``; nothing below imports this."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils.translation import ngettext
from viewflow.workflow.models import Task

from documents.models.diary import format_diarienummer
from org.importing import ending
from org.importing import sheets as s
from org.importing.ending import listed
from org.models import Position

from . import routing
from .access import OPEN_TASK
from .models import Case


def _cases(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        key: [
            ngettext("%(n)s open case: %(cases)s", "%(n)s open cases: %(cases)s", len(names))
            % {"n": len(names), "cases": listed(sorted(set(names)))}
        ]
        for key, names in found.items()
    }


def _open_cases_by(lookup: str) -> Callable[[set[str]], dict[str, list[str]]]:
    """Open cases that name one of the keys through ``lookup`` (to decide, to consult)."""

    def question(keys: set[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        cases = Case.objects.filter(finished__isnull=True, **{f"{lookup}__in": keys})
        for key, series, year, number in cases.values_list(
            lookup, "diary_entry__series__code", "diary_entry__year", "diary_entry__number"
        ):
            found[key].append(format_diarienummer(series, year, number))
        return _cases(found)

    return question


def positions_with_open_tasks(keys: set[str]) -> dict[str, list[str]]:
    """Open tasks routed to the positions (whoever acts in one would be left without it)."""
    codes = dict(Position.objects.filter(code__in=keys).values_list("pk", "code"))
    tasks = Task.objects.filter(
        status__in=OPEN_TASK,
        owner_permission=routing.TO_POSITION,
        owner_permission_obj_pk__in=[str(pk) for pk in codes],
    ).values_list("owner_permission_obj_pk", "process_id")
    found: dict[str, list[int]] = defaultdict(list)
    for position_pk, case_pk in tasks:
        found[codes[int(position_pk)]].append(case_pk)
    numbers = {
        c.pk: c.diary_entry.diarienummer
        for c in Case.objects.filter(
            pk__in={c for cs in found.values() for c in cs}
        ).select_related("diary_entry__series")
    }
    return {
        key: [
            ngettext("%(n)s open task, in %(cases)s", "%(n)s open tasks, in %(cases)s", len(cases))
            % {"n": len(cases), "cases": listed(sorted({numbers[c] for c in cases}))}
        ]
        for key, cases in found.items()
    }


def register() -> None:
    ending.register(s.POSITIONS, positions_with_open_tasks)
    ending.register(s.POSITIONS, _open_cases_by("decider_position__code"))
    ending.register(s.BODIES, _open_cases_by("decider_body__short_name"))
    ending.register(s.GROUPS, _open_cases_by("samverkan_group__name"))
