"""The lifecycle's write side: one function per state change.

Each public function locks the case, checks with ``workflows.access``, applies
the change, writes the audit entry in the same transaction, and leaves side
effects (e-mail) to ``transaction.on_commit``. Views, the admin and commands
call these; none sets a state itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from documents import diarium, rules
from documents import services as document_services
from documents.files import EXTENSIONS, CheckedFile, check_upload
from documents.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    VersionStatus,
)
from documents.sanitize import clean_html
from org.models import Position, Process, Unit
from org.selectors import Acting, acting_users, group_representatives

from . import access, audit, routing
from .models import (
    Case,
    CaseKind,
    CaseOutcome,
    Meeting,
    Negotiation,
    PreparationOutcome,
    PreparationStep,
    RecordDirection,
    RegisteredRecord,
    SamverkanMeeting,
    SamverkanStatement,
    UnionStance,
)

User = get_user_model()


class CaseError(Exception):
    """A refusal or invalid input, with a message for the user. Nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(CaseError):
    pass


class Busy(CaseError):
    pass


# The step forms' fields that carry a file, and whether the file's text is kept (search).
STEP_FILES = {"upload": True, "minutes_extract": False}


def _check_file(upload, *, with_text: bool) -> CheckedFile:
    """``documents.files.check_upload``, its refusal as a CaseError."""
    try:
        return check_upload(upload, with_text=with_text)
    except ValidationError as exc:
        raise CaseError(" ".join(exc.messages)) from exc


def _check_files_first(files: dict, permitted: Callable[[], object]) -> None:
    """Check uploaded files (``{upload: with_text}``) before the action's transaction:
    reading a PDF's text may take up to STYRDOK_UPLOAD_TEXT_SECONDS, and no lock (on
    SQLite: the whole database's) may be held meanwhile. The check inside the transaction
    then reuses the result. Only for a user the action is open to (asked here without a
    lock, and again inside), so that nobody else can make the server read files."""
    files = {upload: with_text for upload, with_text in files.items() if upload is not None}
    if files and permitted():
        for upload, with_text in files.items():
            _check_file(upload, with_text=with_text)


def task_view_placeholder(request, **kwargs):
    # viewflow's own task views are not mounted; tasks are done in workflows.views.
    raise Http404


# --------------------------------------------------------------------------
# Deciders


def decider_choices(document: Document) -> list[tuple[str, rules.Decider]]:
    """Allowed deciders for the document, the natural choice first."""
    found = rules.allowed_deciders(document.document_type, document.scope_unit, document.process)
    return [(d.key, d) for d in found.offered]


def _resolve_decider(document: Document, key: str | None) -> rules.Decider:
    found = rules.allowed_deciders(document.document_type, document.scope_unit, document.process)
    offered = found.offered
    if not offered:
        raise CaseError(_("No one may adopt this document.") + " " + found.explanation)
    if not key:
        return offered[0]
    chosen = found.by_key(key)
    if chosen is None:
        raise NotAllowed(
            _("The chosen decider may not adopt this document.") + " " + found.refusal(key)
        )
    return chosen


# --------------------------------------------------------------------------
# Starting cases


def _ensure_no_open_case(document: Document) -> None:
    open_case = (
        Case.objects.filter(document=document, finished__isnull=True)
        .select_related("diary_entry__series")
        .first()
    )
    if open_case:
        raise CaseError(
            _("The document already has an open case, %(dnr)s. Finish it before starting another.")
            % {"dnr": open_case.diarienummer}
        )


def _start(
    flow_class,
    *,
    user,
    document: Document,
    version: DocumentVersion | None,
    kind: str,
    decider: rules.Decider,
    acting: Acting | None,
    motivation: str = "",
) -> Case:
    series = diarium.series_for(body=decider.body, scope_unit=document.scope_unit)
    entry = diarium.allocate(series, document.title, user=user)
    return flow_class.start.run(
        user=user,
        document=document,
        version=version,
        kind=kind,
        diary_entry=entry,
        decider=decider,
        motivation=motivation,
        acting=acting,
    )


def init_case(
    activation, *, user, document, version, kind, diary_entry, decider, motivation="", acting=None
) -> Case:
    """Fill in a new case; called by the flows' StartHandle inside the start transaction."""
    case: Case = activation.process
    case.kind = kind
    case.document = document
    case.version = version
    case.diary_entry = diary_entry
    case.started_by = user
    case.decider_body = decider.body
    case.decider_position = decider.position
    case.repeal_motivation = motivation
    case.save()
    if version is not None and kind != CaseKind.REPEAL:  # the version is handled in this case
        version.diary_entry = diary_entry
        version.save(update_fields=["diary_entry"])
    case.authors.add(user)
    audit.record(
        "case_started",
        actor=user,
        acting=acting,
        target=case,
        case=case,
        comment=f"{diary_entry.diarienummer}: {case.get_kind_display()}",
    )
    return case


