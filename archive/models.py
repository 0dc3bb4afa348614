"""An export of an archive package (E-ARK CSIP / FGS 2.0): the registrar's request, built
by the scheduled job ``export_archive_package`` (docs/archive.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SelectionKind(models.TextChoices):
    DOCUMENT = "document", _("One document")
    CASE = "case", _("One case")
    BODY_YEAR = "body_year", _("What a body adopted in a year")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ArchiveExport(models.Model):
    """One request for an archive package and how far its building has come."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Who asked for the package."),
    )
    requested_at = models.DateTimeField(
        _("requested"), default=timezone.now, help_text=_("When the package was asked for.")
    )
    kind = models.CharField(
        _("selection"),
        max_length=20,
        choices=SelectionKind.choices,
        help_text=_("What the package holds: one document, one case or a body's year."),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
        help_text=_("The document exported (selection: one document)."),
    )
    case = models.ForeignKey(
        "workflows.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
        help_text=_("The case exported (selection: one case)."),
    )
    body = models.ForeignKey(
        "org.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("body"),
        help_text=_("The body whose adoptions are exported (selection: a body's year)."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("The year of the body's adoptions.")
    )
    document_type = models.ForeignKey(
        "documents.DocumentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document type"),
        help_text=_("Only documents of this type (a body's year); empty: every type."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExportStatus.choices,
        default=ExportStatus.QUEUED,
        help_text=_("Queued, being built, done or failed."),
    )
    done = models.PositiveIntegerField(
        _("files done"), default=0, help_text=_("How many files of the package are written.")
    )
    total = models.PositiveIntegerField(
        _("files in all"), default=0, help_text=_("How many files the package will hold.")
    )
    file = models.FileField(
        _("package"),
        upload_to="archive/%Y/",
        blank=True,
        help_text=_("The finished package (a ZIP file)."),
    )
    file_name = models.CharField(
        _("file name"), max_length=200, blank=True, help_text=_("The package's download name.")
    )
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, blank=True, help_text=_("The checksum of the package.")
    )
    error = models.TextField(
        _("error"), blank=True, help_text=_("Why the building failed, if it did.")
    )
    started_at = models.DateTimeField(
        _("started"), null=True, blank=True, help_text=_("When the building started.")
    )
    finished_at = models.DateTimeField(
        _("finished"), null=True, blank=True, help_text=_("When the building ended.")
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("archive export")
        verbose_name_plural = _("archive exports")
        indexes = [models.Index(fields=["status", "requested_at"], name="archive_export_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
