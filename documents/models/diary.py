"""The diarium: diary series, their counters and the entries (diarienummer)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.compiled_query import CompiledSaves
from org.models import Body, Position


class DiarySeries(models.Model):
    """A diarium series, e.g. 'KS' for the executive board's registry."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Prefix of the diarienummer, e.g. 'KS'.")
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("E.g. 'Kommunstyrelsens diarium'.")
    )
    body = models.OneToOneField(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diary_series",
        verbose_name=_("body"),
        help_text=_("The body whose cases are registered in this series."),
    )
    is_default = models.BooleanField(
        _("default series"),
        default=False,
        help_text=_(
            "Used for cases no body's series covers. Exactly one series should be default."
        ),
    )
    restart_each_year = models.BooleanField(
        _("restart numbering each year"),
        default=True,
        help_text=_("Sequence numbers start at 1 every year (the year is part of the number)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("diary series")
        # The same word in English, not in Swedish (diarieserie, diarieserier).
        verbose_name_plural = pgettext_lazy("plural", "diary series")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="documents_one_default_series",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class DiaryCounter(models.Model):
    """The last sequence number issued in a series for a year (locked on allocation)."""

    series = models.ForeignKey(
        DiarySeries, on_delete=models.PROTECT, related_name="counters", help_text=_("The series.")
    )
    year = models.PositiveSmallIntegerField(help_text=_("The year numbered."))
    last_number = models.PositiveIntegerField(default=0, help_text=_("The last number issued."))

    class Meta:
        verbose_name = _("diary counter")
        verbose_name_plural = _("diary counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="documents_diarycounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series.code} {self.year}: {self.last_number}"


def format_diarienummer(series_code: str, year: int, number: int) -> str:
    """The diarienummer as people write it: "KS 2026/14"."""
    return f"{series_code} {year}/{number}"


class DiaryEntry(CompiledSaves, models.Model):
    """A case registered in the diarium under a diarienummer such as 'KS 2026/17'."""

    series = models.ForeignKey(
        DiarySeries,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("series"),
        help_text=_("The diarium series."),
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The registration year."))
    number = models.PositiveIntegerField(
        _("number"), help_text=_("Sequence number in the series and year.")
    )
    title = models.CharField(
        _("case title"), max_length=300, help_text=_("What the case is about.")
    )
    registered_at = models.DateTimeField(
        _("registered"), default=timezone.now, help_text=_("When the number was issued.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("Who started the case."),
    )
    is_public = models.BooleanField(
        _("public in the e-diarium"),
        default=False,
        # Also the database's default: a row written without it (raw SQL) is not public.
        db_default=False,
        help_text=_(
            "The registrar has checked the record for personal data and secrecy (OSL): the "
            "public e-diarium shows its subject, deciding body or unit and public documents. "
            "Unmarked, it shows only the diarienummer, date, series and status."
        ),
    )

    class Meta:
        ordering = ["-year", "series", "-number"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        # The public e-diarium and its feed list the newest records first.
        indexes = [
            models.Index(fields=["-registered_at", "-id"], name="documents_diary_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], name="documents_diaryentry_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.diarienummer

    @property
    def diarienummer(self) -> str:
        return format_diarienummer(self.series.code, self.year, self.number)


class DiaryStatus(models.TextChoices):
    """The status of a diarium record as the public e-diarium states it."""

    OPEN = "open", _("Ongoing")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed without a decision")


@dataclass(frozen=True)
class DiaryCaseFacts:
    """What the public e-diarium may say about the case of a diarium record, as the app
    that owns cases answers it (``documents.access.CaseQuestions.diary_facts``)."""

    status: str
    status_text: str
    decider_body: Body | None = None
    decider_position: Position | None = None
    version: models.Model | None = None
