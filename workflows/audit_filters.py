"""Filters of the registrar's audit view (HTML list and CSV export share them)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit import tracking
from audit.models import ACTION_LABELS, AuditEntry
from documents import diarium

MAX_TEXT = 200


class DateInput(forms.DateInput):
    input_type = "date"


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1])


# Kinds no page of Styrdok writes (object permissions are granted to people, not groups):
# offered only once the trail holds such an entry.
ONLY_WHEN_PRESENT = {"guardian.groupobjectpermission"}


def target_type_choices() -> list[tuple[str, str]]:
    """The kinds of object the trail names, each name once."""
    present = set(
        AuditEntry.objects.filter(target_type__in=ONLY_WHEN_PRESENT)
        .order_by()
        .values_list("target_type", flat=True)
        .distinct()
    )
    choices, names = [], set()
    for code, name in tracking.object_types():
        if (code in ONLY_WHEN_PRESENT and code not in present) or name in names:
            continue
        choices.append((code, name))
        names.add(name)
    return choices


def field_choices() -> list[tuple[str, str]]:
    return tracking.changed_fields()


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        case = (data.get("case") or "").strip()
        if case and diarium.diarienummer_q(case) is None:
            self.add_error(
                "case", _("Write the diarienummer as series, year and number: KS 2026/155.")
            )
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The to date is before the from date."))
        return data


class AuditFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        method="filter_date_from", label=_("From date"), widget=DateInput
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label=_("To date"), widget=DateInput
    )
    person = django_filters.CharFilter(
        method="filter_person",
        label=_("Person"),
        max_length=MAX_TEXT,
        help_text=_("User name or part of the name."),
    )
    position = django_filters.CharFilter(
        method="filter_position",
        label=pgettext_lazy("held in the organisation", "Position"),
        max_length=MAX_TEXT,
        help_text=_("Part of the position's title."),
    )
    action = django_filters.ChoiceFilter(
        field_name="action", choices=action_choices, label=_("Event")
    )
    case = django_filters.CharFilter(
        method="filter_case",
        label=_("Diarienummer"),
        max_length=40,
        help_text=_("E.g. KS 2026/155."),
    )
    target_type = django_filters.ChoiceFilter(
        field_name="target_type", choices=target_type_choices, label=_("Object type")
    )
    field = django_filters.ChoiceFilter(
        method="filter_field",
        choices=field_choices,
        label=_("Changed field"),
        help_text=_("Changes of the rule set, the organisation, documents and meetings."),
    )
    text = django_filters.CharFilter(
        field_name="target_label",
        lookup_expr="icontains",
        label=_("Object"),
        max_length=MAX_TEXT,
        help_text=_("Part of the object's name."),
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []
        form = AuditFilterForm

    # Days far outside the trail's life mean "no limit" (and stay clear of the datetime range
    # when converted to UTC).
    FIRST_DAY = datetime.date(1900, 1, 1)
    LAST_DAY = datetime.date(9000, 1, 1)

    def filter_date_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        if value <= self.FIRST_DAY:
            return queryset
        return queryset.filter(at__gte=_day_start(min(value, self.LAST_DAY)))

    def filter_date_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        if value >= self.LAST_DAY:
            return queryset
        day = max(value, self.FIRST_DAY)
        return queryset.filter(at__lt=_day_start(day + datetime.timedelta(days=1)))

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(actor__username__icontains=word)
                | Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
            )
        return queryset

    def filter_position(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(acting_as__title__icontains=word)
        return queryset

    def filter_field(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(changes__has_key=value)

    def filter_case(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        filters = diarium.diarienummer_q(value, through="case__diary_entry__")
        return queryset.none() if filters is None else queryset.filter(filters)
