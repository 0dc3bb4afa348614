"""Decisions on documents: by a political body (minutes paragraph) or an official."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.compiled_query import CompiledSaves
from config.model_rows import NotesWhatWasRead
from org.models import Body, Position

_BARE_PARAGRAPH = re.compile(r"^§?\s*(\d+)\s*$")


def minutes_paragraph(text: str | None) -> str:
    """A minutes paragraph as municipalities write it: "245" and "§245" become "§ 245";
    anything else ("§ 26 p. 3") is kept as typed."""
    text = (text or "").strip()
    bare = _BARE_PARAGRAPH.match(text)
    return f"§ {bare.group(1)}" if bare else text


class DecisionKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption")
    REPEAL = "repeal", _("Repeal")
    REVIEW = "review", _("Review confirmed (aktualitetsprövning)")


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    RETURNED = "returned", _("Sent back (återremiss)")
    REJECTED = "rejected", _("Rejected")


class Decision(NotesWhatWasRead, CompiledSaves, models.Model):
    """A decision on a document: by a political body (minutes paragraph) or an official."""

    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("document"),
        help_text=_("The document decided on."),
    )
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("version"),
        help_text=_("The version decided on."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=DecisionKind.choices,
        help_text=_("Adoption, repeal or a confirmed review."),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=DecisionOutcome.choices,
        help_text=_("What was decided."),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("deciding body"),
        help_text=_("The political body that decided, if any."),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("deciding position"),
        help_text=_("The official's position that decided, if not a body."),
    )
    decision_date = models.DateField(
        _("decision date"), help_text=_("The day of the decision or meeting.")
    )
    paragraph = models.CharField(
        _("paragraph"), max_length=20, blank=True, help_text=_("Minutes paragraph, e.g. '§ 26'.")
    )
    motivation = models.TextField(
        _("motivation"), blank=True, help_text=_("Why; required when sending back or rejecting.")
    )
    requires_reading = models.BooleanField(
        _("read acknowledgement required"),
        null=True,
        blank=True,
        help_text=_(
            "Whether the people the adopted version applies to must confirm reading it. "
            "Empty: as the document type says."
        ),
    )
    material_change = models.BooleanField(
        _("material change"),
        default=False,
        help_text=_(
            "Whether the adopted version changes the document materially (väsentlig ändring): "
            "then those who confirmed an earlier version must read it again."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The person who recorded the decision (the official or the body's secretary)."),
    )
    recorded_as = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded as"),
        help_text=_("The position the recorder acted in."),
    )
    recorded_as_substitute = models.BooleanField(
        _("as substitute"),
        default=False,
        help_text=_("Whether the recorder acted as a substitute."),
    )
    diary_entry = models.ForeignKey(
        "documents.DiaryEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("diarienummer"),
        help_text=_("The case the decision belongs to."),
    )
    # Registration by the registrar.
    registered_at = models.DateTimeField(
        _("registered"), null=True, blank=True, help_text=_("When the registrar registered it.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("The registrar."),
    )
    minutes_extract = models.FileField(
        _("minutes extract"),
        upload_to="minutes/%Y/",
        blank=True,
        help_text=_("Protokollsutdrag or the delegation decision document."),
    )
    justering_date = models.DateField(
        _("minutes checked (justering)"),
        null=True,
        blank=True,
        help_text=_("When the minutes were checked and signed."),
    )
    anslag_date = models.DateField(
        _("posted on notice board (anslag)"),
        null=True,
        blank=True,
        help_text=_("First day on the official notice board."),
    )
    legal_force_date = models.DateField(
        _("legal force (laga kraft)"),
        null=True,
        blank=True,
        help_text=_(
            "Computed: the day after the last day to appeal (three weeks from the posting day)."
        ),
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, help_text=_("When the decision was recorded.")
    )
    # A decision imported from the municipality's earlier register (documents.importing).
    historical_diarienummer = models.CharField(
        _("historical diarienummer"),
        max_length=50,
        blank=True,
        help_text=_(
            "The diarienummer exactly as written in the register the decision was imported "
            "from (e.g. 'KS 2018/123'). Never allocated by Styrdok's diarium, so it cannot "
            "collide with its series."
        ),
    )
    outside_rule_set = models.BooleanField(
        _("decided outside the rule set"),
        default=False,
        help_text=_(
            "An imported decision by a body or official the rule set did not allow to adopt "
            "the document when it was imported: kept as the fact it is and shown on the "
            "health page."
        ),
    )

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(body__isnull=False) & Q(position__isnull=True))
                | (Q(body__isnull=True) & Q(position__isnull=False)),
                name="documents_decision_body_xor_position",
                violation_error_message=_("A decision is made either by a body or by a position."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document} ({self.decision_date})"

    def save(self, *args, **kwargs):
        self.paragraph = minutes_paragraph(self.paragraph)
        adding = self._state.adding
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
            choices = (self.requires_reading, self.material_change)
            stored = getattr(self, "_stored_choices", None)
            update_fields = kwargs.get("update_fields")
            named = update_fields is None or {"requires_reading", "material_change"} & set(
                update_fields
            )
            # Loaded from the database: refreshed when the choices changed; otherwise when
            # the save may have written them.
            if not adding and (choices != stored if stored is not None else named):
                # The versions from the one it adopted keep copies of its reading choices.
                versions = self._meta.get_field("adopted_version").related_model
                adopted = versions.objects.filter(adoption=self).values("document", "number")
                for row in adopted[:1]:
                    versions.refresh_reading(
                        versions.objects.filter(document=row["document"], number__gte=row["number"])
                    )
        self._stored_choices = choices

    def read_from_db(self, field_names) -> None:
        if "requires_reading" in field_names and "material_change" in field_names:
            self._stored_choices = (self.requires_reading, self.material_change)

    @property
    def outcome_label(self) -> str:
        """The outcome in words fit for the kind: an adopted repeal reads "Repealed", a
        confirmed review "Confirmed"."""
        if self.outcome == DecisionOutcome.ADOPTED and self.kind == DecisionKind.REPEAL:
            return str(_("Repealed"))
        if self.outcome == DecisionOutcome.ADOPTED and self.kind == DecisionKind.REVIEW:
            return str(_("Confirmed"))
        return str(self.get_outcome_display())

    @property
    def decider_name(self) -> str:
        return str(self.body or self.position)
