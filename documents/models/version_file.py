"""An uploaded file of a document version: every upload is kept, the newest is the
version's file."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .document import DocumentVersion


def version_upload_to(instance: DocumentVersion, filename: str) -> str:
    # A fresh random name per upload: files are never overwritten and the
    # stored name reveals nothing guessable.
    suffix = PurePath(filename).suffix.lower()
    # The content was checked to be PDF, DOCX or ODT; any other name keeps no extension.
    if suffix not in (".pdf", ".docx", ".odt"):
        suffix = ""
    return f"versions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class VersionFile(models.Model):
    """An uploaded document file. Every upload is kept; the newest is the version's file."""

    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("version"),
        help_text=_("The version the file belongs to."),
    )
    file = models.FileField(
        _("file"), upload_to=version_upload_to, help_text=_("The stored file (PDF, DOCX or ODT).")
    )
    original_name = models.CharField(
        _("original file name"), max_length=255, help_text=_("The file's name as uploaded.")
    )
    content_type = models.CharField(
        _("content type"), max_length=100, help_text=_("Detected from the file's content.")
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), help_text=_("File size in bytes."))
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Checksum of the content."))
    extracted_text = models.TextField(
        _("extracted text"), blank=True, help_text=_("Text extracted for search.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
        help_text=_("Who uploaded the file."),
    )
    uploaded_at = models.DateTimeField(
        _("uploaded"), default=timezone.now, help_text=_("When the file was uploaded.")
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document file")
        verbose_name_plural = _("document files")

    def __str__(self) -> str:
        return self.original_name
