"""The municipality as data: the officials' tree, political bodies, positions,
processes and samverkan groups.

Names of levels, titles and bodies are data, so any Swedish municipality can
be described without code changes.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.compiled_query import CompiledQuery


class DateRangeQuerySet(models.QuerySet):
    """Rows with ``start``/``end`` dates (``end`` null = open-ended)."""

    def active_on(self, day: datetime.date) -> DateRangeQuerySet:
        return self.filter(Q(start__lte=day), Q(end__isnull=True) | Q(end__gte=day))


class DateRangeModel(models.Model):
    start = models.DateField(_("from"), help_text=_("First day the assignment applies."))
    end = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Last day the assignment applies. Empty means until further notice."),
    )

    objects = DateRangeQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date cannot be before the start date.")})

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class SamverkanLevel(models.TextChoices):
    UNIT = "unit", _("Unit")
    SECTOR = "sector", _("Sector")
    CENTRAL = "central", _("Central")


class UnitLevel(models.Model):
    """A level of the officials' tree, e.g. kommun, sektor, område, enhet."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("The level's name, e.g. 'Sektor'.")
    )
    depth = models.PositiveSmallIntegerField(
        _("depth"),
        unique=True,
        help_text=_("0 for the whole municipality, 1 for the level below it, and so on."),
    )
    chief_title = models.CharField(
        _("chief's title"),
        max_length=100,
        help_text=_("Title of a unit chief on this level, e.g. 'sektorschef'."),
    )
    samverkan_level = models.CharField(
        _("samverkan level"),
        max_length=20,
        choices=SamverkanLevel.choices,
        help_text=_(
            "Which samverkan level a samverkan group attached to a unit of this level works on."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Inactive levels are kept for history only: no unit in use may be on one, and "
            "they are offered nowhere."
        ),
    )

    class Meta:
        ordering = ["depth"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisational unit of the officials' side (förvaltning, sektor, enhet...)."""

    name = models.CharField(_("name"), max_length=200, help_text=_("The unit's name."))
    code = models.SlugField(
        _("code"), max_length=50, unique=True, help_text=_("Short unique code, e.g. 'utb-fsk'.")
    )
    level = models.ForeignKey(
        UnitLevel,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("level"),
        help_text=_("The unit's level in the organisation."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
        help_text=_("The unit above this one. Empty only for the whole municipality."),
    )
    responsible_body = models.ForeignKey(
        "Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for_units",
        verbose_name=_("responsible body"),
        help_text=_(
            "The nämnd or company board responsible for this unit's area. "
            "Empty means the same as the parent unit."
        ),
    )
    path = models.CharField(
        _("path"),
        max_length=255,
        editable=False,
        db_index=True,
        help_text=_("Materialised path of ids from the top unit, e.g. '/1/4/9/'."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive units are kept for history only.")
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        self.path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if kwargs.get("update_fields") is not None and self.path != old_path:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}  # it follows the parent
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path) :]
                Unit.objects.filter(pk=child.pk).update(path=child.path)

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None and self.level_id and self.level.depth != 0:
            raise ValidationError({"parent": _("Only the top level may lack a parent unit.")})
        if self.parent_id:
            if self.pk and (self.parent_id == self.pk or f"/{self.pk}/" in self.parent.path):
                raise ValidationError({"parent": _("A unit cannot be placed below itself.")})
            if self.level_id and self.parent.level.depth >= self.level.depth:
                raise ValidationError(
                    {"level": _("A unit's level must be below its parent unit's level.")}
                )

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the top unit down to and including this one."""
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def ancestors(self, include_self: bool = True) -> list[Unit]:
        """Units from this one up to the top, closest first."""
        ids = self.ancestor_ids if include_self else self.ancestor_ids[:-1]
        by_id = {u.pk: u for u in Unit.objects.select_related("level").filter(pk__in=ids)}
        return [by_id[i] for i in reversed(ids) if i in by_id]

    def descendants(self, include_self: bool = True) -> models.QuerySet[Unit]:
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def effective_responsible_body(self) -> Body | None:
        """The responsible body of this unit or of the closest unit above it that has one."""
        responsible = {
            u.pk: u.responsible_body for u in _RESPONSIBLE_UNITS.run(unit_ids=self.ancestor_ids)
        }
        return next((responsible[i] for i in reversed(self.ancestor_ids) if i in responsible), None)

    @property
    def chief_position(self) -> Position | None:
        return self.positions.filter(kind=PositionKind.CHIEF, is_active=True).first()


# The units above a unit that have a responsible body, compiled once per process and depth
# (config/compiled_query.py): every case's diarienummer asks.
_RESPONSIBLE_UNITS = CompiledQuery(
    lambda unit_ids: Unit.objects.filter(
        pk__in=unit_ids, responsible_body__isnull=False
    ).select_related("responsible_body"),
    ids=(),
    lists=("unit_ids",),
)


class BodyKind(models.TextChoices):
    COUNCIL = "kf", _("Municipal council (KF)")
    EXECUTIVE_BOARD = "ks", _("Municipal executive board (KS)")
    WORKING_COMMITTEE = "au", _("Working committee (arbetsutskott)")
    COMMITTEE = "namnd", _("Committee (nämnd)")
    COMPANY_BOARD = "bolag", _("Company board (bolagsstyrelse)")


# Political rank: a higher body may adopt what a lower one may, where the rule
# set allows it. Working committees prepare matters but never adopt.
BODY_RANK = {
    BodyKind.COUNCIL: 40,
    BodyKind.EXECUTIVE_BOARD: 30,
    BodyKind.COMMITTEE: 20,
    BodyKind.COMPANY_BOARD: 20,
    BodyKind.WORKING_COMMITTEE: 0,
}


class Body(models.Model):
    """A political body: KF, KS, KSAU, a nämnd or a company board."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("E.g. 'Kommunstyrelsen'.")
    )
    short_name = models.CharField(
        _("short name"), max_length=20, unique=True, help_text=_("E.g. 'KS'.")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=BodyKind.choices, help_text=_("What kind of body.")
    )
    prepares_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prepared_by",
        verbose_name=_("prepares matters for"),
        help_text=_("The body this body prepares matters for, e.g. KSAU -> KS, KS -> KF."),
    )
    secretary_position = models.ForeignKey(
        "Position",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretary_of",
        verbose_name=_("secretary position"),
        help_text=_("The position that acts as the body's secretary (nämndsekreterare)."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive bodies are kept for history.")
    )
    minutes_kept_at = models.CharField(
        _("minutes kept at"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where the body's checked minutes are kept, shown on the notice board, "
            "e.g. 'Kommunkansliet, Stadshuset'."
        ),
    )

    class Meta:
        ordering = ["-kind", "name"]
        verbose_name = _("political body")
        verbose_name_plural = _("political bodies")

    def __str__(self) -> str:
        return self.name

    @property
    def rank(self) -> int:
        return BODY_RANK.get(self.kind, 0)

    def clean(self) -> None:
        super().clean()
        seen = {self.pk}
        body = self.prepares_for
        while body is not None:
            if body.pk in seen:
                raise ValidationError({"prepares_for": _("The preparation chain forms a loop.")})
            seen.add(body.pk)
            body = body.prepares_for

    def preparing_bodies(self) -> list[Body]:
        """Bodies a matter passes before this body decides, in order (KSAU, KS for KF)."""
        return Body.preparing_chains([self.pk])[self.pk]

    @staticmethod
    def preparing_chains(body_ids: Iterable[int]) -> dict[int, list[Body]]:
        """``preparing_bodies`` of each body of ``body_ids``, by its id, in one query."""
        # The few preparing bodies in one query, instead of one query per link of the chain.
        prepared_by: dict[int, list[Body]] = {}
        for body in Body.objects.filter(is_active=True, prepares_for__isnull=False):
            prepared_by.setdefault(body.prepares_for_id, []).append(body)
        chains: dict[int, list[Body]] = {}
        for decider_id in body_ids:
            chain: list[Body] = []
            current_id = decider_id
            seen = {decider_id}
            while True:
                before = [b for b in prepared_by.get(current_id, []) if b.pk not in seen]
                if not before:
                    break
                # The highest-ranked preparer is the one the matter goes through
                # (KS before KF); working committees come first of all.
                before.sort(key=lambda b: -b.rank)
                current_id = before[0].pk
                seen.add(current_id)
                chain.insert(0, before[0])
            chains[decider_id] = chain
        return chains


class BodyMemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    DEPUTY = "deputy", _("Deputy member (ersättare)")


class BodyMembership(DateRangeModel):
    body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("body"),
        help_text=_("The body."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="body_memberships",
        verbose_name=_("person"),
        help_text=_("The elected member."),
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=BodyMemberRole.choices,
        default=BodyMemberRole.MEMBER,
        help_text=_("The member's role in the body."),
    )

    class Meta:
        ordering = ["body", "role", "user__last_name"]
        verbose_name = _("body membership")
        verbose_name_plural = _("body memberships")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user} ({self.body.short_name})"


