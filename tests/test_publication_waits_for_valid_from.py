"""An adopted version with a future valid-from date waits; the daily job publishes it on
that date, once, however often it runs."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from viewflow.workflow.models import Task

from audit.models import AuditEntry
from documents.models import DocumentStatus, DocumentVersion, VersionStatus
from tests.lifecycle import (
    days,
    days_pass,
    open_tasks,
    refresh,
    run_until,
    today,
    valid_document,
)
from workflows.flows import DocumentFlow


def publish(on=None) -> str:
    out = StringIO()
    args = ["--date", on.isoformat()] if on else []
    call_command("publish_due_versions", *args, stdout=out)
    return out.getvalue()


def adopt_with_future_date(town, case, valid_from):
    run_until(town, case, "decision")
    town.desk("enhetschef").complete(
        case, "decision", outcome="adopted", decision_date=today(), valid_from=valid_from
    )
    town.desk("registrator").complete(case, "registration")
    return refresh(case)


def test_a_version_valid_from_a_later_date_is_published_on_that_date_once(town):
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan läsåret 2027/28",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    case = adopt_with_future_date(town, case, days(30))

    # Registered and adopted, waiting for the date: not valid yet.
    assert case.current_step == "await_valid_from"
    assert case.outcome == "adopted"
    assert case.finished is None
    assert open_tasks(case) == []  # nothing for a person to do
    waiting = Task.objects.get(process=case, flow_task=DocumentFlow.await_valid_from)
    assert waiting.status == "NEW"
    version = DocumentVersion.objects.get(pk=case.version_id)
    assert version.status == VersionStatus.ADOPTED
    assert case.document.status == DocumentStatus.DRAFT

    # The job before the date publishes nothing.
    assert "0 version(s) published." in publish()
    assert DocumentVersion.objects.get(pk=version.pk).status == VersionStatus.ADOPTED

    # Time passes: the valid-from date is today.
    with days_pass(30):
        first = publish()
        second = publish()

    assert case.diarienummer in first
    assert "1 version(s) published." in first
    assert "0 version(s) published." in second
    version.refresh_from_db()
    document = version.document
    assert version.status == VersionStatus.VALID
    assert version.valid_from == days(30)
    assert document.status == DocumentStatus.VALID
    assert document.current_version == version
    assert AuditEntry.objects.filter(case=case, action="version_published").count() == 1
    case = refresh(case)
    assert case.outcome == "published"
    assert case.finished is not None


def test_the_job_catches_up_on_a_missed_day(town):
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2028",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    case = adopt_with_future_date(town, case, days(10))
    # The server was down on the valid-from date; the job runs days later.
    with days_pass(13):
        assert "0 version(s) published." in publish(on=days(-4))
        assert "1 version(s) published." in publish(on=days(-1))
        version = DocumentVersion.objects.get(pk=case.version_id)
        assert version.status == VersionStatus.VALID
        assert version.valid_from == days(-3)


def test_the_job_never_publishes_ahead_of_the_valid_from_date(town):
    """``--date`` in the future must not make a version valid early, nor crash the job."""
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2028",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    case = adopt_with_future_date(town, case, days(10))

    publish(on=days(10))

    assert DocumentVersion.objects.get(pk=case.version_id).status == VersionStatus.ADOPTED
    assert refresh(case).current_step == "await_valid_from"


def test_the_old_version_stays_valid_until_the_new_one_takes_over(town):
    plan = valid_document(
        town,
        type_code="handlingsplan",
        title="Handlingsplan 2026",
        scope="unit",
        owner="enhetschef",
        decided_by="enhetschef",
    )
    old = plan.current_version
    case = town.desk("samordnare").start_revision(plan)
    case = adopt_with_future_date(town, case, days(20))

    plan.refresh_from_db()
    assert plan.current_version == old
    assert plan.versions.filter(status=VersionStatus.VALID).get() == old

    with days_pass(20):
        publish()

    plan.refresh_from_db()
    old.refresh_from_db()
    assert plan.versions.filter(status=VersionStatus.VALID).get().pk == case.version_id
    assert old.status == VersionStatus.SUPERSEDED
    assert old.superseded_on == days(20)
