"""The rows of the desk's case list and its exports: each case with who holds it, how long
it has waited and whether it is overdue."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task

from org.models import Position

from .. import routing
from ..access import OPEN_TASK
from ..models import Case
from .steps import with_marks

# What a row of the desk reads: loading only these keeps 200 rows cheap.
ROW_FIELDS = (
    "flow_class",
    "status",
    "created",
    "finished",
    "kind",
    "current_step",
    "step_since",
    "outcome",
    "target_meeting_id",
    "diary_entry__year",
    "diary_entry__number",
    "diary_entry__series__code",
    "document__title",
    "document__document_type__name",
    "document__document_type__ordering",
    "decider_body__name",
    "decider_body__short_name",
    "decider_position__title",
    "target_meeting__date",
    "target_meeting__deadline",
    "target_meeting__body__short_name",
)


def desk_cases(qs: QuerySet | None = None) -> QuerySet:
    """Cases with what a row of the desk shows (filter a plain ``Case`` queryset first)."""
    return with_marks(
        (qs if qs is not None else Case.objects.all())
        .select_related(
            "diary_entry__series",
            "document__document_type",
            "decider_body",
            "decider_position",
            "target_meeting__body",
        )
        .only(*ROW_FIELDS)
    )


@dataclass
class DeskRow:
    case: Case
    holder: str
    days_in_step: int | None
    days_total: int
    step_late: bool
    deadline_late: bool
    step_title: str = ""

    @property
    def overdue(self) -> bool:
        return self.step_late or self.deadline_late


def _step_title(case: Case) -> str:
    if case.finished:
        return str(case.get_outcome_display())
    return routing.step_title(case.current_step) if case.current_step else ""


def holders_of(cases) -> dict[int, str]:
    """Who holds each open case now: the person who claimed the task, else the position
    (with the body it is the secretary of), the authors, or the registrar. Three queries
    whatever the number of cases. ``cases``: case ids, or a queryset of cases."""
    ids = cases.values("pk") if isinstance(cases, QuerySet) else list(cases)
    tasks = list(
        Task.objects.filter(process_id__in=ids, flow_task_type="HUMAN", status__in=OPEN_TASK)
        .select_related("owner")
        .only(
            "process_id",
            "owner_permission",
            "owner_permission_obj_pk",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .order_by("pk")
    )
    position_ids = {
        int(t.owner_permission_obj_pk)
        for t in tasks
        if t.owner_id is None and t.owner_permission == routing.TO_POSITION
    }
    positions = {}
    if position_ids:
        positions = {
            p.pk: p
            for p in Position.objects.filter(pk__in=position_ids).prefetch_related("secretary_of")
        }
    labels: dict[int, list[str]] = {}
    for t in tasks:
        label = _holder_label(t, positions)
        if label not in labels.setdefault(t.process_id, []):
            labels[t.process_id].append(label)
    return {pk: ", ".join(names) for pk, names in labels.items()}


def _holder_label(task: Task, positions: dict[int, Position]) -> str:
    """Who holds an open task: the person who claimed it, else where it is routed."""
    if task.owner_id:
        return task.owner.get_full_name() or task.owner.username
    if task.owner_permission == routing.TO_POSITION:
        position = positions.get(int(task.owner_permission_obj_pk))
        bodies = list(position.secretary_of.all()) if position else []
        return f"{bodies[0].short_name} ({position.title})" if bodies else str(position or "")
    if task.owner_permission == routing.TO_AUTHORS:
        return _("The authors")
    return _("The registrar")


def rows_for(cases: list[Case], holders: dict[int, str]) -> list[DeskRow]:
    now = timezone.now()
    rows = []
    for case in cases:
        end = case.finished or now
        rows.append(
            DeskRow(
                case=case,
                holder=holders.get(case.pk, ""),
                days_in_step=(now - case.step_since).days
                if case.step_since and not case.finished
                else None,
                days_total=(end - case.created).days,
                step_late=bool(getattr(case, "step_late", False)),
                deadline_late=bool(getattr(case, "deadline_late", False)),
                step_title=_step_title(case),
            )
        )
    return rows


EXPORT_COLUMNS = [
    gettext_lazy("Diarienummer"),
    gettext_lazy("Title"),
    gettext_lazy("Type"),
    gettext_lazy("Kind"),
    gettext_lazy("Current step"),
    gettext_lazy("Held by"),
    gettext_lazy("Days in step"),
    gettext_lazy("Days in all"),
    gettext_lazy("Deciding body"),
    gettext_lazy("Target meeting"),
    gettext_lazy("Overdue"),
    gettext_lazy("Started"),
    gettext_lazy("Closed"),
]


def export_values(row: DeskRow) -> list:
    case = row.case
    marks = []
    if row.step_late:
        marks.append(_("too long in step"))
    if row.deadline_late:
        marks.append(_("meeting deadline passed"))
    return [
        case.diarienummer,
        case.document.title,
        case.document.document_type.name,
        case.get_kind_display(),
        row.step_title,
        row.holder,
        row.days_in_step if row.days_in_step is not None else "",
        row.days_total,
        str(case.decider) if case.decider else "",
        str(case.target_meeting) if case.target_meeting_id else "",
        ", ".join(marks),
        timezone.localtime(case.created).date(),
        timezone.localtime(case.finished).date() if case.finished else "",
    ]


def page_of_cases(qs: QuerySet, number, per_page: int):
    """One page of the filtered list in two steps: the page's ids (the filter and the sort
    touch only the tables they need), then those cases with everything the row shows."""
    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    by_id = {c.pk: c for c in desk_cases().filter(pk__in=ids)} if ids else {}
    return page, [by_id[i] for i in ids if i in by_id]


def export_rows(qs: QuerySet):
    """Every row of the filtered list, for the exports (a fixed number of queries)."""
    cases = list(desk_cases(qs))
    holders = holders_of(qs) if cases else {}
    return rows_for(cases, holders)