def start_new_document(
    *,
    user,
    document_type: DocumentType,
    title: str,
    scope_unit: Unit,
    owner_position: Position,
    process: Process | None = None,
    parent: Document | None = None,
    is_public: bool = True,
    summary: str = "",
) -> Case:
    """An official starts a case for a new document: a draft version and a diarienummer."""
    from .flows import DocumentFlow

    permit = access.can_start_case(user)
    if not permit:
        raise NotAllowed(permit.reason)
    if not document_type.is_active:
        raise CaseError(
            _("The document type %(type)s is no longer in use.") % {"type": document_type}
        )
    title = (title or "").strip()
    if not title:
        raise CaseError(_("Give the document a title."))
    with transaction.atomic():
        document = Document(
            title=title,
            document_type=document_type,
            scope_unit=scope_unit,
            process=process,
            owner_position=owner_position,
            parent=parent,
            is_public=is_public,
            summary=summary,
        )
        try:
            document.full_clean(exclude=["current_version"])
        except ValidationError as exc:
            raise CaseError(" ".join(exc.messages)) from exc
        if parent is not None and parent.status != DocumentStatus.VALID:
            raise CaseError(_("The parent document must be valid."))
        document.save()
        decider = _resolve_decider(document, None)
        version = DocumentVersion.objects.create(
            document=document, number=1, title=title, created_by=user
        )
        return _start(
            DocumentFlow,
            user=user,
            document=document,
            version=version,
            kind=CaseKind.NEW_DOCUMENT,
            decider=decider,
            acting=permit.acting,
        )


def start_revision(*, user, document: Document) -> Case:
    """Start a new version of a valid document; its current text becomes the draft."""
    from .flows import DocumentFlow

    permit = access.can_start_case(user)
    if not permit:
        raise NotAllowed(permit.reason)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != DocumentStatus.VALID or document.current_version_id is None:
            raise CaseError(_("Only a valid document can get a new version."))
        _ensure_no_open_case(document)
        current = document.current_version
        number = (
            document.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            title=current.title,
            body=current.body,
            created_by=user,
            replaces=None,
        )
        decider = _resolve_decider(document, None)
        return _start(
            DocumentFlow,
            user=user,
            document=document,
            version=version,
            kind=CaseKind.REVISION,
            decider=decider,
            acting=permit.acting,
        )


def start_repeal(*, user, document: Document, motivation: str = "") -> Case:
    """Start a case to repeal a valid document."""
    from .flows import RepealFlow

    permit = access.can_start_case(user)
    if not permit:
        raise NotAllowed(permit.reason)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != DocumentStatus.VALID:
            raise CaseError(_("Only a valid document can be repealed."))
        _ensure_no_open_case(document)
        decider = _resolve_decider(document, None)
        return _start(
            RepealFlow,
            user=user,
            document=document,
            version=document.current_version,
            kind=CaseKind.REPEAL,
            decider=decider,
            acting=permit.acting,
            motivation=motivation,
        )


# --------------------------------------------------------------------------
# Flow callbacks (run inside the flow's transaction)


def on_task_created(activation) -> None:
    case: Case = activation.process
    task = activation.task
    route = routing.apply_route(task, case)
    audit.record(
        "task_created",
        target=case,
        case=case,
        to_state=task.flow_task.name,
        comment=_describe_route(route),
    )
    task_id = task.pk
    transaction.on_commit(lambda: notify_task(task_id))


def _describe_route(route: routing.Route) -> str:
    if route.kind == routing.TO_POSITION:
        return str(route.position)
    if route.kind == routing.TO_AUTHORS:
        return _("the authors")
    if route.kind == routing.TO_REGISTRARS:
        return _("the registrar")
    user = User.objects.filter(pk=route.user_id).first()
    return (user.get_full_name() or user.username) if user else ""


def task_candidates(task) -> list:
    route = routing.route_of(task)
    case = Case.objects.get(pk=task.process_id)
    if route.kind == "user":
        return list(User.objects.filter(pk=route.user_id))
    if route.kind == routing.TO_AUTHORS:
        return list(case.authors.all())
    if route.kind == routing.TO_REGISTRARS:
        users = []
        for position in access.registrar_positions():
            users.extend(acting_users(position))
        return users
    return list(acting_users(route.position))


def notify_task(task_id: int) -> None:
    """E-mail whoever can do a new task (after the transaction has committed)."""
    task = Task.objects.filter(pk=task_id).first()
    if task is None or task.status not in access.OPEN_TASK:
        return
    case = Case.objects.select_related("diary_entry__series", "document").get(pk=task.process_id)
    link = settings.STYRDOK_BASE_URL.rstrip("/") + reverse("workflows:task", args=[task.pk])
    step = routing.step_title(task.flow_task.name)
    recipients = sorted({u.email for u in task_candidates(task) if u.email})
    if not recipients:
        return
    send_mail(
        subject=_("New task: %(step)s in case %(dnr)s") % {"step": step, "dnr": case.diarienummer},
        message=_(
            "You have a new task in Styrdok.\n\nCase: %(dnr)s %(title)s\nStep: %(step)s\n\nOpen the task: %(link)s\n"
        )
        % {"dnr": case.diarienummer, "title": case.document.title, "step": step, "link": link},
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )


def mark_step(case: Case, step: str) -> None:
    Case.objects.filter(pk=case.pk).update(current_step=step, step_since=timezone.now())
    case.current_step = step


def record_samverkan_skipped(case: Case) -> None:
    audit.record("samverkan_skipped", target=case, case=case, comment=case.samverkan_note)


