"""One run of the register import (``documents.importing.runs``): the uploaded register file
and the versions' files kept in the file storage between the dry run and the confirmation,
then applied by the scheduled job ``run_register_imports`` with its progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisterImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, waiting to be checked")
    CHECKING = "checking", _("Being checked")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    REFUSED = "refused", _("Has errors, cannot be imported")
    QUEUED = "queued", _("Confirmed, waiting to be imported")
    RUNNING = "running", _("Being imported")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed: nothing was imported")
    EXPIRED = "expired", _("Expired: not confirmed in time")


class RegisterImport(models.Model):
    """An uploaded register file with its files, its dry run and, once confirmed, its
    application by the scheduled job.

    The files are kept in the project's file storage (the local media folder, S3 in
    production), never served: every app server and the job read the same upload, and the
    confirmation imports exactly what was checked."""

    filename = models.CharField(
        _("file name"), max_length=255, help_text=_("The name of the uploaded register file.")
    )
    file = models.FileField(
        _("register file"),
        upload_to="register-imports/%Y/%m/",
        max_length=300,
        blank=True,
        help_text=_(
            "The uploaded register file (XLSX, CSV or ZIP of CSV files) as received; removed "
            "once imported or after some days."
        ),
    )
    files_name = models.CharField(
        _("files' file name"),
        max_length=255,
        blank=True,
        help_text=_("The name of the uploaded ZIP of the versions' files; empty if none."),
    )
    files = models.FileField(
        _("versions' files"),
        upload_to="register-imports/%Y/%m/",
        max_length=300,
        blank=True,
        help_text=_(
            "The uploaded ZIP of the versions' files as received; removed once imported or "
            "after some days."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
        help_text=_("Who uploaded the files."),
    )
    uploaded_at = models.DateTimeField(
        _("uploaded"), auto_now_add=True, help_text=_("When the files were uploaded.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegisterImportStatus.choices,
        help_text=_(
            "Where the run is: waiting to be checked, being checked, checked, has errors, "
            "confirmed and queued, being imported, imported, failed or expired."
        ),
    )
    preview = models.JSONField(
        _("dry run"),
        default=dict,
        blank=True,
        help_text=_(
            "What the dry run found: counts, what would be added or changed, the warnings and "
            "the errors with their sheet, row and column."
        ),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
        help_text=_("Who confirmed the import; the import is recorded as theirs."),
    )
    confirmed_at = models.DateTimeField(
        _("confirmed"), null=True, blank=True, help_text=_("When the import was confirmed.")
    )
    started_at = models.DateTimeField(
        _("started"),
        null=True,
        blank=True,
        help_text=_("When the scheduled job last took the run (to check it or to import it)."),
    )
    finished_at = models.DateTimeField(
        _("finished"),
        null=True,
        blank=True,
        help_text=_("When the import was applied or failed."),
    )
    done = models.PositiveIntegerField(
        _("documents done"),
        default=0,
        help_text=_("How many documents the dry run or the import has done."),
    )
    total = models.PositiveIntegerField(
        _("documents in all"),
        default=0,
        help_text=_(
            "How many documents the dry run or the import does in all; 0 while the files are "
            "checked."
        ),
    )
    report = models.JSONField(
        _("import report"),
        default=dict,
        blank=True,
        help_text=_("What the import did, or the errors that stopped it."),
    )
    error = models.TextField(
        _("error"), blank=True, help_text=_("Why the import failed, if it did (nothing imported).")
    )
    uploads_removed_at = models.DateTimeField(
        _("uploads removed"),
        null=True,
        blank=True,
        help_text=_("When the stored files were removed from the file storage."),
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0
