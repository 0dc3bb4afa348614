"""Samverkan: the unions, the samverkan groups on the unit, sector and central levels, and
the union representatives in them (models of ``org``, kept apart from ``org.models`` for its
size and imported by it)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import DateRangeModel, Position, SamverkanLevel, Unit


class Union(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("E.g. 'Kommunal'."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("union")
        verbose_name_plural = _("unions")

    def __str__(self) -> str:
        return self.name


class SamverkanGroup(models.Model):
    """A samverkan forum on the unit, sector or central level."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("The group's name.")
    )
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=SamverkanLevel.choices,
        help_text=_("Unit, sector or central samverkan."),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="samverkan_groups",
        verbose_name=_("unit"),
        help_text=_(
            "The unit the group serves; for central samverkan, the whole municipality. A unit "
            "has one active group; ended ones stay for history."
        ),
    )
    chair_position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        related_name="chaired_samverkan_groups",
        verbose_name=_("chair (employer side)"),
        help_text=_("The employer-side position that chairs the group."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Inactive (ended) groups are kept for history: past cases still name them, but "
            "no new case is sent to one."
        ),
    )

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("samverkan group")
        verbose_name_plural = _("samverkan groups")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(is_active=True),
                name="org_samverkangroup_one_active_per_unit",
                violation_error_message=_("A unit can have only one active samverkan group."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.unit_id and self.level and self.unit.level.samverkan_level != self.level:
            raise ValidationError(
                {
                    "level": _(
                        "A group attached to a unit of level %(level)s works on the %(sl)s level."
                    )
                    % {
                        "level": self.unit.level,
                        "sl": self.unit.level.get_samverkan_level_display(),
                    }
                }
            )


class UnionRepresentative(DateRangeModel):
    group = models.ForeignKey(
        SamverkanGroup,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("samverkan group"),
        help_text=_("The group the person represents their union in."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="union_representations",
        verbose_name=_("person"),
        help_text=_("The union representative."),
    )
    union = models.ForeignKey(
        Union,
        on_delete=models.PROTECT,
        related_name="representatives",
        verbose_name=_("union"),
        help_text=_("The union represented."),
    )

    class Meta:
        ordering = ["group", "union"]
        verbose_name = _("union representative")
        verbose_name_plural = _("union representatives")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user} ({self.union}, {self.group})"