def samverkan_task_data(case: Case) -> list[dict]:
    return [
        {"user_id": rep.user_id, "representative_id": rep.pk, "union": rep.union.name}
        for rep in group_representatives(case.samverkan_group)
    ]


def negotiation_demanded(case: Case) -> bool:
    return SamverkanStatement.objects.filter(
        case=case, round=case.round, stance=UnionStance.DEMANDS_MBL
    ).exists()


def preparing_body_pending(case: Case) -> bool:
    return routing.preparing_body(case) is not None


def last_preparation_returned(case: Case) -> bool:
    last = PreparationStep.objects.filter(case=case).order_by("-pk").first()
    return last is not None and last.outcome == PreparationOutcome.RETURNED


def last_decision(case: Case) -> Decision | None:
    return Decision.objects.filter(diary_entry=case.diary_entry).order_by("-pk").first()


def last_decision_outcome(case: Case) -> str | None:
    decision = last_decision(case)
    return decision.outcome if decision else None


def close_rejected(case: Case) -> None:
    if case.kind != CaseKind.REPEAL and case.version_id:
        DocumentVersion.objects.filter(pk=case.version_id).update(status=VersionStatus.REJECTED)
        if case.document.status == DocumentStatus.DRAFT:
            Document.objects.filter(pk=case.document_id).update(status=DocumentStatus.REJECTED)
    case.outcome = CaseOutcome.REJECTED
    case.current_step = ""
    case.save(update_fields=["outcome", "current_step"])
    audit.record("case_closed", target=case, case=case, to_state="rejected")


def valid_from_reached(case: Case) -> bool:
    version = DocumentVersion.objects.get(pk=case.version_id)
    return version.valid_from is None or version.valid_from <= timezone.localdate()


def publish_case_version(case: Case) -> None:
    document_services.publish_version(case.version, case=case)
    case.outcome = CaseOutcome.PUBLISHED
    case.current_step = ""
    case.save(update_fields=["outcome", "current_step"])


def apply_repeal(case: Case) -> None:
    decision = last_decision(case)
    document_services.repeal_document(case.document, decision, case=case)
    case.outcome = CaseOutcome.REPEALED
    case.current_step = ""
    case.save(update_fields=["outcome", "current_step"])


# --------------------------------------------------------------------------
# Human steps


@dataclass
class Step:
    user: object
    acting: Acting | None
    case: Case
    task: Task

    def record(self, action: str, *, target=None, to_state: str = "", comment: str = "") -> None:
        """Audit an action of this step's user, on the case unless another target is given."""
        audit.record(
            action,
            actor=self.user,
            acting=self.acting,
            target=target if target is not None else self.case,
            case=self.case,
            to_state=to_state,
            comment=comment,
        )


def _lock_case(case_id: int, flow_class):
    return flow_class.lock(case_id)


def _get_task(task_id: int) -> Task:
    task = Task.objects.filter(pk=task_id).first()
    if task is None or not isinstance(task.process.coerced, Case):
        raise CaseError(_("There is no such task."))
    return task


def complete_task(*, user, task_id: int, data: dict | None = None) -> Case:
    """Complete a human task with the step's input; the flow moves on."""
    data = dict(data or {})
    task = _get_task(task_id)
    _check_files_first(
        {data.get(name): with_text for name, with_text in STEP_FILES.items()},
        lambda: access.can_execute_task(user, task, task.process.coerced),
    )
    flow_class = task.flow_task.flow_class
    step_name = task.flow_task.name
    try:
        with transaction.atomic(), flow_class.lock(task.process_id):
            task = Task.objects.select_related("owner").get(pk=task_id)
            case = Case.objects.select_related(
                "document__document_type",
                "document__scope_unit",
                "document__process",
                "version",
                "decider_body",
                "decider_position",
                "samverkan_group",
                "diary_entry__series",
            ).get(pk=task.process_id)
            permit = access.can_execute_task(user, task, case)
            if not permit:
                raise NotAllowed(permit.reason)
            step = Step(user=user, acting=permit.acting, case=case, task=task)
            activation = task.flow_task.activation_class(task)
            # The flow must see (and save) the same case object the step changes.
            activation.process = case
            if task.status == STATUS.NEW:
                activation.assign(user)
            activation.start(None)
            STEP_HANDLERS[step_name](step, **data)
            audit.record(
                "task_completed",
                actor=user,
                acting=permit.acting,
                target=case,
                case=case,
                from_state=step_name,
                comment=routing.step_title(step_name),
            )
            activation.execute()
    except FlowLockFailed as exc:
        raise Busy(
            _("Someone else is working on this case right now. Try again in a moment.")
        ) from exc
    return case


def claim_task(*, user, task_id: int) -> Task:
    task = _get_task(task_id)
    with transaction.atomic(), task.flow_task.flow_class.lock(task.process_id):
        task = Task.objects.get(pk=task_id)
        case = Case.objects.get(pk=task.process_id)
        permit = access.can_claim_task(user, task, case)
        if not permit:
            raise NotAllowed(permit.reason)
        task.flow_task.activation_class(task).assign(user)
        audit.record(
            "task_claimed",
            actor=user,
            acting=permit.acting,
            target=case,
            case=case,
            comment=routing.step_title(task.flow_task.name),
        )
    return task


