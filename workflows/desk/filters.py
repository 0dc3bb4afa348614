"""The filters and sort orders of the desk's case list."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task

from documents.filters import OnceModelChoiceFilter
from documents.models import DocumentType
from org.models import Body, Position

from .. import routing
from ..access import OPEN_TASK
from ..models import Case, CaseKind, CaseOutcome, Meeting
from .steps import STEP_ORDER, overdue_q

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
