"""Cases (viewflow processes) and the append-only audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One append-only line of the audit trail."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, help_text=_("When it happened."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
        help_text=_("Who did it; empty for the system."),
    )
    acting_as = models.ForeignKey(
        "org.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting as"),
        help_text=_("The position the person acted in."),
    )
    as_substitute = models.BooleanField(
        _("as substitute"), default=False, help_text=_("Whether the person acted as a substitute.")
    )
    action = models.CharField(_("action"), max_length=60, db_index=True, help_text=_("What was done, as a code."))
    target_type = models.CharField(_("object type"), max_length=60, blank=True, help_text=_("Kind of object."))
    target_id = models.CharField(_("object id"), max_length=40, blank=True, db_index=True, help_text=_("Id of the object."))
    target_label = models.CharField(_("object"), max_length=300, blank=True, help_text=_("The object as it was named then."))
    case = models.ForeignKey(
        "workflows.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("case"),
        help_text=_("The case the entry belongs to, if any."),
    )
    from_state = models.CharField(_("from"), max_length=60, blank=True, help_text=_("State before."))
    to_state = models.CharField(_("to"), max_length=60, blank=True, help_text=_("State after."))
    comment = models.TextField(_("comment"), blank=True, help_text=_("Details in words."))
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True, help_text=_("Client address, for log-ins."))

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


class CaseKind(models.TextChoices):
    NEW_DOCUMENT = "new", _("New document")
    REVISION = "revision", _("New version")
    REPEAL = "repeal", _("Repeal")


class Case(Process):
    """A case (ärende) about one governing document, driven by a viewflow flow."""

    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices, help_text=_("What the case is for."))
    diary_entry = models.OneToOneField(
        "documents.DiaryEntry",
        on_delete=models.PROTECT,
        related_name="case",
        verbose_name=_("diarienummer"),
        help_text=_("The case's diarienummer, issued when the case starts."),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("document"),
        help_text=_("The document the case is about."),
    )
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("version"),
        help_text=_("The version drafted in the case; for a repeal, the version repealed."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="started_cases",
        verbose_name=_("started by"),
        help_text=_("The official who started the case."),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.diary_entry} {self.document}"
