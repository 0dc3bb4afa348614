"""The registrar's view of the audit trail: filter, read, export to CSV."""

from __future__ import annotations

import csv
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audit import tracking
from audit.models import AuditEntry

from . import access, spreadsheet, timeline
from .audit_filters import AuditFilter

PAGE_SIZE = 50


def _entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related(
        "actor", "acting_as", "case__diary_entry__series"
    ).order_by("-at", "-pk")


def _filtered(request) -> tuple[AuditFilter, QuerySet[AuditEntry]]:
    if not access.can_see_audit_trail(request.user):
        raise PermissionDenied(_("Only the registrar may read the audit trail."))
    filterset = AuditFilter(request.GET, queryset=_entries())
    entries = filterset.qs if filterset.is_valid() else _entries().none()
    return filterset, entries


@login_required
def audit_list(request):
    """/work/audit/: newest first, paged, filtered."""
    filterset, entries = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    _in_words(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/audit.html",
        {"filter": filterset, "page": page, "querystring": query.urlencode()},
        status=400 if filterset.errors else 200,
    )


def _in_words(entries) -> None:
    """Name the people the entries are about (one query for the page) and write the
    details of a case's events as the timeline does, without stored codes."""
    entries = list(entries)
    user_ids = {e.target_id for e in entries if e.target_type == "auth.user" and e.target_id}
    names = {
        str(u.pk): u.get_full_name() or u.username
        for u in get_user_model().objects.filter(pk__in=[i for i in user_ids if i.isdigit()])
    }
    for e in entries:
        e.target_shown = (
            names.get(e.target_id, e.target_label)
            if e.target_type == "auth.user"
            else e.target_label
        )
        e.sentence = timeline.sentence(e, e.case) if e.action in timeline.SENTENCES else ""


class _Echo:
    def write(self, value):
        return value


def _rows(entries: QuerySet[AuditEntry]):
    yield [
        _("Time"),
        _("Person"),
        _("User name"),
        pgettext("held in the organisation", "Position"),
        _("As substitute"),
        _("Event"),
        _("Event code"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Diarienummer"),
        _("From"),
        _("To"),
        _("Comment"),
        _("Address"),
        _("Object type code"),
        _("Changes"),
        _("Changes (JSON)"),
    ]
    for e in entries.iterator(chunk_size=2000):
        actor = e.actor
        yield [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            (actor.get_full_name() or actor.username) if actor else _("System"),
            actor.username if actor else "",
            e.acting_as.title if e.acting_as else "",
            _("yes") if e.as_substitute else "",
            e.action_label,
            e.action,
            e.target_type_label,
            e.target_id,
            e.target_label,
            e.case.diary_entry.diarienummer if e.case_id else "",
            e.from_state,
            e.to_state,
            e.comment,
            e.ip_address or "",
            e.target_type,
            tracking.changes_text(e),
            json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else "",
        ]


@login_required
def audit_export(request):
    """/work/audit/export.csv: the filtered list as CSV for Excel (UTF-8 with BOM, semicolons
    as Swedish Excel expects), streamed in one query."""
    filterset, entries = _filtered(request)
    if filterset.errors:
        return HttpResponse(
            "\n".join(str(m) for errors in filterset.errors.values() for m in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    writer = csv.writer(_Echo(), delimiter=spreadsheet.CSV_DELIMITER)

    language = translation.get_language()

    def stream():
        # Streamed after the view returned: keep the page's language for labels.
        with translation.override(language):
            yield spreadsheet.CSV_BOM
            for row in _rows(entries):
                yield writer.writerow([spreadsheet.safe_cell(v) for v in row])

    name = f"granskningslogg-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
