"""The yearly review report page (/desk/review-report/), its Excel and PDF exports, and
saving the PDF as a record of an open case. Who sees what: ``documents.access``."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import access as document_access
from org.models import Body

from . import spreadsheet
from .actions.review_report import attach_review_report
from .models import Case
from .refusals import Refusal, ReviewReportYearInvalid
from .review_report import COLUMNS, export_values, report_bodies, review_report, valid_year
from .review_report_pdf import priority_explained, report_pdf

ATTACHABLE_SHOWN = 200
# Rows of the report per page: the exports hold them all.
ROWS_PER_PAGE = 100


def _body(request, value: str | None, allowed: list[Body], whole: bool) -> Body | None:
    """The body asked for (``body=<id>``; empty: the whole municipality), else the default:
    the whole municipality for those who see it, else the first of ``allowed``."""
    if value in (None, ""):
        if whole or not allowed:
            return None
        return allowed[0]
    if not str(value).isdigit():
        raise Http404
    body = Body.objects.filter(pk=int(value)).first()
    if body is None:
        raise Http404
    return body


def _chosen(request, data):
    allowed = document_access.review_report_bodies(request.user, report_bodies())
    whole = document_access.can_see_review_report(request.user, None)
    if not allowed and not whole:
        raise PermissionDenied(_("Only the registrar, administrators and secretaries see it."))
    body = _body(request, data.get("body"), allowed, whole)
    if not document_access.can_see_review_report(request.user, body):
        raise PermissionDenied
    return allowed, whole, body


def _filename(report, extension: str) -> str:
    who = report.body.short_name if report.body else "kommunen"
    return f"{slugify(f'aktualitetsprovning-{report.year}-{who}')}.{extension}"


def _xlsx(report) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(report.year)
    sheet.append([report.title])
    sheet.append([priority_explained()])
    sheet.append([str(c) for c in COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=13)
    for row in report.rows:
        sheet.append([spreadsheet.safe_cell(v) for v in export_values(row)])
    sheet.freeze_panes = "A4"
    for column, width in zip(
        "ABCDEFGHIJKL", (9, 12, 50, 14, 28, 12, 9, 9, 9, 12, 20, 14), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response


def _pdf(report) -> HttpResponse:
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


@login_required
def review_report_page(request):
    allowed, whole, body = _chosen(request, request.GET)
    today = timezone.localdate()
    year = valid_year(request.GET.get("year"), today.year)
    context = {"allowed": allowed, "whole": whole, "body": body, "today": today}
    if year is None:
        context.update(error=ReviewReportYearInvalid().message, year=today.year)
        return render(request, "workflows/desk/review_report.html", context, status=400)
    report = review_report(year, body, today)
    if request.GET.get("format") == "xlsx":
        return _xlsx(report)
    if request.GET.get("format") == "pdf":
        return _pdf(report)
    cases_q = document_access.review_report_cases_q(request.user, body)
    cases = (
        Case.objects.filter(cases_q)
        .select_related("diary_entry__series", "document")
        .order_by("-diary_entry__year", "-diary_entry__number", "-pk")[:ATTACHABLE_SHOWN]
        if cases_q is not None
        else []
    )
    page = Paginator(report.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        year=year,
        report=report,
        page=page,
        querystring=urlencode({"year": year, "body": body.pk if body else ""}),
        cases=cases,
        explained=priority_explained(),
        years=range(today.year - 3, today.year + 2),
    )
    return render(request, "workflows/desk/review_report.html", context)


@login_required
@require_POST
def attach_review_report_view(request):
    _allowed, _whole, body = _chosen(request, request.POST)
    year = valid_year(request.POST.get("year"), 0) or 0
    case_id = request.POST.get("case", "")
    back = reverse("workflows:review_report") + f"?year={year}&body={body.pk if body else ''}"
    try:
        record = attach_review_report(
            user=request.user,
            case_id=int(case_id) if case_id.isdigit() else 0,
            body=body,
            year=year,
        )
    except Refusal as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("The report is saved as record %(number)s of %(dnr)s.")
        % {"number": record.sequence, "dnr": record.case.diarienummer},
    )
    return redirect(back)
