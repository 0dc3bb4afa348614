"""One run of the organisation import: the uploaded file, kept between preview and confirm."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed, waiting for confirmation")
    REFUSED = "refused", _("Has errors, cannot be applied")
    APPLIED = "applied", _("Applied")


class OrganisationImport(models.Model):
    """An uploaded organisation file, its dry run and, once confirmed, its application.

    The file is kept in the database (not the session) so that the confirmation applies
    exactly what was previewed, from any worker."""

    filename = models.CharField(
        _("file name"), max_length=255, help_text=_("The name of the uploaded file.")
    )
    content = models.BinaryField(
        _("content"), help_text=_("The uploaded file as it was received (XLSX, CSV or ZIP).")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
        help_text=_("The administrator who uploaded the file; empty for the command."),
    )
    uploaded_at = models.DateTimeField(
        _("uploaded"), auto_now_add=True, help_text=_("When the file was uploaded.")
    )
    ends_from = models.DateField(
        _("ends from"),
        help_text=_(
            "Holdings, substitutions and representations missing from the file end the day "
            "before this day."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImportStatus.choices,
        help_text=_("Where the run is: previewed, refused for errors, or applied."),
    )
    preview = models.JSONField(
        _("dry run"),
        default=dict,
        blank=True,
        help_text=_("What the dry run found: counts, the changes in words and the errors."),
    )
    applied_at = models.DateTimeField(
        _("applied"), null=True, blank=True, help_text=_("When the import was applied.")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
        help_text=_("Who confirmed the import."),
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("organisation import")
        verbose_name_plural = _("organisation imports")

    def __str__(self) -> str:
        return (
            f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"
            if self.uploaded_at
            else (self.filename)
        )
