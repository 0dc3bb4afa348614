"""An audit entry is made from its columns' values (``audit.recording._new_entry``,
``config.model_rows.maker``) with the same columns as ``AuditEntry(...)`` with its related
objects; an unsaved related object is refused at the save, as before."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from audit import recording
from audit.models import AuditEntry
from workflows.actions.start import start_new_document
from workflows.models import Case

pytestmark = pytest.mark.django_db


def _columns(entry) -> dict:
    return {f.attname: getattr(entry, f.attname) for f in AuditEntry._meta.concrete_fields}


def _values(**changed) -> dict:
    values = {
        "at": timezone.now(),
        "as_substitute": True,
        "action": "task_completed",
        "target_type": "workflows.case",
        "target_id": "7",
        "target_label": "KS 2026/7 Handlingsplan",
        "from_state": "draft",
        "to_state": "",
        "comment": "Utkast",
        "ip_address": None,
        "changes": {"title": ["a", "b"]},
    }
    values.update(changed)
    return values


def test_an_entry_has_the_columns_the_orm_gives_it(town):
    case = start_new_document(
        user=town.users["samordnare"],
        document_type=town.types["handlingsplan"],
        title="Handlingsplan att granska",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    user, position = town.users["samordnare"], town.positions["enhetschef"]
    for actor, acting_as, on in ((user, position, case), (None, None, None)):
        values = _values()
        made = recording._new_entry(actor, acting_as, on, **values)
        expected = AuditEntry(actor=actor, acting_as=acting_as, case=on, **values)
        assert type(made) is AuditEntry and made._state.adding and made._state.db is None
        assert _columns(made) == _columns(expected)
        with transaction.atomic():
            made.save(force_insert=True)
        assert _columns(AuditEntry.objects.get(pk=made.pk)) == {**_columns(made), "id": made.pk}


def test_an_unsaved_case_is_refused_as_before(town):
    unsaved = Case()
    entry = recording._new_entry(None, None, unsaved, **_values())
    with pytest.raises(ValueError), transaction.atomic():
        entry.save(force_insert=True)
