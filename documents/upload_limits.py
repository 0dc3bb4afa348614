"""The limits an uploaded file is held to, read from settings (docs/deployment.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """An upload refused with a message for the form that sent it."""


@dataclass(frozen=True)
class UploadLimits:
    # DOCX and ODT (zip archives)
    zip_max_entries: int
    zip_max_unpacked_bytes: int
    zip_max_ratio: int
    xml_max_bytes: int
    # Text kept for search, any type, and the time and memory reading it may take
    text_max_chars: int
    text_seconds: float
    text_memory_bytes: int
    # PDF text extraction
    pdf_max_pages: int
    pdf_max_content_bytes: int

    @classmethod
    def from_settings(cls) -> UploadLimits:
        return cls(
            zip_max_entries=settings.STYRDOK_UPLOAD_ZIP_MAX_ENTRIES,
            zip_max_unpacked_bytes=settings.STYRDOK_UPLOAD_ZIP_MAX_UNPACKED_BYTES,
            zip_max_ratio=settings.STYRDOK_UPLOAD_ZIP_MAX_RATIO,
            xml_max_bytes=settings.STYRDOK_UPLOAD_XML_MAX_BYTES,
            text_max_chars=settings.STYRDOK_UPLOAD_TEXT_MAX_CHARS,
            text_seconds=settings.STYRDOK_UPLOAD_TEXT_SECONDS,
            text_memory_bytes=settings.STYRDOK_UPLOAD_TEXT_MEMORY_BYTES,
            pdf_max_pages=settings.STYRDOK_PDF_TEXT_MAX_PAGES,
            pdf_max_content_bytes=settings.STYRDOK_PDF_TEXT_MAX_CONTENT_BYTES,
        )
