"""Viewflow node extensions."""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

from django.db import connection, connections, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_save, pre_save
from django.utils.timezone import now
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes import Split, View
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.func import FunctionActivation
from viewflow.workflow.nodes.if_gate import IfActivation
from viewflow.workflow.nodes.join import JoinActivation
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import PROCESS, STATUS

from config.compiled_bulk import insert_values
from config.compiled_query import CompiledQuery, save_new, statement_cursor
from config.field_values import save_values

from . import routing

# The links from new tasks to the tasks before them (viewflow's ``Task.previous``), written
# inside ``links_in_one_insert()`` with one INSERT when the block ends instead of one each.
_pending_links: ContextVar[list | None] = ContextVar("styrdok_pending_task_links", default=None)


def link_previous(task, previous) -> None:
    pending = _pending_links.get()
    if pending is None:
        task.previous.add(previous)
    else:
        pending.append((task.pk, previous.pk))  # (from_task, to_task): the link's columns


@contextmanager
def links_in_one_insert() -> Iterator[None]:
    """Write the previous-task links of the tasks the flow creates inside the block with
    one INSERT when it ends (inside the caller's transaction). Nothing inside the block
    reads those links back: a waiting join, which does, writes its own at once."""
    pending: list = []
    token = _pending_links.set(pending)
    try:
        yield
    finally:
        _pending_links.reset(token)
    if pending:
        # bulk_create's statement, compiled once, from the ids (no model instances).
        insert_values(Task.previous.through, pending, ignore_conflicts=True)


# A new task's INSERT, compiled once per process.
#
# Viewflow's nodes insert about twenty task rows per case; Django's ``save`` builds and
# compiles the 17-column INSERT each time. ``insert_task`` does what ``task.save()`` does
# for a new row (viewflow's flow_task_type, then ``config.compiled_query.save_new``: the
# related fields' check, ``pre_save`` and ``post_save`` with the same arguments, each
# field's ``pre_save`` and database value, the primary key from RETURNING) with the SQL
# compiled once per model and database.


def insert_task(task) -> None:
    """``task.save()`` of a new task row (no primary key yet), compiled once per process."""
    if task.flow_task and not task.flow_task_type:  # as viewflow's Task.save
        task.flow_task_type = task.flow_task.task_type
    save_new(task)


# A task's full-row UPDATE, compiled once per process.
#
# Viewflow saves a human task's whole row when it completes (``Activation.complete``), and
# the start task's row when the case starts; Django's ``save`` builds and compiles the
# UPDATE of the 16 columns each time. ``save_task`` writes the same columns with the same
# signals and SQL compiled once per model and database; a new row goes to ``insert_task``.
_TASK_UPDATES: dict[tuple[type, str], tuple[str, list]] = {}


def _compile_task_update(model: type, using: str) -> tuple[str, list]:
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key and not f.generated]
    if meta.parents:
        raise RuntimeError("save_task: a task model of one table")
    quote = connections[using].ops.quote_name
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {table}.{quote(meta.pk.column)} = %s"
    return sql, fields


def save_task(task) -> None:
    """``task.save()`` (viewflow's ``AbstractTask.save``), compiled once per process: a new
    row is inserted (``insert_task``), an existing one has all its columns updated, with
    ``pre_save`` and ``post_save`` sent as Django sends them."""
    if task.pk is None or task._state.adding:
        insert_task(task)
        return
    if task.get_deferred_fields():  # Django saves only the loaded ones: its own save
        task.save()
        return
    model = type(task)
    if task.flow_task and not task.flow_task_type:  # as viewflow's Task.save
        task.flow_task_type = task.flow_task.task_type
    using = router.db_for_write(model, instance=task)
    key = (model, using)
    if key not in _TASK_UPDATES:
        _TASK_UPDATES[key] = _compile_task_update(model, using)
    sql, fields = _TASK_UPDATES[key]
    connection = connections[using]
    task._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=task, raw=False, using=using, update_fields=None)
    with transaction.mark_for_rollback_on_error(using=using):
        params = save_values(fields, task, False, connection)
        cursor = statement_cursor(connection)
        cursor.execute(sql, [*params, task.pk])
        updated = cursor.rowcount
    if not updated:  # the row is gone: Django's save decides (it inserts it again)
        task.save()
        return
    task._state.db = using
    post_save.send(
        sender=model, instance=task, created=False, update_fields=None, raw=False, using=using
    )


def complete_task_row(activation) -> None:
    """Viewflow's ``Activation.complete``, the row saved by ``save_task``."""
    activation.task.finished = now()
    save_task(activation.task)
    task_finished.send(
        sender=activation.flow_class, process=activation.process, task=activation.task
    )


