"""Who gets each task of a case: the one place tasks are routed.

A task is routed to a position (anyone acting in it: holder or active
substitute; one of them claims it), to one named user (a union
representative), to the case's authors, or to the registrars. The routing is
stored on viewflow's task (owner / owner_permission fields) so the inbox can
query it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.compiled_query import update_row
from org.models import Body, Position

from .models import Case

TO_POSITION = "org.act_in_position"
TO_AUTHORS = "workflows.case_author"
TO_REGISTRARS = "workflows.registrar"

# Human titles of the steps, shown in the inbox, the timeline and the dashboard.
STEP_TITLES = {
    "draft": _("Drafting"),
    "union_statement": _("Union position in samverkan"),
    "samverkan_meeting": _("Samverkan meeting"),
    "negotiation": _("MBL negotiation"),
    "proposal": _("Decision proposal"),
    "preparation": _("Preparation in a body"),
    "decision": _("Decision"),
    "registration": _("Registration of the decision"),
    "await_valid_from": _("Waiting for the valid-from date"),
    "repeal_draft": _("Repeal proposal"),
    "review_answer": _("Review (aktualitetsprövning)"),
}


# The steps a case sent back returns to; ``Case.return_motivation`` says why.
REDRAFT_STEPS = ("draft", "repeal_draft", "review_answer")


def step_title(name: str) -> str:
    return str(STEP_TITLES.get(name, name))


def body_label(body) -> str:
    """A body as the pages name it: "Kommunstyrelsens arbetsutskott (KSAU)"."""
    if body.short_name and body.short_name != body.name:
        return f"{body.name} ({body.short_name})"
    return body.name


@dataclass(frozen=True)
class Route:
    kind: str  # TO_POSITION, TO_AUTHORS, TO_REGISTRARS or "user"
    position_id: int | None = None
    user_id: int | None = None

    @classmethod
    def to(cls, position: Position) -> Route:
        route = cls(TO_POSITION, position_id=position.pk)
        route.__dict__["position"] = position  # known: not read again
        return route

    @cached_property
    def position(self) -> Position | None:
        """The position routed to, read when first asked for (a route read back from a
        task knows only its id)."""
        if self.position_id is None:
            return None
        return Position.objects.select_related("unit").get(pk=self.position_id)


class RoutingError(Exception):
    pass


def preparing_chain(case: Case) -> list:
    """The bodies the case's matter passes before its deciding body, in order; read once
    per case object (the task page asks for it for its heading and for the progress)."""
    if "_preparing_chain" not in case.__dict__:
        body_id = case.decider_body_id
        case._preparing_chain = Body.preparing_chains([body_id])[body_id] if body_id else []
    return case._preparing_chain


def preparing_body(case: Case):
    chain = preparing_chain(case)
    return chain[case.preparation_index] if case.preparation_index < len(chain) else None


def _secretary(body) -> Position:
    if body is None or body.secretary_position_id is None:
        raise RoutingError(f"{body} has no secretary position")
    return body.secretary_position


def route_for(node_name: str, case: Case, task_data: dict) -> Route:
    if node_name in ("draft", "repeal_draft"):
        return Route(TO_AUTHORS)
    if node_name == "union_statement":
        return Route("user", user_id=task_data["user_id"])
    if node_name in ("samverkan_meeting", "negotiation"):
        return Route.to(case.samverkan_group.chair_position)
    if node_name == "proposal":
        chain = preparing_chain(case)
        return Route.to(_secretary(chain[0] if chain else case.decider_body))
    if node_name == "preparation":
        return Route.to(_secretary(preparing_body(case)))
    if node_name == "decision":
        if case.decider_body_id:
            return Route.to(_secretary(case.decider_body))
        return Route.to(case.decider_position)
    if node_name == "registration":
        return Route(TO_REGISTRARS)
    if node_name == "review_answer":
        return Route.to(case.document.owner_position)
    raise RoutingError(f"No route for step {node_name}")


def write_route(task, case: Case) -> Route:
    """Write the route onto a task that is not saved yet (``nodes.RoutedView``), so that
    the new task's row is inserted once, already routed. The route is kept on the task
    object for the task-created hook."""
    route = route_for(task.flow_task.name, case, task.data or {})
    if route.kind == "user":
        task.owner_id = route.user_id
        task.status = "ASSIGNED"
    elif route.kind == TO_POSITION:
        task.owner_permission = TO_POSITION
        task.owner_permission_content_type = ContentType.objects.get_for_model(Position)
        task.owner_permission_obj_pk = str(route.position_id)
    elif route.kind == TO_AUTHORS:
        task.owner_permission = TO_AUTHORS
        task.owner_permission_content_type = ContentType.objects.get_for_model(Case)
        task.owner_permission_obj_pk = str(case.pk)
    else:
        task.owner_permission = TO_REGISTRARS
    task.written_route = route
    return route


def apply_route(task, case: Case) -> Route:
    """Route a freshly created task (unless ``write_route`` did before its first save) and
    mark the case's current step."""
    route = getattr(task, "written_route", None)
    if route is None:
        route = write_route(task, case)
        task.save()
    if getattr(case, "step_marked", None) == task.flow_task.name:
        case.step_marked = None  # inserted at this step (engine.init_case)
        return route
    # The case's UPDATE, compiled once per set of columns (config/compiled_query.py).
    update_row(
        Case,
        case.pk,
        {
            "current_step": task.flow_task.name,
            "step_since": timezone.now(),
            **case.pending_values(),
        },
    )
    case.current_step = task.flow_task.name
    return route


def route_of(task) -> Route:
    """Read back the route stored on a task."""
    if task.owner_permission == TO_POSITION:
        return Route(TO_POSITION, position_id=int(task.owner_permission_obj_pk))
    if task.owner_permission == TO_AUTHORS:
        return Route(TO_AUTHORS)
    if task.owner_permission == TO_REGISTRARS:
        return Route(TO_REGISTRARS)
    return Route("user", user_id=task.owner_id)
