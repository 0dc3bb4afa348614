"""Read acknowledgement (läskvittens): only the confirmations are stored.

Who must read a document is never materialised: the audience is everyone holding a
position, on the day asked, in the document's scope unit or below it (narrowed to the
position kinds of the document's type), computed when asked (``reading.selectors``). A
confirmation names the person, the version and the time; it is never changed or deleted
(the database refuses, ``CONFIRMATION_RULES``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.protection import DELETE, TRUNCATE, UPDATE, Rule


class ConfirmationQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("Read confirmations are append-only.")

    def delete(self):
        raise PermissionError("Read confirmations are append-only.")


class ReadConfirmation(models.Model):
    """A person confirmed having read and understood a version ("Jag har läst och förstått")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="read_confirmations",
        verbose_name=_("person"),
        help_text=_("The person who confirmed reading."),
    )
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.PROTECT,
        related_name="read_confirmations",
        verbose_name=_("version"),
        help_text=_("The version the person read."),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="read_confirmations",
        verbose_name=_("document"),
        help_text=_("The version's document (copied, so that a person's latest is one look-up)."),
    )
    version_number = models.PositiveIntegerField(
        _("version number"), help_text=_("The version's number (copied).")
    )
    confirmed_at = models.DateTimeField(
        _("confirmed"), default=timezone.now, help_text=_("When the person confirmed reading.")
    )

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="reading_one_confirmation_per_version"
            )
        ]
        indexes = [
            # "The latest version this person confirmed of this document".
            models.Index(
                fields=["user", "document", "version_number"], name="reading_user_document"
            ),
            models.Index(
                fields=["document", "version_number", "user"], name="reading_document_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Read confirmations are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Read confirmations are append-only.")


CONFIRMATION_RULES = (
    Rule(
        "reading_protect_confirmation_update",
        "reading_readconfirmation",
        UPDATE,
        "a read confirmation is never changed",
    ),
    Rule(
        "reading_protect_confirmation_delete",
        "reading_readconfirmation",
        DELETE,
        "a read confirmation is never deleted",
    ),
    Rule(
        "reading_protect_confirmation_truncate",
        "reading_readconfirmation",
        TRUNCATE,
        "read confirmations are never emptied",
    ),
)
