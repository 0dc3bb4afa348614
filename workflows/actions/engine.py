"""What the flows call inside their own transaction: filling in a new case, routing and
announcing new tasks, the conditions of the flows' branches and their automatic steps.

This module does not import ``workflows.flows`` (the flows import it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recording as audit
from config.compiled_query import CompiledQuery, update_row
from documents.access import registrar_users
from documents.models import Decision, Document, DocumentStatus, DocumentVersion, VersionStatus
from notifications import links, mail
from org.selectors import acting_user_list, group_representative_list

from .. import routing
from ..models import (
    Case,
    CaseKind,
    CaseOutcome,
    PreparationOutcome,
    PreparationStep,
    SamverkanStatement,
    UnionStance,
)

User = get_user_model()


def task_view_placeholder(request, **kwargs):
    # viewflow's own task views are not mounted; tasks are done in workflows.views.
    raise Http404


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
    # The case is inserted at its first step (the node after the start, a human task):
    # routing that task then has no step to mark (routing.apply_route).
    first = getattr(activation.flow_task, "_next", None)
    if first is not None and first.name in routing.STEP_TITLES:
        case.current_step, case.step_since = first.name, timezone.now()
        case.step_marked = first.name
    # A new document is inserted already flagged as having an open case (the start action).
    case.document_created_flagged = kind == CaseKind.NEW_DOCUMENT and document.has_open_case
    case.save()
    # The version is handled in this case (a new document's was created with the entry).
    if version is not None and kind != CaseKind.REPEAL and version.diary_entry_id != diary_entry.pk:
        version.diary_entry = diary_entry
        version.save(update_fields=["diary_entry"])
    case.authors.add(user)
    # Its one author, handed by the start to its first task's mail (``on_task_created``).
    activation.authors = [user]
    audit.record(
        "case_started",
        actor=user,
        acting=acting,
        target=case,
        case=case,
        comment=f"{diary_entry.diarienummer}: {case.get_kind_display()}",
    )
    return case


def on_task_created(activation) -> None:
    """Route, audit and announce a new human task. ``activation.authors`` is the case's
    authors when the task is the first after the start (which added them), else None."""
    case: Case = activation.process
    task = activation.task
    route = routing.apply_route(task, case)
    audit.record(
        "task_created",
        target=case,
        case=case,
        to_state=task.flow_task.name,
        comment=_describe_route(route, case),
    )
    # Queued in the database (the mail queue) in this transaction: rolled back with a
    # refused step, never lost between the commit and the sending.
    notify_task(task, case, route, links.origin(), authors=activation.authors)


def _describe_route(route: routing.Route, case: Case) -> str:
    if route.kind == routing.TO_POSITION:
        return str(route.position)
    if route.kind == routing.TO_AUTHORS:
        return _("the authors")
    if route.kind == routing.TO_REGISTRARS:
        return _("the registrar")
    known = getattr(case, "_representatives", (None, []))[1]
    user = next((rep.user for rep in known if rep.user_id == route.user_id), None)
    if user is None:
        user = User.objects.filter(pk=route.user_id).first()
    return (user.get_full_name() or user.username) if user else ""


def task_candidates(
    task,
    case: Case | None = None,
    route: routing.Route | None = None,
    authors: list | None = None,
) -> list:
    """Who can do ``task``: the user it is routed to, the case's authors, the registrars,
    or whoever acts in the position today (holder or substitute). ``authors``, when given,
    are the case's authors as known to the caller (the start that added them): not read."""
    route = route or routing.route_of(task)
    if route.kind == "user":
        # A union representative's task: the representatives were read with their users
        # by the samverkan split in this action (``representatives_of``).
        known = getattr(case, "_representatives", (None, []))[1] if case is not None else []
        user = next((rep.user for rep in known if rep.user_id == route.user_id), None)
        if user is not None:
            return [user]
        return list(User.objects.filter(pk=route.user_id))
    if route.kind == routing.TO_AUTHORS:
        if authors is not None:
            return list(authors)
        case_id = case.pk if case is not None else task.process_id
        return _AUTHORS_QUERY.run(case_id=case_id)
    if route.kind == routing.TO_REGISTRARS:
        return registrar_users()
    return acting_user_list(route.position)


# Compiled once per process (config/compiled_query.py): asked for every new drafting task.
_AUTHORS_QUERY = CompiledQuery(
    lambda case_id: User.objects.filter(authored_cases=case_id), ids=("case_id",)
)


