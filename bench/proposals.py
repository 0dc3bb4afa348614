"""Proposed changes to the register, applied by ``python -m bench.run --proposals`` only.

Each is a change to a file the benchmark does not own (documents/selectors.py,
documents/register.py, documents/filters.py, documents/api/views.py, config/settings.py,
config/wsgi.py), written here as a patch at run time so its effect is measured before
anyone adopts it. Nothing here is imported by the application. Once a change is made in
its file, delete it here.

1. ``valid_on`` for today or later says ``status = 'valid'``. A version in force today is
   always the valid one: a superseded version ended the day its successor took effect
   (at the latest today) and a repealed one the day before the repeal decision. Without
   the equality, "in force today" is three statuses and three date ranges that neither
   SQLite nor PostgreSQL can estimate or serve from an index, and PostgreSQL reads the
   whole version table (the texts included) in every register and search query. With it,
   the partial index ``documents_version_valid_title`` (migration 0004) serves the pages.
2. Search pages (``documents.selectors.RankedRows``, since 54539b4) rank on ids and join the
   wide rows for the page only, but the wide query re-applies the search; PostgreSQL
   estimates a term range at one row and hash-joins every register version with all its
   related tables before cutting to the page's 25 ids (~200 ms even for a 23-hit word).
   Proposed (``RankedPaginator``): the page's ids and the total from one query
   (``COUNT(*) OVER ()`` on the ranked ids, so the filters and the search are evaluated
   once, not once for the count and once for the page), then the wide rows by that literal
   list of ids (primary-key look-ups) in rank order. Same number of queries.
3. Filter dropdowns rendered without a template per ``<option>`` (``FastSelect``): the
   register's form has 400 units, ~640 owner positions and the processes as options, and
   Django renders each option through its own template (about 2/3 of the register page's
   server time, and most of the garbage that makes the collections of 7. long).
4. ``distinct=False`` on the register's ``type`` filter: django-filter's multiple-choice
   filters add ``SELECT DISTINCT`` by default, over every column of the page query (the
   version text included; PostgreSQL sorted it on disk), though ``document__document_type``
   is to-one and cannot repeat a row.
5. "Under revision" as ``document_id IN (SELECT document_id FROM open cases)`` instead of a
   correlated ``EXISTS`` per valid version (two index look-ups per row on SQLite).
6. SQLite: ``PRAGMA mmap_size = 268435456; PRAGMA cache_size = -65536`` in the connection's
   ``init_command`` (config/settings.py). The default 2 MB page cache makes every page of
   a 1 GB database a system call.
7. ``gc.freeze()`` once the application is loaded (config/wsgi.py, or gunicorn's
   ``post_fork``): CPython's full collections walk every object, and with the default
   thresholds one ran every few register requests for ~80 ms, which is most of the
   distance between p50 and p95. Freezing moves the start-up objects out of the walk.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Q, Window
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


def under_revision(qs):
    from documents.models import VersionStatus
    from workflows.models import Case

    open_cases = Case.objects.filter(finished__isnull=True).values("document_id")
    return qs.filter(status=VersionStatus.VALID, document_id__in=open_cases)


def valid_on(day):
    from django.utils import timezone

    from documents.models import VersionStatus
    from documents.selectors import REGISTER_STATUSES

    if day >= timezone.localdate():
        return Q(status=VersionStatus.VALID, valid_from__lte=day) & (
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
    return (
        Q(status__in=REGISTER_STATUSES, valid_from__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))
    )


class RankedPaginator(Paginator):
    """For ``RankedRows``: ids and total in one query, then the wide rows by id."""

    def _ranked(self) -> bool:
        from documents.selectors import RankedRows

        return isinstance(self.object_list, RankedRows)

    def get_page(self, number):
        if not self._ranked():
            return super().get_page(number)
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number):
        if not self._ranked():
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        bottom = (number - 1) * self.per_page
        ranked = self.object_list.ranked
        found = list(
            ranked.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[
                bottom : bottom + self.per_page
            ]
        )
        if not found:
            if number == 1 and self.allow_empty_first_page:
                self.__dict__["count"] = 0  # Paginator.count is a cached_property
                return Page([], 1, self)
            raise EmptyPage("That page contains no results")
        self.__dict__["count"] = found[0][1]
        ids = [pk for pk, _total in found]
        wide = {v.pk: v for v in self.object_list.wide.filter(pk__in=ids)}
        return Page([wide[i] for i in ids if i in wide], number, self)


class FastSelect(forms.Select):
    """A <select> rendered as one string: no template and no dict per ``<option>``."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                inner = "".join(self._option(v, lbl, chosen) for v, lbl in label)
                parts.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>', option_value, mark_safe(inner)
                    )
                )  # noqa: S308
            else:
                parts.append(self._option(option_value, label, chosen))
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308
        )

    @staticmethod
    def _option(value, label, chosen) -> str:
        value = "" if value is None else str(value)
        selected = " selected" if value in chosen else ""
        return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'


def apply() -> list[str]:
    """Patch the application in this process; returns what was patched."""
    from documents import register, selectors
    from documents.api import views as api_views
    from documents.filters import RegisterFilter

    selectors.valid_on = valid_on
    selectors.under_revision = under_revision
    register.Paginator = RankedPaginator
    api_views.RegisterPagination.django_paginator_class = RankedPaginator
    for name in ("unit", "process", "owner", "body"):
        RegisterFilter.base_filters[name].extra["widget"] = FastSelect
    RegisterFilter.base_filters["type"].distinct = False
    from django.db import connection

    sqlite = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size = 268435456")
            cursor.execute("PRAGMA cache_size = -65536")
        sqlite = ["SQLite: mmap_size 256 MB, cache_size 64 MB"]
    return [
        "selectors.valid_on: status='valid' for today and later",
        "search pages: ids and total in one query, wide rows by id (RankedPaginator)",
        "RegisterFilter: unit/process/owner/body rendered by FastSelect",
        "RegisterFilter.type: distinct=False",
        "selectors.under_revision: document IN (open cases), not a correlated EXISTS",
        *sqlite,
        "gc.freeze() after start-up",
    ]


def freeze_after_startup() -> None:
    """What config/wsgi.py would do after ``get_wsgi_application()`` (and warm-up)."""
    import gc

    gc.collect()
    gc.freeze()
