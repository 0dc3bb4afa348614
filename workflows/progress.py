"""Where a case is, as a short list of steps: done, current (who holds it and since when)
and next. Read from the case and its task trail in at most four queries, however long
the case has run: its tasks, the positions its open tasks are routed to, its authors, and
the bodies that prepare (only when a body decides)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import CharField, F
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from org.models import Body, Position

from . import access, routing
from .models import Case, CaseKind, CaseOutcome

DONE, CURRENT, NEXT, SKIPPED = "done", "current", "next", "skipped"

# The closing steps no person holds: what the flow does after registration.
_CLOSING = {
    CaseKind.REPEAL: ("repealed", CaseOutcome.REPEALED),
    CaseKind.NEW_DOCUMENT: ("publication", CaseOutcome.PUBLISHED),
    CaseKind.REVISION: ("publication", CaseOutcome.PUBLISHED),
}


@dataclass(frozen=True)
class Stage:
    key: str  # the flow's step name; "preparation:1" for the second preparing body
    title: str
    state: str  # DONE, CURRENT, NEXT or SKIPPED (not reached: the case ended before)
    holder: str = ""
    since: datetime.datetime | None = None
    done_on: datetime.datetime | None = None


def _plan(case: Case, steps_seen: set[str], chain: list[Body]) -> list[tuple[str, str]]:
    """The steps the case passes, in order, as (key, title)."""
    if case.kind == CaseKind.REVIEW:
        return [("review_answer", routing.step_title("review_answer")), _step("decision")]
    first = "repeal_draft" if case.kind == CaseKind.REPEAL else "draft"
    plan = [_step(first)]
    if case.kind != CaseKind.REPEAL and case.samverkan_group_id:
        plan += [_step("union_statement"), _step("samverkan_meeting")]
        if "negotiation" in steps_seen:
            plan.append(_step("negotiation"))
    if case.decider_body_id:
        plan.append(_step("proposal"))
        plan += [
            (f"preparation:{i}", _("Preparation in %(body)s") % {"body": routing.body_label(b)})
            for i, b in enumerate(chain)
        ]
    plan += [_step("decision"), _step("registration")]
    closing = _CLOSING[case.kind][0]
    plan.append((closing, _("Repealed") if closing == "repealed" else _("Publication")))
    return plan


def _step(name: str) -> tuple[str, str]:
    return name, routing.step_title(name)


def _current_key(case: Case) -> str:
    step = case.current_step
    if step == "preparation":
        return f"preparation:{case.preparation_index}"
    if step == "await_valid_from":
        return "publication"
    return step


def human_tasks(case: Case) -> list[dict]:
    """The case's human tasks, oldest first, as the progress and the case page read them
    (one query)."""
    return list(
        Task.objects.filter(process=case, flow_task_type="HUMAN")
        .order_by("created", "pk")
        .values(
            "id",
            "status",
            "created",
            "finished",
            "owner_id",
            "owner_permission",
            "owner_permission_obj_pk",
            "data",
            owner_first=F("owner__first_name"),
            owner_last=F("owner__last_name"),
            owner_username=F("owner__username"),
            step_ref=Cast("flow_task", CharField()),
        )
    )


def _holders(case: Case, open_tasks: list[dict]) -> str:
    """Who holds the open tasks: the person who claimed or was given each, else where it
    is routed (a position, the authors, the registrar)."""
    position_ids = {
        int(t["owner_permission_obj_pk"])
        for t in open_tasks
        if not t["owner_id"] and t["owner_permission"] == routing.TO_POSITION
    }
    positions = (
        dict(Position.objects.filter(pk__in=position_ids).values_list("pk", "title"))
        if position_ids
        else {}
    )
    names = [_holder(case, t, positions) for t in open_tasks]
    return ", ".join(dict.fromkeys(n for n in names if n))


def _holder(case: Case, task: dict, positions: dict[int, str]) -> str:
    if task["owner_id"]:
        name = owner_name(task) or task["owner_username"]
        union = (task["data"] or {}).get("union")
        return f"{name} ({union})" if union else name
    if task["owner_permission"] == routing.TO_POSITION:
        return positions.get(int(task["owner_permission_obj_pk"]), "")
    if task["owner_permission"] == routing.TO_AUTHORS:
        authors = case.authors.order_by("last_name", "first_name")
        return ", ".join(a.get_full_name() or a.username for a in authors)
    return str(_("the registrar"))


def owner_name(task: dict) -> str:
    """The full name of the person who holds a task of ``human_tasks`` ("" if nobody)."""
    return f"{task['owner_first'] or ''} {task['owner_last'] or ''}".strip()


def case_progress(case: Case, tasks: list[dict] | None = None) -> list[Stage]:
    """The case's steps in order with their state (see the module's docstring); ``tasks``
    are its ``human_tasks`` when the caller has read them already."""
    tasks = human_tasks(case) if tasks is None else tasks
    for t in tasks:
        t["step"] = t["step_ref"].rsplit(".", 1)[-1]
    seen = {t["step"] for t in tasks}
    chain = routing.preparing_chain(case) if case.kind != CaseKind.REVIEW else []
    plan = _plan(case, seen, chain)
    keys = [key for key, _title in plan]
    if case.finished is None:
        current = _current_key(case)
        at = keys.index(current) if current in keys else -1
        return [_open_stage(case, tasks, key, title, i, at) for i, (key, title) in enumerate(plan)]
    return [_closed_stage(case, tasks, key, title) for key, title in plan]


def _finished_on(tasks: list[dict], key: str) -> datetime.datetime | None:
    step = key.split(":", 1)[0]
    days = [t["finished"] for t in tasks if t["step"] == step and t["finished"]]
    return max(days) if days and ":" not in key else None


def _open_stage(case: Case, tasks, key: str, title: str, index: int, at: int) -> Stage:
    if index < at:
        return Stage(key, title, DONE, done_on=_finished_on(tasks, key))
    if index > at:
        return Stage(key, title, NEXT)
    if key == "publication":
        valid_from = case.version.valid_from if case.version_id else None
        holder = (
            _("Adopted; valid from %(day)s") % {"day": valid_from.isoformat()} if valid_from else ""
        )
        return Stage(key, title, CURRENT, holder=holder, since=case.step_since)
    step = key.split(":", 1)[0]
    open_tasks = [t for t in tasks if t["step"] == step and t["status"] in access.OPEN_TASK]
    since = min((t["created"] for t in open_tasks), default=case.step_since)
    return Stage(key, title, CURRENT, holder=_holders(case, open_tasks), since=since)


def _closed_stage(case: Case, tasks, key: str, title: str) -> Stage:
    closing = _CLOSING.get(case.kind)
    if closing and key == closing[0]:
        reached = case.outcome == closing[1]
        return Stage(key, title, DONE if reached else SKIPPED, done_on=case.finished)
    step = key.split(":", 1)[0]
    if any(t["step"] == step and t["finished"] for t in tasks):
        return Stage(key, title, DONE, done_on=_finished_on(tasks, key))
    return Stage(key, title, SKIPPED)
