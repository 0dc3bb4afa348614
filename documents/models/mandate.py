"""The calendar of mandate periods (mandatperioder): data, edited in the admin."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class MandatePeriod(models.Model):
    """A four-year mandate period of the elected bodies. It starts on 15 October of an
    election year (elections in September 2022, 2026, 2030 ...) and lasts until the next
    period starts; every politically adopted document is reviewed once in each period."""

    starts_on = models.DateField(
        _("starts on"),
        unique=True,
        help_text=_("The first day of the period, 15 October of the election year."),
    )
    ends_on = models.DateField(
        _("ends on"),
        help_text=_("The last day of the period, the day before the next period starts."),
    )
    name = models.CharField(
        _("name"), max_length=40, blank=True, help_text=_("E.g. 'Mandatperioden 2026–2030'.")
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("mandate period")
        verbose_name_plural = _("mandate periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="documents_mandateperiod_ends_after_start",
                violation_error_message=_("A mandate period ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.starts_on:%Y}–{self.ends_on:%Y}"

    @classmethod
    def current(cls, day: datetime.date) -> MandatePeriod | None:
        """The period ``day`` falls in, if the calendar has one."""
        return cls.objects.filter(starts_on__lte=day, ends_on__gte=day).first()
