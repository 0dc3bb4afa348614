"""Cases (viewflow processes), their meetings and records."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from viewflow.workflow.models import Process

from config.compiled_query import CompiledQuery, CompiledSaves
from config.model_rows import NotesWhatWasRead
from documents.models import Document, copy_to_versions
from documents.models.decision import minutes_paragraph

from .case_writes import StepWrites, open_case_flag, sync_open_case_flag


class CaseKind(models.TextChoices):
    NEW_DOCUMENT = "new", _("New document")
    REVISION = "revision", _("New version")
    REPEAL = "repeal", _("Repeal")
    REVIEW = "review", _("Review (aktualitetsprövning)")


class ReviewAnswer(models.TextChoices):
    UNCHANGED = "unchanged", _("Still current, unchanged")
    REVISE = "revise", _("Needs revision")
    REPEAL = "repeal", _("Should be repealed")


class CaseOutcome(models.TextChoices):
    OPEN = "", _("Open")
    PUBLISHED = "published", _("Adopted and published")
    ADOPTED = "adopted", _("Adopted, waiting for valid-from date")
    REJECTED = "rejected", _("Rejected")
    REPEALED = "repealed", _("Repealed")
    CONFIRMED = "confirmed", _("Confirmed still current")
    REVISION = "revision", _("Review led to a revision case")
    REPEAL_STARTED = "repeal_started", _("Review led to a repeal case")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Case(NotesWhatWasRead, CompiledSaves, StepWrites, Process):
    """A case (ärende) about one governing document, driven by a viewflow flow."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=CaseKind.choices, help_text=_("What the case is for.")
    )
    diary_entry = models.OneToOneField(
        "documents.DiaryEntry",
        on_delete=models.PROTECT,
        related_name="case",
        verbose_name=_("diarienummer"),
        help_text=_("The case's diarienummer, issued when the case starts."),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("document"),
        help_text=_("The document the case is about."),
    )
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("version"),
        help_text=_("The version drafted in the case; for a repeal, the version repealed."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="started_cases",
        verbose_name=_("started by"),
        help_text=_("The official who started the case; empty for a review the schedule opened."),
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="authored_cases",
        blank=True,
        verbose_name=_("authors"),
        help_text=_("The author and co-authors who may edit the draft. They may never decide it."),
    )
    decider_body = models.ForeignKey(
        "org.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_to_decide",
        verbose_name=_("deciding body"),
        help_text=_("The body that is to decide, chosen among those the rule set allows."),
    )
    decider_position = models.ForeignKey(
        "org.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_to_decide",
        verbose_name=_("deciding official"),
        help_text=_("The official's position that is to decide, if not a body."),
    )
    samverkan_group = models.ForeignKey(
        "org.SamverkanGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("samverkan group"),
        help_text=_("The group that consults on the case, picked by the samverkan rule."),
    )
    samverkan_note = models.TextField(
        _("samverkan routing"),
        blank=True,
        help_text=_("Why the case went to this group, or why samverkan was skipped."),
    )
    proposal = models.TextField(
        _("decision proposal (beslutsförslag)"),
        blank=True,
        help_text=_("The proposal the body decides on."),
    )
    round = models.PositiveSmallIntegerField(
        _("drafting round"),
        default=0,
        help_text=_(
            "How many times the draft has been submitted; samverkan records belong to a round."
        ),
    )
    preparation_index = models.PositiveSmallIntegerField(
        _("preparation step"),
        default=0,
        help_text=_("How many preparing bodies the matter has passed."),
    )
    return_motivation = models.TextField(
        _("sent back because"),
        blank=True,
        help_text=_("The latest motivation for sending the draft back."),
    )
    repeal_motivation = models.TextField(
        _("repeal motivation"), blank=True, help_text=_("Why the document should be repealed.")
    )
    current_step = models.CharField(
        _("current step"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("The step the case waits in now."),
    )
    step_since = models.DateTimeField(
        _("in step since"),
        null=True,
        blank=True,
        help_text=_("When the case entered its current step."),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=CaseOutcome.choices,
        blank=True,
        default="",
        help_text=_("How the case ended."),
    )
    review_answer = models.CharField(
        _("review answer"),
        max_length=20,
        choices=ReviewAnswer.choices,
        blank=True,
        help_text=_("For a review: the owner's answer."),
    )
    reminders_to_owner = models.PositiveSmallIntegerField(
        _("reminders to the owner"),
        default=0,
        help_text=_("For an overdue review: how many reminders the owner has been sent."),
    )
    reminders_to_chief = models.PositiveSmallIntegerField(
        _("reminders to the chief"),
        default=0,
        help_text=_("For an overdue review: how many reminders the owner's chief has been sent."),
    )
    target_meeting = models.ForeignKey(
        "workflows.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("target meeting"),
        help_text=_("The meeting of the deciding or a preparing body the matter is aimed at."),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # The desk lists open cases longest-waiting first.
        indexes = [models.Index(fields=["step_since"], name="workflows_case_step_since")]

    def __str__(self) -> str:
        return f"{self.diary_entry} {self.document}"

    def read_from_db(self, field_names) -> None:
        # Whether the case was open when read, to tell in save() whether that changed.
        self._was_open = self.finished is None if "finished" in field_names else None

    def save(self, *args, **kwargs):
        update_fields = self.with_pending(kwargs)
        is_open = self.finished is None
        opened_or_closed = getattr(self, "_was_open", None) is not is_open and (
            update_fields is None or "finished" in update_fields
        )
        if self._state.adding and is_open and getattr(self, "document_created_flagged", False):
            opened_or_closed = False  # a new document made in this case's start, flagged
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
            if opened_or_closed:
                # Viewflow sets ``finished`` (end, cancel, undo) and saves the case: every way
                # a case opens or closes passes here.
                sync_open_case_flag(self.document_id)
        self._was_open = is_open

    @property
    def diarienummer(self) -> str:
        return self.diary_entry.diarienummer

    @property
    def decider(self):
        return self.decider_body or self.decider_position


def sync_open_case_flags(documents: QuerySet[Document]) -> int:
    """Set the documents' ``has_open_case`` from their cases (the register's "under
    revision"); returns how many documents were written. A review (aktualitetsprövning)
    does not count: the document is being checked, not revised."""
    written = documents.update(**open_case_flag())
    copy_to_versions(documents, ["has_open_case"])
    return written


# Whether a user is among a case's authors (the access checks' ``is_author``), compiled
# once per process (config/compiled_query.py): the draft's and the decision's checks ask.
AUTHORSHIP = CompiledQuery(
    lambda case_id, user_id: Case.authors.through.objects.filter(case=case_id, user=user_id),
    ids=("case_id", "user_id"),
)


class CaseReaderGrant(UserObjectPermissionBase):
    """An explicit object permission on one case (django-guardian, direct foreign key):
    the registrar lets a person read a case no rule of the access module lets them see."""

    content_object = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="reader_grants",
        verbose_name=_("case"),
        help_text=_("The case the person may read."),
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case reader grant")
        verbose_name_plural = _("case reader grants")


class CaseRecord(models.Model):
    """A record made in a case: belongs to a drafting round, kept in the order written."""

    round = models.PositiveSmallIntegerField(
        _("drafting round"), default=0, help_text=_("The drafting round the record belongs to.")
    )
    created_at = models.DateTimeField(
        _("recorded"), default=timezone.now, help_text=_("When it was recorded.")
    )

    class Meta:
        abstract = True
        ordering = ["created_at"]


class RecordedCaseRecord(CaseRecord):
    """A case record written by a person on the employer's side (chair, secretary)."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Who recorded it."),
    )

    class Meta(CaseRecord.Meta):
        abstract = True


class UnionStance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    NO_OBJECTIONS = "no_objections", _("No objections")
    OPPOSES = "opposes", _("Opposes")
    DEMANDS_MBL = "demands_mbl", _("Demands negotiation under MBL §11")


class SamverkanStatement(CaseRecord):
    """A union representative's position on the draft in samverkan."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("case"),
        help_text=_("The case."),
    )
    representative = models.ForeignKey(
        "org.UnionRepresentative",
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("representative"),
        help_text=_("The union representative who stated the position."),
    )
    union = models.ForeignKey(
        "org.Union",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("union"),
        help_text=_("The union."),
    )
    stance = models.CharField(
        _("position"),
        max_length=20,
        choices=UnionStance.choices,
        help_text=_("The union's position."),
    )
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("The union's comment on the draft.")
    )
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("version"),
        help_text=_("The draft commented on."),
    )

    class Meta(CaseRecord.Meta):
        verbose_name = _("samverkan statement")
        verbose_name_plural = _("samverkan statements")

    def __str__(self) -> str:
        return f"{self.union}: {self.get_stance_display()}"


