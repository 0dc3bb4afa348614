"""Viewflow node extensions."""

from viewflow import this
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes import Split, View
from viewflow.workflow.nodes.split import SplitActivation

from . import routing


class MultiSplitActivation(SplitActivation):
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


class RoutedView(View):
    """A human task routed before its row is first saved.

    Viewflow asks the node for a new task's owner permission just before it inserts the
    task; this node answers by writing the route (``routing.write_route``) onto the task
    itself and returning nothing, so viewflow changes no routing field and the task is
    saved once, routed (instead of inserted, then updated by the task-created hook).
    """

    def calc_owner_permission(self, activation):
        routing.write_route(activation.task, activation.process)
        return None
