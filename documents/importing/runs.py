"""The register import as runs (the page): upload and dry run, confirm, and the scheduled
job ``run_register_imports`` that checks large uploads, imports confirmed runs and removes
old uploads.

The uploads are kept in the file storage (``default_storage``: the media folder, S3 in
production) so that the confirmation imports exactly what was checked, whichever server
answers and whichever server runs the job. A large register's dry run and import take
minutes, too long for a request: a small file is checked at once, a larger one by the job,
and confirming only queues the import. The job claims a run under
``select_for_update(skip_locked=True)`` and a conditional update of its status (as the
archive packages are claimed), so two servers running the job at once never check or
import one run twice; it imports all or nothing (``services.import_register``) with its
progress written as it goes (``progress``). A run whose job died (its transaction rolled
back, so nothing was imported) is taken up again after ``STALE_AFTER``."""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recording
from org.importing.reader import read

from .. import access
from ..models import RegisterImport, RegisterImportStatus
from . import services
from .progress import RunProgress
from .refusals import (
    RegisterImportExpired,
    RegisterImportHasErrors,
    RegisterImportNotAllowed,
    RegisterImportNotChecked,
    RegisterImportNotPending,
)
from .sheets import DOCUMENTS, EARLIER, REGISTER_SHEETS
from .sources import Files, Zip

Status = RegisterImportStatus

# A run still running after this long had its job killed: claimed again. (2,000 documents
# with files take minutes; the limit is far above that.)
STALE_AFTER = datetime.timedelta(hours=2)
# A file of at most this many rows (documents and earlier versions) is checked while the
# upload is answered; a larger one by the job (a file's check takes about a second of wall
# time on a loaded machine, so 2,000 documents take many minutes).
CHECK_AT_ONCE_ROWS = 25
# Uploads not imported are removed after this many days (``run_register_imports``).
KEEP_UPLOADS_DAYS = 14


def _note(run: RegisterImport) -> str:
    return _("Register import no. %(number)s (%(file)s)") % {
        "number": run.pk,
        "file": run.filename,
    }


def _rows(filename: str, data: bytes) -> int:
    book = read(filename, data, REGISTER_SHEETS)
    return len(book.rows(DOCUMENTS)) + len(book.rows(EARLIER))


def preview(user, upload: File, files_upload: File | None) -> RegisterImport:
    """Keep the register file and its files as a run to confirm. A small file is checked at
    once (the import, rolled back); a larger one is checked by the scheduled job, as its
    check takes minutes (every file's text is read). A file with errors is not kept."""
    if not access.can_import_register(user):
        raise RegisterImportNotAllowed
    data = upload.read()
    run = RegisterImport(
        filename=upload.name[:255],
        files_name=files_upload.name[:255] if files_upload is not None else "",
        uploaded_by=user,
        status=Status.UPLOADED,
    )
    run.file.save(upload.name, ContentFile(data), save=False)
    if files_upload is not None:
        files_upload.seek(0)
        run.files.save(files_upload.name, files_upload, save=False)
    run.save()
    if _rows(upload.name, data) <= CHECK_AT_ONCE_ROWS:
        _dry_run(run)
        run.refresh_from_db()
    return run


class _Unreadable(Exception):
    """The stored uploads cannot be read (gone, or not a ZIP)."""


@contextmanager
def _stored(run: RegisterImport) -> Iterator[tuple[bytes, Files]]:
    """The run's register file and its files, read from the file storage."""
    handle = None
    try:
        with run.file.open("rb") as register:
            data = register.read()
        handle = run.files.open("rb") if run.files else None
        files = Zip(handle) if handle is not None else Files()
    except (OSError, ValueError, zipfile.BadZipFile) as error:  # TooLarge is a ValueError
        if handle is not None:
            handle.close()
        raise _Unreadable(str(error)) from error
    try:
        yield data, files
    finally:
        if handle is not None:
            handle.close()


def _dry_run(run: RegisterImport, progress: RunProgress | None = None) -> None:
    with _stored(run) as (data, files):
        report = services.import_register(
            run.filename, data, files, user=run.uploaded_by, dry_run=True, progress=progress
        )
    RegisterImport.objects.filter(pk=run.pk).update(
        status=Status.PREVIEWED if report.ok else Status.REFUSED, preview=report.as_json()
    )
    if not report.ok:
        remove_uploads(run)


def confirm(user, run_id: int) -> RegisterImport:
    """Queue a checked run for the scheduled job; once only, never one with errors."""
    if not access.can_import_register(user):
        raise RegisterImportNotAllowed
    with transaction.atomic():
        run = RegisterImport.objects.select_for_update().get(pk=run_id)
        if run.status == Status.REFUSED:
            raise RegisterImportHasErrors
        if run.status == Status.EXPIRED:
            raise RegisterImportExpired
        if run.status in (Status.UPLOADED, Status.CHECKING):
            raise RegisterImportNotChecked
        if run.status != Status.PREVIEWED:
            raise RegisterImportNotPending
        run.status = Status.QUEUED
        run.applied_by = user
        run.confirmed_at = timezone.now()
        run.save(update_fields=["status", "applied_by", "confirmed_at"])
        recording.record("register_import_confirmed", actor=user, target=run, comment=_note(run))
    return run