class Agreement(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement (enighet)")
    DISAGREEMENT = "disagreement", _("Disagreement (oenighet)")


class SamverkanMeeting(RecordedCaseRecord):
    """The samverkan meeting's record, kept by the employer-side chair."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="samverkan_meetings",
        verbose_name=_("case"),
        help_text=_("The case."),
    )
    group = models.ForeignKey(
        "org.SamverkanGroup",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("group"),
        help_text=_("The samverkan group."),
    )
    meeting_date = models.DateField(
        _("meeting date"), help_text=_("The day of the samverkan meeting.")
    )
    agreement = models.CharField(
        _("result"),
        max_length=20,
        choices=Agreement.choices,
        help_text=_("Agreement or disagreement."),
    )
    minutes_reference = models.CharField(
        _("minutes reference"),
        max_length=200,
        help_text=_("Where the minutes are, e.g. 'Protokoll CSG 2026-03-02 § 4'."),
    )
    reservations = models.TextField(
        _("reservations (protokollsanteckningar)"),
        blank=True,
        help_text=_("Unions' notes in the minutes."),
    )

    class Meta(CaseRecord.Meta):
        verbose_name = _("samverkan meeting")
        verbose_name_plural = _("samverkan meetings")

    def __str__(self) -> str:
        return f"{self.group} {self.meeting_date}"


class NegotiationOutcome(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    NOT_AGREED = "not_agreed", _("Not agreed (negotiation concluded in disagreement)")


class Negotiation(RecordedCaseRecord):
    """An MBL §11 negotiation demanded by a union, which must finish before the decision."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="negotiations",
        verbose_name=_("case"),
        help_text=_("The case."),
    )
    negotiation_date = models.DateField(
        _("negotiation date"), help_text=_("The day the negotiation was concluded.")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=NegotiationOutcome.choices,
        help_text=_("How the negotiation ended."),
    )
    minutes_reference = models.CharField(
        _("minutes reference"), max_length=200, help_text=_("Where the negotiation minutes are.")
    )

    class Meta(CaseRecord.Meta):
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")

    def __str__(self) -> str:
        return f"MBL {self.negotiation_date}"


