"""The scheduled publication of adopted versions whose valid-from day has come."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..flows import DocumentFlow
from ..models import Case


def publish_due_versions(*, on: datetime.date | None = None) -> list[Case]:
    """Publish every adopted version whose valid-from date has come. Idempotent."""
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
