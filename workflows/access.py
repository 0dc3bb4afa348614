"""The access module: "may this user do this to this object?", answered once.

Views, forms, the admin, services and commands ask here; none re-implements a
check. Answers that refuse carry a reason a user can read.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from documents import rules

# The roles the register side needs too are defined below, in documents.access; callers
# keep asking for them here.
from documents.access import (  # noqa: F401
    is_administrator,
    is_registrar,
    registrar_acting,
    registrar_positions,
)
from org.models import Body, BodyMembership, Position, PositionKind, UnionRepresentative
from org.selectors import acting_as, acting_in, today

from . import routing

# The registrar's desk and the bodies' meetings, asked here by their callers.
from .desk_access import (  # noqa: F401
    calendar_bodies,
    can_plan_meetings,
    can_record_meeting_decisions,
    can_register_records,
    can_see_desk,
    can_see_meeting,
    can_set_target_meeting,
    secretary_bodies,
)
from .models import AUTHORSHIP, Case, CaseKind, CaseReaderGrant
from .permits import Permit
from .permits import no as _no
from .permits import yes as _yes

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)


def can_start_case(user) -> Permit:
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to start a case."), "login_required")
    acting = [a for a in acting_in(user) if a.position.kind != PositionKind.OTHER]
    if not acting:
        return _no(
            _(
                "Only officials, chiefs, process owners, secretaries and registrars can "
                "start cases."
            ),
            "no_position",
        )
    return _yes(acting[0])


def is_author(user, case: Case) -> bool:
    read = getattr(case, "authorship_read", None)  # with the step's lock (actions.tasks)
    if read is not None and read[0] == user.pk:
        return read[1]
    return bool(AUTHORSHIP.run(case_id=case.pk, user_id=user.pk))


def eligible_for_task(user, task: Task, case: Case) -> Permit:
    """May ``user`` work on this task at all (ignoring who has claimed it)?"""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to work on tasks."), "login_required")
    route = routing.route_of(task)
    if route.kind == "user":
        if task.owner_id == user.pk:
            return _yes(None)
        return _no(_("This task is assigned to someone else."), "task_of_someone_else")
    if route.kind == routing.TO_AUTHORS:
        if is_author(user, case):
            held = acting_in(user)
            return _yes(held[0] if held else None)
        return _no(_("Only the case's authors may work on the draft."), "not_an_author")
    if route.kind == routing.TO_REGISTRARS:
        acting = registrar_acting(user)
        if acting:
            return _yes(acting)
        return _no(_("Only the registrar registers decisions."), "not_registrar")
    acting = acting_as(user, route.position_id)
    if acting is None:
        if task.flow_task.name == "decision":
            return _no(decision_refusal(user, case), "not_the_decider")
        return _no(
            _("This task belongs to the position %(position)s; you do not act in it today.")
            % {"position": route.position},
            "not_in_position",
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
        return _no(_("This task is already completed."), "task_completed")
    permit = eligible_for_task(user, task, case)
    if not permit:
        return permit
    if task.owner_id and task.owner_id != user.pk:
        return _no(
            _("%(name)s has claimed this task. They can release it so that you can take it.")
            % {"name": task.owner.get_full_name() or task.owner},
            "task_claimed_by_other",
        )
    if task.flow_task.name == "decision":
        # A review's authors are who answered it; the version's author may confirm it.
        wrote_version = (
            case.kind != CaseKind.REVIEW and case.version and case.version.created_by_id == user.pk
        )
        if is_author(user, case) or wrote_version:
            if case.kind == CaseKind.REVIEW:
                return _no(
                    _(
                        "You answered this review and may not confirm it yourself (the four-eyes principle)."
                    ),
                    "four_eyes",
                )
            return _no(
                _(
                    "You wrote this proposal and may not decide on it yourself (the four-eyes principle)."
                ),
                "four_eyes",
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
            return _no(verdict.reason, "decider_not_allowed")
    return permit


def can_claim_task(user, task: Task, case: Case) -> Permit:
    if task.status != STATUS.NEW or task.owner_id:
        return _no(_("This task is already claimed or completed."), "task_taken")
    return eligible_for_task(user, task, case)


def can_release_task(user, task: Task, case: Case) -> Permit:
    if task.status != STATUS.ASSIGNED or not task.owner_id:
        return _no(_("This task is not claimed."), "task_not_claimed")
    if routing.route_of(task).kind == "user":
        return _no(_("Personal tasks cannot be released."), "task_personal")
    if task.owner_id == user.pk:
        return eligible_for_task(user, task, case) or _yes()  # record the position acted in
    return eligible_for_task(user, task, case)


def can_edit_draft(user, case: Case) -> Permit:
    open_draft = Task.objects.filter(
        process=case, flow_task_type="HUMAN", status__in=OPEN_TASK
    ).filter(Q(flow_task__endswith=".draft") | Q(flow_task__endswith=".repeal_draft"))
    if not open_draft.exists():
        return _no(
            _("The draft can only be edited while the case is in drafting."), "not_in_drafting"
        )
    if not is_author(user, case):
        return _no(_("Only the case's authors may edit the draft."), "not_an_author")
    return _yes()


# --- Who may see a case (and its draft) -------------------------------------------
#
# Each rule below is one function with a matching queryset expression in
# ``visible_cases``; tests compare the two over a populated municipality.
# Dates: positions, substitutions, body memberships and union representations count
# on the day asked (today), like the routing of tasks.

# Steps whose first task marks that the case has reached a stage.
SAMVERKAN_STEPS = ("union_statement",)
POLITICAL_STEPS = ("proposal", "preparation", "decision")


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_open_admin(user) -> bool:
    """Whether the navigation links to the Django admin: active staff, as the admin's own
    gate lets in (what they may open there is Django's model permissions)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def can_see_engine_records(user) -> bool:
    """viewflow's own process and task lists in the admin show every case of every flow
    with its participants: administrators only."""
    return is_administrator(user)


def can_see_audit_trail(user) -> bool:
    """The whole audit trail (/work/audit/, its export and the menu's link to it): the
    registrar and administrators."""
    return is_administrator(user) or is_registrar(user)


def _acting_position_ids(user) -> list[str]:
    return [str(a.position.pk) for a in acting_in(user)]


def _step_q(steps: tuple[str, ...]) -> Q:
    q = Q()
    for step in steps:
        q |= Q(flow_task__endswith=f".{step}")
    return q


def reached(case: Case, steps: tuple[str, ...]) -> bool:
    """Whether the case has (or had) a task of one of ``steps``."""
    return Task.objects.filter(process=case).filter(_step_q(steps)).exists()


def is_case_author(user, case: Case) -> bool:
    """Rule 1: the official who started the case and the (co-)authors."""
    return case.started_by_id == user.pk or is_author(user, case)


def is_owner_unit_chief(user, case: Case) -> bool:
    """Rule 2: the chief of the owner position's unit, or their substitute on the day."""
    chief = case.document.owner_position.unit.chief_position
    return chief is not None and acting_as(user, chief) is not None


def has_task_in_case(user, case: Case) -> bool:
    """Rule 3: whoever has or had a task in the case: tasks they own (claimed, done, or
    personal like a union statement) and tasks of a position they act in."""
    position_ids = _acting_position_ids(user)
    return (
        Task.objects.filter(process=case)
        .filter(
            Q(owner=user)
            | Q(owner_permission=routing.TO_POSITION, owner_permission_obj_pk__in=position_ids)
        )
        .exists()
    )


def in_consulting_group(user, case: Case) -> bool:
    """Rule 4: the union representatives of the consulting samverkan group, once the case
    has reached samverkan (never before)."""
    if not case.samverkan_group_id:
        return False
    is_member = (
        UnionRepresentative.objects.active_on(today())
        .filter(group_id=case.samverkan_group_id, user=user)
        .exists()
    )
    return is_member and reached(case, SAMVERKAN_STEPS)


def in_deciding_body(user, case: Case) -> bool:
    """Rule 5: the deciding body's members and secretary, once the case has reached the
    political stage (decision proposal, preparation or decision)."""
    body = case.decider_body
    if body is None:
        return False
    is_member = BodyMembership.objects.active_on(today()).filter(body=body, user=user).exists()
    is_secretary = bool(
        body.secretary_position_id and acting_as(user, body.secretary_position) is not None
    )
    return (is_member or is_secretary) and reached(case, POLITICAL_STEPS)


def has_reader_grant(user, case: Case) -> bool:
    """Rule 6: an explicit grant by the registrar (a guardian object permission)."""
    return ObjectPermissionChecker(user).has_perm("view_case", case)


def can_view_case(user, case: Case) -> bool:
    """May ``user`` see the case, its draft and its files? Administrators, registrars, and
    whoever one of the rules above lets in."""
    if not _active(user):
        return False
    if is_administrator(user) or is_registrar(user):
        return True
    return (
        is_case_author(user, case)
        or is_owner_unit_chief(user, case)
        or has_task_in_case(user, case)
        or in_consulting_group(user, case)
        or in_deciding_body(user, case)
        or has_reader_grant(user, case)
    )


def can_view_samverkan_records(user, case: Case) -> bool:
    """Union positions, samverkan meetings and negotiations: for those who may see the
    case, once it has reached samverkan."""
    return can_view_case(user, case) and reached(case, SAMVERKAN_STEPS)


def can_grant_reader(user, case: Case) -> Permit:
    """Only the registrar (or an administrator) grants someone read access to a case."""
    if not _active(user):
        return _no(_("Log in first."), "login_required")
    acting = registrar_acting(user)
    if acting is None and not is_administrator(user):
        return _no(_("Only the registrar grants read access to a case."), "not_registrar")
    return _yes(acting)


def case_readers(case: Case) -> list:
    """People with an explicit read grant on the case (for the registrar's list)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            pk__in=CaseReaderGrant.objects.filter(
                content_object=case, permission__codename="view_case"
            ).values("user_id")
        )
        .order_by("last_name", "first_name", "username")
    )


# What a list of cases shows of each (its diarienummer, its document and type), read with it.
CASE_LIST_RELATED = ("diary_entry__series", "document__document_type")


def visible_cases(user) -> QuerySet:
    """Cases the user may see, for lists: the same rules as ``can_view_case``."""
    qs = Case.objects.select_related(*CASE_LIST_RELATED)
    if not _active(user):
        return qs.none()
    acting = acting_in(user)
    if is_administrator(user) or any(a.position.kind == PositionKind.REGISTRAR for a in acting):
        return qs
    day = today()
    position_ids = [str(a.position.pk) for a in acting]
    # Rule 2: units whose chief position the user acts in.
    chief_units = Position.objects.filter(
        pk__in=[int(p) for p in position_ids], kind=PositionKind.CHIEF
    ).values("unit_id")
    # Rule 3.
    task_cases = Task.objects.filter(
        Q(owner=user)
        | Q(owner_permission=routing.TO_POSITION, owner_permission_obj_pk__in=position_ids)
    ).values("process_id")
    # Rule 4.
    my_groups = UnionRepresentative.objects.active_on(day).filter(user=user).values("group_id")
    samverkan_reached = Exists(
        Task.objects.filter(_step_q(SAMVERKAN_STEPS), process=OuterRef("pk")).order_by()
    )
    # Rule 5.
    my_bodies = Body.objects.filter(
        Q(pk__in=BodyMembership.objects.active_on(day).filter(user=user).values("body_id"))
        | Q(secretary_position_id__in=[int(p) for p in position_ids])
    ).values("pk")
    political_reached = Exists(
        Task.objects.filter(_step_q(POLITICAL_STEPS), process=OuterRef("pk")).order_by()
    )
    # Rule 6.
    granted = _granted_case_ids(user)
    # One UNION of the rules' case ids, read through the cases' key: each rule is a seek
    # in its own index. An OR of the rules made PostgreSQL read every case with its joins
    # (about 200 ms on the generated municipality).
    case_ids = Case.objects.values("pk").order_by()
    return qs.filter(
        pk__in=case_ids.filter(started_by=user).union(
            Case.authors.through.objects.filter(user=user).values("case_id").order_by(),
            case_ids.filter(document__owner_position__unit_id__in=chief_units),
            task_cases.order_by(),
            # Whether a case reached a stage is asked of its own tasks (a seek by case):
            # the ids of every case that reached it took a scan of all tasks by their
            # names' ends (about 40 ms on SQLite for the inbox of the generated town).
            case_ids.filter(samverkan_reached, samverkan_group_id__in=my_groups),
            case_ids.filter(political_reached, decider_body_id__in=my_bodies),
            *granted,
        )
    )


def _granted_case_ids(user) -> list[QuerySet]:
    """Rule 6 for lists: the ids of the cases granted to ``user`` (``CaseReaderGrant``) and
    to their groups (guardian's generic table), what ``has_reader_grant`` answers for one
    case, as two id subqueries for ``visible_cases``' UNION."""
    own = CaseReaderGrant.objects.filter(user=user, permission__codename="view_case")
    groups = GroupObjectPermission.objects.filter(
        group__user=user,
        permission__codename="view_case",
        content_type=ContentType.objects.get_for_model(Case),
    )
    return [
        own.values("content_object_id").order_by(),
        groups.annotate(case_id=Cast("object_pk", BigIntegerField())).values("case_id").order_by(),
    ]


def case_material_in(user, rows: QuerySet) -> QuerySet:
    """``rows`` of something that belongs to a case (audit entries, registered records),
    narrowed to the cases ``user`` may see; administrators see every row, also rows of no
    case (the admin's lists)."""
    if is_administrator(user):
        return rows
    return rows.filter(case__in=visible_cases(user).values("pk"))


def inbox_routes(user) -> list[QuerySet[Task]]:
    """The open tasks that reach ``user``, one query per route: their own (personal or
    claimed), their positions' (also as substitute), their drafts, and the registrar's
    queue. Each is a seek in one of the route indexes of migration workflows 0009, so the
    cost follows the user's tasks, not all open tasks."""
    if not getattr(user, "is_authenticated", False):
        return []
    open_tasks = Task.objects.filter(status__in=OPEN_TASK, flow_task_type="HUMAN").order_by()
    # A routed task shows while nobody has claimed it, and when claimed, to everyone it is
    # routed to (as claimed by whom). Not written as "no owner or claimed": SQLite answers
    # that OR from two whole-table indexes instead of the route index.
    routed = open_tasks.exclude(status=STATUS.NEW, owner__isnull=False)
    routes = [open_tasks.filter(owner=user)]
    position_ids = _acting_position_ids(user)
    if position_ids:
        routes.append(
            routed.filter(
                owner_permission=routing.TO_POSITION, owner_permission_obj_pk__in=position_ids
            )
        )
    # The cases they write, as the route stores them (the case's id as text).
    authored = (
        Case.objects.filter(authors=user, finished__isnull=True)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    routes.append(
        routed.filter(owner_permission=routing.TO_AUTHORS, owner_permission_obj_pk__in=authored)
    )
    if registrar_acting(user):
        routes.append(routed.filter(owner_permission=routing.TO_REGISTRARS))
    return routes


def _inbox_union(user, *fields: str) -> QuerySet | None:
    """The ``fields`` of each open task that reaches ``user`` by any route, once."""
    routes = [route.values(*fields) for route in inbox_routes(user)]
    if not routes:
        return None
    return routes[0].union(*routes[1:]) if len(routes) > 1 else routes[0]


def inbox_order(user) -> QuerySet:
    """The ``pk`` and ``created`` of each open task the user can do or claim, once (a
    UNION of ``inbox_routes``), oldest first: to count and page without joining."""
    tasks = _inbox_union(user, "pk", "created")
    if tasks is None:
        return Task.objects.none().values("pk", "created")
    return tasks.order_by("created", "pk")


def inbox(user) -> QuerySet[Task]:
    """Open tasks the user can do or claim (see ``inbox_routes``), oldest first."""
    ids = _inbox_union(user, "pk")
    if ids is None:
        return Task.objects.none()
    return Task.objects.filter(pk__in=ids).order_by("created", "pk")