class PreparationOutcome(models.TextChoices):
    FORWARDED = "forwarded", _("Forwarded with the proposal")
    RETURNED = "returned", _("Sent back to drafting")


class PreparationStep(RecordedCaseRecord):
    """A preparing body's handling of the matter (e.g. KSAU, or KS for a KF matter)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="preparation_steps",
        verbose_name=_("case"),
        help_text=_("The case."),
    )
    body = models.ForeignKey(
        "org.Body",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("body"),
        help_text=_("The preparing body."),
    )
    meeting_date = models.DateField(
        _("meeting date"), help_text=_("The body's meeting that handled the matter.")
    )
    paragraph = models.CharField(
        _("paragraph"), max_length=20, blank=True, help_text=_("Minutes paragraph, if any.")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=PreparationOutcome.choices,
        help_text=_("What the body did."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("The body's proposal or why it was sent back.")
    )

    class Meta(CaseRecord.Meta):
        verbose_name = _("preparation step")
        verbose_name_plural = _("preparation steps")

    def __str__(self) -> str:
        return f"{self.body} {self.meeting_date}"

    def save(self, *args, **kwargs):
        self.paragraph = minutes_paragraph(self.paragraph)
        super().save(*args, **kwargs)


class Meeting(models.Model):
    """A meeting of a political body in its calendar, with the deadline for matters."""

    body = models.ForeignKey(
        "org.Body",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("body"),
        help_text=_("The political body that meets."),
    )
    date = models.DateField(_("meeting date"), help_text=_("The day of the meeting."))
    deadline = models.DateField(
        _("deadline for matters"),
        help_text=_("The last day a matter must be ready to go on the agenda."),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where the body meets.")
    )

    class Meta:
        ordering = ["date", "body__name"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["body", "date"], name="workflows_meeting_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(deadline__lte=models.F("date")),
                name="workflows_meeting_deadline_before_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name} {self.date:%Y-%m-%d}"


class RecordDirection(models.TextChoices):
    INCOMING = "in", _("Incoming")
    OUTGOING = "out", _("Outgoing")
    DRAWN_UP = "drawn_up", _("Drawn up")


class RegisteredRecord(models.Model):
    """A record (handling) the registrar registered on a case: a letter in or out."""

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="registered_records",
        verbose_name=_("case"),
        help_text=_("The case the record belongs to."),
    )
    sequence = models.PositiveIntegerField(
        _("record number"), help_text=_("The record's number within the case (1, 2, ...).")
    )
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=[
            (RecordDirection.INCOMING, RecordDirection.INCOMING.label),
            (RecordDirection.OUTGOING, RecordDirection.OUTGOING.label),
        ],
        help_text=_("Whether the record came in or went out."),
    )
    record_date = models.DateField(
        _("date"), help_text=_("The day the record came in or was sent.")
    )
    counterpart = models.CharField(
        _("sender or recipient"),
        max_length=200,
        help_text=_("Who sent the record (incoming) or who it was sent to (outgoing)."),
    )
    subject = models.CharField(
        _("subject"), max_length=300, help_text=_("What the record is about.")
    )
    file = models.FileField(
        _("file"),
        upload_to="records/%Y/",
        blank=True,
        help_text=_("The record as a PDF, DOCX or ODT file, if there is one."),
    )
    original_name = models.CharField(
        _("file name"), max_length=255, blank=True, help_text=_("The uploaded file's name.")
    )
    registered_at = models.DateTimeField(
        _("registered"), default=timezone.now, help_text=_("When the record was registered.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("The registrar who registered it."),
    )

    class Meta:
        ordering = ["case", "sequence"]
        verbose_name = _("registered record")
        verbose_name_plural = _("registered records")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "sequence"], name="workflows_record_unique_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.diary_entry}-{self.sequence} {self.subject}"