# Gateways that write their task row once.
#
# Viewflow inserts a gateway's task row when the gateway is reached, updates it when the
# gateway completes (a moment later, in the same transaction) and runs the gateway's
# callback inside a savepoint of its own, so that a failed callback can be kept as an
# ERROR task when the activation context does not propagate exceptions (viewflow's jobs
# and timers, which these flows do not use). Here the row is inserted once, when the
# gateway completes, with its final status, and the savepoint is opened only when the
# context keeps errors instead of propagating them: when an exception propagates, the
# caller's transaction is rolled back anyway. The rows, their order and the links to the
# previous task are the same as viewflow's.


def _callback_guard():
    if context.propagate_exception:
        return nullcontext()
    return transaction.atomic(savepoint=True)


class InsertedOnCompletion(Activation):
    """Activation mixin: the task row is saved (inserted) when the node completes."""

    _previous = None

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation._previous = prev_activation.task
        return activation

    def __hash__(self):
        # An unsaved task has no primary key to hash; until it has one, the activation is
        # only itself.
        return hash(self.task) if self.task.pk is not None else id(self)

    def _insert(self) -> None:
        insert_task(self.task)
        if self._previous is not None:
            link_previous(self.task, self._previous)
            self._previous = None

    @Activation.status.super()
    def complete(self):
        self.task.finished = now()
        self._insert()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class LeanIfActivation(InsertedOnCompletion, IfActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), _callback_guard():
            self._condition_result = self.flow_task._condition(self)


class LeanSwitchActivation(InsertedOnCompletion, SwitchActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), _callback_guard():
            # The first case whose condition holds, else the default (wherever it stands),
            # as viewflow's Switch decides.
            branches = self.flow_task._branches
            self.next_task = next((node for node, cond in branches if cond and cond(self)), None)
            if self.next_task is None:
                self.next_task = next((node for node, cond in branches if not cond), None)
            if self.next_task is None:
                raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class LeanFunctionActivation(InsertedOnCompletion, FunctionActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), _callback_guard():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.flow_task._func(self)


class LeanEndActivation(InsertedOnCompletion, EndActivation):
    """Finishes the case when no other task is open: only the process row's status and end
    time are saved (viewflow saves the whole case, two tables); the case's save keeps the
    document's open-case flag."""

    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), _callback_guard():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            still_open = not self._finish_unless_open()
            task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
            if not still_open:
                flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)

    def _finish_unless_open(self) -> bool:
        """Finish the process unless another of its tasks is open, in one conditional
        UPDATE (the question and the write were two queries); True if it finished."""
        process = self.process
        task_class = self.flow_class.task_class
        finish = getattr(process, "finish_in_place", None)
        if finish is not None:  # a case: compiled once (workflows.case_writes)
            return finish(task_class, self.task.pk)
        # A process of viewflow's own: saved as viewflow saves it.
        others = task_class._default_manager.filter(
            process=OuterRef("pk"), finished__isnull=True
        ).exclude(pk=self.task.pk)
        if Process._default_manager.filter(pk=process.pk).exclude(Exists(others)).exists():
            process.status, process.finished = PROCESS.DONE, now()
            process.save(update_fields=["status", "finished"])
            return True
        return False


