"""Archival PDFs (PDF/A-2b) of published versions and of their uploaded PDFs.

The one door for other code (the version's page, the E-ARK archive package, the job):

- ``archival_pdf(version) -> ArchivalPdf``: the PDF/A Styrdok renders from the version's
  text, with its decision record on page 1 and its metadata in XMP; made on first request
  (or by ``manage.py make_archival_pdfs``), stored, and the same bytes ever after.
- ``archival_file(version_file) -> ArchivalPdf``: an uploaded PDF as PDF/A (kept as it is
  when it already declares PDF/A, else converted), or why it could not be.
- ``make_missing()``: what the scheduled job makes.

Modules: ``record`` (the decision record), ``render`` (reportlab + pikepdf), ``xmp``,
``icc`` (the sRGB output profile), ``convert`` (uploads, Ghostscript), ``store`` (storage,
rows, two servers at once).
"""

from __future__ import annotations

import shutil

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from audit.refusals import Conflict

from ..access import REGISTER_VERSION_STATUSES
from ..models import ArchivalCopy, ArchivalFailure, DocumentVersion, VersionFile
from .convert import TIMEOUT_SECONDS
from .store import (
    ArchivalPdf,
    ConversionPending,
    as_archival_pdf,
    file_copy,
    make_file_copy,
    make_version_copy,
)

__all__ = [
    "ArchivalCopyPending",
    "ArchivalPdf",
    "NotArchivable",
    "archival_file",
    "archival_pdf",
    "make_missing",
]


class NotArchivable(Conflict):
    code = "not_archivable"
    message = _("Only a published version (valid, superseded or repealed) has an archival PDF.")


class ArchivalCopyPending(Exception):
    """Not a refusal but "not yet": a first conversion would take longer than a download may
    wait, and the scheduled job makes the copy. The download answers 503 with Retry-After."""

    code = "archival_copy_pending"
    status = 503
    message = _(
        "The file's PDF/A copy is still being made. Try again in a few minutes; the "
        "original file can be downloaded now."
    )


def _check(version: DocumentVersion) -> None:
    if version.status not in REGISTER_VERSION_STATUSES:
        raise NotArchivable


def archival_pdf(version: DocumentVersion) -> ArchivalPdf:
    """The archival PDF of a published version (made now if it is the first time)."""
    _check(version)
    row = ArchivalCopy.objects.filter(version=version, source_file__isnull=True).first()
    return as_archival_pdf(row or make_version_copy(version.pk))


def archival_file(version_file: VersionFile, *, timeout: int = TIMEOUT_SECONDS) -> ArchivalPdf:
    """The archival copy of an uploaded file of a published version. A conversion made
    now that runs past ``timeout`` (a download's shorter limit) raises
    ``ArchivalCopyPending`` and is left to the scheduled job."""
    _check(version_file.version)
    try:
        return as_archival_pdf(file_copy(version_file, timeout=timeout))
    except ConversionPending:
        raise ArchivalCopyPending from None


def _published() -> object:
    return DocumentVersion.objects.filter(status__in=REGISTER_VERSION_STATUSES)


def missing_version_ids() -> list[int]:
    has_copy = ArchivalCopy.objects.filter(version=OuterRef("pk"), source_file__isnull=True)
    return list(_published().filter(~Exists(has_copy)).order_by("pk").values_list("pk", flat=True))


def missing_file_ids() -> list[int]:
    """Uploads of published versions without a copy, and those that found no converter
    when it was last tried if there is one now."""
    missing = Q(archival_copy__isnull=True)
    if shutil.which("gs"):
        missing |= Q(archival_copy__failure=ArchivalFailure.NO_CONVERTER)
    return list(
        VersionFile.objects.filter(missing, version__status__in=REGISTER_VERSION_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def make_missing() -> tuple[int, int]:
    """Make the archival copies that are missing: (versions, files) made by this call.
    Each is claimed first (``_claim``), so that two servers running the job at once share
    the work instead of doing it twice."""
    versions = files = 0
    for pk in missing_version_ids():
        with transaction.atomic():
            if not _claim(_VERSION_COPY, pk):
                continue
            if ArchivalCopy.objects.filter(version_id=pk, source_file__isnull=True).exists():
                continue
            make_version_copy(pk)
            versions += 1
    for pk in missing_file_ids():
        stored = VersionFile.objects.get(pk=pk)
        with transaction.atomic():
            if not _claim(_FILE_COPY, pk):
                continue
            earlier = ArchivalCopy.objects.filter(source_file_id=pk)
            if earlier.exclude(failure=ArchivalFailure.NO_CONVERTER).exists():
                continue
            # A try without a converter stored no bytes: its row gives way to the real one.
            earlier.delete()
            make_file_copy(stored)
            files += 1
    return versions, files


# The advisory locks' keys: "PD" and the kind of copy in the high bits, the row's id in the
# low 32 (within PostgreSQL's signed 64 bits).
_VERSION_COPY, _FILE_COPY = (0x5044 << 16) | 1, (0x5044 << 16) | 2


def _claim(kind: int, pk: int) -> bool:
    """Claim the making of one copy for this transaction, or False when another server
    holds the claim: a transaction-scoped advisory lock on PostgreSQL, not the version's
    row, which publication locks to supersede it, so that a render or Ghostscript's run
    (up to ``convert.TIMEOUT_SECONDS``) never holds up a publication. SQLite has one
    writer at a time."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [(kind << 32) | (pk & 0xFFFFFFFF)])
        return bool(cursor.fetchone()[0])
