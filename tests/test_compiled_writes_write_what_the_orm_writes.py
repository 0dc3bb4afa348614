"""The writes every case repeats, compiled once per process, write what the ORM writes: a
new task row (``workflows.nodes.insert_task``, with ``save``'s model signals) and the
UPDATEs of a document's derived columns (``config.compiled_query.CompiledUpdate``)."""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from documents.models import Document, DocumentVersion
from documents.models.document import _REFRESH_READING_FROM
from tests.lifecycle import open_tasks
from workflows.actions.start import start_new_document
from workflows.case_writes import sync_open_case_flag
from workflows.models import Case, sync_open_case_flags
from workflows.nodes import insert_task


def _started(town) -> Case:
    return start_new_document(
        user=town.users["samordnare"],
        document_type=town.types["handlingsplan"],
        title="Handlingsplan att skriva",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )


def _row(task: Task) -> dict:
    row = Task.objects.filter(pk=task.pk).values().get()
    return {k: v for k, v in row.items() if k not in ("id", "created")}


def test_a_task_inserted_compiled_is_the_row_and_the_signals_of_save(town):
    case = _started(town)
    model = open_tasks(case)[0]

    def fresh() -> Task:
        task = Task(process=case, flow_task=model.flow_task, token=model.token)
        task.owner_permission = model.owner_permission
        task.owner_permission_obj_pk = model.owner_permission_obj_pk
        task.owner_permission_content_type_id = model.owner_permission_content_type_id
        task.data = {"representative_id": 7, "union": "Vision"}
        return task

    sent = []

    def heard(sender, instance, **kwargs):
        kwargs.pop("signal")
        sent.append((sender, instance._state.adding, kwargs))

    pre_save.connect(heard, sender=Task)
    post_save.connect(heard, sender=Task)
    try:
        saved = fresh()
        saved.save()
        compiled = fresh()
        insert_task(compiled)
    finally:
        pre_save.disconnect(heard, sender=Task)
        post_save.disconnect(heard, sender=Task)

    assert compiled.pk is not None and compiled.pk != saved.pk
    assert not compiled._state.adding and compiled._state.db == saved._state.db
    assert compiled.flow_task_type == saved.flow_task_type == "HUMAN"
    assert _row(compiled) == _row(saved)
    assert len(sent) == 4 and sent[2:] == sent[:2]  # pre_save, post_save: the same arguments


def _flags(document: Document) -> list[bool]:
    document.refresh_from_db(fields=["has_open_case"])
    versions = DocumentVersion.objects.filter(document=document).order_by("number")
    return [document.has_open_case, *versions.values_list("has_open_case", flat=True)]


def _wrong_flags(document: Document, value: bool) -> None:
    Document.objects.filter(pk=document.pk).update(has_open_case=value)
    DocumentVersion.objects.filter(document=document).update(has_open_case=value)


def test_a_documents_open_case_flag_is_set_as_the_orm_sets_it(town):
    case = _started(town)
    document = case.document
    for wrong, right in ((False, True), (True, False)):
        _wrong_flags(document, wrong)
        sync_open_case_flag(document.pk)
        compiled = _flags(document)
        _wrong_flags(document, wrong)
        sync_open_case_flags(Document.objects.filter(pk=document.pk))
        assert compiled == _flags(document) == [right, right]
        Process.objects.filter(pk=case.pk).update(finished=timezone.now())  # then closed


def test_the_reading_columns_are_derived_as_the_orm_derives_them(town):
    case = _started(town)
    version = case.version
    versions = DocumentVersion.objects.filter(document=version.document_id)
    DocumentVersion.objects.filter(pk=version.pk).update(reading_required=True, reading_baseline=9)
    assert _REFRESH_READING_FROM.run(document_id=version.document_id, number=1) == 1
    compiled = list(versions.values_list("reading_required", "reading_baseline"))
    DocumentVersion.objects.filter(pk=version.pk).update(reading_required=True, reading_baseline=9)
    DocumentVersion.refresh_reading(versions.filter(number__gte=1))
    assert compiled == list(versions.values_list("reading_required", "reading_baseline"))
    assert compiled != [(True, 9)]