class PositionKind(models.TextChoices):
    CHIEF = "chief", _("Chief of a unit")
    PROCESS_OWNER = "process_owner", _("Process owner")
    REGISTRAR = "registrar", _("Registrar")
    BODY_SECRETARY = "secretary", _("Body secretary")
    OFFICIAL = "official", _("Official (handläggare)")
    OTHER = "other", _("Other")


def new_position_code() -> str:
    """A code for a position made without one (the admin, the demo); the import names its own."""
    return f"B-{uuid.uuid4().hex[:12]}"


class Position(models.Model):
    """A role in the organisation that people hold over time."""

    code = models.CharField(
        _("code"),
        max_length=50,
        unique=True,
        blank=True,
        default=new_position_code,
        help_text=_(
            "Stable key of the position, e.g. the HR system's position code; "
            "the organisation import recognises the position by it."
        ),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("E.g. 'Enhetschef Förskolan Solrosen'.")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=PositionKind.choices, help_text=_("What the position is.")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("unit"),
        help_text=_("The unit the position belongs to; for a chief, the unit they lead."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Inactive (ended) positions are kept for history: past decisions, documents and "
            "holdings still name them, but no new task, document or choice does."
        ),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(kind="chief", is_active=True),
                name="org_position_one_chief_per_unit",
                violation_error_message=_("A unit can have only one chief position."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.code:  # left empty in a form
            self.code = new_position_code()
        super().save(*args, **kwargs)


class PositionHolding(DateRangeModel):
    """A person holding a position for a date range."""

    position = models.ForeignKey(
        Position,
        on_delete=models.CASCADE,
        related_name="holdings",
        verbose_name=_("position"),
        help_text=_("The position held."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="position_holdings",
        verbose_name=_("person"),
        help_text=_("The person holding the position."),
    )

    class Meta:
        ordering = ["position", "-start"]
        verbose_name = _("position holding")
        verbose_name_plural = _("position holdings")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user}: {self.position}"


class Substitution(DateRangeModel):
    """A temporary substitute (ersättare) acting in a position for a date range."""

    position = models.ForeignKey(
        Position,
        on_delete=models.CASCADE,
        related_name="substitutions",
        verbose_name=_("position"),
        help_text=_("The position the substitute acts in."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="substitutions",
        verbose_name=_("substitute"),
        help_text=_("The person acting in the position."),
    )
    reason = models.CharField(
        _("reason"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'Semester' or 'Föräldraledighet'."),
    )

    class Meta:
        ordering = ["position", "-start"]
        verbose_name = _("substitute")
        verbose_name_plural = _("substitutes")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user} ({_('substitute')}): {self.position}"

    def clean(self) -> None:
        super().clean()
        if self.start and not self.end:
            raise ValidationError({"end": _("A substitution must have an end date.")})


class Process(models.Model):
    """A process (verksamhetsprocess) whose owner adopts its rutiner."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("The process name.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the process covers.")
    )
    owner_position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        related_name="owned_processes",
        verbose_name=_("process owner"),
        help_text=_("The position that owns the process (processägare)."),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="processes",
        verbose_name=_("unit"),
        help_text=_("The part of the organisation the process runs in."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Inactive (ended) processes are kept for history: documents adopted in them still "
            "name them, but no new document can be placed in one."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")

    def __str__(self) -> str:
        return self.name


# Kept apart for this module's size; imported here so that ``org.models`` names every model.
from .import_models import OrganisationImport  # noqa: E402,F401
from .samverkan_models import SamverkanGroup, Union, UnionRepresentative  # noqa: E402,F401
