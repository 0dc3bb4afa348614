"""The values the compiled writes send (``config.field_values``) are those the ORM's
``get_db_prep_save(pre_save(...))`` sends, on the database in use: for the plain field
classes with values of their own type, and for what goes to the ORM (a lazy text, a
naive datetime, a number given as text, JSON, a field that sets its own value)."""

from __future__ import annotations

import datetime
import warnings

import pytest
from django.db import connection, models
from django.utils import timezone
from django.utils.functional import lazy
from viewflow.workflow.models import Task
from viewflow.workflow.token import Token

from audit.models import AuditEntry
from config.field_values import db_value, save_values
from documents.models import DocumentVersion
from workflows.models import Case


def _comparable(value):
    # psycopg's Jsonb wraps a value without comparing it; its type tells the adaptation.
    if hasattr(value, "obj") and hasattr(value, "dumps"):
        return ("json", type(value), value.obj)
    return (type(value), value)


def _orm(field, value):
    return field.get_db_prep_save(value, connection)


AWARE = timezone.now()
NAIVE = datetime.datetime(2026, 12, 4, 10, 30)
LAZY = lazy(lambda: "lat text", str)()

CASES = [
    (models.CharField(max_length=10), ["text", "", None, LAZY, 12]),
    (models.TextField(), ["long text", None, LAZY]),
    (models.BooleanField(), [True, False, 1]),
    (models.BooleanField(null=True), [None, True]),
    (models.IntegerField(), [7, 0, None, "12", True]),
    (models.BigIntegerField(), [2**40, None]),
    (models.PositiveSmallIntegerField(), [3]),
    (models.DateTimeField(), [AWARE, None, NAIVE]),
    (models.DateField(), [datetime.date(2026, 12, 4), None, NAIVE.replace(tzinfo=datetime.UTC)]),
    (models.JSONField(null=True), [{"a": [1, 2]}, None]),
    (models.GenericIPAddressField(null=True), ["127.0.0.1", None]),
]


@pytest.mark.parametrize(("field", "values"), CASES, ids=[type(f).__name__ for f, _ in CASES])
def test_a_value_is_prepared_as_the_orm_prepares_it(field, values):
    field.set_attributes_from_name("column")
    for value in values:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a naive datetime, both ways
            expected = _comparable(_orm(field, value))
            assert _comparable(db_value(field, value, connection)) == expected, value


def test_a_key_is_prepared_as_the_orm_prepares_it():
    for field in (Task._meta.get_field("process"), AuditEntry._meta.get_field("actor")):
        for value in (5, None, "5", ""):
            assert _comparable(db_value(field, value, connection)) == _comparable(
                _orm(field, value)
            )
    case_key = AuditEntry._meta.get_field("case")  # to a key that is itself a relation
    assert _comparable(db_value(case_key, 9, connection)) == _comparable(_orm(case_key, 9))


def _row_values(obj, add: bool) -> tuple[list, list]:
    fields = [f for f in type(obj)._meta.local_concrete_fields if not f.primary_key]
    orm = [_comparable(f.get_db_prep_save(f.pre_save(obj, add), connection)) for f in fields]
    return orm, [_comparable(v) for v in save_values(fields, obj, add, connection)]


def test_the_rows_of_a_step_are_prepared_as_the_orm_prepares_them(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AWARE)  # auto_now fields, both ways alike
    entry = AuditEntry(
        at=AWARE,
        actor_id=3,
        acting_as_id=None,
        action="task_completed",
        target_type="workflows.case",
        target_id="12",
        target_label=LAZY,
        case_id=12,
        changes={"title": ["a", "b"]},
    )
    task = Task(process_id=4, flow_task_type="HUMAN", status="NEW", token=Token("start"), data={})
    version = DocumentVersion(document_id=2, number=1, title="Plan", body="<p>x</p>")
    case = Case(flow_class=None, document_id=2, round=1, step_since=AWARE)
    for obj in (entry, task, version, case):
        for add in (True, False):
            orm, ours = _row_values(obj, add)
            assert ours == orm, type(obj).__name__
