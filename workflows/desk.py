"""The registrar's desk, read side: the case list with its filters, who holds each case,
overdue marks, lead-time figures, the records of a case, the diarium and meeting agendas.

Selectors only; every write is in ``workflows.actions``.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEntry
from config.shared import cache_or
from documents.filters import OnceModelChoiceFilter
from documents.models import Decision, DiaryCounter, DiaryEntry, DiarySeries, DocumentType
from org.models import Body, Position

from . import routing
from .access import OPEN_TASK
from .models import (
    Case,
    CaseKind,
    CaseOutcome,
    Meeting,
    RecordDirection,
)

# Steps before a matter is ready for a meeting of its deciding body.
EARLY_STEPS = (
    "draft",
    "repeal_draft",
    "union_statement",
    "samverkan_meeting",
    "negotiation",
    "proposal",
)
STEP_ORDER = [
    "draft",
    "repeal_draft",
    "union_statement",
    "samverkan_meeting",
    "negotiation",
    "proposal",
    "preparation",
    "decision",
    "registration",
    "await_valid_from",
]


def step_name(flow_task) -> str:
    """The node name of a task's flow_task (a node, or its stored 'app/module.Flow.node')."""
    return getattr(flow_task, "name", None) or str(flow_task).rsplit(".", 1)[-1]


# --------------------------------------------------------------------------
# Overdue: one definition, used by the list, the filter, the marks and the figures.


def step_overdue_q(now: datetime.datetime | None = None) -> Q:
    """Open cases waiting in their step longer than the step's limit in settings."""
    now = now or timezone.now()
    limits = settings.STYRDOK_STEP_LIMIT_DAYS
    parts = [
        Q(current_step=step, step_since__lt=now - datetime.timedelta(days=days))
        for step, days in sorted(limits.items())
    ]
    return Q(finished__isnull=True) & reduce(or_, parts)


def deadline_passed_q(today: datetime.date | None = None) -> Q:
    """Open cases whose target meeting's deadline has passed while they are not ready for
    it: still before the proposal is done, or still in preparation for the deciding body's
    own meeting."""
    today = today or timezone.localdate()
    not_ready = Q(current_step__in=EARLY_STEPS) | Q(
        current_step="preparation", target_meeting__body=F("decider_body")
    )
    return Q(finished__isnull=True, target_meeting__deadline__lt=today) & not_ready


def overdue_q() -> Q:
    return step_overdue_q() | deadline_passed_q()


def with_marks(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        step_late=ExpressionWrapper(step_overdue_q(), output_field=BooleanField()),
        deadline_late=ExpressionWrapper(deadline_passed_q(), output_field=BooleanField()),
    )


# --------------------------------------------------------------------------
# The case list and its filters


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


STATUS_CHOICES = [
    ("open", gettext_lazy("Open")),
    ("closed", gettext_lazy("Closed")),
    ("all", gettext_lazy("All")),
]
SORTS = {
    "waiting": ("step_since", "pk"),
    "-waiting": ("-step_since", "-pk"),
    "total": ("created", "pk"),
    "-total": ("-created", "-pk"),
    "dnr": ("diary_entry__series__code", "diary_entry__year", "diary_entry__number"),
    "-dnr": ("-diary_entry__series__code", "-diary_entry__year", "-diary_entry__number"),
    "title": ("document__title", "pk"),
    "-title": ("-document__title", "-pk"),
    "type": ("document__document_type__ordering", "pk"),
    "-type": ("-document__document_type__ordering", "-pk"),
    "step": ("current_step", "step_since"),
    "-step": ("-current_step", "step_since"),
    "body": ("decider_body__name", "pk"),
    "-body": ("-decider_body__name", "-pk"),
    "meeting": ("target_meeting__date", "pk"),
    "-meeting": ("-target_meeting__date", "-pk"),
}
SORT_CHOICES = [
    ("waiting", gettext_lazy("Longest in step first")),
    ("-waiting", gettext_lazy("Shortest in step first")),
    ("total", gettext_lazy("Oldest case first")),
    ("-total", gettext_lazy("Newest case first")),
    ("dnr", gettext_lazy("Diarienummer")),
    ("-dnr", gettext_lazy("Diarienummer, descending")),
    ("title", gettext_lazy("Title")),
    ("-title", gettext_lazy("Title, descending")),
    ("type", gettext_lazy("Type")),
    ("-type", gettext_lazy("Type, descending")),
    ("step", gettext_lazy("Step")),
    ("-step", gettext_lazy("Step, descending")),
    ("body", gettext_lazy("Deciding body")),
    ("-body", gettext_lazy("Deciding body, descending")),
    ("meeting", gettext_lazy("Target meeting")),
    ("-meeting", gettext_lazy("Target meeting, descending")),
]


