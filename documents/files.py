"""Uploaded document files: type detection by content, size limit, text extraction."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    extracted_text: str


def _sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and zf.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    finally:
        upload.seek(0)
    return None


def _xml_text(data: bytes) -> str:
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - stdlib parser, no external entities
    except ElementTree.ParseError:
        return ""
    return re.sub(r"\s+", " ", " ".join(t for t in root.itertext())).strip()


def extract_text(upload: UploadedFile, content_type: str) -> str:
    """Plain text of a DOCX or ODT file (PDF text is extracted by the search indexer)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as zf:
            if content_type == DOCX:
                return _xml_text(zf.read("word/document.xml"))
            if content_type == ODT:
                return _xml_text(zf.read("content.xml"))
    except (zipfile.BadZipFile, KeyError, OSError):
        return ""
    finally:
        upload.seek(0)
    return ""


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Accept only PDF, DOCX and ODT, recognised by content, within the size limit."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_large",
        )
    content_type = _sniff(upload)
    if content_type is None:
        raise ValidationError(
            _("The file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."),
            code="bad_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        extracted_text=extract_text(upload, content_type),
    )
