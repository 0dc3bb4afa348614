"""What people chose to be told, what they follow, and what there is to tell.

- ``Preference``: per person, how they hear of documents (immediately, in a weekly digest,
  never). A person without a row has the default, the weekly digest.
- ``Follow``: a document, or a register search (its filter query), a person follows.
- ``Announcement``: one row per published version or repealed document, written with the
  publication; the weekly digest reads the week's rows. Nobody's copy is stored: who is
  told is computed when mail is sent, so a rutin for 5,000 people writes one row.
- ``DigestSent``: a person's digest of a week was sent (unique), so that running the
  digest job twice in a week sends it once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately, one e-mail each time")
    WEEKLY = "weekly", _("Once a week, in a digest")
    NEVER = "never", _("Never")


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("person"),
        help_text=_("The person whose choice this is."),
    )
    documents = models.CharField(
        _("new and revised documents"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
        help_text=_(
            "How the person hears of new and revised documents that apply to their units "
            "and of what they follow."
        ),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_documents_display()}"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("person"),
        help_text=_("The person who follows."),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("document"),
        help_text=_("The document followed; empty for a followed register search."),
    )
    query = models.CharField(
        _("register search"),
        max_length=1000,
        blank=True,
        help_text=_(
            "The register's filter query followed (as in its address); empty for a document."
        ),
    )
    label = models.CharField(
        _("label"),
        max_length=300,
        blank=True,
        help_text=_("How the followed search is described to the person."),
    )
    created_at = models.DateTimeField(
        _("followed since"), default=timezone.now, help_text=_("When the person began to follow.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document"],
                condition=models.Q(document__isnull=False),
                name="notifications_follow_document_once",
            ),
            models.UniqueConstraint(
                fields=["user", "query"],
                condition=models.Q(document__isnull=True),
                name="notifications_follow_search_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.document or self.label or self.query}"


class AnnouncementKind(models.TextChoices):
    NEW = "new", _("New document")
    REVISED = "revised", _("New version")
    REPEALED = "repealed", _("Repealed")


class Announcement(models.Model):
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=AnnouncementKind.choices,
        help_text=_("What happened to the document."),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("document"),
        help_text=_("The document concerned."),
    )
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version"),
        help_text=_("The version published; empty for a repeal."),
    )
    at = models.DateTimeField(
        _("when"), default=timezone.now, db_index=True, help_text=_("When it happened.")
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document}"


class DigestSent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
        help_text=_("The person the digest was sent to."),
    )
    week = models.DateField(
        _("week"), help_text=_("The Monday of the week in which the digest was sent.")
    )
    items = models.PositiveIntegerField(
        _("items"), default=0, help_text=_("How many announcements the digest held.")
    )
    sent_at = models.DateTimeField(
        _("sent"), default=timezone.now, help_text=_("When the digest was queued.")
    )

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"], name="notifications_digest_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.week}"
