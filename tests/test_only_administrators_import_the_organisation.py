"""The organisation file holds people and their e-mail addresses and changes who holds
which position: only administrators may import or export it (issue 19)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from org.import_models import ImportStatus, OrganisationImport
from org.importing import services
from org.models import Unit
from tests.factories import UserFactory
from tests.orgfile import example, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    return OrganisationImport.objects.create(
        filename="org.xlsx",
        content=xlsx(example()),
        ends_from=datetime.date(2026, 12, 1),
        status=ImportStatus.PREVIEWED,
    )


def _pages(run):
    return [
        ("get", reverse("orgimport:start")),
        ("get", reverse("orgimport:run", args=[run.pk])),
        ("post", reverse("orgimport:confirm", args=[run.pk])),
        ("get", reverse("orgimport:template")),
        ("get", reverse("orgimport:example")),
        ("get", reverse("orgimport:export")),
    ]


@pytest.mark.parametrize(
    "who",
    [
        {"is_staff": True},  # staff without superuser rights
        {},
        {"is_superuser": True, "is_active": False},
    ],
)
def test_others_are_refused_every_page(client, run, who):
    client.force_login(UserFactory(**who), backend="django.contrib.auth.backends.ModelBackend")
    for method, url in _pages(run):
        response = getattr(client, method)(url)
        # Refused, or (the inactive account is no longer logged in) sent to log in.
        assert response.status_code == 403 or "/login/" in response["Location"], url
    response = client.post(
        reverse("orgimport:start"),
        {"file": SimpleUploadedFile("org.xlsx", xlsx(example())), "ends_from": "2026-12-01"},
    )
    assert response.status_code == 403 or "/login/" in response["Location"]
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEWED
    assert Unit.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client, run):
    for method, url in _pages(run):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_the_services_refuse_a_non_administrator(run):
    official = UserFactory()
    with pytest.raises(services.ImportNotAllowed):
        services.preview(official, "org.xlsx", b"", ends_from=datetime.date(2026, 12, 1))
    with pytest.raises(services.ImportNotAllowed):
        services.confirm(official, run.pk)
    with pytest.raises(services.ImportNotAllowed):
        services.export_for(official, "xlsx")


def test_an_administrator_exports_and_the_download_is_audited(client):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("orgimport:export") + "?format=zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert AuditEntry.objects.filter(action="organisation_exported", actor=admin).exists()
