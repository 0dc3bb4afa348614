"""How a case's own row is written inside a step: changes kept for the case's next UPDATE,
the End node's finishing UPDATE, and the documents' open-case flags that follow a case
opening or closing (compiled once per process, config/compiled_query.py)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from config.compiled_query import CompiledUpdate
from documents.models import Document, DocumentVersion
from documents.models.document import copy_columns


def open_case_flag() -> dict:
    """The change of ``has_open_case`` of documents: whether a case other than a review
    (aktualitetsprövning) is open for them."""
    from .models import Case, CaseKind

    open_cases = Case.objects.filter(document=OuterRef("pk"), finished__isnull=True).exclude(
        kind=CaseKind.REVIEW
    )
    return {"has_open_case": Exists(open_cases)}


# ``models.sync_open_case_flags`` of one document (a case opened or closed): the
# document's flag, then its versions' copies.
_SYNC_OPEN_CASE_FLAG = CompiledUpdate(
    lambda document_id: (Document.objects.filter(pk=document_id), open_case_flag()),
    ids=("document_id",),
)
_COPY_OPEN_CASE_FLAG = CompiledUpdate(
    lambda document_id: (
        DocumentVersion.objects.filter(document=document_id),
        copy_columns(["has_open_case"]),
    ),
    ids=("document_id",),
)


def sync_open_case_flag(document_id: int) -> int:
    """``sync_open_case_flags`` of the one document ``document_id``."""
    written = _SYNC_OPEN_CASE_FLAG.run(document_id=document_id)
    _COPY_OPEN_CASE_FLAG.run(document_id=document_id)
    return written


class StepWrites:
    """The case's writes inside a step (a mixin of ``models.Case``)."""

    # Fields of this table a step has changed and not yet written (``save_later``): None
    # outside a step that writes them together.
    _later: set[str] | None = None

    def write_later(self) -> None:
        """From now on, ``save_later`` keeps the fields for the case's next UPDATE."""
        self._later = set()

    def save_later(self, fields: list[str]) -> None:
        """Write ``fields`` with the case's next UPDATE in this step (the mark of its next
        step, ``routing.apply_route``, or a save) or when the step ends (``save_pending``),
        instead of an UPDATE of their own; at once outside such a step."""
        if self._later is None:
            self.save(update_fields=fields)
        else:
            self._later.update(fields)

    def pending_values(self) -> dict:
        """The fields kept by ``save_later`` and their values, now counted as written."""
        later, self._later = self._later, (set() if self._later is not None else None)
        return {name: getattr(self, name) for name in sorted(later or ())}

    def with_pending(self, kwargs: dict) -> list | None:
        """A save's ``update_fields`` (in ``kwargs``) with the fields kept by
        ``save_later``; a save of every field writes them anyway."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = kwargs["update_fields"] = [*update_fields, *self.pending_values()]
        elif self._later:
            self._later = set()
        return update_fields

    def save_pending(self) -> None:
        if self._later:
            self.save(update_fields=[])

    def finish_in_place(self, task_class: type, task_id: int | None) -> bool:
        """Finish the case with one UPDATE of its process row, on the End node's condition
        that no task other than its own (``task_id``; None: not yet inserted) is open, in
        its WHERE; True if it was written. The documents' open-case flags follow, as
        ``save`` keeps them."""
        finished = timezone.now()
        if task_id is None:
            written = _finishing(task_class).run(process_id=self.pk, finished=finished)
        else:
            rows, changes = unfinished_rows(task_class, self.pk, task_id, finished)
            written = rows.update(**changes)
        if not written:
            return False
        self.status, self.finished = PROCESS.DONE, finished
        if getattr(self, "_was_open", None) is not False:
            sync_open_case_flag(self.document_id)
        self._was_open = False
        return True


def unfinished_rows(
    task_class: type, process_id: int, task_id: int | None, finished
) -> tuple[QuerySet, dict]:
    """The End node's UPDATE: the process row ``process_id`` while no task of it other
    than ``task_id`` is open, and its changes (done, finished then)."""
    others = task_class._default_manager.filter(
        process=OuterRef("pk"), finished__isnull=True
    ).exclude(pk=task_id)
    rows = Process._default_manager.filter(pk=process_id).exclude(Exists(others))
    return rows, {"status": PROCESS.DONE, "finished": finished}


# The End node's UPDATE of a case, per task model, compiled once per process: its task is
# inserted when it completes, after the case is finished (workflows.nodes).
_FINISHING: dict[type, CompiledUpdate] = {}
_SOME_TIME = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)  # the placeholder of ``finished``


def _finishing(task_class: type) -> CompiledUpdate:
    if task_class not in _FINISHING:
        _FINISHING[task_class] = CompiledUpdate(
            lambda process_id, finished: unfinished_rows(task_class, process_id, None, finished),
            ids=("process_id",),
            values={"finished": _SOME_TIME},
        )
    return _FINISHING[task_class]
