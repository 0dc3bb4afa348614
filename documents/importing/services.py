"""The register import's writes: check the file and its files, then apply all of it in one
transaction or none of it; a dry run is the real import rolled back. Every change is
recorded in the audit trail as the import's (``audit.recording.noted``) with a
``register_imported`` entry for the run, and the register's cache generation moves once
(as for every transaction, ``documents.cache.bump``). The same machinery as the
organisation import (``org.importing``: reader, report, checks of keys and lengths)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recording
from org.importing.reader import read
from org.importing.services import Report, all_or_nothing

from .. import access
from ..models import RegisterImport, RegisterImportStatus
from .apply import Progress, RegisterRun
from .check import check
from .export import export
from .refusals import RegisterImportNotAllowed
from .sheets import REGISTER_SHEETS
from .sources import Files

__all__ = ["RegisterImportNotAllowed", "export_for", "import_register"]


def import_register(
    filename: str,
    data: bytes,
    files: Files | None = None,
    *,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    note: str = "",
    run: RegisterImport | None = None,
) -> Report:
    """Check the register file (and its files) and apply it, or only try it (``dry_run``).
    The command line passes no user; the page checks ``access`` before it calls this. The
    scheduled job passes its ``run``, marked applied in the import's own transaction (and
    only after the last progress step: see ``progress``)."""
    files = files or Files()
    book = read(filename, data, REGISTER_SHEETS)
    report = Report(problems=list(book.problems))
    if not report.ok:
        return report
    checked = check(book, files)
    report.problems, report.warnings = checked.problems, checked.warnings
    if not report.ok:
        return report
    comment = note or _("Register import from the command line")
    job = RegisterRun(book, checked, files, user=user, dry_run=dry_run, progress=progress)
    with all_or_nothing(report, user, comment, dry_run=dry_run):
        report.changes = job.run()
        if run is not None and not dry_run:
            _applied(run, report)
        recording.record(
            "register_imported",
            actor=user,
            target=run,
            target_type="" if run is not None else "documents.document",
            target_label=filename,
            comment=_("%(n)s changes") % {"n": len(report.changes)},
        )
    return report


def _applied(run: RegisterImport, report: Report) -> None:
    run.status = RegisterImportStatus.APPLIED
    run.finished_at = timezone.now()
    run.report = report.as_json()
    run.save(update_fields=["status", "finished_at", "report"])


def export_for(user, fmt: str) -> tuple[bytes, bytes]:
    """The register file and the ZIP of its files, for an administrator or the registrar;
    the download is recorded."""
    if not access.can_import_register(user):
        raise RegisterImportNotAllowed
    content = export(fmt)
    recording.record_now("register_exported", actor=user, target_label=_("Register (%s)") % fmt)
    return content
