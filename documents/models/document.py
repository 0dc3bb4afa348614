"""Governing documents, their versions and the versions' files."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.compiled_query import CompiledSaves, CompiledUpdate
from config.model_rows import NotesWhatWasRead
from org.models import Position, Process, Unit

from .decision import minutes_paragraph
from .fields import _copied_key
from .ranking import RANK_DOCUMENT_COLUMNS, SearchHistory, copy_rank_columns
from .version_indexes import VERSION_INDEXES


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (never adopted)")
    VALID = "valid", _("Valid")
    REPEALED = "repealed", _("Repealed")
    REJECTED = "rejected", _("Rejected")


class Document(NotesWhatWasRead, CompiledSaves, models.Model):
    """A governing document across all its versions."""

    title = models.CharField(_("title"), max_length=300, help_text=_("The document's title."))
    document_type = models.ForeignKey(
        "documents.DocumentType",
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
    import_key = models.CharField(
        _("import key"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The document's key (Nyckel) in the register file it was imported from: a "
            "re-import of the file updates the document instead of adding it again."
        ),
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
                moved = getattr(self, "_stored_type_id", None) != self.document_type_id
                if "document_type" in changed and moved:
                    DocumentVersion.refresh_reading(DocumentVersion.objects.filter(document=self))
        self._stored_type_id = self.document_type_id

    def read_from_db(self, field_names) -> None:
        if "document_type_id" in field_names:
            self._stored_type_id = self.document_type_id

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


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted, not yet valid")
    VALID = "valid", _("Valid")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Rejected")
    REPEALED = "repealed", _("Repealed")


class DocumentVersion(NotesWhatWasRead, CompiledSaves, models.Model):
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
        "documents.DiaryEntry",
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
        "documents.DocumentType",
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
    # The read acknowledgement's rule, kept on the version (``refresh_reading``) so that the
    # chief's overview lists and counts from one index without joining the decisions.
    reading_required = models.BooleanField(
        _("asks for a read acknowledgement"),
        default=False,
        editable=False,
        help_text=_(
            "Whether the people the version applies to must confirm reading it: its "
            "decision's choice, else its type's (kept by the lifecycle)."
        ),
    )
    reading_baseline = models.PositiveIntegerField(
        _("read acknowledgement counts from"),
        default=0,
        editable=False,
        help_text=_(
            "The number of the latest version up to this one adopted as a material change "
            "(0 if none): a confirmation of that version or a later one counts for this one."
        ),
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
        indexes = VERSION_INDEXES

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    # Columns the search's ranked index copies (copy_rank_columns, in .ranking).
    RANK_COLUMNS = frozenset({"title", "valid_from", "valid_until", "next_review"})
    # Columns the reading columns are derived from (with the decision and the type).
    READING_SOURCES = frozenset(
        {"adoption", "adoption_id", "document_type", "document_type_id", "number"}
    )

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        copied = update_fields is None or not self.RANK_COLUMNS.isdisjoint(update_fields)
        # Rank rows exist only for a version stored as valid; when unknown, assume they may.
        ranked = getattr(self, "_stored_status", VersionStatus.VALID) == VersionStatus.VALID
        adding = self._state.adding
        if update_fields is None or "body" in update_fields:
            from ..plain_text import html_to_text

            self.plain_text = html_to_text(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "plain_text"}
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            if adding and not getattr(self, "_columns_copied", False):
                # From the database, not from self.document, which may be older than a
                # change made since (a case opened and flagged the document).
                names = [Document._meta.get_field(n).attname for n in Document.VERSION_COLUMNS]
                values = Document.objects.filter(pk=self.document_id).values_list(*names).get()
                for name, value in zip(names, values, strict=True):
                    setattr(self, name, value)
            super().save(*args, **kwargs)
            self._keep_reading(update_fields)
            # Only valid versions have rank rows (a version that becomes valid is indexed,
            # and so ranked, after this save).
            if not adding and copied and ranked and self.status == VersionStatus.VALID:
                dated = update_fields is None or not {"valid_from", "valid_until"}.isdisjoint(
                    update_fields
                )
                copy_rank_columns([self.pk], recount=dated)
        self._stored_status = self.status

    def _keep_reading(self, update_fields) -> None:
        """After a save: derive the reading columns of this version and the later ones
        when what they come from was saved. A draft's are derived when it is adopted (or
        saved as more than a draft)."""
        if not self.adoption_id and self.status == VersionStatus.DRAFT:
            return
        if update_fields is None or not self.READING_SOURCES.isdisjoint(update_fields):
            _REFRESH_READING_FROM.run(document_id=self.document_id, number=self.number)

    @classmethod
    def refresh_reading(cls, versions: QuerySet[DocumentVersion]) -> int:
        """Derive ``reading_required`` and ``reading_baseline`` of ``versions`` from their
        decisions and types, in one UPDATE; run in the transaction that changed those. The
        one place the rule is stated: the decision's choice, else the type's; a
        confirmation counts from the latest version up to this one adopted as a material
        change."""
        return versions.update(**cls.reading_changes())

    @classmethod
    def reading_changes(cls) -> dict:
        """The changes of ``refresh_reading``'s UPDATE."""
        decision = cls._meta.get_field("adoption").related_model
        kind = cls._meta.get_field("document_type").related_model
        chosen = decision.objects.filter(pk=OuterRef("adoption")).values("requires_reading")
        typed = kind.objects.filter(pk=OuterRef("document_type")).values("reading_required")
        material = (
            cls.objects.filter(
                document=OuterRef("document"),
                number__lte=OuterRef("number"),
                adoption__material_change=True,
            )
            .order_by("-number")
            .values("number")[:1]
        )
        return {
            "reading_required": Coalesce(Subquery(chosen), Subquery(typed), Value(False)),
            "reading_baseline": Coalesce(Subquery(material), Value(0)),
        }

    def copy_columns_from(self, document: Document) -> DocumentVersion:
        """Take the document's copied columns from ``document`` as it is in memory, for a
        caller that has just inserted or locked it in this transaction (no re-read)."""
        for name in Document.VERSION_COLUMNS:
            attname = Document._meta.get_field(name).attname
            setattr(self, attname, getattr(document, attname))
        self._columns_copied = True
        return self

    def read_from_db(self, field_names) -> None:
        if "status" in field_names:
            self._stored_status = self.status

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
                # As the body is named (a company board keeps its capitals).
                "decider": decision.decider_name,
                "date": decision.decision_date.strftime("%Y-%m-%d"),
            }
        ]
        if decision.paragraph:
            parts.append(minutes_paragraph(decision.paragraph))
        if self.diarienummer:
            parts.append(gettext("Dnr %(dnr)s") % {"dnr": self.diarienummer})
        return ", ".join(parts)

    @property
    def diarienummer(self) -> str:
        """The version's diarienummer: the one Styrdok's diarium issued, else (a version
        imported with its historical decision) the one written in the decision, never one
        of Styrdok's series; "" if it has none."""
        if self.diary_entry_id:
            return self.diary_entry.diarienummer
        decision = self.adoption
        return decision.historical_diarienummer if decision is not None else ""


