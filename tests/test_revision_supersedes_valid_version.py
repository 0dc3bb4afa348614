"""A new version of a valid document starts as a copy of its text; when it is published the
old version is superseded in the same transaction, so there are never two valid versions."""

from __future__ import annotations

import pytest

from documents import services as document_services
from documents.models import DocumentStatus, DocumentVersion, VersionStatus
from tests.lifecycle import (
    decisions,
    open_steps,
    refresh,
    run_until,
    shows,
    today,
    valid_document,
)
from workflows.models import Case

OLD_TEXT = "<p>Introduktionen tar en vecka.</p>"


@pytest.fixture
def rutin(town):
    return valid_document(
        town,
        type_code="rutin",
        title="Rutin för introduktion",
        process=town.process,
        owner="processagare",
        decided_by="processagare",
        body=OLD_TEXT,
    )


def test_a_new_version_supersedes_the_valid_one(town, rutin):
    old = rutin.current_version
    author = town.desk("hrstrateg")
    case = author.start_revision(rutin)
    assert case.kind == "revision"
    assert case.version.number == 2
    assert case.version.body == OLD_TEXT  # the draft starts as a copy
    page = author.open(case, "draft")[1]
    assert page.context["form"]["body"].value() == OLD_TEXT

    author.do(case, "draft", body="<p>Introduktionen tar två veckor.</p>")
    run_until(town, case, "decision")
    # While the new version is in the case, the old one stays the valid one.
    rutin.refresh_from_db()
    assert rutin.current_version == old
    town.desk("processagare").do(
        case, "decision", outcome="adopted", decision_date=today(), valid_from=today()
    )
    town.desk("registrator").do(case, "registration")

    new = DocumentVersion.objects.get(pk=case.version.pk)
    old.refresh_from_db()
    rutin.refresh_from_db()
    assert new.status == VersionStatus.VALID
    assert old.status == VersionStatus.SUPERSEDED
    assert old.superseded_on == today()
    assert new.replaces == old
    assert rutin.current_version == new
    assert rutin.status == DocumentStatus.VALID
    assert rutin.versions.filter(status=VersionStatus.VALID).count() == 1
    assert rutin.versions.count() == 2  # the old version stays in the archive
    assert refresh(case).outcome == "published"


def test_if_publication_fails_the_old_version_stays_valid(town, rutin, monkeypatch):
    """Superseding and publishing are one transaction with the registration."""
    old = rutin.current_version
    case = town.desk("hrstrateg").start_revision(rutin)
    run_until(town, case, "registration")
    real_record = document_services.audit.record

    def failing_record(action, **kwargs):
        if action == "version_published":
            raise RuntimeError("disk full")
        return real_record(action, **kwargs)

    monkeypatch.setattr(document_services.audit, "record", failing_record)
    with pytest.raises(RuntimeError, match="disk full"):
        town.desk("registrator").attempt(case, "registration")

    old.refresh_from_db()
    rutin.refresh_from_db()
    assert old.status == VersionStatus.VALID
    assert rutin.current_version == old
    assert DocumentVersion.objects.get(pk=case.version_id).status == VersionStatus.ADOPTED
    assert open_steps(case) == ["registration"]
    assert decisions(case).get().registered_at is None


def test_a_document_with_an_open_case_gets_no_second_new_version(town, rutin):
    author = town.desk("hrstrateg")
    first = author.start_revision(rutin)

    response = author.post(f"/work/documents/{rutin.pk}/new-version/", follow=True)

    assert response.status_code == 200
    assert shows(
        response,
        f"The document already has an open case, {first.diarienummer}. "
        "Finish it before starting another.",
    )
    assert Case.objects.filter(document=rutin).count() == 1
    assert rutin.versions.count() == 2
