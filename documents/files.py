"""Uploaded document files: type detection by content, size limit, text extraction."""

from __future__ import annotations

import hashlib
import logging
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


# Text beyond this many pages is not extracted (bounds the work a hostile PDF can cause).
MAX_PDF_PAGES = 1000

_LINE_HYPHEN = re.compile(r"([^\W\d_])-[ \t]*\r?\n\s*([^\W\d_])")

logger = logging.getLogger(__name__)


def _pdf_text(upload: UploadedFile) -> str:
    from pypdf import PdfReader

    parts: list[str] = []
    try:
        reader = PdfReader(upload)
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES:
                break
            try:
                # Join words hyphenated at the end of a line ("samverkans-\ngruppen").
                parts.append(_LINE_HYPHEN.sub(r"\1\2", page.extract_text() or ""))
            except Exception:  # noqa: BLE001 - one broken page must not lose the others
                logger.warning("Could not extract text from page %s of a PDF", number + 1)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        logger.warning("Could not read a PDF for text extraction", exc_info=True)
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def extract_text(upload: UploadedFile, content_type: str) -> str:
    """Plain text of a PDF, DOCX or ODT file, for search; empty when nothing can be read."""
    upload.seek(0)
    if content_type == PDF:
        try:
            return _pdf_text(upload)
        finally:
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
