"""Model instances from a compiled query's rows, built as ``Model.from_db`` builds them,
for the plain models without Django's ``__init__``.

A step's lock reads its case with eleven related objects (``workflows.actions.tasks``),
five times a case. ``from_db`` calls ``Model.__init__``, which sends ``pre_init`` and
``post_init`` and sets each column through ``setattr`` (3-4 µs for a position or a unit
against 1 µs here). For a model whose ``from_db`` and ``__init__`` are Django's own,
whose columns are all read, in order, and whose columns' class attributes are Django's
plain deferred attributes (which ``setattr`` would only write into the instance's
``__dict__``), and while nobody listens to ``pre_init`` or ``post_init``, the instance is
made with its state and its columns' values directly; otherwise ``from_db`` makes it
(``tests/test_compiled_queries_answer_as_the_orm.py``). A model whose ``from_db`` only
notes what was read (``NotesWhatWasRead``: a case, a document, its versions, its type, a
decision) counts as plain: its note is taken either way."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import RelatedPopulator
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# The class attributes of columns that ``setattr`` only writes into ``__dict__`` (a key's
# also forgets a cached related object, which a new instance has none of).
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)
_DJANGO_FROM_DB = Model.from_db.__func__


class NotesWhatWasRead:
    """Model mixin: ``from_db`` is Django's, and then the instance notes what it was read
    with (``read_from_db``, say a stored value that the next save compares with). An
    instance ``builder`` makes takes the same note."""

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj.read_from_db(field_names)
        return obj

    def read_from_db(self, field_names) -> None:
        """Note what was read; ``field_names``: the columns' attribute names."""


_NOTING_FROM_DB = NotesWhatWasRead.from_db.__func__


def _class_attribute(model: type, name: str):
    for klass in model.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def _plain(model: type, attnames: list[str]) -> bool:
    if model.from_db.__func__ not in (_DJANGO_FROM_DB, _NOTING_FROM_DB):
        return False
    if model.__init__ is not Model.__init__:
        return False
    if model._meta.abstract or attnames != [f.attname for f in model._meta.concrete_fields]:
        return False
    return all(type(_class_attribute(model, name)) in _PLAIN_ATTRIBUTES for name in attnames)


def builder(model: type, attnames: list[str]) -> Callable[[str, list, tuple], Model]:
    """``model.from_db(db, attnames, values)``, for the columns ``attnames``."""
    if not _plain(model, attnames):
        return model.from_db
    new = object.__new__
    notes = model.from_db.__func__ is _NOTING_FROM_DB

    def build(db: str, field_names: list, values) -> Model:
        if pre_init.receivers or post_init.receivers or len(values) != len(attnames):
            return model.from_db(db, field_names, values)
        obj = new(model)
        state = obj._state = ModelState()
        state.adding = False
        state.db = db
        obj.__dict__.update(zip(attnames, values, strict=True))
        if notes:
            obj.read_from_db(attnames)
        return obj

    return build


def maker(model: type) -> Callable[[list], Model]:
    """``model(*values)``: a new, unsaved instance from the values of all its columns in
    order, made directly for a plain model while nobody listens to ``pre_init`` or
    ``post_init`` (keywords with related objects cost ``Model.__init__`` about 15 µs for
    an audit entry)."""
    attnames = [f.attname for f in model._meta.concrete_fields]
    if not _plain(model, attnames):
        return lambda values: model(*values)
    new = object.__new__

    def make(values) -> Model:
        if pre_init.receivers or post_init.receivers or len(values) != len(attnames):
            return model(*values)
        obj = new(model)
        obj._state = ModelState()
        obj.__dict__.update(zip(attnames, values, strict=True))
        return obj

    return make


class _BuildingPopulator(RelatedPopulator):
    """Django's related populator, its objects made by ``builder``."""

    build: Callable

    def populate(self, row, from_obj):
        if self.reorder_for_init:
            obj_data = self.reorder_for_init(row)
        else:
            obj_data = row[self.cols_start : self.cols_end]
        if obj_data[self.pk_idx] is None:
            obj = None
        else:
            obj = self.build(self.db, self.init_list, obj_data)
            for rel_iter in self.related_populators:
                rel_iter.populate(row, obj)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)


def building(populators: list) -> list:
    """Django's related populators (``get_related_populators``), theirs and their own
    related objects made by ``builder``."""
    for populator in populators:
        if type(populator) is RelatedPopulator:
            populator.__class__ = _BuildingPopulator
            populator.build = builder(populator.model_cls, populator.init_list)
        building(populator.related_populators)
    return populators
