"""Downloads of archival PDFs (PDF/A): the version's, rendered from its text, and its
uploaded file's, converted. For everyone who may read the version (``documents.access``
through the version page's own look-ups): public versions to anyone. Only published
versions have one; any other answers 404, as a missing version does."""

from __future__ import annotations

import base64

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.text import slugify

from .access import REGISTER_VERSION_STATUSES
from .pdfa import ArchivalCopyPending, ArchivalPdf, archival_file, archival_pdf
from .pdfa.convert import REQUEST_TIMEOUT_SECONDS
from .views import _attachment, _document_or_404, _record_download, _version_or_404


def _published_version(request, document_id: int, number: int):
    document = _document_or_404(request, document_id)
    version = _version_or_404(request, document, number)
    if version.status not in REGISTER_VERSION_STATUSES:
        raise Http404
    return document, version


def _response(copy: ArchivalPdf, name: str) -> FileResponse:
    if not copy.exists:
        raise Http404
    try:
        handle = copy.open()
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/pdf"
    )
    # The stored checksum, so that a recipient can check what arrived (RFC 9530).
    digest = base64.b64encode(bytes.fromhex(copy.sha256)).decode("ascii")
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    return _attachment(response, name)


def version_archival_pdf(request, document_id: int, number: int):
    """/documents/<id>/versions/<n>/pdfa/: the version's archival PDF."""
    document, version = _published_version(request, document_id, number)
    stem = slugify(version.title or document.title) or "dokument"
    response = _response(archival_pdf(version), f"{stem}-v{version.number}-pdfa.pdf")
    _record_download(request, "pdf_downloaded", document, version, version)
    return response


def version_file_archival_pdf(request, document_id: int, number: int):
    """/documents/<id>/versions/<n>/file/pdfa/: the archival copy of the version's newest
    uploaded file (404 when it could not be converted: the page says why; 503 with a page
    saying so when a first conversion takes longer than a download may wait)."""
    document, version = _published_version(request, document_id, number)
    stored = version.files.first()  # the newest, as the file download serves
    if stored is None:
        raise Http404
    stem = slugify(stored.original_name.rsplit(".", 1)[0]) or "dokument"
    try:
        copy = archival_file(stored, timeout=REQUEST_TIMEOUT_SECONDS)
    except ArchivalCopyPending as pending:
        response = render(
            request,
            "documents/archival_copy_pending.html",
            {"document": document, "version": version, "message": pending.message},
            status=pending.status,
        )
        response["Retry-After"] = "600"
        return response
    response = _response(copy, f"{stem}-pdfa.pdf")
    _record_download(request, "file_downloaded", document, version, stored)
    return response
