"""The register's filters, shared by the HTML register and the JSON API."""

from __future__ import annotations

from functools import partial

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from org.models import Body, Position, Process, Unit

from . import access, search, selectors
from . import cache as register_cache
from .models import DocumentType, VersionStatus
from .widgets import FastCheckboxSelectMultiple, FastDateInput, FastSelect, FastTextInput


class _OnceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects()) + (self.field.empty_label is not None)


class _ChoicesOnce:
    """A model choice field that reads its choices at most once per form: rendering and
    validating share them. Given a ``choice_list`` (``documents.cache.ChoiceList``, set by
    ``RegisterFilter``) it reads none at all and renders the cached ``<option>`` elements."""

    iterator = _OnceIterator
    # Set by RegisterFilter: returns this field's ChoiceList, read (with the register's
    # generation) only when the choices are first needed.
    choice_list_loader = None

    @property
    def choice_list(self):
        return self.choice_list_loader() if self.choice_list_loader is not None else None

    def objects(self) -> list:
        choice_list = self.choice_list
        if choice_list is not None:
            return choice_list.objects
        if getattr(self, "_objects", None) is None:
            self._objects = list(self.queryset)
        return self._objects

    def by_value(self) -> dict[str, object]:
        if getattr(self, "_by_value", None) is None:
            self._by_value = {str(obj.pk): obj for obj in self.objects()}
        return self._by_value

    def invalid(self, value) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class OnceModelChoiceField(_ChoicesOnce, filter_fields.ModelChoiceField):
    """A ``<select>`` of model instances, read once (or never: see ``_ChoicesOnce``)."""

    # Django's message for a single choice does not say which value was refused (its
    # message for several does, and is used here).
    default_error_messages = {
        "invalid_choice": _(
            "Select a valid choice. %(value)s is not one of the available choices."
        ),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = self.by_value().get(str(value))
        if found is None:
            raise self.invalid(value)
        return found

    def get_bound_field(self, form, field_name):
        if self.choice_list_loader is not None:  # rendered from the cached <option>s
            self.widget.options_html = lambda: self.choice_list.options
        return super().get_bound_field(form, field_name)


class OnceModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = OnceModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)


# Largest id the databases can compare (64-bit); larger numbers are no id at all.
MAX_ID = 2**63 - 1


class IdMultipleChoiceField(_ChoicesOnce, filter_fields.ModelMultipleChoiceField):
    """Several model instances (check boxes), read once (or never: see ``_ChoicesOnce``).
    Refuses values that are no id before anything is looked up (a 20-digit number made
    SQLite raise OverflowError and PostgreSQL an out-of-range error)."""

    def _check_values(self, value):
        # An empty value (``type=``) is no value: a filter sent empty is not applied, as
        # for every other filter of the register.
        value = [pk for pk in value if pk != ""]
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
                raise self.invalid(pk)
        by_value = self.by_value()
        for pk in value:
            if str(pk) not in by_value:
                raise self.invalid(pk)
        return [by_value[str(pk)] for pk in dict.fromkeys(str(v) for v in value)]


class IdMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdMultipleChoiceField


