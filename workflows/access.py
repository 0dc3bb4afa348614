"""The access module: "may this user do this to this object?", answered once.

Views, forms, the admin, services and commands ask here; none re-implements a
check. Answers that refuse carry a reason a user can read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from documents import rules
from org.models import Position, PositionKind
from org.selectors import Acting, acting_as, acting_in

from . import routing
from .models import Case

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)


@dataclass(frozen=True)
class Permit:
    allowed: bool
    reason: str = ""
    acting: Acting | None = None

    def __bool__(self) -> bool:
        return self.allowed


def _yes(acting: Acting | None = None) -> Permit:
    return Permit(True, "", acting)


def _no(reason: str) -> Permit:
    return Permit(False, reason)


def registrar_acting(user) -> Acting | None:
    for a in acting_in(user):
        if a.position.kind == PositionKind.REGISTRAR:
            return a
    return None


def is_registrar(user) -> bool:
    return getattr(user, "is_authenticated", False) and registrar_acting(user) is not None


def can_start_case(user) -> Permit:
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to start a case."))
    acting = acting_in(user)
    if not acting:
        return _no(_("Only officials holding a position in the organisation can start cases."))
    return _yes(acting[0])


def is_author(user, case: Case) -> bool:
    return case.authors.filter(pk=user.pk).exists()


def eligible_for_task(user, task: Task, case: Case) -> Permit:
    """May ``user`` work on this task at all (ignoring who has claimed it)?"""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to work on tasks."))
    route = routing.route_of(task)
    if route.kind == "user":
        if task.owner_id == user.pk:
            return _yes(None)
        return _no(_("This task is assigned to someone else."))
    if route.kind == routing.TO_AUTHORS:
        if is_author(user, case):
            held = acting_in(user)
            return _yes(held[0] if held else None)
        return _no(_("Only the case's authors may work on the draft."))
    if route.kind == routing.TO_REGISTRARS:
        acting = registrar_acting(user)
        if acting:
            return _yes(acting)
        return _no(_("Only the registrar registers decisions."))
    acting = acting_as(user, route.position)
    if acting is None:
        if task.flow_task.name == "decision":
            return _no(decision_refusal(user, case))
        return _no(
            _("This task belongs to the position %(position)s; you do not act in it today.")
            % {"position": route.position}
        )
    return _yes(acting)


def decision_refusal(user, case: Case) -> str:
    """The rule service's explanation of why ``user`` may not decide."""
    doc = case.document
    deciders = rules.allowed_deciders(doc.document_type, doc.scope_unit, doc.process)
    mine = [a.position for a in acting_in(user)]
    for position in mine:
        verdict = rules.check_decider(
            doc.document_type, doc.scope_unit, doc.process, position=position
        )
        if not verdict.allowed:
            return verdict.reason
        # Allowed by the rule set, but the draft named another decider for this case.
        named = _(
            "%(position)s may adopt documents like this, but this case is to be decided by %(decider)s, as named in the draft."
        ) % {"position": position, "decider": case.decider}
        return f"{named} {deciders.explanation}"
    return (
        _("You may not decide this case.")
        + " "
        + deciders.explanation
        + " "
        + _("The decision is recorded by %(decider)s.") % {"decider": _decider_label(case)}
    ).strip()


def _decider_label(case: Case) -> str:
    if case.decider_body_id:
        return _("the secretary of %(body)s") % {"body": case.decider_body}
    return str(case.decider_position)


def can_execute_task(user, task: Task, case: Case) -> Permit:
    """May ``user`` complete this task now? Checks state, routing, claim and four-eyes."""
    if task.status not in OPEN_TASK:
        return _no(_("This task is already completed."))
    permit = eligible_for_task(user, task, case)
    if not permit:
        return permit
    if task.owner_id and task.owner_id != user.pk:
        return _no(
            _("%(name)s has claimed this task. They can release it so that you can take it.")
            % {"name": task.owner.get_full_name() or task.owner}
        )
    if task.flow_task.name == "decision":
        if is_author(user, case) or (case.version and case.version.created_by_id == user.pk):
            return _no(
                _(
                    "You wrote this proposal and may not decide on it yourself (the four-eyes principle)."
                )
            )
        doc = case.document
        verdict = rules.check_decider(
            doc.document_type,
            doc.scope_unit,
            doc.process,
            body=case.decider_body,
            position=case.decider_position if not case.decider_body_id else None,
        )
        if not verdict.allowed:
            return _no(verdict.reason)
    return permit


