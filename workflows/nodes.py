"""Viewflow node extensions."""

from contextlib import nullcontext

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.timezone import now
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Process
from viewflow.workflow.nodes import Split, View
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.func import FunctionActivation
from viewflow.workflow.nodes.handle import HandleActivation
from viewflow.workflow.nodes.if_gate import IfActivation
from viewflow.workflow.nodes.join import JoinActivation
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import PROCESS, STATUS

from config.compiled_query import CompiledQuery

from . import routing
from .task_rows import (
    complete_task_row,
    insert_done_task,
    insert_task,
    link_previous,
    write_done_tasks,
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


# Per node, whether the row of its task, done, may wait for the next task row of a step
# (``task_rows.insert_done_task``): only when every node after it writes its row through
# ``insert_task`` and its link through ``link_previous`` (its activation class says so,
# ``takes_waiting_rows``); viewflow's own nodes save their row and link it at once.
_MAY_WAIT: dict = {}


def _insert_done(activation) -> None:
    flow_task = activation.flow_task
    if flow_task not in _MAY_WAIT:
        _MAY_WAIT[flow_task] = all(
            getattr(edge.dst.activation_class, "takes_waiting_rows", False)
            for edge in flow_task._outgoing()
        )
    (insert_done_task if _MAY_WAIT[flow_task] else insert_task)(activation.task)


class InsertedOnCompletion(Activation):
    """Activation mixin: the task row is saved (inserted) when the node completes."""

    _previous = None
    takes_waiting_rows = True

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

    # Whether the row may wait for the next task row of the step: not a split's, whose key
    # its branches' tokens carry.
    _waits = True

    def _insert(self) -> None:
        if self._waits:
            _insert_done(self)
        else:
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
    _waits = False

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
    ``step_task_rows``. The nodes give no owner of viewflow's own (``Assign``).

    ``authors``: the case's authors when the task follows the start, which added them
    (``CaseStartActivation.authors``), for its task-created hook; else None (read)."""

    authors: list | None = None
    takes_waiting_rows = True

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
    takes_waiting_rows = True

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        task_class = flow_task.flow_class.task_class
        join_token = token.get_base_split_token() if token.is_split_token() else token
        arrived = prev_activation.task
        if arrived.pk is None:  # a done task's row waiting for the next one: its key is read
            write_done_tasks()
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
        if done:
            # Inserted done: no later arrival reads its row or its links (a waiting join's
            # are read by the next branch to arrive, perhaps in this block, so they are
            # written now).
            _insert_done(self)
            link_previous(self.task, self._arrived)
        else:
            insert_task(self.task)
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
        if self.task.pk is not None:
            complete_task_row(self)
            return
        self.task.finished = now()
        _insert_done(self)  # with the first task's row
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class LeanHandleActivation(HandleActivation):
    """Viewflow's handle, which saves its new row and links it to the task before at once:
    a done row waiting for the next task row is written first."""

    takes_waiting_rows = True

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        write_done_tasks()
        return super().create(flow_task, prev_activation, token, data=data, seed=seed)


class Handle(flow.Handle):
    activation_class = LeanHandleActivation


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
