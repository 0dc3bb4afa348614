"""Making and keeping archival copies: rendered or converted once, stored in the project's
file storage (``default_storage``: the file system, S3 in production) with their SHA-256,
one row each (``documents.ArchivalCopy``), never changed.

Two servers (or a request and the scheduled job) may make the same copy at once: the row's
unique constraint lets one insert win; the other deletes the file it stored and reads the
winner's. The scheduled job also skips versions another server has locked
(``select_for_update(skip_locked=True)`` on PostgreSQL), so the work is done once.
Nothing here runs during publication: the first request or the job makes the copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import ArchivalCopy, ArchivalFailure, VersionFile
from .convert import TIMEOUT_SECONDS, Conversion, convert_upload
from .record import load_version, record_of
from .render import CONFORMANCE, render_archival_pdf


@dataclass(frozen=True)
class ArchivalPdf:
    """An archival copy: the stored PDF/A (``name`` in ``default_storage``; ``read()`` gives
    its bytes), its SHA-256, the PDF/A conformance it declares, and a note in Swedish; for an
    upload that could not be converted, ``name`` is empty and ``failure`` says why."""

    name: str
    sha256: str
    size: int
    conformance: str
    note: str
    failure: str = ArchivalFailure.NONE

    @property
    def exists(self) -> bool:
        return bool(self.name)

    def open(self):
        return default_storage.open(self.name, "rb")

    def read(self) -> bytes:
        with self.open() as handle:
            return handle.read()


def as_archival_pdf(row: ArchivalCopy) -> ArchivalPdf:
    return ArchivalPdf(
        name=row.file.name or "",
        sha256=row.sha256,
        size=row.size,
        conformance=row.conformance,
        note=user_note(row),
        failure=row.failure,
    )


def user_note(row: ArchivalCopy) -> str:
    """What the version's page says of the copy (in the language active now)."""
    if row.failure:
        return _("Could not be converted to PDF/A: %(reason)s.") % {
            "reason": row.get_failure_display()
        }
    return _("Archival format: %(conformance)s") % {"conformance": row.conformance}


def _store(data: bytes) -> tuple[str, str]:
    field = ArchivalCopy._meta.get_field("file")
    name = default_storage.save(field.generate_filename(None, "copy.pdf"), ContentFile(data))
    return name, hashlib.sha256(data).hexdigest()


def _insert(row: ArchivalCopy, lookup: dict, *, stored_here: bool) -> ArchivalCopy:
    """Insert ``row``, or, when another server was first, drop the file we stored
    (``stored_here``) and take theirs."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row
    except IntegrityError:
        if stored_here and row.file.name:
            default_storage.delete(row.file.name)
        return ArchivalCopy.objects.get(**lookup)


def make_version_copy(version_id: int) -> ArchivalCopy:
    version = load_version(version_id)
    data = render_archival_pdf(record_of(version), version.body)
    name, digest = _store(data)
    row = ArchivalCopy(
        version_id=version_id,
        file=name,
        sha256=digest,
        size=len(data),
        conformance=CONFORMANCE,
        note="rendered by Styrdok",
    )
    return _insert(row, {"version_id": version_id, "source_file__isnull": True}, stored_here=True)


class ConversionPending(Exception):
    """A conversion ran past a download's shorter time limit: nothing is stored, and the
    scheduled job converts the file with the full limit."""


def make_file_copy(stored: VersionFile, *, timeout: int = TIMEOUT_SECONDS) -> ArchivalCopy:
    with stored.file.open("rb") as handle:
        data = handle.read()
    result: Conversion = convert_upload(data, stored.content_type, timeout=timeout)
    if result.timed_out and timeout < TIMEOUT_SECONDS:
        raise ConversionPending
    row = ArchivalCopy(
        version_id=stored.version_id,
        source_file=stored,
        conformance=result.conformance,
        failure=result.failure,
        note=result.note[:300],
    )
    if result.same:
        row.file.name, row.sha256, row.size = stored.file.name, stored.sha256, stored.size
    elif result.data is not None:
        row.file.name, row.sha256 = _store(result.data)
        row.size = len(result.data)
    # The upload's own file (kept as the copy when it already is PDF/A) is never deleted.
    stored_here = result.data is not None and not result.same
    return _insert(row, {"source_file": stored}, stored_here=stored_here)


def file_copy(stored: VersionFile, *, timeout: int = TIMEOUT_SECONDS) -> ArchivalCopy:
    row = ArchivalCopy.objects.filter(source_file=stored).first()
    return row or make_file_copy(stored, timeout=timeout)