def can_claim_task(user, task: Task, case: Case) -> Permit:
    if task.status != STATUS.NEW or task.owner_id:
        return _no(_("This task is already claimed or completed."))
    return eligible_for_task(user, task, case)


def can_release_task(user, task: Task, case: Case) -> Permit:
    if task.status != STATUS.ASSIGNED or not task.owner_id:
        return _no(_("This task is not claimed."))
    if routing.route_of(task).kind == "user":
        return _no(_("Personal tasks cannot be released."))
    if task.owner_id == user.pk:
        return eligible_for_task(user, task, case) or _yes()  # record the position acted in
    return eligible_for_task(user, task, case)


def can_edit_draft(user, case: Case) -> Permit:
    open_draft = Task.objects.filter(
        process=case, flow_task_type="HUMAN", status__in=OPEN_TASK
    ).filter(Q(flow_task__endswith=".draft") | Q(flow_task__endswith=".repeal_draft"))
    if not open_draft.exists():
        return _no(_("The draft can only be edited while the case is in drafting."))
    if not is_author(user, case):
        return _no(_("Only the case's authors may edit the draft."))
    return _yes()


def _acting_position_ids(user) -> list[str]:
    return [str(a.position.pk) for a in acting_in(user)]


def inbox(user) -> QuerySet:
    """Open tasks the user can do or claim: their own, their positions' (also as
    substitute), their drafts, and the registrar's queue."""
    if not getattr(user, "is_authenticated", False):
        return Task.objects.none()
    position_ids = _acting_position_ids(user)
    authored = list(
        Case.objects.filter(authors=user, finished__isnull=True).values_list("pk", flat=True)
    )
    routed = Q(owner_permission=routing.TO_POSITION, owner_permission_obj_pk__in=position_ids) | Q(
        owner_permission=routing.TO_AUTHORS,
        owner_permission_obj_pk__in=[str(pk) for pk in authored],
    )
    if registrar_acting(user):
        routed |= Q(owner_permission=routing.TO_REGISTRARS)
    return (
        Task.objects.filter(status__in=OPEN_TASK, flow_task_type="HUMAN")
        .filter(
            Q(owner=user) | (routed & Q(owner__isnull=True)) | (routed & Q(status=STATUS.ASSIGNED))
        )
        .select_related("process", "owner")
        .order_by("created")
    )


def has_task_in_case(user, case: Case) -> bool:
    position_ids = _acting_position_ids(user)
    return (
        Task.objects.filter(process=case)
        .filter(
            Q(owner=user)
            | Q(owner_permission=routing.TO_POSITION, owner_permission_obj_pk__in=position_ids)
        )
        .exists()
    )


def can_view_case(user, case: Case) -> bool:
    """Drafts and cases: authors, the owner unit's chief, registrars, whoever has or had a
    task in the case, the samverkan group once the case reached it, and the deciding
    body's secretary and members at the decision stage."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or case.started_by_id == user.pk or is_author(user, case):
        return True
    if is_registrar(user) or has_task_in_case(user, case):
        return True
    owner_unit = case.document.owner_position.unit
    chief = owner_unit.chief_position
    if chief and acting_as(user, chief):
        return True
    if (
        case.samverkan_group_id
        and case.samverkan_group.representatives.filter(user=user).exists()
        and Task.objects.filter(process=case, flow_task__endswith=".union_statement").exists()
    ):
        return True
    if (
        case.decider_body_id
        and Task.objects.filter(process=case, flow_task__endswith=".decision").exists()
    ):
        return case.decider_body.memberships.filter(user=user).exists()
    return False


def visible_cases(user) -> QuerySet:
    """Cases the user may see, for lists (same rule as can_view_case)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    qs = Case.objects.select_related("diary_entry__series", "document__document_type")
    if user.is_superuser or is_registrar(user):
        return qs
    position_ids = [int(p) for p in _acting_position_ids(user)]
    chief_units = Position.objects.filter(pk__in=position_ids, kind=PositionKind.CHIEF).values(
        "unit_id"
    )
    task_cases = Task.objects.filter(
        Q(owner=user)
        | Q(
            owner_permission=routing.TO_POSITION,
            owner_permission_obj_pk__in=[str(p) for p in position_ids],
        )
    ).values("process_id")
    samverkan_cases = Task.objects.filter(
        flow_task__endswith=".union_statement",
        process__case__samverkan_group__representatives__user=user,
    ).values("process_id")
    decision_cases = Task.objects.filter(
        flow_task__endswith=".decision", process__case__decider_body__memberships__user=user
    ).values("process_id")
    return qs.filter(
        Q(started_by=user)
        | Q(authors=user)
        | Q(document__owner_position__unit_id__in=chief_units)
        | Q(pk__in=task_cases)
        | Q(pk__in=samverkan_cases)
        | Q(pk__in=decision_cases)
    ).distinct()


