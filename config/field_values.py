"""The values a compiled write sends for a model's fields, as the ORM prepares them, with
the common cases answered without the ORM's chain of calls.

``field.get_db_prep_save(field.pre_save(obj, add), connection)`` walks four or five
methods per column (the lazy-text check, ``to_python``, the backend's adaptation); a case
from start to publication prepares about 800 values that way, about a tenth of its CPU
time. For the plain field classes below and values of the exact type the column holds,
the result of that chain is known: the value itself, or the backend's adaptation of it
(``connection.ops``). Every other field class (a subclass, JSON, files, addresses) and
every other value (a lazy text, a naive datetime, an expression, a number as text) goes
through the ORM's own methods, so the parameters are always those the ORM would send
(``tests/test_compiled_writes_send_the_orm_values.py``)."""

from __future__ import annotations

import datetime

from django.db import models

# What a preparer returns for a value it leaves to the field's own methods.
_ORM = object()


def _text(value, ops, internal_type):
    return value if type(value) is str or value is None else _ORM


def _boolean(value, ops, internal_type):
    return value if type(value) is bool else _ORM


def _integer(value, ops, internal_type):
    if type(value) is int or value is None:
        return ops.adapt_integerfield_value(value, internal_type)
    return _ORM


def _key(value, ops, internal_type):
    # ForeignKey.get_db_prep_save: None as it is, an id as the target's automatic key.
    if value is None:
        return None
    return ops.validate_autopk_value(value) if type(value) is int else _ORM


def _datetime(value, ops, internal_type):
    # An aware datetime is adapted as it is; a naive one is warned about and made aware
    # by the field (the ORM's way).
    if value is None:
        return None
    if type(value) is datetime.datetime and value.utcoffset() is not None:
        return ops.adapt_datetimefield_value(value)
    return _ORM


def _date(value, ops, internal_type):
    if value is None:
        return None
    return ops.adapt_datefield_value(value) if type(value) is datetime.date else _ORM


_TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.SlugField,
    models.EmailField,
    models.URLField,
)
_INT_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)
_AUTO_FIELDS = (models.AutoField, models.BigAutoField, models.SmallAutoField)

# Each field keeps its preparer (None: the ORM's methods) and internal type in this
# attribute: a field's hash, for a dictionary, costs more than the preparing saves.
_PLAN = "_styrdok_value_plan"


def _preparer(field: models.Field):
    cls = type(field)  # the exact class: a subclass may prepare its values otherwise
    if cls in _TEXT_FIELDS:
        return _text
    if cls is models.BooleanField:
        return _boolean
    if cls in _INT_FIELDS:
        return _integer
    if cls in (models.ForeignKey, models.OneToOneField):
        return _key if type(field.target_field) in _AUTO_FIELDS else None
    if cls in (models.DateTimeField, models.DateField) and not (
        field.auto_now or field.auto_now_add  # their pre_save sets the value
    ):
        return _datetime if cls is models.DateTimeField else _date
    return None


def _plan(field: models.Field) -> tuple:
    plan = field.__dict__.get(_PLAN)
    if plan is None:
        plan = field.__dict__[_PLAN] = (_preparer(field), field.get_internal_type())
    return plan


def db_value(field: models.Field, value, connection):
    """``field.get_db_prep_save(value, connection)``."""
    prepare, internal_type = _plan(field)
    if prepare is not None:
        prepared = prepare(value, connection.ops, internal_type)
        if prepared is not _ORM:
            return prepared
    return field.get_db_prep_save(value, connection)


def save_values(fields, obj, add: bool, connection) -> list:
    """``[f.get_db_prep_save(f.pre_save(obj, add), connection) for f in fields]``."""
    ops, values = connection.ops, []
    for field in fields:
        prepare, internal_type = _plan(field)
        if prepare is None:
            values.append(field.get_db_prep_save(field.pre_save(obj, add), connection))
            continue
        value = getattr(obj, field.attname)  # these classes' pre_save (no auto_now)
        prepared = prepare(value, ops, internal_type)
        values.append(field.get_db_prep_save(value, connection) if prepared is _ORM else prepared)
    return values
