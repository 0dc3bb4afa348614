"""The public e-diarium's page, its Atom feed and its CSV download (no log-in).

Everyone gets the same answer, logged in or not: the e-diarium is what the public may read
(``documents.public_diarium``); the registrar's own list is the desk's diarium.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import public_diarium
from .open_csv import csv_response
from .public_diarium import PublicDiariumForm, PublicDiaryRow

FEED_ITEMS = 50


def _filtered(request) -> tuple[PublicDiariumForm, dict | None]:
    """The form and its cleaned filters (None when a value was refused)."""
    form = PublicDiariumForm(request.GET or None)
    if not request.GET:
        return form, {}
    if not form.is_valid():
        return form, None
    return form, {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


def _querystring(filters: dict) -> str:
    shown = {k: (v.code if k == "series" else v) for k, v in filters.items()}
    return urlencode(shown)


def diarium_page(request):
    """Public: the diarium's records, searchable, filtered and paged."""
    form, filters = _filtered(request)
    status = 200
    page, rows = None, []
    if filters is None:
        status = 400
    else:
        page, rows = public_diarium.page_of(
            public_diarium.public_entries(**filters), request.GET.get("page")
        )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "querystring": _querystring(filters or {}),
    }
    return render(request, "documents/public_diarium.html", context, status=status)


CSV_HEADER = [
    "diarienummer",
    "series",
    "year",
    "number",
    "registered",
    "registry",
    "status",
    "status_text",
    "public",
    "subject",
    "decided_by",
    "documents",
]


def _csv_line(row: PublicDiaryRow, address) -> list:
    return [
        row.diarienummer,
        row.series_code,
        row.year,
        row.number,
        timezone.localdate(row.registered_at).isoformat(),
        row.registry,
        row.status,
        row.status_text,
        "true" if row.public else "false",
        row.subject,
        row.decider,
        " ".join(address(d.document_id, d.number) for d in row.documents),
    ]


def diarium_csv(request):
    """Public: the e-diarium (with the page's filters) as CSV, streamed in chunks."""
    form, filters = _filtered(request)
    if filters is None:
        return diarium_page(request)  # the page, with its errors and status 400
    rows = public_diarium.all_rows(public_diarium.public_entries(**filters))

    def lines(address):
        for row in rows:
            yield _csv_line(row, address)

    return csv_response(request, "e-diarium.csv", CSV_HEADER, lines)


class DiariumFeed(Feed):
    """The newest records of the e-diarium as Atom, masked as on the page."""

    feed_type = Atom1Feed
    title = gettext_lazy("E-diarium: new records")
    subtitle = gettext_lazy(
        "New records in the municipality's diarium. The subject is shown for records the "
        "registrar has made public."
    )

    def link(self) -> str:
        return reverse("public_diarium")

    def items(self) -> list[PublicDiaryRow]:
        return public_diarium.rows_for(list(public_diarium.public_entries()[:FEED_ITEMS]))

    def item_title(self, item: PublicDiaryRow) -> str:
        subject = item.subject or _("Subject not public")
        return f"{item.diarienummer}: {subject}"

    def item_description(self, item: PublicDiaryRow) -> str:
        lines = [
            _("Registered: %(day)s") % {"day": timezone.localdate(item.registered_at)},
            _("Registry: %(name)s") % {"name": item.registry},
            _("Status: %(status)s") % {"status": item.status_text},
        ]
        if item.decider:
            lines.append(_("Decided by: %(name)s") % {"name": item.decider})
        lines += [_("Document: %(title)s") % {"title": d.title} for d in item.documents]
        return "<br>".join(escape(line) for line in lines)

    def item_link(self, item: PublicDiaryRow) -> str:
        return f"{reverse('public_diarium')}?{urlencode({'q': item.diarienummer})}"

    def item_guid(self, item: PublicDiaryRow) -> str:
        return f"diarium-{item.entry_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: PublicDiaryRow) -> datetime.datetime:
        return item.registered_at

    item_updateddate = item_pubdate
