"""Pages of the registrar's desk: the case list with figures and exports, the diarium,
the meeting calendars and agendas (with a meeting's decisions recorded at once), and the
registrar's actions on a case (target meeting, registered records)."""

from __future__ import annotations

import csv
import io
from functools import wraps
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.recording import record_now
from documents import access as document_access
from documents import diarium as document_diarium
from documents.files import EXTENSIONS
from documents.models import DiaryEntry, DiarySeries
from documents.views import stored_file_response

from . import access, charts, desk, routing, spreadsheet
from .actions import meetings as meeting_actions
from .actions import records as record_actions
from .desk_forms import MeetingDecisionsForm, MeetingForm, RecordForm, TargetMeetingForm
from .models import Case, Meeting, RegisteredRecord
from .refusals import BatchRefused, CaseError, NotAllowed

PAGE_SIZES = (25, 50, 100, 200)


def desk_required(view):
    """Anonymous visitors go to the log-in page; others need ``access.can_see_desk``."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        permit = access.can_see_desk(request.user)
        if not permit:
            raise PermissionDenied(permit.reason)
        return view(request, *args, **kwargs)

    return wrapped


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", 50))
    except ValueError:
        return 50
    return size if size in PAGE_SIZES else 50


def _figures() -> dict:
    lead = desk.figures()
    counts = lead["counts"]
    return {
        "step_counts": counts,
        "lead_steps": lead["steps"],
        "lead_types": lead["types"],
        "chart_counts": charts.bar_chart(
            chart_id="chart-steps",
            title=_("Open cases per step"),
            description=_("Number of open cases in each step, and how many of them are overdue."),
            bars=[charts.Bar(c.label, (c.count, c.overdue)) for c in counts],
            series=[_("Open"), _("Overdue")],
        ),
        "chart_lead_steps": charts.bar_chart(
            chart_id="chart-lead-steps",
            title=_("Lead time per step (days)"),
            description=_("Median and 90th percentile of the days each step took."),
            bars=[charts.Bar(r.label, (r.median, r.p90)) for r in lead["steps"]],
            series=[_("Median"), _("90th percentile")],
            unit=_("days"),
        ),
        "chart_lead_types": charts.bar_chart(
            chart_id="chart-lead-types",
            title=_("Lead time per document type (days)"),
            description=_("Median and 90th percentile of the days from start to close."),
            bars=[charts.Bar(r.label, (r.median, r.p90)) for r in lead["types"]],
            series=[_("Median"), _("90th percentile")],
            unit=_("days"),
        ),
    }


@desk_required
def dashboard(request):
    filterset = desk.DeskFilter(request.GET or None, queryset=Case.objects.all())
    qs = Case.objects.none() if not filterset.is_valid() else filterset.qs
    page, cases = desk.page_of_cases(qs, request.GET.get("page"), _page_size(request))
    rows = desk.rows_for(cases, desk.holders_of([c.pk for c in cases]) if cases else {})
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": filterset.form.data.get("sort", "waiting"),
        "page_sizes": PAGE_SIZES,
        "limits": sorted(
            (routing.step_title(k), v) for k, v in settings.STYRDOK_STEP_LIMIT_DAYS.items()
        ),
        "overdue_reviews": desk.overdue_reviews(),
        **_figures(),
    }
    return render(request, "workflows/desk/dashboard.html", context)


def _export_rows(request):
    filterset = desk.DeskFilter(request.GET or None, queryset=Case.objects.all())
    if not filterset.is_valid():
        return []
    return desk.export_rows(filterset.qs)


@desk_required
def export_csv(request):
    rows = _export_rows(request)
    buffer = io.StringIO()
    buffer.write(spreadsheet.CSV_BOM)
    writer = csv.writer(buffer, delimiter=spreadsheet.CSV_DELIMITER)
    writer.writerow([str(c) for c in desk.EXPORT_COLUMNS])
    for row in rows:
        writer.writerow([spreadsheet.safe_cell(v) for v in desk.export_values(row)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="arenden-{stamp}.csv"'
    return response


@desk_required
def export_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = _export_rows(request)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Cases")[:31]
    sheet.append([str(c) for c in desk.EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet.safe_cell(v) for v in desk.export_values(row)])
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLM", (14, 50, 16, 14, 28, 30, 8, 8, 24, 16, 24, 12, 12), strict=False
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="arenden-{stamp}.xlsx"'
    return response


@desk_required
def diarium(request):
    all_series = list(DiarySeries.objects.all())
    series = None
    if request.GET.get("series", "").isdigit():
        series = next((s for s in all_series if s.pk == int(request.GET["series"])), None)
    series = series or (all_series[0] if all_series else None)
    years, lines, missing, page, year = [], [], [], None, None
    if series is not None:
        years = desk.diarium_years(series)
        year_text = request.GET.get("year", "")
        year = int(year_text) if year_text.isdigit() else (years[0] if years else None)
        if year is not None:
            lines, missing = desk.diarium_register(series, year)
            page = Paginator(lines, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "workflows/desk/diarium.html",
        {
            "all_series": all_series,
            "series": series,
            "years": years,
            "year": year,
            "page": page,
            "missing": missing,
            "can_mark_public": document_access.can_mark_diary_entry_public(request.user),
        },
    )


@desk_required
@require_POST
def diarium_publicity(request):
    """The registrar marks a diarium record public in the e-diarium, or hides it again."""
    entry_id = request.POST.get("entry", "")
    public = request.POST.get("public") == "1"
    if not entry_id.isdigit():
        raise Http404
    try:
        entry = document_diarium.set_public(
            user=request.user, entry_id=int(entry_id), public=public
        )
    except DiaryEntry.DoesNotExist as exc:
        raise Http404 from exc
    except document_diarium.NotAllowedToPublish as exc:
        raise PermissionDenied(str(exc)) from exc
    if public:
        text = _("%(number)s is public in the e-diarium.")
    else:
        text = _("%(number)s is hidden in the e-diarium: only its number, date and status show.")
    messages.success(request, text % {"number": entry.diarienummer})
    back = request.POST.get("next", "")
    if back.startswith("?"):
        return redirect(reverse("workflows:desk_diarium") + back)
    return redirect("workflows:desk_diarium")


@desk_required
def meetings(request):
    user = request.user
    shown = access.calendar_bodies(user)  # None: every body
    form = MeetingForm(request.POST or None, bodies=shown)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_actions.plan_meeting(user=user, **form.cleaned_data)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(meeting)s is planned.") % {"meeting": meeting})
            return redirect("workflows:desk_meetings")
    calendar = desk.calendar(shown)
    by_body: dict = {}
    for meeting in calendar:
        by_body.setdefault(meeting.body, []).append(meeting)
    return render(
        request,
        "workflows/desk/meetings.html",
        {"by_body": by_body, "form": form, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@desk_required
def meeting_detail(request, meeting_id: int):
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)
    if not access.can_see_meeting(request.user, meeting):
        raise PermissionDenied
    agenda = desk.agenda(meeting)
    decidable = [i.case for i in agenda.items if i.decision_task_id]
    permit = access.can_record_meeting_decisions(request.user, meeting)
    held = meeting.date <= timezone.localdate()
    form = None
    status = 200
    if not (permit and held):
        if request.method == "POST":
            raise PermissionDenied(permit.reason or _("The meeting has not been held yet."))
    elif request.method != "POST":
        form = MeetingDecisionsForm(cases=decidable, meeting=meeting)
    else:
        cases = _posted_cases(request, decidable)
        form = MeetingDecisionsForm(request.POST, cases=cases, meeting=meeting)
        if form.is_valid() and _record_decisions(request, meeting, form):
            return redirect("workflows:desk_meeting", meeting.pk)
        status = 400
    return render(
        request,
        "workflows/desk/meeting.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "form": form,
            "permit": permit,
            "held": held,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _posted_cases(request, decidable: list[Case]) -> list[Case]:
    """The cases of the posted lines, in the order posted: the agenda's decidable cases
    and any other case posted (the form tells why it cannot be decided here)."""
    posted = [int(x) for x in request.POST.getlist("case") if x.isdigit()]
    known = {c.pk: c for c in decidable}
    extra = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[p for p in posted if p not in known]).select_related(
            "diary_entry__series", "document"
        )
    }
    return [known.get(p) or extra.get(p) for p in posted if p in known or p in extra]


def _record_decisions(request, meeting: Meeting, form: MeetingDecisionsForm) -> bool:
    """Record the form's decisions all at once; whether they were (else the form has the
    errors, by line where a line is at fault)."""
    try:
        done = meeting_actions.record_meeting_decisions(
            user=request.user, meeting_id=meeting.pk, decisions=form.decisions()
        )
    except BatchRefused as exc:
        form.line_errors = {k: v for k, v in exc.errors.items() if k is not None}
        form.add_error(
            None,
            _(
                "Nothing was saved: %(n)s of the decisions cannot be recorded. Correct the marked lines and record again; everything you typed is kept."
            )
            % {"n": len(exc.errors)},
        )
        return False
    except CaseError as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(
        request,
        _("%(n)s decisions of %(meeting)s are recorded.") % {"n": len(done), "meeting": meeting},
    )
    return True


def _case_for_desk(request, case_id: int) -> Case:
    case = (
        Case.objects.select_related("diary_entry__series", "document", "decider_body")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not (
        access.can_view_case(request.user, case) or access.can_see_desk(request.user)
    ):
        raise Http404
    return case


@login_required
@require_POST
def set_target_meeting(request, case_id: int):
    case = _case_for_desk(request, case_id)
    form = TargetMeetingForm(request.POST, meetings=desk.coming_meetings_for(case))
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("meeting", [])))
        return redirect("workflows:case", case.pk)
    meeting = form.cleaned_data["meeting"]
    try:
        meeting_actions.set_target_meeting(
            user=request.user, case_id=case.pk, meeting_id=meeting.pk if meeting else None
        )
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The target meeting is saved."))
    return redirect("workflows:case", case.pk)


@login_required
def register_record(request, case_id: int):
    case = _case_for_desk(request, case_id)
    permit = access.can_register_records(request.user, case)
    if not permit:
        raise PermissionDenied(permit.reason)
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        initial={"record_date": timezone.localdate(), "direction": "in"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = record_actions.register_record(
                user=request.user,
                case_id=case.pk,
                direction=form.cleaned_data["direction"],
                record_date=form.cleaned_data["record_date"],
                counterpart=form.cleaned_data["counterpart"],
                subject=form.cleaned_data["subject"],
                upload=form.cleaned_data.get("upload"),
            )
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Record %(dnr)s-%(n)s is registered.")
                % {"dnr": case.diarienummer, "n": record.sequence},
            )
            return redirect(reverse("workflows:case", args=[case.pk]) + "#records-h")
    return render(
        request,
        "workflows/desk/record_form.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def record_file(request, record_id: int):
    record = get_object_or_404(RegisteredRecord.objects.select_related("case"), pk=record_id)
    if not record.file or not access.can_view_case(request.user, record.case):
        raise Http404
    suffix = PurePath(record.file.name).suffix.lower()
    record.content_type = next((t for t, ext in EXTENSIONS.items() if ext == suffix), "")
    response = stored_file_response(record)
    record_now(
        "file_downloaded",
        actor=request.user,
        target=record,
        case=record.case,
        comment=f"{record.case.diarienummer}-{record.sequence}",
    )
    return response


def case_desk_context(request, case: Case) -> dict:
    """What the case page adds for the desk: the records, and the registrar's forms."""
    context = {"records": desk.case_records(case)}
    if case.finished is None and access.can_set_target_meeting(request.user, case):
        context["target_form"] = TargetMeetingForm(
            initial={"meeting": case.target_meeting_id},
            meetings=desk.coming_meetings_for(case),
        )
    context["can_register_records"] = access.can_register_records(request.user, case).allowed
    return context
