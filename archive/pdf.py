"""The PDFs of a version for the package: one place, so that the source can change.

The PDF/A of a published version and of its uploaded files come from ``documents.pdfa``
(made once, stored with their SHA-256, the same bytes ever after). A version adopted but
not yet valid has no archival copy yet (``NotArchivable``): the package then carries the
version's plain PDF from ``documents.pdf``, rendered in reportlab's invariant mode so that
the same version still gives the same bytes (docs/archive.md).
"""

from __future__ import annotations

from documents.pdf import version_pdf
from documents.pdfa import NotArchivable, archival_file
from documents.pdfa import archival_pdf as stored_archival_pdf


def archival_pdf(version) -> bytes:
    """The version's PDF/A (its plain PDF while it is adopted but not yet valid)."""
    try:
        return stored_archival_pdf(version).read()
    except NotArchivable:
        return version_pdf(version, invariant=True)


def archival_upload(version_file) -> bytes | None:
    """The PDF/A copy of an uploaded file; None when there is none (not published yet, or
    the file could not be converted: the original is in the package all the same)."""
    try:
        copy = archival_file(version_file)
    except NotArchivable:
        return None
    return copy.read() if copy.exists else None
