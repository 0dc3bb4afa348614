"""The append-only audit trail: one table every layer writes to (audit.recording).

The audit app is the bottom layer and imports no other app of the project: the entries'
case is ``settings.STYRDOK_CASE_MODEL`` (like ``AUTH_USER_MODEL``), the position a string
reference. The table is still ``workflows_auditentry``, where it was created.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "case_started": _("Case started"),
    "task_created": _("New step"),
    "task_claimed": _("Task claimed"),
    "task_released": _("Task released"),
    "task_completed": _("Step completed"),
    "draft_saved": _("Draft saved"),
    "file_uploaded": _("File uploaded"),
    "coauthor_added": _("Co-author added"),
    "samverkan_skipped": _("Samverkan not required"),
    "samverkan_statement": _("Union position given"),
    "samverkan_meeting": _("Samverkan meeting recorded"),
    "negotiation": _("MBL negotiation recorded"),
    "proposal_written": _("Decision proposal written"),
    "preparation": _("Preparation recorded"),
    "decision": _("Decision recorded"),
    "decision_registered": _("Decision registered"),
    "version_published": _("Version published"),
    "version_superseded": _("Version superseded"),
    "document_repealed": _("Document repealed"),
    "case_closed": _("Case closed"),
    "review_answered": _("Review answered"),
    "review_confirmed": _("Review confirmed (aktualitetsprövning)"),
    "review_reminder_sent": _("Review reminder sent"),
    "review_report_attached": _("Review report attached to a case"),
    # Log-ins (workflows.signals)
    "login": _("Logged in"),
    "logout": _("Logged out"),
    "login_failed": _("Failed log-in"),
    "login_locked_out": _("Log-in locked after repeated failures"),
    # Permissions
    "user_flags_changed": _("Account status changed"),
    "user_groups_changed": _("Group membership changed"),
    "user_permissions_changed": _("User permissions changed"),
    "group_permissions_changed": _("Group permissions changed"),
    "object_permission_granted": _("Object permission granted"),
    "object_permission_revoked": _("Object permission revoked"),
    # Positions and memberships that give power
    "role_added": _("Position or membership added"),
    "role_changed": _("Position or membership changed"),
    "role_removed": _("Position or membership removed"),
    # Downloads of material that is not public
    "file_downloaded": _("Non-public file downloaded"),
    "pdf_downloaded": _("Non-public PDF downloaded"),
    # Archive packages (archive)
    "archive_export_requested": _("Archive package requested"),
    "archive_export_built": _("Archive package built"),
    "archive_export_failed": _("Archive package could not be built"),
    "archive_package_downloaded": _("Archive package downloaded"),
    "meeting_planned": _("Meeting planned"),
    "meeting_changed": _("Meeting changed"),
    "meeting_removed": _("Meeting removed"),
    "meeting_targeted": _("Target meeting set"),
    "record_registered": _("Record registered"),
    "diary_entry_published": _("Diarium record made public in the e-diarium"),
    "diary_entry_hidden": _("Diarium record hidden in the e-diarium"),
    "reader_granted": _("Read access granted"),
    "reader_revoked": _("Read access revoked"),
    # Read acknowledgement (reading)
    "reading_confirmed": _("Reading confirmed"),
    "reading_reminder_sent": _("Reading reminder sent"),
    # The rule set, the organisation and the documents' details (audit.tracking)
    "rule_set_added": _("Added to the rule set"),
    "rule_set_changed": _("Rule set changed"),
    "rule_set_removed": _("Removed from the rule set"),
    "organisation_added": _("Added to the organisation"),
    "organisation_changed": _("Organisation changed"),
    "organisation_removed": _("Removed from the organisation"),
    "document_created": _("Document created"),
    "document_changed": _("Document details changed"),
    "document_removed": _("Document removed"),
    "notification_preference_set": _("Notification choice changed"),
    "follow_started": _("Started following"),
    "follow_stopped": _("Stopped following"),
    # The organisation file (org.importing)
    "organisation_imported": _("Organisation imported"),
    "organisation_exported": _("Organisation exported"),
    # The rule-set file (documents.rule_file)
    "rule_set_imported": _("Rule set imported"),
    "rule_set_exported": _("Rule set exported"),
    # The register file (documents.importing)
    "register_import_confirmed": _("Register import confirmed"),
    "register_imported": _("Register imported"),
    "register_import_failed": _("Register import failed"),
    "register_exported": _("Register exported"),
}


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One append-only line of the audit trail."""

    at = models.DateTimeField(
        _("time"), default=timezone.now, db_index=True, help_text=_("When it happened.")
    )
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
    action = models.CharField(
        _("action"), max_length=60, db_index=True, help_text=_("What was done, as a code.")
    )
    target_type = models.CharField(
        _("object type"), max_length=60, blank=True, help_text=_("Kind of object.")
    )
    target_id = models.CharField(
        _("object id"), max_length=40, blank=True, db_index=True, help_text=_("Id of the object.")
    )
    target_label = models.CharField(
        _("object"), max_length=300, blank=True, help_text=_("The object as it was named then.")
    )
    case = models.ForeignKey(
        settings.STYRDOK_CASE_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("case"),
        help_text=_("The case the entry belongs to, if any."),
    )
    from_state = models.CharField(
        _("from"), max_length=60, blank=True, help_text=_("State before.")
    )
    to_state = models.CharField(_("to"), max_length=60, blank=True, help_text=_("State after."))
    comment = models.TextField(_("comment"), blank=True, help_text=_("Details in words."))
    ip_address = models.GenericIPAddressField(
        _("address"), null=True, blank=True, help_text=_("Client address, for log-ins.")
    )
    # Nullable without a default, so that adding the column is a plain ALTER TABLE … ADD
    # COLUMN on SQLite too (a default would make Django rebuild the table, and with it drop
    # the triggers that keep the trail insert-only).
    changes = models.JSONField(
        _("changes"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "What a change of a tracked object changed, field by field: "
            '{"field": [before, after]}; a related object as {"id": …, "name": …}, '
            "several as a list of them. Empty for other entries."
        ),
    )

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        # The table and the index keep the names they had in workflows: the move changed no
        # row, and the triggers that keep the trail insert-only name this table.
        db_table = "workflows_auditentry"
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="workflows_a_target__cacdaf_idx")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def target_type_label(self) -> str:
        from .tracking import object_type_name

        return object_type_name(self.target_type)

    @property
    def change_lines(self) -> list:
        """The changes, readable: field label, before and after (``tracking.ChangeLine``)."""
        from .tracking import change_lines

        return change_lines(self)
