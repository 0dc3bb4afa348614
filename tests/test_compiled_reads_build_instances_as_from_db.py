"""The model instances of the compiled reads (``config.model_rows``) are those
``Model.from_db`` builds: the same columns, state and related objects, and the note of a
model that notes what was read; a model with a ``from_db`` of its own, a row without every
column, or anyone listening to ``post_init`` gets ``from_db`` itself."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models.signals import post_init

from config.model_rows import builder
from documents.models import Document, DocumentType, DocumentVersion
from org.models import Position, Unit
from workflows.actions import tasks as task_actions
from workflows.actions.start import start_new_document
from workflows.models import Case

pytestmark = pytest.mark.django_db


def _row(obj) -> tuple[list[str], list]:
    names = [f.attname for f in obj._meta.concrete_fields]
    return names, [getattr(obj, name) for name in names]


def _same(built, expected) -> None:
    assert type(built) is type(expected)
    assert {k: v for k, v in built.__dict__.items() if k != "_state"} == {
        k: v for k, v in expected.__dict__.items() if k != "_state"
    }
    assert (built._state.adding, built._state.db) == (False, "default")
    assert built._state.fields_cache == {}


def test_a_plain_model_is_built_as_from_db_builds_it(town):
    for obj in (town.positions["enhetschef"], town.units["unit"]):
        model = type(obj)
        names, values = _row(model.objects.get(pk=obj.pk))
        build = builder(model, names)
        assert build is not model.from_db  # built here
        _same(build("default", names, values), model.from_db("default", names, values))


def test_a_model_that_notes_what_was_read_is_built_with_its_note(town):
    case = start_new_document(
        user=town.users["samordnare"],
        document_type=town.types["handlingsplan"],
        title="Handlingsplan att läsa",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    notes = {
        Case: "_was_open",
        Document: "_stored_type_id",
        DocumentVersion: "_stored_status",
        DocumentType: "_stored_reading_required",
    }
    for model, pk in (
        (Case, case.pk),
        (Document, case.document_id),
        (DocumentVersion, case.version_id),
        (DocumentType, case.document.document_type_id),
    ):
        names, values = _row(model.objects.get(pk=pk))
        build = builder(model, names)
        assert build is not model.from_db  # built here
        built = build("default", names, values)
        _same(built, model.from_db("default", names, values))
        assert notes[model] in built.__dict__


def test_a_model_with_its_own_from_db_or_a_partial_row_goes_to_from_db(town, monkeypatch):
    names = [f.attname for f in Position._meta.concrete_fields]
    own = classmethod(lambda cls, db, field_names, values: None)
    monkeypatch.setattr(Position, "from_db", own)
    assert builder(Position, names) == Position.from_db
    monkeypatch.undo()
    assert builder(Position, names[:-1]) == Position.from_db


def test_while_someone_listens_to_post_init_from_db_builds_it(town):
    heard = []

    def listen(sender, instance, **kwargs):
        heard.append(instance)

    names, values = _row(Unit.objects.get(pk=town.units["unit"].pk))
    build = builder(Unit, names)
    post_init.connect(listen, sender=Unit)
    try:
        unit = build("default", names, values)
    finally:
        post_init.disconnect(listen, sender=Unit)
    assert heard == [unit]


def test_the_steps_lock_builds_its_relations_as_the_orm(town):
    case = start_new_document(
        user=town.users["samordnare"],
        document_type=town.types["handlingsplan"],
        title="Handlingsplan att bygga",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    task = case.task_set.filter(flow_task_type="HUMAN", status="NEW").get()
    with transaction.atomic():
        locked = task_actions._lock_step(task.pk, town.users["samordnare"])[0]
        expected = Case.objects.select_related(*task_actions.STEP_CASE_RELATED).get(pk=case.pk)
    for path in ("document__scope_unit", "diary_entry__series", "decider_position"):
        mine, theirs = locked, expected
        for name in path.split("__"):
            mine, theirs = getattr(mine, name), getattr(theirs, name)
        assert type(mine) is type(theirs) and mine.pk == theirs.pk
        names, values = _row(theirs)
        assert [getattr(mine, n) for n in names] == values
