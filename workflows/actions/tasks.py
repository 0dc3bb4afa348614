"""Doing a human task: complete it with the step's input, claim it, release it.

``complete_task`` dispatches to the step's handler by the task's node name
(``STEP_HANDLERS``); each handler applies and audits its step inside the lock."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Q
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit import recording as audit
from config.compiled_query import CompiledQuery
from org.selectors import acting_memo

from .. import access, routing, task_rows
from ..models import Case, SamverkanStatement, UnionStance
from ..refusals import Busy, NoSuchTask, refuse
from . import decision, drafting, preparation, registration, review, review_steps, samverkan
from .base import Step, action_block, check_files_first, step_files

STEP_HANDLERS: dict[str, Callable[..., None]] = {
    "draft": drafting.submit_draft,
    "repeal_draft": drafting.submit_repeal_draft,
    "union_statement": samverkan.give_statement,
    "samverkan_meeting": samverkan.record_samverkan_meeting,
    "negotiation": samverkan.record_negotiation,
    "proposal": preparation.write_proposal,
    "preparation": preparation.record_preparation,
    "decision": decision.decide,
    "registration": registration.register,
    "review_answer": review_steps.answer_review,
}

# What follows a step once the flow has moved on, in the same transaction (a review's
# answer starts the revision or repeal case after the review has closed).
STEP_AFTER: dict[str, Callable[[Step], None]] = {
    "review_answer": review.start_follow_up,
}


def _get_task(task_id: int) -> Task:
    task = Task.objects.filter(pk=task_id).first()
    if task is None or not isinstance(task.process.coerced, Case):
        raise NoSuchTask()
    return task


# What a step reads of its case, read with the lock in one query.
STEP_CASE_RELATED = (
    "document__document_type",
    "document__scope_unit",
    "document__process",
    "version__adoption",
    "decider_body",
    "decider_position",
    "samverkan_group__chair_position",  # where the samverkan meeting's task goes
    "diary_entry__series",
)


def _build_lock_query(task_id: int, user_id: int):
    # The task comes with its case (``step_task``, the case's tasks narrowed to the one) and
    # is locked with it: on PostgreSQL a row read while waiting for the lock comes from the
    # snapshot taken before the wait, unless it is itself locked, in which case PostgreSQL
    # reads its newest version once the lock is granted. So a task completed meanwhile is
    # seen completed. The case is locked first (the order of ``of``), as the flows' lock
    # (``CASE_LOCK``) is taken before a case's tasks are written. In ``of``, "process"
    # names the filtered relation (Django names it by the task's field to the case).
    # The relation's condition only says what every task row satisfies (FilteredRelation
    # needs one); the task's id is named once, in WHERE, and there is no LIMIT: the
    # task's primary key gives one row at most. Named again in the relation's condition,
    # or with LIMIT 1, it cost PostgreSQL's planner 13 ms for each of a connection's first
    # five custom plans and about 60 ms for its generic plan; without, about 4 ms each.
    # Whether the one doing the step is among the case's authors (the draft's and the
    # decision's access checks ask) comes with the case: no query of its own.
    # So does whether a union demanded an MBL negotiation in the case's round (the
    # gateway after the samverkan meeting asks).
    authorship = Case.authors.through.objects.filter(case=OuterRef("pk"), user=user_id)
    demands = SamverkanStatement.objects.filter(
        case=OuterRef("pk"), round=OuterRef("round"), stance=UnionStance.DEMANDS_MBL
    )
    return (
        Case.objects.select_for_update(of=("self", "process"))
        .annotate(step_task=FilteredRelation("task", condition=Q(task__pk__isnull=False)))
        .select_related(*STEP_CASE_RELATED, "step_task")
        .annotate(doer_is_author=Exists(authorship), mbl_demanded_read=Exists(demands))
        .filter(step_task__pk=task_id)
        .order_by()
    )


# Compiled once per process: building and compiling the 14-table read cost Django several
# times what the database spends running it (config/compiled_query.py).
# Prepared on PostgreSQL, as every compiled statement (config.prepared): planning the join
# takes about 4 ms against 0.25 ms of running it; prepared, it is planned at the first six
# steps of a database connection only (five custom plans, then the generic one).
_LOCK_QUERY = CompiledQuery(_build_lock_query, ids=("task_id", "user_id"))


def _lock_step(task_id: int, user) -> tuple[Case, Task]:
    """Lock the rows of the task and its case and read them, with what the steps need of
    the case, in one query: the flows' lock (``CASE_LOCK``, a row lock on PostgreSQL)
    without a savepoint of its own. The task's owner is not read with it (a row that is
    not locked could be seen as it was before the wait): when it is the doer, it is
    ``user``; another owner is read if asked for (the refusal names them)."""
    try:
        found = _LOCK_QUERY.run(task_id=task_id, user_id=user.pk)
    except DatabaseError as exc:
        raise Busy() from exc
    if not found:
        raise NoSuchTask()
    case = found[0]
    case.authorship_read = (user.pk, case.doer_is_author)
    case.mbl_read = (case.round, case.mbl_demanded_read)
    task = case.step_task
    del case.step_task
    task_rows.remember_columns(task)  # its completion writes only what changes
    if task.owner_id is not None and task.owner_id == user.pk:
        task.owner = user
    task.process = case  # the activation reads the case from here: no new read
    return case, task


def _check_step_files_first(user, task_id: int, data: dict) -> None:
    files = step_files(data)
    if not any(upload is not None for upload in files):
        return
    task = Task.objects.filter(pk=task_id, process__case__isnull=False).first()
    if task is None:
        raise NoSuchTask()
    check_files_first(
        files, lambda: access.can_execute_task(user, task, Case.objects.get(pk=task.process_id))
    )


@acting_memo()  # the access checks ask about the same people before and under the lock
def complete_task(*, user, task_id: int, data: dict | None = None) -> Case:
    """Complete a human task with the step's input; the flow moves on."""
    data = dict(data or {})
    _check_step_files_first(user, task_id, data)
    # One atomic block and no nested one (the lock is the case read below); what the step
    # writes at its end, see ``action_block``.
    with action_block():
        case, task = _lock_step(task_id, user)
        step_name = task.flow_task.name
        permit = access.can_execute_task(user, task, case)
        case.authorship_read = None  # the step may add authors: asked again, it is read
        if not permit:
            raise refuse(permit)
        case.write_later()  # the handler's changes go with the case's next UPDATE
        step = Step(user=user, acting=permit.acting, case=case, task=task)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            # Taken by the one who does it (the check above is the permission); the row is
            # written once, when the task completes, with its owner.
            task.owner, task.status = user, STATUS.ASSIGNED
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
        after = STEP_AFTER.get(step_name)
        if after is not None:
            after(step)
        case.save_pending()
        case._later = None
    return case


def claim_task(*, user, task_id: int) -> Task:
    """Take a task routed to a position or group as one's own."""
    return _change_owner(
        user, task_id, access.can_claim_task, "task_claimed", lambda a, u: a.assign(u)
    )


def release_task(*, user, task_id: int) -> Task:
    """Give a claimed task back to everyone it is routed to."""
    return _change_owner(
        user, task_id, access.can_release_task, "task_released", lambda a, u: a.unassign()
    )


def _change_owner(user, task_id: int, check, action: str, change) -> Task:
    task = _get_task(task_id)
    with transaction.atomic(), task.flow_task.flow_class.lock(task.process_id):
        task = Task.objects.select_related("owner").get(pk=task_id)
        case = Case.objects.get(pk=task.process_id)
        permit = check(user, task, case)
        if not permit:
            raise refuse(permit)
        change(task.flow_task.activation_class(task), user)
        audit.record(
            action,
            actor=user,
            acting=permit.acting,
            target=case,
            case=case,
            from_state=task.flow_task.name,
            comment=routing.step_title(task.flow_task.name),
        )
    return task
