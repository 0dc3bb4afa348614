"""The Django admin: administrators only. Staff see only the case material the access
module lets them see; the audit trail is read-only; viewflow's process and task lists
are for superusers only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from viewflow.workflow.models import Process, Task

from audit.models import AuditEntry
from tests.factories import UserFactory


def _staff(*codenames: str):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def draft_case(town):
    return town.desk("utvecklare").start_document(
        document_type=town.types["riktlinje"],
        title="Riktlinje Hemligt utkast",
        scope_unit=town.units["sector"],
        owner_position=town.positions["utvecklare"],
    )


def test_people_who_are_not_staff_get_the_admin_log_in(client, town, draft_case):
    client.force_login(town.users["registrator"])
    for url in ["/admin/", "/admin/documents/document/", "/admin/audit/auditentry/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_staff_see_no_draft_they_may_not_see(client, town, draft_case):
    client.force_login(_staff("view_document", "view_auditentry", "view_diaryentry"))
    for url in [
        "/admin/documents/document/",
        "/admin/audit/auditentry/",
        "/admin/documents/diaryentry/",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Hemligt utkast" not in response.content.decode(), url


def test_a_superuser_sees_the_draft(admin_client, draft_case):
    response = admin_client.get("/admin/documents/document/")
    assert "Hemligt utkast" in response.content.decode()


def test_the_audit_trail_cannot_be_changed_in_the_admin(admin_client, draft_case):
    entry = AuditEntry.objects.filter(case=draft_case).first()
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"comment": "ändrat"}).status_code == 403
    assert admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    entry.refresh_from_db()
    assert entry.comment != "ändrat"


def test_viewflow_lists_are_for_superusers_only(client, admin_client, draft_case):
    client.force_login(_staff("view_process", "view_task", "change_process", "change_task"))
    task = Task.objects.filter(process=draft_case).first()
    for url in [
        "/admin/viewflow/process/",
        f"/admin/viewflow/process/{draft_case.pk}/change/",
        "/admin/viewflow/task/",
        f"/admin/viewflow/task/{task.pk}/change/",
    ]:
        assert client.get(url).status_code == 403, url
        assert admin_client.get(url).status_code == 200, url
    # Read-only even for superusers.
    process_url = f"/admin/viewflow/process/{draft_case.pk}/change/"
    assert admin_client.post(process_url, {}).status_code == 403
    assert Process.objects.filter(pk=draft_case.pk).exists()
