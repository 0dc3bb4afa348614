"""Two servers run the scheduled ``export_archive_package`` at the same moment: each
queued package is built by exactly one of them (``select_for_update(skip_locked=True)``
and a conditional update of the status), none twice, none left over (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from archive import services
from archive.models import ArchiveExport, ExportStatus
from audit.models import AuditEntry
from org.models import PositionKind
from tests.factories import (
    PositionFactory,
    PositionHoldingFactory,
    UserFactory,
    document_with_history,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_runners_started_at_once_build_each_package_once(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    registrar = UserFactory(username="registrator")
    PositionHoldingFactory(user=registrar, position=PositionFactory(kind=PositionKind.REGISTRAR))
    documents = [document_with_history(1, title=f"Policy {n}") for n in range(4)]
    for document in documents:
        services.request_export(user=registrar, document=document.pk)

    # Each build takes a while, so the two runners surely overlap.
    real_build = services.build
    started = threading.Barrier(2)

    def slow_build(*args, **kwargs):
        real_build(*args, **kwargs)
        threading.Event().wait(0.3)

    monkeypatch.setattr(services, "build", slow_build)
    results: dict[str, list[int]] = {}

    def runner(name: str) -> None:
        try:
            started.wait(timeout=10)
            results[name] = [e.pk for e in services.run_pending()]
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    built = results["a"] + results["b"]
    assert sorted(built) == sorted(ArchiveExport.objects.values_list("pk", flat=True))
    assert len(set(built)) == len(built) == 4
    assert results["a"] and results["b"]  # both did some of the work
    assert set(ArchiveExport.objects.values_list("status", flat=True)) == {ExportStatus.DONE}
    assert AuditEntry.objects.filter(action="archive_export_built").count() == 4