def notify_task(
    task,
    case: Case,
    route: routing.Route,
    base: str | None = None,
    authors: list | None = None,
) -> None:
    """E-mail whoever can do a new task, queued in the transaction that created it (the
    mail queue, ``notifications.mail``); links start with ``base``
    (``notifications.links.origin``); ``authors`` as for ``task_candidates``."""
    recipients = sorted({u.email for u in task_candidates(task, case, route, authors) if u.email})
    if not recipients:
        return
    link = links.absolute_url(task_path(task.pk), base)
    step = routing.step_title(task.flow_task.name)
    facts = {"dnr": case.diarienummer, "title": case.document.title, "step": step, "link": link}
    subject = _("New task: %(step)s in case %(dnr)s") % facts
    message = _(
        "You have a new task in Styrdok.\n\nCase: %(dnr)s %(title)s\nStep: %(step)s\n\nOpen the task: %(link)s\n"
    )
    if task.flow_task.name in routing.REDRAFT_STEPS and case.return_motivation:
        facts["motivation"] = case.return_motivation
        subject = _("New task: %(step)s (sent back) in case %(dnr)s") % facts
        message = _(
            "The case was sent back to you (återremiss) in Styrdok.\n\nCase: %(dnr)s %(title)s\nStep: %(step)s\n\nMotivation:\n%(motivation)s\n\nOpen the task: %(link)s\n"
        )
    mail.send_plain(subject, message % facts, recipients)


# A page's path around its object's id, by URL name, script prefix and URL configuration:
# ``reverse`` asked once with a placeholder id (about 60 µs a call; every new task's mail
# links its task, every decision's mail its case).
_PATHS: dict[tuple, tuple[str, str]] = {}
_PLACEHOLDER_ID = 987_654_321


def object_path(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` of a URL taking one id, the path built once."""
    key = (name, get_script_prefix(), get_urlconf())
    around = _PATHS.get(key)
    if around is None:
        path = reverse(name, args=[_PLACEHOLDER_ID])
        before, found, after = path.partition(str(_PLACEHOLDER_ID))
        if not found or str(_PLACEHOLDER_ID) in after:
            return reverse(name, args=[pk])
        around = _PATHS[key] = (before, after)
    return f"{around[0]}{int(pk)}{around[1]}"


def task_path(task_id: int) -> str:
    """``reverse("workflows:task", args=[task_id])``, the path built once."""
    return object_path("workflows:task", task_id)


def mark_step(case: Case, step: str) -> None:
    update_row(
        Case, case.pk, {"current_step": step, "step_since": timezone.now(), **case.pending_values()}
    )
    case.current_step = step


def record_samverkan_skipped(case: Case) -> None:
    audit.record("samverkan_skipped", target=case, case=case, comment=case.samverkan_note)


def representatives_of(case: Case, group) -> list:
    """The group's representatives today, read once per action on this case object."""
    known = getattr(case, "_representatives", None)
    if known is None or known[0] != group.pk:
        known = (group.pk, group_representative_list(group))
        case._representatives = known
    return known[1]


def samverkan_task_data(case: Case) -> list[dict]:
    return [
        {"user_id": rep.user_id, "representative_id": rep.pk, "union": rep.union.name}
        for rep in representatives_of(case, case.samverkan_group)
    ]


def mbl_demands(case: Case):
    """The statements of the case's samverkan round that demand an MBL negotiation."""
    return round_mbl_demands(case.pk, case.round)


def round_mbl_demands(case_id: int, round: int):
    """The statements of a case's samverkan round (by ids) that demand an MBL negotiation."""
    return SamverkanStatement.objects.filter(
        case_id=case_id, round=round, stance=UnionStance.DEMANDS_MBL
    )


def negotiation_demanded(case: Case) -> bool:
    # Read with the step's lock (``actions.tasks``) for the round the case was in then,
    # unless the step gave a statement since (``samverkan.give_statement`` forgets it).
    read = getattr(case, "mbl_read", None)
    if read is not None and read[0] == case.round:
        return read[1]
    return mbl_demands(case).exists()


def preparing_body_pending(case: Case) -> bool:
    return routing.preparing_body(case) is not None


def last_preparation_returned(case: Case) -> bool:
    last = PreparationStep.objects.filter(case=case).order_by("-pk").first()
    return last is not None and last.outcome == PreparationOutcome.RETURNED


def last_decision(case: Case) -> Decision | None:
    """The case's latest decision: the one its decision step made in this action, or read."""
    made = getattr(case, "decision_made", None)
    if made is not None:
        return made
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
    # The version as read with the case under its lock (the registration step, which asks
    # this next, does not change it); read here when the case came without it.
    version = case.version
    return version.valid_from is None or version.valid_from <= timezone.localdate()