def release_task(*, user, task_id: int) -> Task:
    task = _get_task(task_id)
    with transaction.atomic(), task.flow_task.flow_class.lock(task.process_id):
        task = Task.objects.select_related("owner").get(pk=task_id)
        case = Case.objects.get(pk=task.process_id)
        permit = access.can_release_task(user, task, case)
        if not permit:
            raise NotAllowed(permit.reason)
        task.flow_task.activation_class(task).unassign()
        audit.record(
            "task_released",
            actor=user,
            acting=permit.acting,
            target=case,
            case=case,
            comment=routing.step_title(task.flow_task.name),
        )
    return task


def _apply_draft(
    step: Step,
    *,
    title=None,
    summary=None,
    body=None,
    upload=None,
    decider=None,
    is_public=None,
    co_authors=None,
    **ignored,
) -> None:
    case, version, document = step.case, step.case.version, step.case.document
    changes = []
    if title is not None:
        title = title.strip()
        if not title:
            raise CaseError(_("Give the document a title."))
        if title != version.title:
            version.title = title
            changes.append("title")
    if body is not None:
        cleaned = clean_html(body)
        if cleaned != version.body:
            version.body = cleaned
            changes.append("text")
    version.save()
    doc_fields = []
    if summary is not None and summary != document.summary:
        document.summary = summary
        doc_fields.append("summary")
    if is_public is not None and is_public != document.is_public:
        document.is_public = is_public
        doc_fields.append("is_public")
    if document.status == DocumentStatus.DRAFT and title:
        document.title = title
        doc_fields.append("title")
    if doc_fields:
        document.save(update_fields=doc_fields)
        changes.extend(doc_fields)
    if decider is not None:
        chosen = _resolve_decider(document, decider)
        if (chosen.body, chosen.position) != (case.decider_body, case.decider_position):
            case.decider_body, case.decider_position = chosen.body, chosen.position
            case.save(update_fields=["decider_body", "decider_position"])
            changes.append("decider")
    if upload is not None:
        try:
            document_services.add_version_file(
                version, upload, user=step.user, acting=step.acting, case=case
            )
        except ValidationError as exc:
            raise CaseError(" ".join(exc.messages)) from exc
    for co_author in co_authors or []:
        if not case.authors.filter(pk=co_author.pk).exists():
            case.authors.add(co_author)
            step.record(
                "coauthor_added",
                target=case,
                comment=co_author.get_full_name() or co_author.username,
            )
    if changes:
        step.record(
            "draft_saved",
            target=version,
            comment=", ".join(changes),
        )


