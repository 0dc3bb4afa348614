"""The writes every case repeats, compiled once per process, write what the ORM writes: a
new task row and a completed one (``workflows.task_rows.insert_task`` and ``save_task``, with
``save``'s model signals), a step's audit entries and task links
(``config.compiled_query.insert_rows``, as ``bulk_create``) and the UPDATEs of a document's
derived columns (``config.compiled_query.CompiledUpdate``)."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from audit.models import AuditEntry
from config.compiled_bulk import insert_values
from config.compiled_query import insert_rows
from documents.models import DiaryEntry, Document, DocumentVersion
from documents.models.document import _REFRESH_READING_FROM
from tests.lifecycle import open_tasks, start_unit_handlingsplan
from workflows.actions.start import start_new_document
from workflows.case_writes import sync_open_case_flag
from workflows.models import Case, sync_open_case_flags
from workflows.task_rows import (
    insert_done_task,
    insert_task,
    link_previous,
    remember_columns,
    save_task,
    step_task_rows,
)


def _started(town) -> Case:
    return start_unit_handlingsplan(town, "Handlingsplan att skriva")


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


def test_done_tasks_rows_go_with_the_next_task_row_in_one_insert(town):
    # In a step (task_rows.step_task_rows), a done task's row waits for the next task row:
    # one INSERT of both, the keys in the order they were inserted, save's signals for each.
    case = _started(town)
    model = open_tasks(case)[0]
    made = [Task(process=case, flow_task=model.flow_task, token=model.token) for _ in range(4)]
    sent = []

    def heard(sender, instance, **kwargs):
        sent.append((kwargs["signal"] is post_save, made.index(instance), instance.pk is None))

    pre_save.connect(heard, sender=Task)
    post_save.connect(heard, sender=Task)
    try:
        with CaptureQueriesContext(connection) as queries, step_task_rows():
            insert_done_task(made[0])
            insert_done_task(made[1])
            assert made[0].pk is None and queries.captured_queries == []
            insert_task(made[2])
            assert len(queries.captured_queries) == 1
            insert_done_task(made[3])  # the last: written when the block ends
            link_previous(made[3], made[2])
            assert made[3].pk is None
    finally:
        pre_save.disconnect(heard, sender=Task)
        post_save.disconnect(heard, sender=Task)

    assert len(queries.captured_queries) == 3  # the three rows, the fourth, its link
    keys = [task.pk for task in made]
    assert keys == sorted(keys) and not any(task._state.adding for task in made)
    assert list(made[3].previous.all()) == [made[2]]
    assert sent == [
        *[(False, i, True) for i in range(3)],
        *[(True, i, False) for i in range(3)],
        (False, 3, True),
        (True, 3, False),
    ]
    assert all(_row(task)["flow_task_type"] == "HUMAN" for task in made)


def test_a_task_saved_compiled_is_the_row_and_the_signals_of_save(town):
    case = _started(town)
    task = open_tasks(case)[0]
    twin = Task.objects.get(pk=task.pk)
    twin.pk = twin.id = None
    twin._state.adding = True
    twin.save()
    sent = []

    def heard(sender, instance, **kwargs):
        kwargs.pop("signal")
        sent.append((sender, instance.pk, instance._state.adding, kwargs))

    pre_save.connect(heard, sender=Task)
    post_save.connect(heard, sender=Task)
    finished = timezone.now()
    try:
        for saved, save in ((twin, Task.save), (task, save_task)):
            saved.owner, saved.status, saved.finished = town.users["enhetschef"], "DONE", finished
            saved.data = {"representative_id": 7}
            save(saved)
    finally:
        pre_save.disconnect(heard, sender=Task)
        post_save.disconnect(heard, sender=Task)

    assert _row(task) == _row(twin)
    assert _row(task)["status"] == "DONE" and _row(task)["owner_id"] == town.users["enhetschef"].pk
    assert len(sent) == 4
    assert [(s, adding, kw) for s, _pk, adding, kw in sent[:2]] == [
        (s, adding, kw) for s, _pk, adding, kw in sent[2:]
    ]
    assert sent[3][3]["created"] is False and sent[3][3]["update_fields"] is None


def test_a_task_read_under_the_steps_lock_writes_what_changed_the_row_the_same(town):
    # The step's lock remembers the task's columns as read; its completion names in SET
    # only those that changed (and data): the row is the one Django's save writes.
    case = _started(town)
    task = open_tasks(case)[0]
    twin = Task.objects.get(pk=task.pk)
    twin.pk = twin.id = None
    twin._state.adding = True
    twin.save()
    remember_columns(task)
    finished = timezone.now()
    for saved, save in ((twin, Task.save), (task, save_task)):
        saved.owner, saved.status, saved.finished = town.users["enhetschef"], "DONE", finished
        with CaptureQueriesContext(connection) as queries:
            save(saved)
    written = queries.captured_queries[-1]["sql"].partition(" WHERE ")[0]
    for column in ("status", "owner_id", "finished", "data"):
        assert f'"{column}"' in written
    for column in ("token", "created", "flow_task", "process_id", "owner_permission"):
        assert f'"{column}"' not in written
    assert _row(task) == _row(twin)
    task.status = "CANCELED"  # saved again: every column, as nothing was read since
    with CaptureQueriesContext(connection) as queries:
        save_task(task)
    assert '"token"' in queries.captured_queries[-1]["sql"]
    assert _row(task)["status"] == "CANCELED"


def test_a_task_row_gone_is_saved_as_django_saves_it(town):
    case = _started(town)
    task = open_tasks(case)[0]
    pk = task.pk
    Task.previous.through.objects.filter(from_task=pk).delete()
    Task.objects.filter(pk=pk).delete()
    task.status = "DONE"
    save_task(task)  # the UPDATE finds no row: Django's save inserts it again
    assert Task.objects.filter(pk=pk, status="DONE").exists()


def test_a_task_with_deferred_columns_is_saved_as_django_saves_it(town):
    case = _started(town)
    task = open_tasks(case)[0]
    Task.objects.filter(pk=task.pk).update(data={"kept": True})
    done = []
    for save in (Task.save, save_task):
        partial = Task.objects.only("id", "status", "process").get(pk=task.pk)
        partial.status = "CANCELED"
        with CaptureQueriesContext(connection) as queries:
            save(partial)  # only the loaded columns, as Django's save of a deferred row
        done.append([q["sql"] for q in queries.captured_queries])
    assert done[0] == done[1]
    assert [sql.split()[0] for sql in done[1]][-1] == "UPDATE"
    assert '"data"' not in done[1][-1]
    row = Task.objects.filter(pk=task.pk).values("status", "data").get()
    assert row == {"status": "CANCELED", "data": {"kept": True}}


def _entry(**given) -> AuditEntry:
    return AuditEntry(action="task_completed", target_type="workflows.case", **given)


def test_rows_inserted_compiled_are_the_rows_bulk_create_writes(town):
    case = _started(town)
    user = town.users["samordnare"]

    def entries() -> list[AuditEntry]:
        return [
            _entry(actor=user, case=case, comment="först", changes={"title": ["a", "b"]}),
            _entry(actor=None, case=case, from_state="draft", ip_address="192.0.2.1"),
        ]

    compiled, expected = entries(), entries()
    insert_rows(compiled)
    AuditEntry.objects.bulk_create(expected)
    assert all(e.pk is not None and not e._state.adding for e in compiled)
    assert [e.pk for e in compiled] == sorted(e.pk for e in compiled)

    def row(entry: AuditEntry) -> dict:
        values = AuditEntry.objects.filter(pk=entry.pk).values().get()
        return {k: v for k, v in values.items() if k not in ("id", "at")}

    assert [row(e) for e in compiled] == [row(e) for e in expected]
    assert row(compiled[0])["comment"] == "först" and row(compiled[1])["ip_address"] == "192.0.2.1"


def test_links_inserted_compiled_skip_the_ones_that_exist(town):
    case = _started(town)
    first, second = Task.objects.filter(process=case).order_by("pk")[:2]
    link = Task.previous.through
    before = link.objects.filter(from_task=second).count()
    insert_rows(
        [
            link(from_task_id=second.pk, to_task_id=first.pk),
            link(from_task_id=first.pk, to_task_id=second.pk),
        ],
        ignore_conflicts=True,
    )
    assert link.objects.filter(from_task=second, to_task=first).count() == 1
    assert link.objects.filter(from_task=second).count() == before + (0 if before else 1)
    assert link.objects.filter(from_task=first, to_task=second).count() == 1


def test_links_inserted_from_ids_are_the_statement_and_rows_of_insert_rows(town):
    case = _started(town)
    first, second, third = _three_tasks(case)
    link = Task.previous.through
    with CaptureQueriesContext(connection) as from_objects:
        insert_rows(
            [
                link(from_task_id=second.pk, to_task_id=first.pk),
                link(from_task_id=third.pk, to_task_id=second.pk),
            ],
            ignore_conflicts=True,
        )
    rows = sorted(
        link.objects.filter(from_task__in=[second, third]).values_list("from_task_id", "to_task_id")
    )
    link.objects.filter(from_task__in=[second, third]).delete()
    with CaptureQueriesContext(connection) as from_ids:
        insert_values(link, [(second.pk, first.pk), (third.pk, second.pk)], ignore_conflicts=True)

    assert [q["sql"] for q in from_ids.captured_queries] == [
        q["sql"] for q in from_objects.captured_queries
    ]
    assert (
        sorted(
            link.objects.filter(from_task__in=[second, third]).values_list(
                "from_task_id", "to_task_id"
            )
        )
        == rows
        == [(second.pk, first.pk), (third.pk, second.pk)]
    )


def _three_tasks(case: Case) -> list[Task]:
    """Three new task rows of the case, like its first one."""
    model = Task.objects.filter(process=case).order_by("pk").first()
    made = []
    for _ in range(3):
        task = Task(process=case, flow_task=model.flow_task, token=model.token)
        insert_task(task)
        made.append(task)
    return made


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


def test_the_case_models_saves_write_what_the_orms_update_writes(town, monkeypatch):
    from django.db import models

    from config.compiled_query import CompiledSaves

    case = _started(town)
    rows = []
    for compiled in (True, False):
        if not compiled:
            monkeypatch.setattr(CompiledSaves, "_do_update", models.Model._do_update)
        version = DocumentVersion.objects.get(pk=case.version_id)
        version.title, version.body = f"Ny titel {compiled}", "<p>Ny <b>text</b></p>"
        version.save()
        version.valid_until = datetime.date(2030, 1, 1)
        version.save(update_fields=["valid_until"])
        saved = Case.objects.get(pk=case.pk)
        saved.current_step, saved.outcome = "decision", ""
        saved.save(update_fields=["current_step", "outcome"])  # the child table only
        row = DocumentVersion.objects.filter(pk=case.version_id).values().get()
        row["title"] = row["title"].removesuffix(f" {compiled}")
        rows.append((row, Case.objects.filter(pk=case.pk).values("current_step").get()))
    assert rows[0] == rows[1]
    assert rows[0][0]["plain_text"].strip() == "Ny text"


def test_an_expression_in_a_save_is_left_to_the_orm(town):
    from django.db.models import F

    case = _started(town)
    version = DocumentVersion.objects.get(pk=case.version_id)
    version.number = F("number") + 1
    version.save(update_fields=["number"])
    assert DocumentVersion.objects.get(pk=case.version_id).number == 2


_STARTED_ROWS = (  # the rows a case's start inserts through a save of their own
    "documents_document",
    "documents_diaryentry",
    "documents_documentversion",
    "viewflow_process",
    "workflows_case",
)


def _rows_of_a_start(town, title: str) -> tuple[list[tuple], list[dict]]:
    with CaptureQueriesContext(connection) as queries:
        case = start_new_document(
            user=town.users["samordnare"],
            document_type=town.types["handlingsplan"],
            title=title,
            scope_unit=town.units["unit"],
            owner_position=town.positions["enhetschef"],
        )
    # The statements' text without the values (each written into it by the capture).
    inserts = [
        (q["sql"].partition(" VALUES ")[0], q["sql"].rpartition(")")[2])
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and q["sql"].split('"')[1] in _STARTED_ROWS
    ]
    own = {"id", "process_ptr_id", "document_id", "version_id", "diary_entry_id", "number"}
    rows = []
    for model, pk in (
        (Document, case.document_id),
        (DiaryEntry, case.diary_entry_id),
        (DocumentVersion, case.version_id),
        (Process, case.pk),
        (Case, case.pk),
    ):
        values = model.objects.filter(pk=pk).values().get()
        rows.append(
            {
                k: v
                for k, v in values.items()
                if k not in own and not isinstance(v, datetime.datetime) and v != title
            }
        )
    return inserts, rows


def test_the_rows_a_start_inserts_compiled_are_the_orms(town, monkeypatch):
    from django.db import models

    from config.compiled_query import CompiledSaves

    compiled = _rows_of_a_start(town, "Handlingsplan kompilerad")
    monkeypatch.setattr(CompiledSaves, "_do_insert", models.Model._do_insert)
    orm = _rows_of_a_start(town, "Handlingsplan av ORM")
    assert len(compiled[0]) == len(_STARTED_ROWS)
    assert compiled == orm


def test_an_expression_in_an_insert_is_left_to_the_orm(town):
    from django.db.models import Value

    document = Document(
        title="Uttryckets dokument",
        summary=Value("Sammanfattning ur ett uttryck"),
        document_type=town.types["handlingsplan"],
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    document.save()
    assert document.pk is not None
    assert Document.objects.get(pk=document.pk).summary == "Sammanfattning ur ett uttryck"


def test_the_compiled_statements_keep_one_cursor_while_nothing_changes(town):
    from config.compiled_query import statement_cursor

    first = statement_cursor(connection)
    again = statement_cursor(connection)
    with CaptureQueriesContext(connection) as queries:
        logged = statement_cursor(connection)
        logged.execute("SELECT 1")
    assert len(queries.captured_queries) == 1  # counted as any query
    assert again is first  # the same while nothing changes
    assert logged is not first  # another while queries are logged


def test_the_end_nodes_update_is_the_orms(town):
    from workflows.case_writes import _finishing, unfinished_rows

    finished = timezone.now()
    cases = [_started(town), _started(town)]
    texts, answers = [], []
    for compiled, case in zip((True, False), cases, strict=True):
        for _ in range(2):  # an open task stops it; with none open, it finishes
            with CaptureQueriesContext(connection) as queries:
                if compiled:
                    written = _finishing(Task).run(process_id=case.pk, finished=finished)
                else:
                    rows, changes = unfinished_rows(Task, case.pk, None, finished)
                    written = rows.update(**changes)
            texts.append(queries.captured_queries[-1]["sql"].partition(" WHERE ")[2])
            answers.append(written)
            Task.objects.filter(process=case).update(finished=finished)
    assert answers == [0, 1, 0, 1]
    # The same statement: only the process's id differs.
    texts = [re.sub(r'("viewflow_process"\."id" = )\d+', r"\1?", text) for text in texts]
    assert texts[0] == texts[1] == texts[2] == texts[3]
    rows = Process.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", "finished")
    assert list(rows) == [("DONE", finished), ("DONE", finished)]


def test_the_search_rows_inserted_compiled_are_what_bulk_create_writes(town):
    from config.compiled_bulk import insert_keyed_rows
    from documents.models import SearchCompound, SearchTerm

    case = _started(town)

    def terms(words: list[str]) -> list[SearchTerm]:
        return [SearchTerm(version_id=case.version_id, term=w, field=1, count=2) for w in words]

    def compound_rows(words: list[str]) -> list[SearchCompound]:
        return [SearchCompound(part="kompil", term=w) for w in words]

    texts = []
    for insert in (insert_keyed_rows, None):
        with CaptureQueriesContext(connection) as queries:
            if insert is None:
                SearchTerm.objects.bulk_create(terms(["orm", "ormen"]), batch_size=2000)
                SearchCompound.objects.bulk_create(
                    compound_rows(["båda", "orm"]), ignore_conflicts=True, batch_size=2000
                )
            else:
                written = terms(["kompilerad", "kompilerade"])
                insert(written, batch_size=2000)
                insert(compound_rows(["båda", "kompil"]), ignore_conflicts=True, batch_size=2000)
                assert all(not t._state.adding and t._state.db == "default" for t in written)
        # The statements without their values (PostgreSQL: UNNEST's arrays, SQLite: VALUES).
        texts.append(
            [
                q["sql"].partition(" FROM ")[0].partition(" VALUES ")[0]
                for q in queries.captured_queries
            ]
        )
    assert texts[0] == texts[1] and len(texts[0]) == 2
    stored = SearchTerm.objects.filter(version=case.version_id, field=1)
    assert sorted(stored.values_list("term", "count")) == [
        ("kompilerad", 2),
        ("kompilerade", 2),
        ("orm", 2),
        ("ormen", 2),
    ]
    assert sorted(SearchCompound.objects.filter(part="kompil").values_list("term", flat=True)) == [
        "båda",
        "kompil",
        "orm",
    ]