# What the job does next with a run, by its status: check it, or import it.
_NEXT = {
    Status.UPLOADED: Status.CHECKING,
    Status.CHECKING: Status.CHECKING,
    Status.QUEUED: Status.RUNNING,
    Status.RUNNING: Status.RUNNING,
}


def _claimable():
    stale = timezone.now() - STALE_AFTER
    waiting = RegisterImport.objects.filter(status__in=[Status.UPLOADED, Status.QUEUED])
    died = RegisterImport.objects.filter(
        status__in=[Status.CHECKING, Status.RUNNING], started_at__lt=stale
    )
    return waiting | died


def claim_next() -> RegisterImport | None:
    """Take the oldest run waiting to be checked or imported for this job; None when there
    is none left."""
    with transaction.atomic():
        run = _claimable().select_for_update(skip_locked=True).order_by("pk").first()
        if run is None:
            return None
        taken = RegisterImport.objects.filter(
            pk=run.pk, status=run.status, started_at=run.started_at
        ).update(status=_NEXT[run.status], started_at=timezone.now(), done=0, total=0, error="")
        if not taken:
            return None
    run.refresh_from_db()
    return run


def check(run: RegisterImport) -> RegisterImport:
    """The dry run of a claimed run (``CHECKING``), with its progress."""
    if run.status != Status.CHECKING:
        raise RegisterImportNotPending
    progress = RunProgress(run.pk)
    try:
        _dry_run(run, progress)
    except Exception as error:  # noqa: BLE001 - any failure is the run's outcome
        _fail(
            run, _("The check failed: %s. Upload the files again.") % error, status=Status.CHECKING
        )
    finally:
        progress.close()
    run.refresh_from_db()
    return run


def _fail(
    run: RegisterImport, message: str, report: dict | None = None, status: str = Status.RUNNING
) -> None:
    with transaction.atomic():
        RegisterImport.objects.filter(pk=run.pk, status=status).update(
            status=Status.FAILED,
            error=message[:2000],
            report=report or {},
            finished_at=timezone.now(),
        )
        recording.record(
            "register_import_failed", actor=run.applied_by, target=run, comment=message[:500]
        )


def apply(run: RegisterImport) -> RegisterImport:
    """Import a claimed run, all of it or nothing; a run not claimed (``RUNNING``) is
    refused, so a run is never applied twice."""
    if run.status != Status.RUNNING:
        raise RegisterImportNotPending
    progress = RunProgress(run.pk)
    try:
        with _stored(run) as (data, files):
            report = services.import_register(
                run.filename,
                data,
                files,
                user=run.applied_by,
                progress=progress,
                note=_note(run),
                run=run,
            )
    except _Unreadable as error:
        report = None
        _fail(run, _("The stored files could not be read: %s. Nothing was imported.") % error)
    except Exception as error:  # noqa: BLE001 - any failure is the run's outcome
        report = None
        _fail(run, _("The import failed: %s. Nothing was imported.") % error)
    finally:
        written = progress.written
        progress.close()
    if report is not None and not report.ok:
        reasons = "; ".join(str(p) for p in report.problems[:3])
        _fail(run, _("Nothing was imported: %s") % reasons, report.as_json())
    elif report is not None:
        RegisterImport.objects.filter(pk=run.pk).update(done=max(written, 0), total=max(written, 0))
        remove_uploads(run)
    run.refresh_from_db()
    return run


def run_pending(limit: int | None = None) -> list[RegisterImport]:
    """Check uploaded runs and import confirmed ones until none is left (or ``limit`` are
    done)."""
    done = []
    while limit is None or len(done) < limit:
        run = claim_next()
        if run is None:
            break
        done.append(check(run) if run.status == Status.CHECKING else apply(run))
    return done


def remove_uploads(run: RegisterImport) -> None:
    """Delete the run's stored files (the storage first: a row that still names a file
    that is gone is harmless, a file no row names would stay for ever)."""
    for field in (run.file, run.files):
        if field:
            field.storage.delete(field.name)
    RegisterImport.objects.filter(pk=run.pk).update(
        file="", files="", uploads_removed_at=timezone.now()
    )


def purge(now: datetime.datetime | None = None, days: int = KEEP_UPLOADS_DAYS) -> int:
    """Remove the uploads of runs older than ``days`` that are not waiting for the job (an
    unconfirmed one expires); returns how many runs lost their files."""
    before = (now or timezone.now()) - datetime.timedelta(days=days)
    old = (
        RegisterImport.objects.filter(uploaded_at__lt=before, uploads_removed_at__isnull=True)
        .exclude(status__in=list(_NEXT))
        .exclude(file="", files="")
    )
    count = 0
    for run in old:
        remove_uploads(run)
        RegisterImport.objects.filter(pk=run.pk, status=Status.PREVIEWED).update(
            status=Status.EXPIRED
        )
        count += 1
    return count