def save_draft(*, user, case_id: int, **data) -> Case:
    """Save the draft without submitting it (authors, while the case is in drafting)."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise CaseError(_("There is no such case."))
    _check_files_first(
        {data.get(name): with_text for name, with_text in STEP_FILES.items()},
        lambda: access.can_edit_draft(user, case),
    )
    flow_class = case.flow_class
    with transaction.atomic(), flow_class.lock(case.pk):
        case = Case.objects.select_related("document__document_type", "version").get(pk=case_id)
        permit = access.can_edit_draft(user, case)
        if not permit:
            raise NotAllowed(permit.reason)
        acting = access.acting_in(user)
        _apply_draft(
            Step(user=user, acting=acting[0] if acting else None, case=case, task=None), **data
        )
    return case


def _submit_draft(step: Step, **data) -> None:
    _apply_draft(step, **data)
    case, version, document = step.case, step.case.version, step.case.document
    version.refresh_from_db()
    if not version.body.strip() and not version.files.exists():
        raise CaseError(_("Write the text or upload the document file before submitting."))
    verdict = rules.check_decider(
        document.document_type,
        document.scope_unit,
        document.process,
        body=case.decider_body,
        position=None if case.decider_body_id else case.decider_position,
    )
    if not verdict.allowed:
        raise NotAllowed(verdict.reason)
    routing_answer = rules.samverkan_for(document.document_type, document.scope_unit)
    if routing_answer.required and routing_answer.group is None:
        raise CaseError(routing_answer.reason)
    if (
        routing_answer.group is not None
        and not group_representatives(routing_answer.group).exists()
    ):
        raise CaseError(
            _(
                "%(group)s has no union representatives, so samverkan cannot be held. Ask the administrator to add them."
            )
            % {"group": routing_answer.group}
        )
    if case.decider_body_id:
        for body in [*case.decider_body.preparing_bodies(), case.decider_body]:
            if body.secretary_position_id is None:
                raise CaseError(
                    _("%(body)s has no secretary position; the matter cannot be prepared.")
                    % {"body": body}
                )
    case.samverkan_group = routing_answer.group
    case.samverkan_note = routing_answer.reason
    case.round += 1
    case.preparation_index = 0
    case.save(update_fields=["samverkan_group", "samverkan_note", "round", "preparation_index"])


def _submit_repeal_draft(step: Step, *, motivation: str = "", decider=None, **ignored) -> None:
    case = step.case
    motivation = (motivation or "").strip()
    if not motivation:
        raise CaseError(_("Explain why the document should be repealed."))
    case.repeal_motivation = motivation
    if decider is not None:
        chosen = _resolve_decider(case.document, decider)
        case.decider_body, case.decider_position = chosen.body, chosen.position
    case.round += 1
    case.preparation_index = 0
    case.save(
        update_fields=[
            "repeal_motivation",
            "decider_body",
            "decider_position",
            "round",
            "preparation_index",
        ]
    )


def _give_statement(step: Step, *, stance: str, comment: str = "") -> None:
    from org.models import UnionRepresentative

    if stance not in UnionStance.values:
        raise CaseError(_("Choose the union's position."))
    rep = UnionRepresentative.objects.select_related("union").get(
        pk=step.task.data["representative_id"]
    )
    SamverkanStatement.objects.create(
        case=step.case,
        round=step.case.round,
        representative=rep,
        union=rep.union,
        stance=stance,
        comment=comment,
        version=step.case.version,
    )
    step.record(
        "samverkan_statement",
        to_state=stance,
        comment=f"{rep.union}: {comment}".strip(),
    )


def _record_samverkan_meeting(
    step: Step,
    *,
    meeting_date: datetime.date,
    agreement: str,
    minutes_reference: str,
    reservations: str = "",
) -> None:
    SamverkanMeeting.objects.create(
        case=step.case,
        round=step.case.round,
        group=step.case.samverkan_group,
        meeting_date=meeting_date,
        agreement=agreement,
        minutes_reference=minutes_reference,
        reservations=reservations,
        recorded_by=step.user,
    )
    step.record(
        "samverkan_meeting",
        to_state=agreement,
        comment=minutes_reference,
    )


def _record_negotiation(
    step: Step, *, negotiation_date: datetime.date, outcome: str, minutes_reference: str
) -> None:
    Negotiation.objects.create(
        case=step.case,
        round=step.case.round,
        negotiation_date=negotiation_date,
        outcome=outcome,
        minutes_reference=minutes_reference,
        recorded_by=step.user,
    )
    step.record(
        "negotiation",
        to_state=outcome,
        comment=minutes_reference,
    )


def _write_proposal(step: Step, *, proposal: str) -> None:
    proposal = (proposal or "").strip()
    if not proposal:
        raise CaseError(_("Write the decision proposal."))
    step.case.proposal = proposal
    step.case.preparation_index = 0
    step.case.save(update_fields=["proposal", "preparation_index"])
    step.record("proposal_written")


def _record_preparation(
    step: Step, *, meeting_date: datetime.date, outcome: str, paragraph: str = "", note: str = ""
) -> None:
    case = step.case
    body = routing.preparing_body(case)
    if outcome == PreparationOutcome.RETURNED and not note.strip():
        raise CaseError(_("Explain why the matter is sent back."))
    PreparationStep.objects.create(
        case=case,
        round=case.round,
        body=body,
        meeting_date=meeting_date,
        paragraph=paragraph,
        outcome=outcome,
        note=note,
        recorded_by=step.user,
    )
    if outcome == PreparationOutcome.FORWARDED:
        case.preparation_index += 1
    else:
        case.preparation_index = 0
        case.return_motivation = note
    case.save(update_fields=["preparation_index", "return_motivation"])
    step.record(
        "preparation",
        target=case,
        to_state=outcome,
        comment=f"{body.short_name} {meeting_date:%Y-%m-%d} {paragraph} {note}".strip(),
    )


def check_ready_for_decision(case: Case, decision_date: datetime.date | None = None) -> None:
    """Samverkan, and a demanded negotiation, must be finished before any decision
    (and before the day it is dated)."""
    if case.kind == CaseKind.REPEAL:
        return
    if case.samverkan_group_id:
        meeting = (
            SamverkanMeeting.objects.filter(case=case, round=case.round).order_by("-pk").first()
        )
        if meeting is None:
            raise CaseError(
                _("Samverkan is not finished: no samverkan meeting is recorded for this draft.")
            )
        if decision_date and decision_date < meeting.meeting_date:
            raise CaseError(
                _("The decision cannot be dated before the samverkan meeting (%(day)s).")
                % {"day": meeting.meeting_date.isoformat()}
            )
        negotiation = (
            Negotiation.objects.filter(case=case, round=case.round).order_by("-pk").first()
        )
        if negotiation_demanded(case) and negotiation is None:
            raise CaseError(
                _("A union demanded an MBL negotiation; it must be concluded before the decision.")
            )
        if negotiation and decision_date and decision_date < negotiation.negotiation_date:
            raise CaseError(
                _(
                    "The decision cannot be dated before the MBL negotiation was concluded (%(day)s)."
                )
                % {"day": negotiation.negotiation_date.isoformat()}
            )
    elif case.document.document_type.samverkan_required:
        raise CaseError(_("Samverkan is required for this type but has not been held."))


def _decide(
    step: Step,
    *,
    outcome: str,
    decision_date: datetime.date,
    paragraph: str = "",
    motivation: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> None:
    case, version = step.case, step.case.version
    if decision_date > timezone.localdate():
        raise CaseError(_("A decision cannot be recorded before the day it is made."))
    check_ready_for_decision(case, decision_date)
    if outcome not in DecisionOutcome.values:
        raise CaseError(_("Choose the outcome of the decision."))
    if case.decider_body_id and not paragraph.strip():
        raise CaseError(_("Give the paragraph (§) of the minutes."))
    if outcome != DecisionOutcome.ADOPTED and not motivation.strip():
        raise CaseError(_("Give a motivation when sending back or rejecting."))
    is_repeal = case.kind == CaseKind.REPEAL
    if outcome == DecisionOutcome.ADOPTED and not is_repeal:
        if valid_from is None:
            raise CaseError(_("Give the date the document is valid from."))
        if valid_from < decision_date:
            raise CaseError(_("The document cannot be valid before it is decided."))
        if valid_until is not None and valid_until < valid_from:
            raise CaseError(_("The valid-until date is before the valid-from date."))
    decision = Decision.objects.create(
        document=case.document,
        version=version,
        kind=DecisionKind.REPEAL if is_repeal else DecisionKind.ADOPTION,
        outcome=outcome,
        body=case.decider_body,
        position=None if case.decider_body_id else case.decider_position,
        decision_date=decision_date,
        paragraph=paragraph.strip(),
        motivation=motivation.strip(),
        recorded_by=step.user,
        recorded_as=step.acting.position if step.acting else None,
        recorded_as_substitute=bool(step.acting and step.acting.as_substitute),
        diary_entry=case.diary_entry,
    )
    if outcome == DecisionOutcome.ADOPTED and not is_repeal:
        version.status = VersionStatus.ADOPTED
        version.adoption = decision
        version.valid_from = valid_from
        version.valid_until = valid_until
        version.save(update_fields=["status", "adoption", "valid_from", "valid_until"])
    elif outcome == DecisionOutcome.RETURNED:
        case.return_motivation = motivation
        case.preparation_index = 0
        case.save(update_fields=["return_motivation", "preparation_index"])
    step.record(
        "decision",
        target=decision,
        to_state=outcome,
        comment=f"{decision.decider_name} {decision_date:%Y-%m-%d} {paragraph}".strip(),
    )


def _register(
    step: Step,
    *,
    minutes_extract=None,
    justering_date: datetime.date | None = None,
    anslag_date: datetime.date | None = None,
    paragraph: str | None = None,
    decision_date: datetime.date | None = None,
) -> None:
    case = step.case
    decision = last_decision(case)
    if decision is None or decision.outcome != DecisionOutcome.ADOPTED:
        raise CaseError(_("There is no adopted decision to register."))
    if decision_date is not None:
        decision.decision_date = decision_date
    if paragraph is not None and paragraph.strip():
        decision.paragraph = paragraph.strip()
    if decision.body_id:
        if minutes_extract is None and not decision.minutes_extract:
            raise CaseError(_("Attach the minutes extract (protokollsutdrag)."))
        if justering_date is None or anslag_date is None:
            raise CaseError(_("Give the dates of justering and of posting on the notice board."))
        if not decision.paragraph:
            raise CaseError(_("Give the paragraph (§) of the minutes."))
    if justering_date and justering_date < decision.decision_date:
        raise CaseError(_("The minutes cannot be checked before the meeting."))
    if anslag_date and justering_date and anslag_date < justering_date:
        raise CaseError(_("The notice cannot be posted before the minutes are checked."))
    if minutes_extract is not None:
        _check_file(minutes_extract, with_text=STEP_FILES["minutes_extract"])
        decision.minutes_extract = minutes_extract
    decision.justering_date = justering_date
    decision.anslag_date = anslag_date
    decision.legal_force_date = (
        anslag_date + datetime.timedelta(days=settings.STYRDOK_APPEAL_DAYS) if anslag_date else None
    )
    decision.registered_at = timezone.now()
    decision.registered_by = step.user
    decision.save()
    step.record(
        "decision_registered",
        target=decision,
        comment=case.diarienummer,
    )
    if (
        case.kind != CaseKind.REPEAL
        and case.version.valid_from
        and case.version.valid_from > timezone.localdate()
    ):
        case.outcome = CaseOutcome.ADOPTED
        case.save(update_fields=["outcome"])
        mark_step(case, "await_valid_from")


STEP_HANDLERS = {
    "draft": _submit_draft,
    "repeal_draft": _submit_repeal_draft,
    "union_statement": _give_statement,
    "samverkan_meeting": _record_samverkan_meeting,
    "negotiation": _record_negotiation,
    "proposal": _write_proposal,
    "preparation": _record_preparation,
    "decision": _decide,
    "registration": _register,
}


def publish_due_versions(*, on: datetime.date | None = None) -> list[Case]:
    """Publish every adopted version whose valid-from date has come. Idempotent."""
    from viewflow.fsm import TransitionNotAllowed

    from .flows import DocumentFlow

    # Never ahead of today: a later --date only looks, it cannot publish early.
    day = min(on or timezone.localdate(), timezone.localdate())
    published = []
    waiting = Task.objects.filter(
        flow_task=DocumentFlow.await_valid_from,
        status=STATUS.NEW,
        process__case__version__valid_from__lte=day,
    ).values_list("pk", flat=True)
    for task_id in list(waiting):
        task = Task.objects.get(pk=task_id)
        try:
            with transaction.atomic():
                DocumentFlow.await_valid_from.run(task)
        except TransitionNotAllowed:
            continue  # completed meanwhile by another run
        published.append(Case.objects.get(pk=task.process_id))
    return published


# --------------------------------------------------------------------------
# The registrar's desk: meetings, target meetings, registered records, and the
# decisions of a whole meeting at once.


def plan_meeting(
    *, user, body, date: datetime.date, deadline: datetime.date, place: str = ""
) -> Meeting:
    """Put a meeting in a body's calendar (the registrar, or the body's secretary)."""
    permit = access.can_plan_meetings(user, body)
    if not permit:
        raise NotAllowed(permit.reason)
    if deadline > date:
        raise CaseError(_("The deadline for matters must be on or before the meeting day."))
    with transaction.atomic():
        if Meeting.objects.filter(body=body, date=date).exists():
            raise CaseError(
                _("%(body)s already has a meeting on %(day)s.")
                % {"body": body, "day": date.isoformat()}
            )
        # The audit entry ("meeting_planned", with the meeting's fields) is written by
        # workflows.tracking as the row is saved, in this transaction, naming this user.
        with audit.by(user, acting=permit.acting):
            meeting = Meeting.objects.create(
                body=body, date=date, deadline=deadline, place=(place or "").strip()
            )
    return meeting


def set_target_meeting(*, user, case_id: int, meeting_id: int | None) -> Case:
    """Aim a case at a meeting of its deciding or a preparing body (or clear the aim)."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("decider_body", "diary_entry__series", "target_meeting__body")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise CaseError(_("There is no such case."))
        permit = access.can_set_target_meeting(user, case)
        if not permit:
            raise NotAllowed(permit.reason)
        if case.finished is not None:
            raise CaseError(_("The case is closed."))
        meeting = None
        if meeting_id is not None:
            meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
            if meeting is None:
                raise CaseError(_("There is no such meeting."))
            bodies = (
                [*case.decider_body.preparing_bodies(), case.decider_body]
                if case.decider_body_id
                else []
            )
            if meeting.body not in bodies:
                raise CaseError(
                    _(
                        "%(meeting)s is a meeting of %(body)s, which neither decides nor prepares this case."
                    )
                    % {"meeting": meeting, "body": meeting.body}
                )
            # A meeting held today still takes matters until it is recorded.
            if meeting.date < timezone.localdate():
                raise CaseError(
                    _("%(meeting)s has already been held; choose a coming meeting.")
                    % {"meeting": meeting}
                )
        before = str(case.target_meeting) if case.target_meeting_id else ""
        case.target_meeting = meeting
        case.save(update_fields=["target_meeting"])
        audit.record(
            "meeting_targeted",
            actor=user,
            acting=permit.acting,
            target=case,
            case=case,
            from_state=before,
            to_state=str(meeting) if meeting else "",
        )
    return case


