"""The audit trail can be appended to, never changed or deleted (internal control, COSO)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from workflows.models import AuditEntry


@pytest.fixture
def entry(db):
    return AuditEntry.objects.create(
        actor=UserFactory(), action="case_started", target_label="KS 2026/1"
    )


def test_entries_can_be_appended(entry):
    AuditEntry.objects.create(action="case_closed", target_label="KS 2026/1")

    assert AuditEntry.objects.count() == 2


def test_an_entry_cannot_be_changed(entry):
    entry.comment = "efterhandskonstruktion"

    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).comment == ""


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_changes_are_refused(entry):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).comment == ""