def parse_diarienummer(text: str) -> tuple[str, int | None, int | None]:
    """'KS 2026/17' -> ('KS', 2026, 17); 'KS 2026' -> ('KS', 2026, None); '17' -> ('', None, 17)."""
    text = text.strip().replace("-", " ")
    code, rest = "", text
    parts = text.split(None, 1)
    if parts and not parts[0][:1].isdigit():
        code, rest = parts[0], parts[1] if len(parts) > 1 else ""
    year = number = None
    rest = rest.strip()
    if "/" in rest:
        y, n = rest.split("/", 1)
        year = int(y) if y.strip().isdigit() else None
        number = int(n) if n.strip().isdigit() else None
    elif rest.isdigit():
        if len(rest) == 4 and code:
            year = int(rest)
        else:
            number = int(rest)
    return code, year, number


def diarienummer_q(text: str) -> Q:
    code, year, number = parse_diarienummer(text)
    q = Q()
    if code:
        q &= Q(diary_entry__series__code__iexact=code)
    if year is not None:
        q &= Q(diary_entry__year=year)
    if number is not None:
        q &= Q(diary_entry__number=number)
    if not (code or year is not None or number is not None):
        return Q(pk__in=[])
    return q


class NumberInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__({"min": 0, **(attrs or {})})