def register_record(
    *,
    user,
    case_id: int,
    direction: str,
    record_date: datetime.date,
    counterpart: str,
    subject: str,
    upload=None,
) -> RegisteredRecord:
    """The registrar registers an incoming or outgoing record (a letter, an opinion) on a case."""
    counterpart, subject = (counterpart or "").strip(), (subject or "").strip()

    def may_register():
        case = Case.objects.filter(pk=case_id).first()
        return case is not None and access.can_register_records(user, case)

    _check_files_first({upload: False}, may_register)  # a record's text is not kept
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("diary_entry__series")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise CaseError(_("There is no such case."))
        permit = access.can_register_records(user, case)
        if not permit:
            raise NotAllowed(permit.reason)
        if direction not in (RecordDirection.INCOMING, RecordDirection.OUTGOING):
            raise CaseError(_("Choose whether the record came in or went out."))
        if record_date is None or record_date > timezone.localdate():
            raise CaseError(_("The record's date cannot be in the future."))
        if not counterpart:
            raise CaseError(
                _("Give the sender.")
                if direction == RecordDirection.INCOMING
                else _("Give the recipient.")
            )
        if not subject:
            raise CaseError(_("Give the subject of the record."))
        checked = _check_file(upload, with_text=False) if upload is not None else None
        sequence = (
            RegisteredRecord.objects.filter(case=case)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
            or 0
        ) + 1
        record = RegisteredRecord(
            case=case,
            sequence=sequence,
            direction=direction,
            record_date=record_date,
            counterpart=counterpart[:200],
            subject=subject[:300],
            registered_by=user,
        )
        if checked is not None:
            import uuid

            record.original_name = upload.name[:255]
            # A random stored name with the extension of the checked content: never the
            # sender's name, never overwritten.
            record.file.save(
                f"{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}", upload, save=False
            )
        record.save()
        audit.record(
            "record_registered",
            actor=user,
            acting=permit.acting,
            target=record,
            case=case,
            to_state=direction,
            comment=f"{record.get_direction_display()}: {counterpart} – {subject}",
        )
    return record


