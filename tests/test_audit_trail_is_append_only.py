"""The audit trail can be appended to, never changed or deleted (internal control, COSO)."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from tests.factories import UserFactory


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


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_shows_an_entry_read_only(superuser_client, entry):
    from django.urls import reverse

    url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    page = superuser_client.get(url)
    posted = superuser_client.post(url, {"comment": "efterhandskonstruktion", "action": "x"})

    assert page.status_code == 200
    assert b'name="comment"' not in page.content  # shown, not editable
    assert posted.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).comment == ""


def test_the_admin_cannot_delete_or_add_entries(superuser_client, entry):
    from django.urls import reverse

    delete_url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert superuser_client.get(delete_url).status_code == 403
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = superuser_client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert superuser_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_of_other_models_is_not_a_way_around(superuser_client, entry):
    # Entries protect the users they name: deleting such a user is refused by the database.
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        entry.actor.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_api_offers_no_audit_trail(client, entry):
    for url in ["/api/v1/audit/", f"/api/v1/audit/{entry.pk}/", "/api/v1/auditentry/"]:
        assert client.get(url).status_code == 404