# --------------------------------------------------------------------------
# The registrar's desk


def secretary_bodies(user) -> list:
    """The political bodies whose secretary position ``user`` acts in today."""
    from org.models import Body

    if not getattr(user, "is_authenticated", False):
        return []
    position_ids = [a.position.pk for a in acting_in(user)]
    if not position_ids:
        return []
    return list(Body.objects.filter(secretary_position_id__in=position_ids, is_active=True))


def can_see_desk(user) -> Permit:
    """The desk (dashboard, diarium, meetings) is for registrars and the bodies' secretaries.

    Secretaries see the whole dashboard read-only: they prepare matters for their bodies
    and need to see where those matters are; the registrar alone registers records and
    plans meetings of every body.
    """
    from org.models import Body

    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to see the registrar's desk."))
    acting = acting_in(user)
    registrar = next((a for a in acting if a.position.kind == PositionKind.REGISTRAR), None)
    if registrar or user.is_superuser:
        return _yes(registrar)
    if Body.objects.filter(
        secretary_position_id__in=[a.position.pk for a in acting], is_active=True
    ).exists():
        return _yes(acting[0])
    return _no(_("Only the registrar and the secretaries of the political bodies see the desk."))


def can_register_records(user, case: Case) -> Permit:
    """Only the registrar registers incoming and outgoing records on a case."""
    acting = registrar_acting(user) if getattr(user, "is_authenticated", False) else None
    if acting is None:
        return _no(_("Only the registrar registers records on a case."))
    return _yes(acting)


def can_plan_meetings(user, body) -> Permit:
    """The registrar plans every body's meetings; a secretary those of their own body."""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to plan meetings."))
    acting = registrar_acting(user)
    if acting:
        return _yes(acting)
    if body is not None and body.secretary_position_id:
        acting = acting_as(user, body.secretary_position)
        if acting:
            return _yes(acting)
    return _no(
        _("Only the registrar or the secretary of %(body)s plans its meetings.") % {"body": body}
    )


def can_set_target_meeting(user, case: Case) -> Permit:
    """The registrar, or the secretary of the deciding body or a preparing body."""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to plan meetings."))
    acting = registrar_acting(user)
    if acting:
        return _yes(acting)
    if case.decider_body_id:
        for body in [*case.decider_body.preparing_bodies(), case.decider_body]:
            if body.secretary_position_id:
                acting = acting_as(user, body.secretary_position)
                if acting:
                    return _yes(acting)
    return _no(
        _(
            "Only the registrar or a secretary of the deciding or preparing bodies sets the meeting of a case."
        )
    )


def can_record_meeting_decisions(user, meeting) -> Permit:
    """The secretary of the meeting's body records its decisions (each one is then checked
    like a single decision task by ``can_execute_task``)."""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to record decisions."))
    position = meeting.body.secretary_position
    acting = acting_as(user, position) if position is not None else None
    if acting is None:
        return _no(
            _("Only the secretary of %(body)s records the decisions of its meetings.")
            % {"body": meeting.body}
        )
    return _yes(acting)
