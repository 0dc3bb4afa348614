"""Document types, the decider kinds and the adoption rule set's rows (documents.rules
reads them)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from config.model_rows import NotesWhatWasRead
from org.models import PositionKind


class DocumentType(NotesWhatWasRead, models.Model):
    """A kind of governing document (policy, riktlinje, rutin, ...)."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable identifier, e.g. 'policy'.")
    )
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("E.g. 'Policy'."))
    name_plural = models.CharField(
        _("plural name"), max_length=100, help_text=_("Used in explanations, e.g. 'Policyer'.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What documents of this type are for.")
    )
    samverkan_required = models.BooleanField(
        _("samverkan required"),
        default=True,
        help_text=_("Whether a draft must pass union samverkan before the decision."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=24,
        help_text=_("Months from the valid-from date to the next review."),
    )
    review_lead_days = models.PositiveSmallIntegerField(
        _("review lead time (days)"),
        default=60,
        help_text=_(
            "Days before a valid version's next review date that its owner gets the review "
            "task (aktualitetsprövning)."
        ),
    )
    review_questions = models.TextField(
        _("review questions"),
        blank=True,
        help_text=_(
            "The questions the municipality asks the owner at each review of a document of "
            "this type, shown on the review task."
        ),
    )
    default_validity_months = models.PositiveSmallIntegerField(
        _("default validity (months)"),
        null=True,
        blank=True,
        help_text=_("Months a version is valid by default. Empty means until further notice."),
    )
    allowed_parent_types = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="allowed_child_types",
        verbose_name=_("allowed parent types"),
        help_text=_("Types of document a document of this type may implement."),
    )
    reading_required = models.BooleanField(
        _("read acknowledgement required"),
        default=False,
        help_text=_(
            "Whether the people a document of this type applies to must confirm that they "
            "have read it (läskvittens). The default of each decision, which may override it."
        ),
    )
    reading_position_kinds = models.CharField(
        _("read acknowledgement only for"),
        max_length=200,
        blank=True,
        help_text=_(
            "Position kinds that must confirm reading, separated by commas (e.g. 'chief'). "
            "Empty means everyone holding a position in the document's scope."
        ),
    )
    ordering = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position in lists; political documents first.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive types cannot be used for new documents.")
    )

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
            stored = getattr(self, "_stored_reading_required", None)
            written = update_fields is None or "reading_required" in update_fields
            if not adding and written and stored != self.reading_required:
                # Its versions keep a copy of the rule's answer (``refresh_reading``).
                versions = apps.get_model("documents", "DocumentVersion")
                versions.refresh_reading(versions.objects.filter(document_type=self))
        self._stored_reading_required = self.reading_required

    def read_from_db(self, field_names) -> None:
        if "reading_required" in field_names:
            self._stored_reading_required = self.reading_required

    @property
    def reading_kinds(self) -> list[str]:
        """The position kinds that must confirm reading; empty means every position."""
        return kinds_of(self.reading_position_kinds)

    def clean(self) -> None:
        super().clean()
        unknown = sorted(set(self.reading_kinds) - set(PositionKind.values))
        if unknown:
            raise ValidationError(
                {
                    "reading_position_kinds": _("Unknown position kinds: %(kinds)s")
                    % {"kinds": ", ".join(unknown)}
                }
            )


def kinds_of(text: str) -> list[str]:
    """Position kinds written as 'chief, official' as a list."""
    return [k.strip() for k in (text or "").split(",") if k.strip()]


class DeciderKind(models.TextChoices):
    COUNCIL = "kf", _("The municipal council (KF)")
    EXECUTIVE_BOARD = "ks", _("The municipal executive board (KS)")
    RESPONSIBLE_COMMITTEE = "committee", _("The committee (nämnd) responsible for the scope")
    COMPANY_BOARD = "company_board", _("The company board responsible for the scope")
    MUNICIPAL_CHIEF = "municipal_chief", _("The municipal chief (chief of the top unit)")
    UNIT_CHIEF = "unit_chief", _("The chief of the unit the document concerns")
    PROCESS_OWNER = "process_owner", _("The owner of the document's process")


BODY_DECIDERS = {
    DeciderKind.COUNCIL,
    DeciderKind.EXECUTIVE_BOARD,
    DeciderKind.RESPONSIBLE_COMMITTEE,
    DeciderKind.COMPANY_BOARD,
}

# "Only for its own area" per decider kind (what each kind's own area is: documents/rules.py
# and docs/rules.md). These kinds name the decider *of* the scope, so they are limited to
# their own area by definition and a rule for them cannot be widened:
OWN_AREA_ALWAYS = {
    DeciderKind.RESPONSIBLE_COMMITTEE,
    DeciderKind.COMPANY_BOARD,
    DeciderKind.UNIT_CHIEF,
}
# These decide for the whole municipality: their own area is every unit, so the option
# would change nothing.
OWN_AREA_NEVER = {DeciderKind.COUNCIL, DeciderKind.MUNICIPAL_CHIEF}
# For the others (KS, the process owner) it is the administrator's choice.


class AdoptionRule(models.Model):
    """One entry of the adoption rule set: this kind of decider may adopt this type."""

    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.CASCADE,
        related_name="adoption_rules",
        verbose_name=_("document type"),
        help_text=_("The type of document."),
    )
    decider = models.CharField(
        _("decider"),
        max_length=30,
        choices=DeciderKind.choices,
        help_text=_("Who may adopt documents of the type."),
    )
    allow_higher_bodies = models.BooleanField(
        _("higher bodies may also adopt"),
        default=False,
        help_text=_(
            "For political bodies: a higher body (KF above KS above a nämnd) may adopt "
            "what this one may."
        ),
    )
    only_own_area = models.BooleanField(
        _("only for its own area"),
        default=False,
        help_text=_(
            "The decider adopts only for scopes in its own area. KS: the units whose "
            "responsible body is KS (set on a unit, it holds for the units below it unless "
            "they name their own). A nämnd or company board: the units it is responsible for, "
            "always. The unit's chief: their own unit, always. A process owner: the part of the "
            "organisation the process runs in (the process's unit and the units below it). "
            "Not possible for KF and the municipal chief, whose area is the whole municipality."
        ),
    )

    class Meta:
        ordering = ["document_type", "decider"]
        verbose_name = _("adoption rule")
        verbose_name_plural = _("adoption rules")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "decider"], name="documents_adoptionrule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type}: {self.get_decider_display()}"

    def save(self, *args, **kwargs) -> None:
        # Rows written by code rather than a form say what the rule does (clean() refuses
        # the other value from a form).
        if self.decider in OWN_AREA_ALWAYS:
            self.only_own_area = True
        elif self.decider in OWN_AREA_NEVER:
            self.only_own_area = False
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.allow_higher_bodies and self.decider not in BODY_DECIDERS:
            errors["allow_higher_bodies"] = _(
                "Only rules for political bodies can allow higher bodies; a matter is "
                "never pushed down to an official without a delegation decision."
            )
        if self.only_own_area and self.decider in OWN_AREA_NEVER:
            errors["only_own_area"] = _(
                'The decider "%(decider)s" decides for the whole municipality: its own area '
                'is every unit, so "only for its own area" would change nothing. Clear the '
                "choice."
            ) % {"decider": self.get_decider_display()}
        if not self.only_own_area and self.decider in OWN_AREA_ALWAYS:
            errors["only_own_area"] = _(
                'The decider "%(decider)s" adopts only within its own area by definition; '
                'the rule cannot be widened to other units. Tick "only for its own area".'
            ) % {"decider": self.get_decider_display()}
        if errors:
            raise ValidationError(errors)
