"""Pages of the lifecycle: start a case, the inbox, a task, a case with its timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from audit.models import AuditEntry
from documents import access as document_access
from documents import reviews
from documents.models import Decision, Document
from documents.views import MAX_ID

from . import access, routing
from .actions import start as starting
from .actions.drafting import save_draft
from .actions.readers import grant_case_reader, revoke_case_reader
from .actions.tasks import claim_task, complete_task, release_task
from .flow_chart import case_chart_svg
from .forms import STEP_FORMS, ReaderGrantForm, RepealStartForm, StartDocumentForm
from .inbox import inbox_page, open_cases_of
from .models import Case, CaseKind
from .progress import case_progress, human_tasks, owner_name
from .refusals import CaseError
from .start_preview import preview_start
from .timeline import case_timeline


def _case_or_404(user, case_id: int) -> Case:
    case = (
        Case.objects.select_related(
            "diary_entry__series",
            "document__document_type",
            "document__scope_unit",
            "document__process",
            "document__owner_position__unit",
            "version",
            "decider_body",
            "decider_position",
            "samverkan_group",
        )
        .filter(pk=case_id)
        .first()
        if case_id <= MAX_ID
        else None
    )
    # The same answer whether the case exists or not.
    if case is None or not access.can_view_case(user, case):
        raise Http404
    return case


def _show_refusal(form, exc: CaseError) -> None:
    """The service's refusal next to the field it is about, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def inbox(request):
    page = inbox_page(request.user, request.GET.get("page"))
    my_cases = open_cases_of(request.user)
    return render(
        request,
        "workflows/inbox.html",
        {
            "page": page,
            "rows": page.object_list,
            "querystring": "",
            "my_cases": my_cases,
            "sees_desk": access.can_see_desk(request.user).allowed,
        },
    )


@login_required
def case_list(request):
    cases = access.visible_cases(request.user).order_by("-created")[:200]
    return render(request, "workflows/case_list.html", {"cases": cases})


@login_required
def start_document(request):
    permit = access.can_start_case(request.user)
    if not permit:
        raise PermissionDenied(permit.reason)
    # Bound on every POST, also an empty one, so that it gets its errors.
    form = StartDocumentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = starting.start_new_document(user=request.user, **form.cleaned_data)
        except CaseError as exc:
            _show_refusal(form, exc)
        else:
            messages.success(
                request, _("Case %(dnr)s started. Write the draft.") % {"dnr": case.diarienummer}
            )
            task = Task.objects.filter(process=case, status__in=access.OPEN_TASK).first()
            return (
                redirect("workflows:task", task.pk) if task else redirect("workflows:case", case.pk)
            )
    return render(request, "workflows/start.html", {"form": form})


def _document_or_404(user, document_id: int) -> Document:
    """The document, if the user may see it; the same 404 whether it exists or not."""
    document = Document.objects.filter(pk=document_id).first() if document_id <= MAX_ID else None
    if document is None or not document_access.can_view_document(user, document):
        raise Http404
    return document


@login_required
def start_revision(request, document_id: int):
    """GET: what starting a new version will create; POST: start it."""
    document = _document_or_404(request.user, document_id)
    if request.method != "POST":
        preview = preview_start(request.user, document, CaseKind.REVISION)
        return render(
            request,
            "workflows/start_revision.html",
            {"document": document, "preview": preview},
            status=403 if preview.forbidden else 409 if preview.refusal else 200,
        )
    try:
        case = starting.start_revision(user=request.user, document=document)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("documents:detail", document.pk)
    messages.success(
        request,
        _("Case %(dnr)s started with the current text as the draft.") % {"dnr": case.diarienummer},
    )
    task = Task.objects.filter(process=case, status__in=access.OPEN_TASK).first()
    return redirect("workflows:task", task.pk)


@login_required
def start_repeal(request, document_id: int):
    """GET: what proposing the repeal will create, and the motivation; POST: start it."""
    document = _document_or_404(request.user, document_id)
    form = RepealStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = starting.start_repeal(
                user=request.user, document=document, motivation=form.cleaned_data["motivation"]
            )
        except CaseError as exc:
            _show_refusal(form, exc)
        else:
            messages.success(
                request, _("Repeal case %(dnr)s started.") % {"dnr": case.diarienummer}
            )
            return redirect("workflows:case", case.pk)
    preview = preview_start(request.user, document, CaseKind.REPEAL)
    return render(
        request,
        "workflows/start_repeal.html",
        {"form": form, "document": document, "preview": preview},
    )


def _task_or_404(user, task_id: int) -> tuple[Task, Case]:
    task = (
        Task.objects.select_related("owner").filter(pk=task_id, flow_task_type="HUMAN").first()
        if task_id <= MAX_ID
        else None
    )
    if task is None:
        raise Http404
    case = _case_or_404(user, task.process_id)
    return task, case