class MultiSplitActivation(InsertedOnCompletion, SplitActivation):
    @SplitActivation.status.super()
    def activate(self):
        for node, cond, data_source in self.flow_task._branches:
            if cond and not cond(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class MultiSplit(Split):
    """A parallel split that can create one task per item of a data source.

    ``Next(node, data_source=callable)`` creates an instance of ``node`` for each
    item the callable returns for the activation, with ``task.data`` set to the
    item. The tasks share the split's token prefix, so a Join waits for all of
    them. (The open-source viewflow documents ``data_source`` but ignores it.)
    """

    activation_class = MultiSplitActivation

    def Next(self, node, case=None, data_source=None):  # noqa: N802 - viewflow's naming
        self._activate_next.append((node, case, data_source))
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._activate_next = [
            (node, cond, this.resolve(instance, ds)) for node, cond, ds in self._activate_next
        ]


class RoutedViewActivation(ViewActivation):
    """A human task routed before its row is first saved: ``routing.write_route`` writes
    the route (a position, the authors, the registrars or one person) onto the new task,
    which is then inserted once, routed (viewflow would insert it, then let the
    task-created hook update it); its link to the task before it follows
    ``links_in_one_insert``. The nodes give no owner of viewflow's own (``Assign``).

    ``authors``: the case's authors when the task follows the start, which added them
    (``CaseStartActivation.authors``), for its task-created hook; else None (read)."""

    authors: list | None = None

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        if isinstance(prev_activation, CaseStartActivation):
            activation.authors = prev_activation.authors
        routing.write_route(task, activation.process)
        insert_task(task)
        link_previous(task, prev_activation.task)
        if flow_task._on_create is not None:
            flow_task._on_create(activation)
        return activation

    @Activation.status.super()
    def complete(self):
        complete_task_row(self)


class RoutedView(View):
    activation_class = RoutedViewActivation

    def calc_owner_permission(self, activation):
        # Where viewflow itself asks (not on creation, see above): the route, on the task.
        routing.write_route(activation.task, activation.process)
        return None


# Per join node, the query of its arrivals, compiled once per process (CompiledQuery).
_ARRIVALS: dict = {}


def _arrivals_query(flow_task) -> CompiledQuery:
    """A join already waiting at ``flow_task`` in a process, and the tasks of the branches
    that share its token prefix and still run."""
    if flow_task not in _ARRIVALS:
        finished = [STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED]
        _ARRIVALS[flow_task] = CompiledQuery(
            lambda process_id, prefix: flow_task.flow_class.task_class._default_manager.filter(
                process=process_id
            ).filter(
                Q(flow_task=flow_task, status__in=[STATUS.NEW, STATUS.STARTED])
                | (Q(token__startswith=prefix) & ~Q(status__in=finished))
            ),
            ids=("process_id",),
            texts=("prefix",),
        )
    return _ARRIVALS[flow_task]


class LeanJoinActivation(JoinActivation):
    """Viewflow's join, with the same rows. The first branch to arrive makes the join task;
    when it is also the last (one union representative), the row is inserted once, done,
    when the join completes; otherwise it is inserted started and waits (viewflow inserts
    it new, then updates it to started and, later, to done). Whether all incoming branches
    are done is read once per arrival (viewflow asks twice and reads the incoming tasks a
    third time), and completing opens a savepoint only when errors are kept rather than
    propagated. Without viewflow's ``continue_on_condition``: these flows wait for every
    branch."""

    _done = None
    _prefixes = None
    _arrived = None

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        task_class = flow_task.flow_class.task_class
        join_token = token.get_base_split_token() if token.is_split_token() else token
        arrived = prev_activation.task
        # A new join's one incoming task is the one arriving: its prefix without a read.
        prefix = arrived.token.get_common_split_prefix(join_token, arrived.pk)
        # One query: a join already waiting, and the branches still running (what
        # ``is_done`` asks when this arrival makes the join).
        rows = _arrivals_query(flow_task).run(process_id=prev_activation.process.pk, prefix=prefix)
        waiting = [
            t for t in rows if t.flow_task == flow_task and t.status in (STATUS.NEW, STATUS.STARTED)
        ]
        if len(waiting) > 1:
            raise FlowRuntimeError("More than one join instance for process found")
        if waiting:
            waiting[0].previous.add(arrived)
            return cls(waiting[0])
        task = task_class(
            process=prev_activation.process,
            flow_task=flow_task,
            token=join_token,
            started=now(),
            status=STATUS.STARTED,
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation._arrived = arrived
        activation._prefixes = {prefix}
        activation._done = not rows  # no branch still running
        return activation

    def __hash__(self):
        return hash(self.task) if self.task.pk is not None else id(self)

    def _insert(self, *, done: bool = False) -> None:
        insert_task(self.task)
        if done:
            # Inserted done: no later arrival reads its links (a waiting join's are read
            # by the next branch to arrive, perhaps in this block, so they are written now).
            link_previous(self.task, self._arrived)
        else:
            self.task.previous.add(self._arrived)
        self._arrived = None

    def _join_token_prefixes(self):
        if self._prefixes is None:
            self._prefixes = super()._join_token_prefixes()
        return self._prefixes

    def is_done(self):
        if self._done is None:
            self._done = super().is_done()
        return self._done

    @Activation.status.super()
    def activate(self):
        if self.task.pk is None and not self.is_done():
            self._insert()  # waits for the other branches

    @Activation.status.super()
    def complete(self):
        with self.exception_guard(), _callback_guard():
            join_prefixes = self._join_token_prefixes()
            if len(join_prefixes) > 1:
                raise FlowRuntimeError(
                    f"Multiple tokens {join_prefixes} came to join {self.flow_task.name}"
                )
            self.task.finished = now()
            if self.task.pk is None:
                self._insert(done=True)
            else:
                self.task.save()
            task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class Join(flow.Join):
    activation_class = LeanJoinActivation


class CaseStartActivation(StartHandleActivation):
    """Starts a case whose row the start callback has already inserted (in the caller's
    transaction, which must be open). Viewflow would save the case again and lock it, in
    two savepoints; a row inserted in this transaction is seen by no other, so neither is
    needed. ``authors``: the new case's authors, as the start callback added them
    (``engine.init_case``), handed to the task after the start (``RoutedViewActivation``)."""

    authors: list | None = None

    @Activation.status.super()
    def execute(self):
        if not connection.in_atomic_block:
            raise RuntimeError("A case is started inside its start action's transaction.")
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        if self.process.pk is None:
            self.process.save()
        self.complete()
        flow_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.activate_next()

    @Activation.status.super()
    def complete(self):
        complete_task_row(self)


class StartHandle(flow.StartHandle):
    activation_class = CaseStartActivation


class If(flow.If):
    activation_class = LeanIfActivation


class Switch(flow.Switch):
    activation_class = LeanSwitchActivation


class Function(flow.Function):
    activation_class = LeanFunctionActivation


class End(flow.End):
    activation_class = LeanEndActivation
