"""The organisation import's writes: the dry run (kept as a run to confirm) and the import.

Both read the file, check it and, when it has no errors, apply it in one transaction: the
dry run rolls that transaction back and keeps what it would have done; the import keeps
it. Either all of the file is applied or none of it. Every change is recorded in the audit
trail as the import's (``audit.recording.noted``: the run's number in each entry's comment,
and an ``organisation_imported`` entry for the run).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recording

from .. import access
from ..import_models import ImportStatus, OrganisationImport
from .apply import ADD, CHANGE, END, Change, Progress, Run
from .check import check
from .export import export
from .reader import Problem, read

# The changes a page shows in words; the counts cover all of them.
SHOWN_CHANGES = 1000


class ImportNotAllowed(PermissionDenied):
    pass


class ImportNotPending(Exception):
    """The run was applied already, or has errors."""


@dataclass
class Report:
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What is imported all the same but must be seen (the register import: a decision by
    # someone the rule set would not allow); never a reason to refuse.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, dict[str, int]]:
        counted = Counter((c.sheet, c.kind) for c in self.changes)
        sheets = dict.fromkeys(c.sheet for c in self.changes)
        return {
            sheet: {kind: counted[(sheet, kind)] for kind in (ADD, CHANGE, END)} for sheet in sheets
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "total": len(self.changes),
            "changes": [[c.sheet, c.kind, c.text] for c in self.changes[:SHOWN_CHANGES]],
            "errors": [str(p) for p in self.problems],
            "warnings": [str(p) for p in self.warnings],
        }


class _RolledBack(Exception):
    """Raised to undo a dry run: the import ran in full and is rolled back."""


@contextmanager
def imported_together(user, note: str, *, dry_run: bool) -> Iterator[None]:
    """An import's writes in one transaction, recorded as ``user``'s under ``note`` and in
    one batch, rolled back after a dry run. A database error propagates with nothing
    written; ``all_or_nothing`` turns it into a report's problem, the rule-set file into
    its own refusal."""
    try:
        with transaction.atomic(), recording.by(user), recording.noted(note):
            with recording.batched():
                yield
            if dry_run:
                raise _RolledBack
    except _RolledBack:
        pass


@contextmanager
def all_or_nothing(report: Report, user, note: str, *, dry_run: bool) -> Iterator[None]:
    """``imported_together`` for the organisation and the register import: a constraint
    the checks missed writes nothing and becomes the report's one problem."""
    try:
        with imported_together(user, note, dry_run=dry_run):
            yield
    except DatabaseError as error:
        report.problems = [Problem("", None, "", _("The database refused the import: %s") % error)]
        report.changes = []


def _note(run: OrganisationImport | None) -> str:
    if run is None:
        return _("Organisation import from the command line")
    return _("Organisation import no. %(number)s (%(file)s)") % {
        "number": run.pk,
        "file": run.filename,
    }


def _apply(
    filename: str,
    data: bytes,
    *,
    ends_from: datetime.date,
    user,
    dry_run: bool,
    run: OrganisationImport | None = None,
    progress: Progress | None = None,
) -> Report:
    book = read(filename, data)
    report = Report(problems=list(book.problems))
    if not report.ok:
        return report
    report.problems = check(book, ends_from)
    if not report.ok:
        return report
    with all_or_nothing(report, user, _note(run), dry_run=dry_run):
        report.changes = Run(book, ends_from, progress).run()
        if run is not None and not dry_run:
            run.status = ImportStatus.APPLIED
            run.applied_at = timezone.now()
            run.applied_by = user if getattr(user, "is_authenticated", False) else None
            run.save(update_fields=["status", "applied_at", "applied_by"])
        recording.record(
            "organisation_imported",
            actor=user,
            target=run,
            target_type="org.organisationimport",
            target_label=filename,
            comment=_("%(n)s changes") % {"n": len(report.changes)},
        )
    return report


def import_file(
    filename: str,
    data: bytes,
    *,
    ends_from: datetime.date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    """``manage.py import_organisation``: check and apply (or only try) a file at once."""
    day = ends_from or timezone.localdate()
    return _apply(filename, data, ends_from=day, user=None, dry_run=dry_run, progress=progress)


def preview(user, filename: str, data: bytes, *, ends_from: datetime.date) -> OrganisationImport:
    """Keep the file and its dry run, for an administrator to confirm (``confirm``)."""
    if not access.can_import_organisation(user):
        raise ImportNotAllowed
    run = OrganisationImport.objects.create(
        filename=filename[:255],
        content=data,
        uploaded_by=user,
        ends_from=ends_from,
        status=ImportStatus.PREVIEWED,
    )
    report = _apply(filename, data, ends_from=ends_from, user=user, dry_run=True, run=run)
    run.preview = report.as_json()
    run.status = ImportStatus.PREVIEWED if report.ok else ImportStatus.REFUSED
    run.save(update_fields=["preview", "status"])
    return run


def confirm(user, run_id: int) -> Report:
    """Apply the previewed file, all of it or nothing; refused if it was applied already."""
    if not access.can_import_organisation(user):
        raise ImportNotAllowed
    with transaction.atomic():
        run = OrganisationImport.objects.select_for_update().get(pk=run_id)
        if run.status != ImportStatus.PREVIEWED:
            raise ImportNotPending
        report = _apply(
            run.filename,
            bytes(run.content),
            ends_from=run.ends_from,
            user=user,
            dry_run=False,
            run=run,
        )
        # What it did (the database may have changed since the dry run), or why not.
        run.preview = report.as_json()
        if not report.ok:
            run.status = ImportStatus.REFUSED
        run.save(update_fields=["preview", "status"])
    return report


def export_for(user, fmt: str) -> bytes:
    """The organisation file for an administrator; the download (personal data: names and
    e-mail addresses) is recorded in the audit trail."""
    if not access.can_import_organisation(user):
        raise ImportNotAllowed
    content = export(fmt)
    # With the request's address, as every download of personal data is recorded.
    recording.record_now(
        "organisation_exported", actor=user, target_label=_("Organisation (%s)") % fmt
    )
    return content