@dataclass
class MatterDecision:
    """One matter's line in the decisions of a meeting."""

    case_id: int
    paragraph: str
    outcome: str
    motivation: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None


class BatchRefused(CaseError):
    """Some matters of a meeting could not be decided; nothing was saved.

    ``errors`` maps a case id to the reason (key None: about the whole batch).
    """

    def __init__(self, errors: dict[int | None, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _paragraph_number(paragraph: str) -> int | None:
    digits = "".join(ch for ch in paragraph if ch.isdigit())
    return int(digits) if digits else None


def record_meeting_decisions(
    *, user, meeting_id: int, decisions: list[MatterDecision]
) -> list[Case]:
    """The secretary records the decisions of a meeting's matters in one go.

    Each matter's decision task is completed by ``complete_task`` under the same rules
    as one by one. All or nothing: if one matter is refused, none is saved and every
    refusal is reported, so the secretary corrects those lines and sends the same list
    again (the minutes are one document; half of it recorded would leave gaps in them).
    """
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        raise CaseError(_("There is no such meeting."))
    permit = access.can_record_meeting_decisions(user, meeting)
    if not permit:
        raise NotAllowed(permit.reason)
    if meeting.date > timezone.localdate():
        raise CaseError(_("The meeting has not been held yet."))
    if not decisions:
        raise CaseError(_("Give the decision of at least one matter."))
    errors: dict[int | None, str] = {}
    seen: dict[int, int] = {}
    used = {
        _paragraph_number(p)
        for p in Decision.objects.filter(body=meeting.body, decision_date=meeting.date).values_list(
            "paragraph", flat=True
        )
    }
    previous: int | None = None
    for item in decisions:
        number = _paragraph_number(item.paragraph or "")
        if number is None:
            errors[item.case_id] = _("Give the paragraph (§) of the minutes.")
        elif number in seen:
            errors[item.case_id] = _("§ %(n)s is given to two matters.") % {"n": number}
        elif number in used:
            errors[item.case_id] = _(
                "§ %(n)s of this meeting's minutes is already used by another decision."
            ) % {"n": number}
        elif previous is not None and number < previous:
            errors[item.case_id] = _(
                "The paragraphs must follow the order of the agenda (§ %(n)s comes after § %(p)s)."
            ) % {"n": number, "p": previous}
        if number is not None:
            seen.setdefault(number, item.case_id)
            previous = number if previous is None else max(previous, number)
    done: list[Case] = []
    with transaction.atomic():
        for item in decisions:
            if item.case_id in errors:
                continue
            case = (
                Case.objects.select_related("decider_body", "diary_entry__series")
                .filter(pk=item.case_id)
                .first()
            )
            if case is None:
                errors[item.case_id] = _("There is no such case.")
                continue
            if case.decider_body_id != meeting.body_id:
                errors[item.case_id] = _("%(dnr)s is decided by %(decider)s, not by %(body)s.") % {
                    "dnr": case.diarienummer,
                    "decider": case.decider,
                    "body": meeting.body,
                }
                continue
            if case.target_meeting_id != meeting.pk:
                errors[item.case_id] = _("%(dnr)s is not on the agenda of %(meeting)s.") % {
                    "dnr": case.diarienummer,
                    "meeting": meeting,
                }
                continue
            task = Task.objects.filter(
                process=case, flow_task__endswith=".decision", status__in=access.OPEN_TASK
            ).first()
            if task is None:
                errors[item.case_id] = _(
                    "%(dnr)s is not waiting for a decision (it is in: %(step)s)."
                ) % {
                    "dnr": case.diarienummer,
                    "step": routing.step_title(case.current_step) if case.current_step else "–",
                }
                continue
            try:
                done.append(
                    complete_task(
                        user=user,
                        task_id=task.pk,
                        data={
                            "outcome": item.outcome,
                            "decision_date": meeting.date,
                            "paragraph": f"§ {_paragraph_number(item.paragraph)}",
                            "motivation": item.motivation or "",
                            "valid_from": item.valid_from,
                            "valid_until": item.valid_until,
                        },
                    )
                )
            except CaseError as exc:
                errors[item.case_id] = f"{case.diarienummer}: {exc.message}"
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise BatchRefused(errors)
    return done


# Explicit read access (guardian object permissions)


def _reader_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="workflows", codename="view_case")


def _case_for_reader_change(user, case_id: int) -> tuple[Case, access.Permit]:
    """Lock the case and check that ``user`` may grant or withdraw read access to it."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise CaseError(_("There is no such case."))
    permit = access.can_grant_reader(user, case)
    if not permit:
        raise NotAllowed(permit.reason)
    return case, permit


def _record_reader_change(action: str, user, permit: access.Permit, case: Case, reader) -> None:
    audit.record(
        action,
        actor=user,
        acting=permit.acting,
        target=case,
        case=case,
        comment=reader.get_full_name() or reader.get_username(),
    )


def grant_case_reader(*, user, case_id: int, reader) -> Case:
    """The registrar lets ``reader`` read one case (e.g. an expert asked for an opinion)."""
    from guardian.shortcuts import assign_perm

    with transaction.atomic():
        case, permit = _case_for_reader_change(user, case_id)
        if reader is None or not reader.is_active:
            raise CaseError(_("Choose an active user."))
        if access.has_reader_grant(reader, case):
            raise CaseError(
                _("%(name)s may already read this case.")
                % {"name": reader.get_full_name() or reader}
            )
        assign_perm(_reader_permission(), reader, case)
        _record_reader_change("reader_granted", user, permit, case, reader)
    return case


def revoke_case_reader(*, user, case_id: int, reader) -> Case:
    """Withdraw a grant made with ``grant_case_reader``."""
    from guardian.shortcuts import remove_perm

    with transaction.atomic():
        case, permit = _case_for_reader_change(user, case_id)
        if reader is None or not access.has_reader_grant(reader, case):
            raise CaseError(_("This person has no read access granted to this case."))
        remove_perm(_reader_permission(), reader, case)
        _record_reader_change("reader_revoked", user, permit, case, reader)
    return case