@login_required
def task_detail(request, task_id: int):
    task, case = _task_or_404(request.user, task_id)
    step = task.flow_task.name
    form_class = STEP_FORMS[step]
    permit = access.can_execute_task(request.user, task, case)
    claim = access.can_claim_task(request.user, task, case)
    release = access.can_release_task(request.user, task, case)
    form = None
    if request.method == "POST":
        action = request.POST.get("action", "complete")
        try:
            if action == "claim":
                claim_task(user=request.user, task_id=task.pk)
                messages.success(request, _("The task is yours."))
                return redirect("workflows:task", task.pk)
            if action == "release":
                release_task(user=request.user, task_id=task.pk)
                messages.success(request, _("The task is released."))
                return redirect("workflows:inbox")
            form = form_class(request.POST, request.FILES, case=case)
            if form.is_valid():
                data = form.service_data() if hasattr(form, "service_data") else form.cleaned_data
                if action == "save" and step == "draft":
                    save_draft(user=request.user, case_id=case.pk, **data)
                    messages.success(request, _("The draft is saved."))
                    return redirect("workflows:task", task.pk)
                done = complete_task(user=request.user, task_id=task.pk, data=data)
                messages.success(request, _("Done: %(step)s.") % {"step": routing.step_title(step)})
                return _after_completion(request, done)
        except CaseError as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect("workflows:task", task.pk)
            _show_refusal(form, exc)
    if form is None:
        form = form_class(case=case)
    context = {
        "task": task,
        "case": case,
        "form": form,
        "step": step,
        "step_title": routing.step_title(step),
        "permit": permit,
        "can_claim": claim.allowed,
        "can_release": release.allowed,
        "review": _review_context(case),
        "progress": case_progress(case),
        **_task_for(task, case, step),
        **_case_records(request.user, case),
    }
    return render(request, "workflows/task.html", context, status=400 if form.errors else 200)


def _task_for(task: Task, case: Case, step: str) -> dict:
    """For whom the task is done: the body that prepares, the union a representative
    answers for."""
    body = None
    if step == "preparation" and task.status in access.OPEN_TASK:
        body = routing.preparing_body(case)
    return {
        "preparing_body": routing.body_label(body) if body else "",
        "union": (task.data or {}).get("union", "") if step == "union_statement" else "",
    }


def _after_completion(request, case: Case):
    """The case page; or, when a review's answer started a revision or repeal case, that
    case's open task (the owner writes the draft next)."""
    follow_up = getattr(case, "follow_up", None)
    if follow_up is None:
        return redirect("workflows:case", case.pk)
    messages.success(request, _("Case %(dnr)s started.") % {"dnr": follow_up.diarienummer})
    task = Task.objects.filter(process=follow_up, status__in=access.OPEN_TASK).first()
    return redirect("workflows:task", task.pk) if task else redirect("workflows:case", follow_up.pk)


def _review_context(case: Case) -> dict | None:
    """For a review: the type's questions and the changes in the parent and children since
    the last review."""
    if case.kind != CaseKind.REVIEW:
        return None
    since = reviews.last_review_date(case.document)
    answered = (
        AuditEntry.objects.filter(case=case, action="review_answered")
        .order_by("-at", "-pk")
        .values_list("comment", flat=True)
        .first()
    )
    return {
        "answer_comment": answered or "",
        "questions": case.document.document_type.review_questions,
        "since": since,
        "changes": reviews.changes_since(case.document, since),
        "next_review": case.version.next_review if case.version_id else None,
    }


def _case_records(user, case: Case) -> dict:
    samverkan = access.can_view_samverkan_records(user, case)
    return {
        "statements": (
            case.statements.select_related("union", "representative__user").all()
            if samverkan
            else []
        ),
        "meetings": case.samverkan_meetings.all() if samverkan else [],
        "negotiations": case.negotiations.all() if samverkan else [],
        "preparations": case.preparation_steps.select_related("body").all(),
        "decisions": Decision.objects.filter(diary_entry=case.diary_entry).select_related(
            "body", "position"
        ),
        "files": case.version.files.all() if case.version_id else [],
    }


@login_required
def case_detail(request, case_id: int):
    case = _case_or_404(request.user, case_id)
    timeline = case_timeline(case)
    tasks = human_tasks(case)
    open_tasks = [
        {"pk": t["id"], "owner": owner_name(t) or t["owner_username"] or ""}
        for t in tasks
        if t["status"] in access.OPEN_TASK
    ]
    can_grant = access.can_grant_reader(request.user, case).allowed
    context = {
        "case": case,
        "can_grant": can_grant,
        "readers": access.case_readers(case) if can_grant else [],
        "reader_form": ReaderGrantForm() if can_grant else None,
        "timeline": timeline,
        "open_tasks": open_tasks,
        "step_title": routing.step_title(case.current_step) if case.current_step else "",
        "progress": case_progress(case, tasks),
        **_case_records(request.user, case),
    }
    from .desk_views import case_desk_context

    context.update(case_desk_context(request, case))
    return render(request, "workflows/case.html", context)


@login_required
def case_chart(request, case_id: int):
    case = _case_or_404(request.user, case_id)
    response = HttpResponse(case_chart_svg(case), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_required
@require_POST
def case_readers(request, case_id: int):
    """The registrar grants or withdraws read access to one case for one person."""
    case = _case_or_404(request.user, case_id)
    form = ReaderGrantForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("workflows:case", case.pk)
    service = revoke_case_reader if form.cleaned_data["action"] == "revoke" else grant_case_reader
    try:
        service(user=request.user, case_id=case.pk, reader=form.cleaned_data["username"])
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Read access updated."))
    return redirect("workflows:case", case.pk)