# No choice means "valid" (today, or on the chosen date).
STATUS_CHOICES = [
    ("under_revision", _("Under revision")),
    ("expired", _("Expired (valid-until passed)")),
    ("superseded", _("Superseded")),
    ("repealed", _("Repealed")),
]


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=FastTextInput,
        help_text=_(
            "Words from the title, summary, text or attached file; the last word may be unfinished."
        ),
    )
    type = IdMultipleChoiceFilter(
        field_name="document_type",
        queryset=DocumentType.objects.filter(is_active=True),
        label=_("Type"),
        widget=FastCheckboxSelectMultiple,
        # The type is to-one from a version: no row can repeat, so no SELECT DISTINCT
        # (over every column of the page, the version's text included).
        distinct=False,
    )
    unit = OnceModelChoiceFilter(
        queryset=Unit.objects.filter(is_active=True),
        method="filter_applies_to",
        label=_("Applies to unit"),
        help_text=_("Documents for the unit and for every unit above it."),
    )
    process = OnceModelChoiceFilter(
        field_name="process", queryset=Process.objects.all(), label=_("Process")
    )
    owner = OnceModelChoiceFilter(
        field_name="owner_position",
        queryset=Position.objects.filter(owned_documents__isnull=False).distinct(),
        label=_("Owner (dokumentansvarig)"),
    )
    body = OnceModelChoiceFilter(
        field_name="adoption__body",
        queryset=Body.objects.filter(is_active=True),
        label=_("Adopted by body"),
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        method="filter_status",
        label=_("Status"),
        empty_label=_("Valid"),
        widget=FastSelect,
    )
    valid_on = django_filters.DateFilter(
        method="filter_valid_on",
        label=_("Valid on"),
        widget=FastDateInput,
        help_text=_("What applied on a given day."),
    )
    review_before = django_filters.DateFilter(
        field_name="next_review", lookup_expr="lte", label=_("Review due by"), widget=FastDateInput
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("document__document_type__ordering", "type"),
            ("document__scope_unit__path", "scope"),
            ("valid_from", "valid_from"),
            ("next_review", "next_review"),
        ),
        field_labels={
            "title": _("Title"),
            "document__document_type__ordering": _("Type"),
            "document__scope_unit__path": _("Applies to"),
            "valid_from": _("Valid from"),
            "next_review": _("Next review"),
            # By parameter name: django-filter formats its "(descending)" once, at import.
            "-title": _("Title, descending"),
            "-type": _("Type, descending"),
            "-scope": _("Applies to, descending"),
            "-valid_from": _("Valid from, descending"),
            "-next_review": _("Next review, descending"),
        },
        label=_("Sort by"),
        # django-filter makes it a CSV widget around this: one value renders the select,
        # several (``?sort=title,-valid_from``) a text input.
        widget=FastSelect,
    )

    # Filters whose choices are kept per generation of the register (documents.cache).
    CACHED_CHOICES = ("type", "unit", "process", "owner", "body")

    @cached_property
    def generation(self) -> int | None:
        """The register's generation at the start of this request (documents.cache)."""
        return register_cache.current()

    @cached_property
    def choice_lists(self) -> dict[str, register_cache.ChoiceList]:
        return register_cache.choices(self.generation)

    def get_form_class(self) -> type[forms.Form]:
        # django-filter builds a form class (and every field) per request; nothing in them
        # depends on the request (choices come from ``CACHED_CHOICES`` per form), so the
        # class is built once. Each form still gets its own copies of the fields.
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = cls._form_class = super().get_form_class()
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name in self.CACHED_CHOICES:
                # Read when a field first needs its choices (to render, or to check a
                # value), not for a request that filters by none of them.
                form.fields[name].choice_list_loader = partial(self._choice_list, name)
        return self._form

    def _choice_list(self, name: str) -> register_cache.ChoiceList:
        return self.choice_lists[name]

    def filter_search(self, queryset, name, value: str):
        # Applied in filter_queryset, after the other filters, which decide whether only
        # valid versions can be found.
        return queryset

    @staticmethod
    def applies_to(unit: Unit) -> list[int]:
        """The scopes of the documents that apply to the unit: it and every unit above."""
        return unit.ancestor_ids

    @extend_schema_field(OpenApiTypes.INT)
    def filter_applies_to(self, queryset, name, unit: Unit):
        return queryset.filter(scope_unit_id__in=self.applies_to(unit))

    def filter_status(self, queryset, name, value):
        if value == "under_revision":
            return selectors.under_revision(queryset)
        if value == "expired":
            return selectors.expired(queryset)
        if value == "superseded":
            return queryset.filter(status=VersionStatus.SUPERSEDED)
        if value == "repealed":
            return queryset.filter(status=VersionStatus.REPEALED)
        return queryset

    def filter_valid_on(self, queryset, name, day):
        return queryset.filter(selectors.valid_on(day))

    def filter_queryset(self, queryset):
        qs = self._filter(queryset)
        q = self.search_text()
        if q:
            qs = search.search(qs, q, version_field="pk", current_only=self.only_valid_versions())
        return qs

    def _filter(self, queryset):
        """Every filter but the search: alphabetical unless sorted (search hits come best
        first, equal ones in this order)."""
        data = self.form.cleaned_data
        # Without a status or a date, the register shows what is valid today.
        if not data.get("status") and not data.get("valid_on"):
            queryset = queryset.filter(selectors.valid_on(timezone.localdate()))
        qs = super().filter_queryset(queryset)
        return qs if data.get("sort") else qs.order_by("title", "pk")

    def corrected(self) -> tuple[RegisterFilter, search.Correction] | None:
        """For a search that found nothing: the same filters with each query word that
        matches nothing replaced by its nearest correction (``search.correct``), and the
        correction; None if there is none."""
        q = self.search_text()
        correction = search.correct(q, using=self.queryset.db) if q else None
        if correction is None:
            return None
        data = self.data.copy()
        data["q"] = correction.query
        found = type(self)(data, queryset=self.queryset, request=self.request)
        found.generation = self.generation
        return found, correction

    # Filters that narrow the register's search (the rest only choose the versions' day).
    NARROWING = ("type", "unit", "process", "owner", "body", "status", "valid_on", "review_before")

    def widened(self) -> RegisterFilter | None:
        """For a search narrowed by other filters: the same search over the register as it
        opens (valid today, nothing else chosen); None without a search or other filters."""
        q = self.search_text()
        if not q or not any(self.form.cleaned_data.get(name) for name in self.NARROWING):
            return None
        wide = type(self)({"q": q}, queryset=self.queryset, request=self.request)
        wide.generation = self.generation
        return wide

    def search_text(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    @cached_property
    def ranked_hits(self) -> search.Hits | None:
        """A valid search's hits ranked in one pass (``search.ranked``), among the versions
        the other filters let through; None without search terms. Where a page of hits is
        shown, use this rather than ``qs`` (which ranks with a correlated lookup per hit).

        With no other filter than those the ranked index holds (unit, types, process, owner,
        review date; valid today: the register as it opens, or as a manager lands on it;
        or valid on a past date) and the request known, the view is passed on: a one-word
        search today is read from the ranked index, a search on a past date from the rank
        and history rows of that day; the search then applies the register's visibility
        rule itself (for the history rows through ``versions()``), so
        this filter set's queryset must be the register's (``selectors.register_versions``).
        """
        q = self.search_text()
        if not q:
            return None
        among = self.ranked_filters()
        view = None
        past = self.form.cleaned_data.get("valid_on")
        if past is not None and past >= timezone.localdate():
            past = None
        if self.request is not None and among is not None:
            view = search.RankedView(
                day=past or timezone.localdate(),
                public_only=self.public_only(),
                among=among,
                review_before=self.form.cleaned_data.get("review_before"),
            )
        return search.ranked(
            q,
            lambda: self._filter(self.queryset.all()),
            current_only=self.only_valid_versions(),
            view=view,
            in_force_on=past,
            history_only=self.only_versions_no_longer_valid(),
            statuses=self.only_statuses(),
            public_only=self.public_only(),
            using=self.queryset.db,
        )

    # Filters the ranked index (search.RankedView) applies itself; of them, those on a
    # column of the document, which the versions and the index copy under the same name.
    RANKED_FILTERS = ("q", "unit", "type", "process", "owner", "review_before")
    RANKED_DOCUMENT_FILTERS = ("type", "process", "owner")

    def ranked_filters(self) -> dict[str, list[int]] | None:
        """The filters given, as the ranked index's columns and the ids each may hold
        (``search.RankedView``'s ``among``; the review date and a past date are passed on
        their own); None if a filter it does not hold, or a sort, is given."""
        data = self.form.cleaned_data
        others = [n for n in self.filters if n not in self.RANKED_FILTERS and data.get(n)]
        # A past date is a view of its own (``search.RankedPast``); a later one is not.
        if others and (others != ["valid_on"] or data["valid_on"] >= timezone.localdate()):
            return None
        among: dict[str, list[int]] = {}
        if data.get("unit") is not None:
            among["scope_unit"] = self.applies_to(data["unit"])
        for name in self.RANKED_DOCUMENT_FILTERS:
            value = data.get(name)
            if value:  # a model instance, or a list of them (the types)
                column = self.filters[name].field_name
                among[column] = [obj.pk for obj in (value if isinstance(value, list) else [value])]
        return among

    def costly(self) -> bool:
        """Whether the filters cost more to evaluate twice (a count, then a page that stops
        early) than once for both: "under revision" joins every valid version's document
        (half of them are under revision in the generated municipality)."""
        return self.is_valid() and self.form.cleaned_data.get("status") == "under_revision"

    def only_valid_versions(self) -> bool:
        """Whether the filters let only valid versions through (then the search reads only
        the index rows of valid versions, a fifth of the index)."""
        data = self.form.cleaned_data
        status, day = data.get("status"), data.get("valid_on")
        if status in ("under_revision", "expired"):
            return True
        return not status and (day is None or day >= timezone.localdate())

    # The statuses of versions whose search rows are all history rows (``filter_status``).
    NO_LONGER_VALID = ("superseded", "repealed")

    def only_statuses(self) -> tuple[str, ...] | None:
        """The status given, when the versions filtered are exactly the register's versions
        of it (of public documents only for an anonymous visitor: ``public_only``): no
        other filter than the search; else None."""
        data = self.form.cleaned_data
        given = [name for name in self.filters if data.get(name)]
        if set(given) != {"q", "status"} or self.request is None:
            return None
        return (data["status"],)

    def public_only(self) -> bool:
        """Whether the register holds public documents only (an anonymous visitor's)."""
        return self.request is not None and access.register_public_only(self.request.user)

    def only_versions_no_longer_valid(self) -> bool:
        """Whether the filters let only versions that are no longer valid through (then the
        search reads only their history rows)."""
        return self.form.cleaned_data.get("status") in self.NO_LONGER_VALID