class DeskFilter(django_filters.FilterSet):
    """Filters of the desk's case list: one per column, plus status, year and outcome."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=None,
    )
    q = django_filters.CharFilter(
        label=gettext_lazy("Search (diarienummer or title)"), method="filter_q"
    )
    dnr = django_filters.CharFilter(label=gettext_lazy("Diarienummer"), method="filter_dnr")
    title = django_filters.CharFilter(
        label=gettext_lazy("Title"), field_name="document__title", lookup_expr="icontains"
    )
    type = OnceModelChoiceFilter(
        label=gettext_lazy("Type"),
        field_name="document__document_type",
        queryset=DocumentType.objects.order_by("ordering", "name"),
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=CaseKind.choices)
    step = django_filters.ChoiceFilter(
        label=gettext_lazy("Current step"),
        field_name="current_step",
        choices=[(k, routing.STEP_TITLES[k]) for k in STEP_ORDER],
    )
    holder = django_filters.CharFilter(
        label=gettext_lazy("Held by (person or position)"), method="filter_holder"
    )
    min_days_in_step = django_filters.NumberFilter(
        label=gettext_lazy("At least days in step"),
        method="filter_days_in_step",
        widget=NumberInput,
    )
    min_days_total = django_filters.NumberFilter(
        label=gettext_lazy("At least days in all"), method="filter_days_total", widget=NumberInput
    )
    body = OnceModelChoiceFilter(
        label=gettext_lazy("Deciding body"),
        field_name="decider_body",
        queryset=Body.objects.order_by("name"),
    )
    meeting = OnceModelChoiceFilter(
        label=gettext_lazy("Target meeting"),
        field_name="target_meeting",
        queryset=Meeting.objects.none(),
    )
    overdue = django_filters.BooleanFilter(label=gettext_lazy("Overdue"), method="filter_overdue")
    year = django_filters.NumberFilter(label=gettext_lazy("Year"), field_name="diary_entry__year")
    outcome = django_filters.ChoiceFilter(
        label=gettext_lazy("Outcome"),
        choices=[c for c in CaseOutcome.choices if c[0]],
    )
    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("Sort"), choices=SORT_CHOICES, method="sort_by", empty_label=None
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        data.setdefault("sort", "waiting")
        super().__init__(data, *args, **kwargs)
        today = timezone.localdate()
        # The meetings matters are aimed at: from a fortnight back to half a year ahead.
        self.filters["meeting"].queryset = Meeting.objects.filter(
            date__gte=today - datetime.timedelta(days=14),
            date__lte=today + datetime.timedelta(days=183),
        ).select_related("body")

    def filter_status(self, qs, name, value):
        if value == "open":
            return qs.filter(finished__isnull=True)
        if value == "closed":
            return qs.filter(finished__isnull=False)
        return qs

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        by_number = diarienummer_q(value) if any(ch.isdigit() for ch in value) else Q(pk__in=[])
        return qs.filter(
            by_number | Q(document__title__icontains=value) | Q(diary_entry__title__icontains=value)
        )

    def filter_dnr(self, qs, name, value):
        return qs.filter(diarienummer_q(value)) if value.strip() else qs

    def filter_holder(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        positions = [
            str(pk)
            for pk in Position.objects.filter(title__icontains=value).values_list("pk", flat=True)
        ]
        name_q = Q()
        for word in value.split():
            name_q &= (
                Q(owner__first_name__icontains=word)
                | Q(owner__last_name__icontains=word)
                | Q(owner__username__icontains=word)
            )
        tasks = Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_TASK).filter(
            name_q | Q(owner__isnull=True, owner_permission_obj_pk__in=positions)
        )
        return qs.filter(pk__in=tasks.values("process_id"))

    def filter_days_in_step(self, qs, name, value):
        return qs.filter(step_since__lte=timezone.now() - datetime.timedelta(days=int(value)))

    def filter_days_total(self, qs, name, value):
        return qs.filter(created__lte=timezone.now() - datetime.timedelta(days=int(value)))

    def filter_overdue(self, qs, name, value):
        return qs.filter(overdue_q()) if value else qs.exclude(overdue_q())

    def sort_by(self, qs, name, value):
        return qs.order_by(*SORTS.get(value, SORTS["waiting"]))


# --------------------------------------------------------------------------
# Rows


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
        if t.owner_id:
            label = t.owner.get_full_name() or t.owner.username
        elif t.owner_permission == routing.TO_POSITION:
            position = positions.get(int(t.owner_permission_obj_pk))
            bodies = list(position.secretary_of.all()) if position else []
            label = f"{bodies[0].short_name} ({position.title})" if bodies else str(position or "")
        elif t.owner_permission == routing.TO_AUTHORS:
            label = _("The authors")
        else:
            label = _("The registrar")
        if label not in labels.setdefault(t.process_id, []):
            labels[t.process_id].append(label)
    return {pk: ", ".join(names) for pk, names in labels.items()}


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
    from django.core.paginator import Paginator

    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    by_id = {c.pk: c for c in desk_cases().filter(pk__in=ids)} if ids else {}
    return page, [by_id[i] for i in ids if i in by_id]


def export_rows(qs: QuerySet):
    """Every row of the filtered list, for the exports (a fixed number of queries)."""
    cases = list(desk_cases(qs))
    holders = holders_of(qs) if cases else {}
    return rows_for(cases, holders)


# --------------------------------------------------------------------------
# Figures


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
    from django.utils.translation import get_language

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


# --------------------------------------------------------------------------
# The records of a case


@dataclass
class CaseRecordRow:
    at: datetime.datetime | datetime.date
    kind: str
    description: str
    direction: str
    direction_label: str
    link: str = ""

    @property
    def day(self) -> datetime.date:
        if isinstance(self.at, datetime.datetime):
            return timezone.localtime(self.at).date()
        return self.at


def case_records(case: Case) -> list[CaseRecordRow]:
    """Every record in the case with its registration date and whether it came in, went
    out or was drawn up (inkommande, utgående, upprättad)."""
    from django.urls import reverse

    drawn, incoming = RecordDirection.DRAWN_UP, RecordDirection.INCOMING
    labels = dict(RecordDirection.choices)
    rows: list[CaseRecordRow] = []

    def add(at, kind, description, direction, link=""):
        rows.append(
            CaseRecordRow(at, str(kind), description, direction, str(labels[direction]), link)
        )

    if case.version_id and case.kind != CaseKind.REPEAL:
        version = case.version
        add(
            version.created_at,
            _("Draft"),
            _("Version %(n)s: %(title)s") % {"n": version.number, "title": version.title},
            drawn,
        )
        for f in version.files.all():
            add(f.uploaded_at, _("Draft version (file)"), f.original_name, drawn)
    for s in case.statements.select_related("union"):
        add(
            s.created_at,
            _("Union position in samverkan"),
            f"{s.union}: {s.get_stance_display()}",
            incoming,
        )
    for m in case.samverkan_meetings.select_related("group"):
        add(m.created_at, _("Samverkan minutes"), f"{m.group}: {m.minutes_reference}", drawn)
    for n in case.negotiations.all():
        add(n.created_at, _("Negotiation minutes"), n.minutes_reference, drawn)
    for entry in AuditEntry.objects.filter(case=case, action="proposal_written").order_by("at"):
        add(entry.at, _("Decision proposal"), case.proposal[:200], drawn)
    for p in case.preparation_steps.select_related("body"):
        add(
            p.created_at,
            _("Minutes extract of a preparing body"),
            f"{p.body.short_name} {p.meeting_date:%Y-%m-%d} {p.paragraph}".strip(),
            drawn,
        )
    for d in Decision.objects.filter(diary_entry=case.diary_entry).select_related(
        "body", "position"
    ):
        add(
            d.created_at,
            _("Decision"),
            f"{d.decider_name} {d.decision_date:%Y-%m-%d} {d.paragraph}: {d.get_outcome_display()}",
            drawn,
        )
        if d.minutes_extract:
            add(
                d.registered_at or d.created_at,
                _("Minutes extract"),
                f"{d.decider_name} {d.paragraph}",
                drawn,
            )
    for r in case.registered_records.all():
        add(
            r.record_date,
            _("Registered record %(dnr)s-%(n)s") % {"dnr": case.diarienummer, "n": r.sequence},
            f"{r.counterpart}: {r.subject}",
            r.direction,
            reverse("workflows:desk_record_file", args=[r.pk]) if r.file else "",
        )
    rows.sort(key=lambda r: r.day)
    return rows


# --------------------------------------------------------------------------
# The diarium


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


# --------------------------------------------------------------------------
# Meetings


@dataclass
class AgendaItem:
    case: Case
    ready: bool
    late: bool
    holder: str = ""
    decision_task_id: int | None = None

    @property
    def step_title(self) -> str:
        return routing.step_title(self.case.current_step) if self.case.current_step else ""


@dataclass
class Agenda:
    meeting: Meeting
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def ready(self) -> list[AgendaItem]:
        return [i for i in self.items if i.ready]

    @property
    def late(self) -> list[AgendaItem]:
        return [i for i in self.items if i.late]

    @property
    def not_ready(self) -> list[AgendaItem]:
        return [i for i in self.items if not i.ready]


def agenda(meeting: Meeting) -> Agenda:
    """The matters aimed at a meeting, in the order of the agenda (diarienummer), whether
    each is ready (waiting for this body's decision, or its preparation here), and which
    are late: not ready when the deadline has passed."""
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(target_meeting=meeting)
        .select_related("diary_entry__series", "document__document_type", "decider_body")
        .order_by("diary_entry__year", "diary_entry__number", "pk")
    )
    holders = holders_of([c.pk for c in cases]) if cases else {}
    tasks = (
        dict(
            Task.objects.filter(
                process_id__in=[c.pk for c in cases],
                flow_task__endswith=".decision",
                status__in=OPEN_TASK,
            ).values_list("process_id", "pk")
        )
        if cases
        else {}
    )
    result = Agenda(meeting)
    for case in cases:
        deciding = case.decider_body_id == meeting.body_id
        if case.finished:
            ready = True
        elif deciding:
            ready = case.current_step in ("decision", "registration", "await_valid_from")
        else:
            ready = case.current_step not in EARLY_STEPS
        result.items.append(
            AgendaItem(
                case=case,
                ready=ready,
                late=not ready and meeting.deadline < today,
                holder=holders.get(case.pk, ""),
                decision_task_id=tasks.get(case.pk) if deciding else None,
            )
        )
    return result


def calendar(bodies=None, *, past_days: int = 60) -> QuerySet:
    """Meetings from ``past_days`` ago on, per body, with the number of matters."""
    qs = Meeting.objects.filter(
        date__gte=timezone.localdate() - datetime.timedelta(days=past_days)
    ).select_related("body")
    if bodies is not None:
        qs = qs.filter(body__in=bodies)
    return qs.annotate(n_matters=Count("matters")).order_by("body__name", "date")


def coming_meetings_for(case: Case) -> QuerySet:
    """The coming meetings a case may be aimed at: of its deciding or preparing bodies."""
    if not case.decider_body_id:
        return Meeting.objects.none()
    bodies = [*case.decider_body.preparing_bodies(), case.decider_body]
    return Meeting.objects.filter(body__in=bodies, date__gt=timezone.localdate()).select_related(
        "body"
    )
