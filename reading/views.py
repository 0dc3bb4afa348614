"""Pages of read acknowledgement: *Att läsa* and the chief's overview with its export."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from documents import access
from documents.views import MAX_ID
from org.models import Unit
from workflows import spreadsheet
from workflows.refusals import NotChiefOfUnit, Refusal

from . import context_processors, selectors, services

PAGE_SIZE = 25


PEOPLE_PAGE_SIZE = 50


def _to_read_page(request, status: int = 200):
    waiting = context_processors.waiting(request)
    context_processors.remember(request, len(waiting))
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reading/to_read.html",
        {"waiting": page.object_list, "page": page, "count": len(waiting), "querystring": ""},
        status=status,
    )


@login_required
def to_read(request):
    """/reading/: the documents waiting for my confirmation."""
    return _to_read_page(request)


@login_required
@require_POST
def confirm(request, version_id: int):
    try:
        confirmation = services.confirm_reading(user=request.user, version_id=version_id)
    except Refusal as exc:
        messages.error(request, exc.message)
        return _to_read_page(request, status=exc.status)
    context_processors.forget(request)
    messages.success(
        request,
        _("You have confirmed reading %(title)s.") % {"title": confirmation.version.title},
    )
    return redirect("reading:to_read")


def _unit_or_403(request, unit_id: int | None) -> Unit:
    units = access.acknowledgement_units(request.user)
    if not units:
        raise PermissionDenied(NotChiefOfUnit().message)
    if unit_id is None:
        return units[0]
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id <= MAX_ID else None
    if unit is None or not access.can_see_acknowledgements(request.user, unit):
        raise PermissionDenied(NotChiefOfUnit().message)
    return unit


@login_required
def overview(request, unit_id: int | None = None):
    """/reading/overview/<unit>/: the documents that apply to the chief's unit, with how
    many have and have not confirmed each."""
    unit = _unit_or_403(request, unit_id)
    paginator = Paginator(selectors.unit_versions(unit), PAGE_SIZE)
    paginator.count = selectors.unit_version_count(unit)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.overview_rows(unit, page.object_list)
    return render(
        request,
        "reading/overview.html",
        {
            "unit": unit,
            "units": access.acknowledgement_units(request.user),
            "page": page,
            "rows": rows,
            "querystring": "",
        },
    )


def _row_or_404(unit: Unit, version_id: int) -> selectors.OverviewRow:
    row = selectors.overview_row(unit, version_id) if version_id <= MAX_ID else None
    if row is None:
        raise Http404
    return row


@login_required
def overview_document(request, unit_id: int, version_id: int):
    """Who in the unit has and has not confirmed one document."""
    unit = _unit_or_403(request, unit_id)
    row = _row_or_404(unit, version_id)
    page = Paginator(selectors.people(row), PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reading/overview_document.html",
        {
            "unit": unit,
            "row": row,
            "page": page,
            "people": selectors.people_status(row, page.object_list),
            "querystring": "",
        },
    )


@login_required
@require_POST
def remind(request, unit_id: int, version_id: int):
    try:
        count = services.send_reminder(user=request.user, unit_id=unit_id, version_id=version_id)
    except Refusal as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A reminder was sent to %(n)s people.") % {"n": count})
    return redirect("reading:overview_document", unit_id, version_id)


EXPORT_COLUMNS = (
    gettext_lazy("Name"),
    gettext_lazy("User name"),
    pgettext_lazy("held in the organisation", "Position"),
    gettext_lazy("Unit"),
    gettext_lazy("Confirmed"),
    gettext_lazy("Version confirmed"),
    gettext_lazy("Confirmed at"),
)


@login_required
def export_xlsx(request, unit_id: int, version_id: int):
    """The same list as an Excel file, every person in one sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    unit = _unit_or_403(request, unit_id)
    row = _row_or_404(unit, version_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Read acknowledgements")[:31]
    sheet.append([row.title, _("version %(n)s") % {"n": row.number}, unit.name])
    sheet.append([str(c) for c in EXPORT_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for person in selectors.people_status(row, selectors.people(row).iterator(chunk_size=2000)):
        at = timezone.localtime(person.confirmed_at) if person.confirmed_at else None
        values = [
            person.name,
            person.username,
            person.position,
            person.unit,
            _("yes") if person.counts else _("no"),
            person.confirmed_number,
            at.strftime("%Y-%m-%d %H:%M") if at else "",
        ]
        sheet.append([spreadsheet.safe_cell(v) for v in values])
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="laskvittenser-{row.document_id}-{stamp}.xlsx"'
    )
    return response
