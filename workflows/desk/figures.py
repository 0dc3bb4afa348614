"""The desk's figures: open cases per step and lead times per step and per type."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import get_language
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from config.shared import cache_or

from .. import routing
from ..models import Case
from .steps import STEP_ORDER, overdue_q, step_name


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p % of the values at
    or below it. Computed in Python on the sorted values, so SQLite and PostgreSQL give
    the same numbers (the median is the lower middle value for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class LeadTime:
    label: str
    count: int
    median: float
    p90: float


def _lead_times(durations: dict[str, list[float]], labels) -> list[LeadTime]:
    result = []
    for key, values in durations.items():
        result.append(
            LeadTime(
                label=str(labels(key)),
                count=len(values),
                median=round(percentile(values, 50), 1),
                p90=round(percentile(values, 90), 1),
            )
        )
    return result


def step_lead_times() -> list[LeadTime]:
    """Days from a step's task being created to its completion, per step, over every
    completed human task (the step history viewflow keeps for each case)."""
    durations: dict[str, list[float]] = {}
    for flow_task, created, finished in Task.objects.filter(
        flow_task_type="HUMAN", status=STATUS.DONE, finished__isnull=False
    ).values_list("flow_task", "created", "finished"):
        durations.setdefault(step_name(flow_task), []).append(
            (finished - created).total_seconds() / 86400
        )
    ordered = {k: durations[k] for k in STEP_ORDER if k in durations}
    return _lead_times(ordered, routing.step_title)


def type_lead_times() -> list[LeadTime]:
    """Days from start to close of closed cases, per document type."""
    durations: dict[str, list[float]] = {}
    for type_name, created, finished in (
        Case.objects.filter(finished__isnull=False)
        .order_by("document__document_type__ordering")
        .values_list("document__document_type__name", "created", "finished")
    ):
        durations.setdefault(type_name, []).append((finished - created).total_seconds() / 86400)
    return _lead_times(durations, str)


def figures() -> dict[str, list]:
    """Cases per step and lead times per step and per type, cached for
    ``STYRDOK_DESK_FIGURES_SECONDS`` (they summarise every case; the list itself is live).
    Cached per language, since the labels are translated."""

    def compute():
        return {
            "counts": step_counts(),
            "steps": step_lead_times(),
            "types": type_lead_times(),
        }

    key = f"desk:figures:{get_language()}"
    return cache_or(
        "the desk's figures",
        lambda: cache.get_or_set(key, compute, settings.STYRDOK_DESK_FIGURES_SECONDS),
        compute,
    )


@dataclass
class StepCount:
    step: str
    label: str
    count: int
    overdue: int


def step_counts() -> list[StepCount]:
    """Open cases per step, and how many of them are overdue (one query)."""
    found = {
        r["current_step"]: r
        for r in Case.objects.filter(finished__isnull=True)
        .values("current_step")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q()))
        .order_by()
    }
    return [
        StepCount(step, routing.step_title(step), found[step]["n"], found[step]["late"])
        for step in STEP_ORDER
        if step in found
    ]