# ``refresh_reading`` of a document's versions from a number on, compiled once per process.
_REFRESH_READING_FROM = CompiledUpdate(
    lambda document_id, number: (
        DocumentVersion.objects.filter(document=document_id, number__gte=number),
        DocumentVersion.reading_changes(),
    ),
    ids=("document_id", "number"),
)


def copy_columns(names: list[str]) -> dict:
    return {n: Subquery(Document.objects.filter(pk=OuterRef("document")).values(n)) for n in names}


def copy_to_versions(documents: QuerySet[Document], names: Iterable[str] | None = None) -> int:
    """Copy the documents' columns ``names`` (all of ``Document.VERSION_COLUMNS`` by
    default) from the database into every version of theirs, and on into the versions'
    rank rows; returns the versions updated. Run in the transaction that changed them."""
    names = list(Document.VERSION_COLUMNS if names is None else names)
    versions = DocumentVersion.objects.filter(document__in=documents.values("pk"))
    updated = versions.update(**copy_columns(names))
    if updated and not set(names).isdisjoint(RANK_DOCUMENT_COLUMNS):
        copy_rank_columns(versions.values("pk"), recount="is_public" in names)
    if updated and "is_public" in names:
        # The history rows' copy too: their index holds it (``SearchHistory.is_public``).
        shown = DocumentVersion.objects.filter(pk=OuterRef("version")).values("is_public")
        SearchHistory.objects.filter(version__in=versions.values("pk")).update(
            is_public=Subquery(shown)
        )
    return updated
