"""Asking for an archive package and building it (one state change = one function:
checks through ``archive.access``, applies, audits in the same transaction).

The registrar's page only writes the request (``request_export``); the scheduled command
``export_archive_package`` builds the queued ones (``run_pending``). A request is claimed
under ``select_for_update(skip_locked=True)`` and a conditional update of its status, so
two servers running the command at once never build the same package twice; a build
that died (its process killed) is taken up again after ``STALE_AFTER``.
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from audit import recording as audit

from . import access
from .models import ArchiveExport, ExportStatus, SelectionKind
from .package import build
from .selection import Selection, of_export, select

STALE_AFTER = datetime.timedelta(hours=6)
PROGRESS_STEPS = 100  # the row's progress is written at most this many times per build


def request_export(
    *, user, document=None, case=None, body=None, year=None, document_type=None, ip_address=None
) -> ArchiveExport:
    """Queue a package of the selection for ``user`` (registrar or administrator)."""
    access.check_export(user)
    selection = select(
        document=document, case=case, body=body, year=year, document_type=document_type
    )
    with transaction.atomic():
        export = ArchiveExport.objects.create(
            requested_by=user,
            kind=selection.kind,
            document=selection.document,
            case=selection.case,
            body=selection.body,
            year=selection.year,
            document_type=selection.document_type,
        )
        audit.record(
            "archive_export_requested",
            actor=user,
            acting=access.export_acting(user),
            target=export,
            comment=selection.key,
            ip_address=ip_address,
        )
    return export


def _claimable():
    stale = timezone.now() - STALE_AFTER
    return ArchiveExport.objects.filter(status=ExportStatus.QUEUED) | ArchiveExport.objects.filter(
        status=ExportStatus.RUNNING, started_at__lt=stale
    )


def claim_next() -> ArchiveExport | None:
    """Take the oldest queued request for this run; None when there is none left."""
    with transaction.atomic():
        export = (
            _claimable().select_for_update(skip_locked=True).order_by("requested_at", "pk").first()
        )
        if export is None:
            return None
        started = timezone.now()
        taken = ArchiveExport.objects.filter(pk=export.pk, status=export.status).update(
            status=ExportStatus.RUNNING, started_at=started, done=0, error=""
        )
        if not taken:
            return None
    export.refresh_from_db()
    return export


class _Progress:
    """Writes done/total to the row, at most PROGRESS_STEPS times."""

    def __init__(self, export_id: int):
        self.export_id, self.written = export_id, -1

    def __call__(self, done: int, total: int) -> None:
        step = max(1, total // PROGRESS_STEPS)
        if done == total or done - self.written >= step:
            ArchiveExport.objects.filter(pk=self.export_id).update(done=done, total=total)
            self.written = done


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def _finish(export: ArchiveExport, selection: Selection, handle) -> None:
    with transaction.atomic():
        export.refresh_from_db(fields=["done", "total"])
        export.sha256 = _sha256(handle)
        export.file_name = f"{selection.slug}.zip"
        export.file.save(f"{selection.slug}-{export.pk}.zip", File(handle), save=False)
        export.status = ExportStatus.DONE
        export.finished_at = timezone.now()
        export.save()
        audit.record(
            "archive_export_built",
            target=export,
            comment=f"{selection.key} sha256:{export.sha256}",
        )


def _fail(export: ArchiveExport, error: Exception) -> None:
    with transaction.atomic():
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        audit.record("archive_export_failed", target=export, comment=str(error)[:500])


def run_export(export: ArchiveExport) -> ArchiveExport:
    """Build a claimed request's package into the default storage (or record why not)."""
    selection = of_export(export)
    try:
        with tempfile.TemporaryFile() as handle:
            build(selection, handle, created_at=timezone.now(), progress=_Progress(export.pk))
            _finish(export, selection, handle)
    except Exception as error:  # noqa: BLE001 - any failure is the request's outcome
        _fail(export, error)
    export.refresh_from_db()
    return export


def run_pending(limit: int | None = None) -> list[ArchiveExport]:
    """Build queued requests until none is left (or ``limit`` are built)."""
    built = []
    while limit is None or len(built) < limit:
        export = claim_next()
        if export is None:
            break
        built.append(run_export(export))
    return built


def write_package(selection: Selection, path: str) -> str:
    """The command's direct export: the package of ``selection`` written to ``path``;
    audited; returns the package's SHA-256."""
    with open(path, "w+b") as handle:
        build(selection, handle, created_at=timezone.now())
        handle.flush()
        checksum = _sha256(handle)
    with transaction.atomic():
        audit.record(
            "archive_export_built",
            target_type="archive",
            target_label=selection.key,
            comment=f"{selection.key} → {path} sha256:{checksum}",
        )
    return checksum


__all__ = ["SelectionKind", "claim_next", "request_export", "run_export", "run_pending"]
