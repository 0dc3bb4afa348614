"""Archival copies (PDF/A) of published versions and of their uploaded PDF files.

One row per published version (``source_file`` empty: the PDF/A Styrdok renders from the
version's text with its decision record on page 1) and one per uploaded PDF of such a
version (the upload converted to PDF/A, the upload itself when it already is one, or why it
could not be converted). The unique constraints make a copy once, however many servers try
at the same time; the bytes are stored once and never changed (``documents.pdfa``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def archival_upload_to(instance: ArchivalCopy, filename: str) -> str:
    # A fresh random name: two servers making the same copy never write the same file.
    return f"archival/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class ArchivalFailure(models.TextChoices):
    """Why an uploaded file has no PDF/A copy."""

    NONE = "", _("Converted")
    ENCRYPTED = "encrypted", _("the file is encrypted (password protected)")
    BROKEN = "broken", _("the file is damaged and cannot be read as a PDF")
    NOT_PDF = "not_pdf", _("the file is not a PDF")
    CONVERTER_FAILED = "converter_failed", _("the conversion failed")
    NO_CONVERTER = "no_converter", _("no converter is installed on the server")


class ArchivalCopy(models.Model):
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.PROTECT,
        related_name="archival_copies",
        verbose_name=_("version"),
        help_text=_("The published version the copy belongs to."),
    )
    source_file = models.OneToOneField(
        "documents.VersionFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archival_copy",
        verbose_name=_("uploaded file"),
        help_text=_(
            "The uploaded file this is the archival copy of; empty for the PDF/A rendered "
            "from the version's text."
        ),
    )
    file = models.FileField(
        _("file"),
        upload_to=archival_upload_to,
        blank=True,
        max_length=200,
        help_text=_("The stored PDF/A; empty when the uploaded file could not be converted."),
    )
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, blank=True, help_text=_("Checksum of the stored PDF/A.")
    )
    size = models.PositiveBigIntegerField(
        _("size (bytes)"), default=0, help_text=_("Size of the stored PDF/A in bytes.")
    )
    conformance = models.CharField(
        _("conformance"),
        max_length=20,
        blank=True,
        help_text=_("The PDF/A part and level the file declares, e.g. PDF/A-2b."),
    )
    failure = models.CharField(
        _("not converted because"),
        max_length=20,
        choices=ArchivalFailure.choices,
        blank=True,
        default=ArchivalFailure.NONE,
        help_text=_("Why the uploaded file has no PDF/A copy; empty when it has one."),
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("How the copy was made (rendered, converted, already PDF/A) or the error."),
    )
    made_at = models.DateTimeField(
        _("made"), default=timezone.now, help_text=_("When the copy was made.")
    )

    class Meta:
        verbose_name = _("archival copy (PDF/A)")
        verbose_name_plural = _("archival copies (PDF/A)")
        constraints = [
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(source_file__isnull=True),
                name="documents_one_archival_pdf_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.conformance or self.failure}"

    @property
    def converted(self) -> bool:
        return bool(self.file) and not self.failure
