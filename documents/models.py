"""Governing documents, their versions, decisions, the adoption rule set and the diarium."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Body, Position, Process, Unit


class DocumentType(models.Model):
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
        verbose_name_plural = _("diary series")
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


class DiaryEntry(models.Model):
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

    class Meta:
        ordering = ["-year", "series", "-number"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], name="documents_diaryentry_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.diarienummer

    @property
    def diarienummer(self) -> str:
        return f"{self.series.code} {self.year}/{self.number}"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (never adopted)")
    VALID = "valid", _("Valid")
    REPEALED = "repealed", _("Repealed")
    REJECTED = "rejected", _("Rejected")


class Document(models.Model):
    """A governing document across all its versions."""

    title = models.CharField(_("title"), max_length=300, help_text=_("The document's title."))
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("type"),
        help_text=_("The kind of governing document."),
    )
    scope_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="scoped_documents",
        verbose_name=_("scope"),
        help_text=_("The part of the organisation the document applies to (and all units below)."),
    )
    process = models.ForeignKey(
        Process,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("process"),
        help_text=_("The process the document belongs to (for rutiner)."),
    )
    owner_position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        related_name="owned_documents",
        verbose_name=_("owner (dokumentansvarig)"),
        help_text=_("The position responsible for keeping the document up to date."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent document"),
        help_text=_("The document this one implements, e.g. the policy behind a riktlinje."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("A short description."))
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Public documents appear in the public register; others only for employees."),
    )
    has_open_case = models.BooleanField(
        _("has an open case"),
        default=False,
        editable=False,
        help_text=_(
            "Whether a case about the document is open: the register lists it as under "
            "revision. Kept by the cases themselves whenever one opens or closes."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        db_index=True,
        help_text=_("Set by the lifecycle, never by hand."),
    )
    current_version = models.OneToOneField(
        "DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("valid version"),
        help_text=_("The version valid now. Set by publication, never by hand."),
    )
    repealed_on = models.DateField(
        _("repealed on"), null=True, blank=True, help_text=_("Date of the repeal decision.")
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, help_text=_("When the document was created.")
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    # Columns every version carries a copy of, under the same names (``copy_to_versions``),
    # so that the register filters versions without joining each to its document.
    VERSION_COLUMNS = (
        "is_public",
        "has_open_case",
        "scope_unit",
        "document_type",
        "process",
        "owner_position",
    )

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        adding = self._state.adding
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
            changed = (
                list(self.VERSION_COLUMNS)
                if update_fields is None
                else [
                    name
                    for name in self.VERSION_COLUMNS
                    if {name, self._meta.get_field(name).attname} & set(update_fields)
                ]
            )
            if not adding and changed:
                copy_to_versions(Document.objects.filter(pk=self.pk), changed)

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.document_type_id:
            allowed = self.document_type.allowed_parent_types.all()
            if allowed.exists() and self.parent.document_type not in allowed:
                raise ValidationError(
                    {
                        "parent": _("A %(type)s cannot implement a %(parent)s.")
                        % {"type": self.document_type, "parent": self.parent.document_type}
                    }
                )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A document cannot be its own parent.")})


def _copied_key(to, verbose_name, help_text, *, null: bool = False) -> models.ForeignKey:
    """A key copied into derived columns (``DocumentVersion``'s copies of its document's,
    ``SearchRank``): no constraint, no index of its own and no reverse accessor; the
    copies are written again whenever their source changes."""
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        blank=null,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted, not yet valid")
    VALID = "valid", _("Valid")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Rejected")
    REPEALED = "repealed", _("Repealed")


def version_upload_to(instance: DocumentVersion, filename: str) -> str:
    # A fresh random name per upload: files are never overwritten and the
    # stored name reveals nothing guessable.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()
    # The content was checked to be PDF, DOCX or ODT; any other name keeps no extension.
    if suffix not in (".pdf", ".docx", ".odt"):
        suffix = ""
    return f"versions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DocumentVersion(models.Model):
    """One version of a document: its text, file, decision and validity."""

    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("document"),
        help_text=_("The document this is a version of."),
    )
    number = models.PositiveIntegerField(
        _("version"), help_text=_("1 for the first version, and so on.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
        # No plain index: valid versions have partial indexes of their own (below), and a
        # status index lured SQLite away from them (a look-up per row instead of a scan of
        # a small covering index); the rare statuses have a partial index.
        help_text=_("Set by the lifecycle, never by hand."),
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("The title as adopted in this version.")
    )
    body = models.TextField(_("text"), blank=True, help_text=_("The document text (HTML)."))
    plain_text = models.TextField(
        _("plain text"),
        blank=True,
        editable=False,
        help_text=_(
            "The text without its markup, on one line: what search snippets are cut from. "
            "Derived from the text whenever it is saved."
        ),
    )
    diary_entry = models.ForeignKey(
        DiaryEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("diarienummer"),
        help_text=_("The case the version was handled in."),
    )
    adoption = models.OneToOneField(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_version",
        verbose_name=_("adoption decision"),
        help_text=_("The decision that adopted this version."),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
        help_text=_("The version this one replaces."),
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("First day the version applies.")
    )
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Last day the version applies, if limited."),
    )
    next_review = models.DateField(
        _("next review"),
        null=True,
        blank=True,
        help_text=_("When the owner must review the document."),
    )
    superseded_on = models.DateField(
        _("superseded on"), null=True, blank=True, help_text=_("The day a newer version took over.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
        help_text=_("The person who started the version."),
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, help_text=_("When the version was started.")
    )
    # Copies of the document's columns (Document.VERSION_COLUMNS), written by
    # copy_to_versions: the register's filters read them from the version's own row.
    is_public = models.BooleanField(
        _("public"),
        default=True,
        editable=False,
        help_text=_("Whether the version's document is public (copied from the document)."),
    )
    has_open_case = models.BooleanField(
        _("has an open case"),
        default=False,
        editable=False,
        help_text=_("Whether a case about the version's document is open (copied)."),
    )
    scope_unit = _copied_key(
        Unit, _("scope"), _("The unit the version's document applies to (copied)."), null=True
    )
    document_type = _copied_key(
        DocumentType,
        _("document type"),
        _("The type of the version's document (copied)."),
        null=True,
    )
    process = _copied_key(
        Process,
        _("process"),
        _("The process of the version's document, if any (copied)."),
        null=True,
    )
    owner_position = _copied_key(
        Position,
        _("owner (dokumentansvarig)"),
        _("The position that owns the version's document (copied)."),
        null=True,
    )

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="documents_version_unique_number"
            ),
            # The register's core promise: never two valid versions of one document.
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(status="valid"),
                name="documents_one_valid_version",
                violation_error_message=_("A document can have only one valid version."),
            ),
        ]
        indexes = [
            # The register's "in force on a day" filter, covering per document.
            models.Index(
                fields=["document", "status", "valid_from", "valid_until", "superseded_on"],
                name="documents_version_in_force",
            ),
            # Valid versions in the register's default order: an index walk with LIMIT, and
            # covering for counting what is valid on a day and for joining search hits.
            models.Index(
                # status too, though the condition fixes it: SQLite reads an index as
                # covering only when it holds every column the query names.
                fields=[
                    "title",
                    "id",
                    "document",
                    "valid_from",
                    "valid_until",
                    "next_review",
                    "status",
                    # The document's columns the register filters by (copied).
                    "is_public",
                    "has_open_case",
                    "document_type",
                    "scope_unit",
                    "process",
                    "owner_position",
                ],
                condition=Q(status="valid"),
                name="documents_version_valid_rows",
            ),
            # The same for the valid versions that apply to a unit (its scope and those
            # above it), of some types: the manager's landing page and the API's lists
            # count and page them from a few index ranges. Led by the title, both databases
            # read the whole index above to count them (15,000 entries: 3-6 ms on PostgreSQL,
            # 4 ms on SQLite).
            models.Index(
                fields=[
                    "scope_unit",
                    "document_type",
                    "title",
                    "id",
                    "document",
                    "valid_from",
                    "valid_until",
                    "next_review",
                    "status",
                    "is_public",
                    "has_open_case",
                    "process",
                    "owner_position",
                ],
                condition=Q(status="valid"),
                name="documents_version_in_scope",
            ),
            # Versions by status, for the statuses that are few (drafts, adopted, rejected,
            # repealed); valid ones are served by the indexes above.
            models.Index(
                fields=["status"],
                condition=~Q(status__in=["valid", "superseded"]),
                name="documents_version_rare_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    # Columns the search's ranked index copies (copy_rank_columns, below).
    RANK_COLUMNS = frozenset({"title", "valid_from", "valid_until", "next_review"})

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        copied = update_fields is None or not self.RANK_COLUMNS.isdisjoint(update_fields)
        # Rank rows exist only for a version stored as valid; when unknown, assume they may.
        ranked = getattr(self, "_stored_status", VersionStatus.VALID) == VersionStatus.VALID
        adding = self._state.adding
        if update_fields is None or "body" in update_fields:
            from .text import html_to_text

            self.plain_text = html_to_text(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "plain_text"}
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            if adding:
                # From the database, not from self.document, which may be older than a
                # change made since (a case opened and flagged the document).
                names = [Document._meta.get_field(n).attname for n in Document.VERSION_COLUMNS]
                values = Document.objects.filter(pk=self.document_id).values_list(*names).get()
                for name, value in zip(names, values, strict=True):
                    setattr(self, name, value)
            super().save(*args, **kwargs)
            # Only valid versions have rank rows (a version that becomes valid is indexed,
            # and so ranked, after this save).
            if not adding and copied and ranked and self.status == VersionStatus.VALID:
                copy_rank_columns([self.pk])
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        version = super().from_db(db, field_names, values)
        if "status" in field_names:
            version._stored_status = version.status
        return version

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "status" in fields:
            self._stored_status = self.status

    @property
    def adoption_line(self) -> str:
        """The decision record in one line, as municipalities write it."""
        from django.utils.translation import gettext

        decision = self.adoption
        if decision is None:
            return ""
        parts = [
            gettext("Adopted by %(decider)s %(date)s")
            % {
                "decider": decision.decider_name.lower()
                if decision.body_id
                else decision.decider_name,
                "date": decision.decision_date.strftime("%Y-%m-%d"),
            }
        ]
        if decision.paragraph:
            parts.append(decision.paragraph)
        if self.diary_entry_id:
            parts.append(gettext("Dnr %(dnr)s") % {"dnr": self.diary_entry.diarienummer})
        return ", ".join(parts)


def copy_to_versions(documents: QuerySet[Document], names: Iterable[str] | None = None) -> int:
    """Copy the documents' columns ``names`` (all of ``Document.VERSION_COLUMNS`` by
    default) from the database into every version of theirs, and on into the versions'
    rank rows; returns the versions updated. Run in the transaction that changed them."""
    names = list(Document.VERSION_COLUMNS if names is None else names)
    source = Document.objects.filter(pk=OuterRef("document"))
    versions = DocumentVersion.objects.filter(document__in=documents.values("pk"))
    updated = versions.update(**{name: Subquery(source.values(name)) for name in names})
    if updated and not set(names).isdisjoint(RANK_DOCUMENT_COLUMNS):
        copy_rank_columns(versions.values("pk"))
    return updated


class VersionFile(models.Model):
    """An uploaded document file. Every upload is kept; the newest is the version's file."""

    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("version"),
        help_text=_("The version the file belongs to."),
    )
    file = models.FileField(
        _("file"), upload_to=version_upload_to, help_text=_("The stored file (PDF, DOCX or ODT).")
    )
    original_name = models.CharField(
        _("original file name"), max_length=255, help_text=_("The file's name as uploaded.")
    )
    content_type = models.CharField(
        _("content type"), max_length=100, help_text=_("Detected from the file's content.")
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), help_text=_("File size in bytes."))
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Checksum of the content."))
    extracted_text = models.TextField(
        _("extracted text"), blank=True, help_text=_("Text extracted for search.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
        help_text=_("Who uploaded the file."),
    )
    uploaded_at = models.DateTimeField(
        _("uploaded"), default=timezone.now, help_text=_("When the file was uploaded.")
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document file")
        verbose_name_plural = _("document files")

    def __str__(self) -> str:
        return self.original_name


class DecisionKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption")
    REPEAL = "repeal", _("Repeal")


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    RETURNED = "returned", _("Sent back (återremiss)")
    REJECTED = "rejected", _("Rejected")


class Decision(models.Model):
    """A decision on a document: by a political body (minutes paragraph) or an official."""

    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("document"),
        help_text=_("The document decided on."),
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("version"),
        help_text=_("The version decided on."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DecisionKind.choices, help_text=_("Adoption or repeal.")
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
        DiaryEntry,
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
        help_text=_("Computed: posting day + 3 weeks."),
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, help_text=_("When the decision was recorded.")
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

    @property
    def decider_name(self) -> str:
        return str(self.body or self.position)


class SearchField(models.IntegerChoices):
    """Where in a version a search term occurs; the value orders the fields by weight."""

    TITLE = 3, _("title")
    SUMMARY = 2, _("summary")
    TEXT = 1, _("text")


class SearchTerm(models.Model):
    """One row of the portable full-text index: a term of a version, its field and count.

    Written only by ``documents.search`` from ``documents.text.analyse``, so SQLite and
    PostgreSQL hold the same terms. On PostgreSQL the ``term`` column uses the "C" collation
    (set by the migration) so prefix ranges compare by code point, as on SQLite; keep that
    if a later migration alters the column.
    """

    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.CASCADE,
        related_name="search_terms",
        db_index=False,  # the unique (version, term, field) index serves version lookups
        verbose_name=_("version"),
        help_text=_("The document version the term occurs in."),
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="search_terms",
        db_index=False,  # covered by the (term, version, document) index
        verbose_name=_("document"),
        help_text=_("The version's document (copied from the version for joins)."),
    )
    term = models.CharField(
        _("term"),
        max_length=64,
        help_text=_("A stemmed, normalised word (see documents.text)."),
    )
    field = models.PositiveSmallIntegerField(
        _("field"),
        choices=SearchField.choices,
        help_text=_("Where the term occurs: title, summary or text (including uploaded files)."),
    )
    count = models.PositiveIntegerField(
        _("count"), help_text=_("How often the term occurs in the field.")
    )
    is_current = models.BooleanField(
        _("current"),
        default=False,
        db_default=False,
        help_text=_(
            "Whether the version is its document's valid version (kept in step by "
            "documents.search when a version is published, superseded or repealed)."
        ),
    )

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            # Column order (version, term, field): also serves the per-version score lookup.
            models.UniqueConstraint(
                fields=["version", "term", "field"], name="documents_searchterm_unique"
            )
        ]
        indexes = [
            # Serves "which versions have a term (or a term in a prefix range)".
            models.Index(
                fields=["term", "version", "document"], name="documents_searchterm_lookup"
            ),
            # The same for valid versions only, which is what the register shows by default:
            # most index rows belong to superseded versions.
            # Covering: the grouped ranking (search.RankedHits) reads the field and count
            # of every matching row from the index alone.
            models.Index(
                fields=["term", "version", "field", "count", "is_current"],
                condition=Q(is_current=True),
                name="documents_term_current_rows",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.get_field_display()} ×{self.count})"


class RankedRow(models.Model):
    """A valid version's score for a search, with what the register's default view filters
    and sorts on, copied from the version (which copies its document's columns)."""

    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("The version's title (copied: hits with equal scores are listed by it)."),
    )
    is_public = models.BooleanField(
        _("public"), help_text=_("Whether the version's document is public (copied).")
    )
    valid_from = models.DateField(
        _("valid from"), null=True, help_text=_("The version's first day (copied).")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, help_text=_("The version's last day, if limited (copied).")
    )
    scope_unit = _copied_key(
        Unit,
        _("scope"),
        _("The unit the version's document applies to (copied)."),
    )
    document_type = _copied_key(
        DocumentType,
        _("document type"),
        _("The type of the version's document (copied)."),
    )
    process = _copied_key(
        Process,
        _("process"),
        _("The process of the version's document, if any (copied)."),
        null=True,
    )
    owner_position = _copied_key(
        Position,
        _("owner (dokumentansvarig)"),
        _("The position that owns the version's document (copied)."),
    )
    next_review = models.DateField(
        _("next review"), null=True, help_text=_("The version's next review date (copied).")
    )

    # After the key and the score, the columns of the index a page and its count are read
    # from alone: the order, then the default view's filters.
    INDEX_TAIL = (
        "title",
        "version",
        "valid_from",
        "valid_until",
        "is_public",
        "scope_unit",
        "document_type",
        "process",
        "owner_position",
        "next_review",
    )

    class Meta:
        abstract = True


