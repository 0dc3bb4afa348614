"""The demo (load_demo) gives the registrar open cases in many steps with real waiting
times, a history of closed cases for the lead times, KS meetings with today's agenda
ready for the secretary to record at once, a valid rutin being revised (the register's
"under revision"), and stays idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents.models import DiarySeries
from tests.lifecycle import Desk
from workflows import desk
from workflows.desk.diarium import diarium_register, diarium_years
from workflows.models import Case, CaseKind, Meeting


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_desk(demo, django_user_model):
    open_cases = Case.objects.filter(finished__isnull=True)
    steps = set(open_cases.values_list("current_step", flat=True))
    assert {"draft", "union_statement", "samverkan_meeting", "proposal", "preparation"} <= steps
    assert {"decision", "registration"} <= steps
    waiting = [c.step_since for c in open_cases if c.step_since]
    assert max(timezone.now() - w for w in waiting).days >= 30

    assert Case.objects.filter(finished__isnull=False).count() >= 5
    assert {r.label for r in desk.type_lead_times()} >= {"Policy", "Rutin"}
    assert all(r.median > 1 for r in desk.step_lead_times())

    today_ks = Meeting.objects.get(body__short_name="KS", date=timezone.localdate())
    agenda = desk.agenda(today_ks)
    assert len(agenda.ready) >= 4 and len(agenda.late) >= 1
    assert Meeting.objects.filter(body__short_name="KS", date__gt=timezone.localdate()).exists()

    registrar = Desk(django_user_model.objects.get(username="registrator"))
    assert registrar.get(reverse("workflows:desk")).status_code == 200
    secretary = Desk(django_user_model.objects.get(username="kommunsekreterare"))
    page = secretary.get(reverse("workflows:desk_meeting", args=[today_ks.pk]))
    assert len(page.context["form"].cases) == len(agenda.ready)


def test_the_demo_has_a_valid_rutin_under_revision(demo, client):
    revision = Case.objects.get(kind=CaseKind.REVISION, finished__isnull=True)
    assert revision.document.status == "valid" and revision.document.has_open_case
    assert revision.version.status == "draft"
    assert "nyckelhantering" in revision.version.body

    client.force_login(revision.version.created_by)
    page = client.get(reverse("register"), {"status": "under_revision"})
    assert [v.document_id for v in page.context["page"].object_list] == [revision.document_id]


def test_loading_the_demo_again_changes_nothing(demo):
    before = (Case.objects.count(), Meeting.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Case.objects.count(), Meeting.objects.count()) == before
    assert "inget har ändrats" in out.getvalue()


def test_the_demo_diarium_shows_no_number_passed_without_an_entry(demo, django_user_model):
    """The demo's counters and entries agree: a newcomer's diarium shows no alarm."""
    checked = 0
    for series in DiarySeries.objects.all():
        for year in diarium_years(series):
            lines, missing = diarium_register(series, year)
            assert missing == [], f"{series.code} {year}: {missing[:5]}"
            checked += len(lines)
    assert checked >= 50
    registrar = Desk(django_user_model.objects.get(username="registrator"))
    ks = DiarySeries.objects.get(code="KS")
    year = timezone.localdate().year
    page = registrar.get(f"{reverse('workflows:desk_diarium')}?series={ks.pk}&year={year}")
    assert page.status_code == 200
    assert not page.context["missing"]