class SearchRank(RankedRow):
    """A valid version's score for one index term, with what the register's default view
    filters and sorts on: one row per (version, term) of the current search rows.

    A one-word search of the register as it opens (valid today, nothing else chosen but
    perhaps the unit, types, process, owner or a review date) reads its page from the start
    of the (term, score, title) index and counts the term's rows there, without grouping,
    joining or sorting every hit. Derived from ``SearchTerm`` and kept by
    ``documents.search`` (indexing, superseding, repealing, removing) and by the saves of
    ``Document`` and ``DocumentVersion`` that change a copied column. On PostgreSQL the
    ``term`` column uses the "C" collation, as ``SearchTerm.term`` does.
    """

    pk = models.CompositePrimaryKey("version", "term")
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.CASCADE,
        related_name="search_ranks",
        db_index=False,  # the primary key (version, term) serves version lookups
        verbose_name=_("version"),
        help_text=_("The valid version the term occurs in."),
    )
    term = models.CharField(
        _("term"),
        max_length=64,
        help_text=_("A stemmed, normalised word (see documents.text)."),
    )
    score = models.PositiveIntegerField(
        _("score"),
        help_text=_(
            "The version's score for the term: per field, its count (at most 9) times the "
            "field's weight, as documents.search ranks."
        ),
    )

    class Meta:
        verbose_name = _("search rank")
        verbose_name_plural = _("search ranks")
        indexes = [
            # A term's hits best first, in the register's order, with the default view's
            # filter columns: the page and the count are read from this index alone.
            models.Index(
                fields=["term", "-score", *RankedRow.INDEX_TAIL],
                name="documents_rank_term_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.score}"


class SearchPrefix(models.Model):
    """A prefix whose index terms' rank rows are also kept grouped by version
    (``SearchPrefixRank``): a word being typed that covers many versions over several
    index terms (``dokument`` covers ``dokumentation``, ``dokumenten``, …).

    Chosen by ``documents.search.choose_prefixes`` (the generator, ``reindex_search``)
    among the prefixes at which the index's terms branch; ``lowest`` and ``highest`` are
    the first and last term in its range, kept by ``documents.search`` whenever rank rows
    change. A search whose prefix has the same lowest and highest term covers exactly the
    same terms, and reads the grouped rows. On PostgreSQL the text columns use the "C"
    collation, as ``SearchRank.term`` does.
    """

    prefix = models.CharField(
        _("prefix"),
        max_length=64,
        primary_key=True,
        help_text=_("The start that every term of the group has."),
    )
    upper = models.CharField(
        _("upper bound"),
        max_length=64,
        help_text=_("The smallest string above every string that starts with the prefix."),
    )
    lowest = models.CharField(
        _("lowest term"),
        max_length=64,
        null=True,
        help_text=_("The first ranked term that starts with the prefix, if any."),
    )
    highest = models.CharField(
        _("highest term"),
        max_length=64,
        null=True,
        help_text=_("The last ranked term that starts with the prefix, if any."),
    )

    class Meta:
        verbose_name = _("search prefix")
        verbose_name_plural = _("search prefixes")
        indexes = [
            models.Index(fields=["lowest", "highest"], name="documents_prefix_span"),
        ]

    def __str__(self) -> str:
        return self.prefix


class SearchPrefixRank(RankedRow):
    """A valid version's score for a prefix of ``SearchPrefix``: one row per (version,
    prefix) of the versions with a rank row whose term starts with it, scored as the
    grouped ranking scores a prefix (per field, the counts of all its terms, capped).
    Derived from ``SearchRank`` and kept with it by ``documents.search``."""

    pk = models.CompositePrimaryKey("version", "prefix")
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.CASCADE,
        related_name="search_prefix_ranks",
        db_index=False,  # the primary key (version, prefix) serves version lookups
        verbose_name=_("version"),
        help_text=_("The valid version with a term that starts with the prefix."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=64,
        help_text=_("The prefix (SearchPrefix) the row is for."),
    )
    score = models.PositiveIntegerField(
        _("score"),
        help_text=_(
            "The version's score for the prefix: per field, the sum of its terms' counts "
            "(at most 9) times the field's weight, as documents.search ranks."
        ),
    )

    class Meta:
        verbose_name = _("search prefix rank")
        verbose_name_plural = _("search prefix ranks")
        indexes = [
            models.Index(
                fields=["prefix", "-score", *RankedRow.INDEX_TAIL],
                name="documents_prefix_rank_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}*: {self.score}"


class RegisterGeneration(models.Model):
    """A counter that moves on whenever something the register shows changes.

    Cached register output (``documents.cache``) is keyed by it, so every process sees a
    change at once without a shared cache. Written only by ``documents.cache.bump``.
    """

    value = models.BigIntegerField(
        _("generation"), default=0, help_text=_("Moves on with every change of the register.")
    )

    class Meta:
        verbose_name = _("register generation")
        verbose_name_plural = _("register generations")

    def __str__(self) -> str:
        return str(self.value)


# --- Columns the rank rows copy (the search, documents.search, reads them) ----------------

# What a rank row copies from its version and from its version's document (same names).
RANK_VERSION_COLUMNS = ("title", "valid_from", "valid_until", "next_review")
RANK_DOCUMENT_COLUMNS = ("is_public", "scope_unit", "document_type", "process", "owner_position")


def copy_rank_columns(version_ids: QuerySet | list[int]) -> int:
    """Copy the versions' columns (``RANK_VERSION_COLUMNS``, and ``RANK_DOCUMENT_COLUMNS``,
    which the versions copy from their documents) into their rank rows again, after a
    change to one of them; returns the rows updated."""
    version = DocumentVersion.objects.filter(pk=OuterRef("version"))
    copied = {
        name: Subquery(version.values(name))
        for name in (*RANK_VERSION_COLUMNS, *RANK_DOCUMENT_COLUMNS)
    }
    SearchPrefixRank.objects.filter(version__in=version_ids).update(**copied)
    return SearchRank.objects.filter(version__in=version_ids).update(**copied)
