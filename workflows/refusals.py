"""Named refusals: what an action says when it changes nothing.

Every refusal has a stable ``code`` (snake_case, for API clients and tests), an HTTP
``status`` and a message in the user's language. Raise one with the class's own message
(``TitleMissing()``, ``MeetingExists(body=b, day="2026-05-04")``: the keyword arguments
fill the message's placeholders), or with a message given at the raise when the text
comes from elsewhere (a permit's reason, a validator's messages): the code stays the
class's. ``CaseError`` is the base under its old name, so ``except CaseError`` catches all.
The base (``audit.refusals``) is shared with the apps below workflows, whose refusals
(``notifications.refusals``) ``all_refusals`` lists with these.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The base classes live in the lowest layer, shared with the apps below workflows; they
# are named here too, where every caller has always found them.
from audit.refusals import (  # noqa: F401
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    Refusal,
)

# The refusals of the apps below workflows, so that ``all_refusals`` finds them.
from notifications import refusals as _notification_refusals  # noqa: F401

CaseError = Refusal


class Busy(Conflict):
    code = "case_busy"
    message = _("Someone else is working on this case right now. Try again in a moment.")


def refuse(permit) -> NotAllowed:
    """The refusal of a ``workflows.access.Permit`` that did not allow, with its code."""
    return NotAllowed(permit.reason, code=getattr(permit, "code", "") or None)


# --- Not found ---------------------------------------------------------------


class NoSuchCase(NotFound):
    code = "no_such_case"
    message = _("There is no such case.")


class NoSuchTask(NotFound):
    code = "no_such_task"
    message = _("There is no such task.")


class NoSuchMeeting(NotFound):
    code = "no_such_meeting"
    message = _("There is no such meeting.")


# --- Starting a case and drafting ------------------------------------------


class NoDecider(Conflict):
    code = "no_decider"
    message = _("No one may adopt this document.")


class DeciderNotAllowed(NotAllowed):
    code = "decider_not_allowed"
    message = _("The chosen decider may not adopt this document.")


class CaseAlreadyOpen(Conflict):
    code = "case_already_open"
    message = _(
        "The document already has an open case, %(dnr)s. Finish it before starting another."
    )


class DocumentTypeInactive(InvalidInput):
    code = "document_type_inactive"
    message = _("The document type %(type)s is no longer in use.")


class TitleMissing(InvalidInput):
    code = "title_missing"
    field = "title"
    message = _("Give the document a title.")


class InvalidDocument(InvalidInput):
    code = "invalid_document"
    message = _("The document's details are not valid.")


class ParentNotValid(InvalidInput):
    code = "parent_not_valid"
    message = _("The parent document must be valid.")


class NotValidForRevision(Conflict):
    code = "not_valid_for_revision"
    message = _("Only a valid document can get a new version.")


class NotValidForRepeal(Conflict):
    code = "not_valid_for_repeal"
    message = _("Only a valid document can be repealed.")


class InvalidFile(InvalidInput):
    code = "invalid_file"
    message = _("The file was refused.")


class DraftEmpty(InvalidInput):
    code = "draft_empty"
    message = _("Write the text or upload the document file before submitting.")


class SamverkanGroupMissing(Conflict):
    code = "samverkan_group_missing"
    message = _("Samverkan is required, but no samverkan group is set for this scope.")


class NoUnionRepresentatives(Conflict):
    code = "no_union_representatives"
    message = _(
        "%(group)s has no union representatives, so samverkan cannot be held. Ask the administrator to add them."
    )


class NoSecretaryPosition(Conflict):
    code = "no_secretary_position"
    message = _("%(body)s has no secretary position; the matter cannot be prepared.")


class RepealMotivationMissing(InvalidInput):
    code = "repeal_motivation_missing"
    field = "motivation"
    message = _("Explain why the document should be repealed.")


# --- Samverkan and preparation ----------------------------------------------


class StanceMissing(InvalidInput):
    code = "stance_missing"
    field = "stance"
    message = _("Choose the union's position.")


class ProposalMissing(InvalidInput):
    code = "proposal_missing"
    field = "proposal"
    message = _("Write the decision proposal.")


class ReturnMotivationMissing(InvalidInput):
    code = "return_motivation_missing"
    field = "note"
    message = _("Explain why the matter is sent back.")


# --- Decision ------------------------------------------------------------------


class SamverkanNotFinished(Conflict):
    code = "samverkan_not_finished"
    message = _("Samverkan is not finished: no samverkan meeting is recorded for this draft.")


class DecisionBeforeSamverkan(InvalidInput):
    code = "decision_before_samverkan"
    message = _("The decision cannot be dated before the samverkan meeting (%(day)s).")


class NegotiationPending(Conflict):
    code = "negotiation_pending"
    message = _("A union demanded an MBL negotiation; it must be concluded before the decision.")


class DecisionBeforeNegotiation(InvalidInput):
    code = "decision_before_negotiation"
    message = _("The decision cannot be dated before the MBL negotiation was concluded (%(day)s).")


class SamverkanNotHeld(Conflict):
    code = "samverkan_not_held"
    message = _("Samverkan is required for this type but has not been held.")


class DecisionInFuture(InvalidInput):
    code = "decision_in_future"
    field = "decision_date"
    message = _("A decision cannot be recorded before the day it is made.")


class OutcomeMissing(InvalidInput):
    code = "outcome_missing"
    field = "outcome"
    message = _("Choose the outcome of the decision.")


class ParagraphMissing(InvalidInput):
    code = "paragraph_missing"
    field = "paragraph"
    message = _("Give the paragraph (§) of the minutes.")


class DecisionMotivationMissing(InvalidInput):
    code = "decision_motivation_missing"
    field = "motivation"
    message = _("Give a motivation when sending back or rejecting.")


class ValidFromMissing(InvalidInput):
    code = "valid_from_missing"
    field = "valid_from"
    message = _("Give the date the document is valid from.")


class ValidFromBeforeDecision(InvalidInput):
    code = "valid_from_before_decision"
    field = "valid_from"
    message = _("The document cannot be valid before it is decided.")


class ValidUntilBeforeValidFrom(InvalidInput):
    code = "valid_until_before_valid_from"
    field = "valid_until"
    message = _("The valid-until date is before the valid-from date.")


# --- Registration -------------------------------------------------------------


class NoAdoptedDecision(Conflict):
    code = "no_adopted_decision"
    message = _("There is no adopted decision to register.")


class MinutesExtractMissing(InvalidInput):
    code = "minutes_extract_missing"
    field = "minutes_extract"
    message = _("Attach the minutes extract (protokollsutdrag).")


class RegistrationDatesMissing(InvalidInput):
    code = "registration_dates_missing"
    message = _("Give the dates of justering and of posting on the notice board.")


class JusteringBeforeMeeting(InvalidInput):
    code = "justering_before_meeting"
    field = "justering_date"
    message = _("The minutes cannot be checked before the meeting.")


class AnslagBeforeJustering(InvalidInput):
    code = "anslag_before_justering"
    field = "anslag_date"
    message = _("The notice cannot be posted before the minutes are checked.")


class JusteringTooLate(InvalidInput):
    code = "justering_too_late"
    field = "justering_date"
    message = _(
        "The minutes must be checked at the latest 14 days after the meeting (8 kap. 12 § "
        "kommunallagen), here on %(day)s at the latest."
    )


class AnslagTooLate(InvalidInput):
    code = "anslag_too_late"
    field = "anslag_date"
    message = _(
        "The justering must be posted on the notice board at the latest two days after the "
        "minutes were checked (8 kap. 12 § kommunallagen), here on %(day)s at the latest. "
        "A deadline ending on a Saturday, Sunday or holiday moves to the next weekday."
    )


# --- Meetings -------------------------------------------------------------------


class DeadlineAfterMeeting(InvalidInput):
    code = "deadline_after_meeting"
    message = _("The deadline for matters must be on or before the meeting day.")


class MeetingExists(Conflict):
    code = "meeting_exists"
    message = _("%(body)s already has a meeting on %(day)s.")


class CaseClosed(Conflict):
    code = "case_closed"
    message = _("The case is closed.")


class MeetingOfOtherBody(InvalidInput):
    code = "meeting_of_other_body"
    message = _(
        "%(meeting)s is a meeting of %(body)s, which neither decides nor prepares this case."
    )


class MeetingAlreadyHeld(InvalidInput):
    code = "meeting_already_held"
    message = _("%(meeting)s has already been held; choose a coming meeting.")


class MeetingNotHeld(Conflict):
    code = "meeting_not_held"
    message = _("The meeting has not been held yet.")


class NoMattersGiven(InvalidInput):
    code = "no_matters_given"
    message = _("Give the decision of at least one matter.")


class ParagraphGivenTwice(InvalidInput):
    code = "paragraph_given_twice"
    message = _("§ %(n)s is given to two matters.")


class ParagraphUsed(Conflict):
    code = "paragraph_used"
    message = _("§ %(n)s of this meeting's minutes is already used by another decision.")


class ParagraphOutOfOrder(InvalidInput):
    code = "paragraph_out_of_order"
    message = _("The paragraphs must follow the order of the agenda (§ %(n)s comes after § %(p)s).")


class OtherDecider(InvalidInput):
    code = "other_decider"
    message = _("%(dnr)s is decided by %(decider)s, not by %(body)s.")


class NotOnAgenda(InvalidInput):
    code = "not_on_agenda"
    message = _("%(dnr)s is not on the agenda of %(meeting)s.")


class NotAwaitingDecision(Conflict):
    code = "not_awaiting_decision"
    message = _("%(dnr)s is not waiting for a decision (it is in: %(step)s).")


class BatchRefused(InvalidInput):
    """Some matters of a meeting could not be decided; nothing was saved.

    ``errors`` maps a case id to the reason (key None: about the whole batch).
    """

    code = "batch_refused"
    message = _("Some matters could not be decided; nothing was saved.")

    def __init__(self, errors: dict[int | None, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


# --- Records and readers ----------------------------------------------------------


class RecordDirectionMissing(InvalidInput):
    code = "record_direction_missing"
    message = _("Choose whether the record came in or went out.")


class RecordDateInFuture(InvalidInput):
    code = "record_date_in_future"
    message = _("The record's date cannot be in the future.")


class SenderMissing(InvalidInput):
    code = "sender_missing"
    message = _("Give the sender.")


class RecipientMissing(InvalidInput):
    code = "recipient_missing"
    message = _("Give the recipient.")


class RecordSubjectMissing(InvalidInput):
    code = "record_subject_missing"
    message = _("Give the subject of the record.")


class ReaderNotActive(InvalidInput):
    code = "reader_not_active"
    message = _("Choose an active user.")


class ReaderAlreadyGranted(Conflict):
    code = "reader_already_granted"
    message = _("%(name)s may already read this case.")


class ReaderNotGranted(Conflict):
    code = "reader_not_granted"
    message = _("This person has no read access granted to this case.")


# --- Review (aktualitetsprövning) --------------------------------------------


class ReviewAnswerMissing(InvalidInput):
    code = "review_answer_missing"
    field = "answer"
    message = _(
        "Answer whether the document is still current, needs revision or should be repealed."
    )


class ReviewRepealMotivationMissing(InvalidInput):
    code = "review_repeal_motivation_missing"
    field = "comment"
    message = _("Explain why the document should be repealed.")


class ReviewedVersionNotValid(Conflict):
    code = "reviewed_version_not_valid"
    message = _("The reviewed version is no longer the valid one; the review cannot confirm it.")


# --- Read acknowledgement (reading) -------------------------------------------


class NoSuchVersion(NotFound):
    code = "no_such_version"
    message = _("There is no such document version.")


class ReadingVersionNotValid(Conflict):
    code = "reading_version_not_valid"
    message = _("Only the valid version of a document can be confirmed as read.")


class ReadingNotRequired(Conflict):
    code = "reading_not_required"
    message = _("This document does not ask for a read acknowledgement.")


class NotInReadingAudience(NotAllowed):
    code = "not_in_reading_audience"
    message = _(
        "The document does not ask you to confirm reading it: it applies to positions you do not hold."
    )


class ReadingAlreadyConfirmed(Conflict):
    code = "reading_already_confirmed"
    message = _("You have already confirmed reading this document.")


class NotChiefOfUnit(NotAllowed):
    code = "not_chief_of_unit"
    message = _(
        "Only the chief of a unit (or the chief of a unit above it) sees its read acknowledgements."
    )


class NoOneToRemind(Conflict):
    code = "no_one_to_remind"
    message = _("Everyone in the unit has confirmed reading the document; no reminder was sent.")


def all_refusals() -> list[type[Refusal]]:
    """Every refusal class, the base first."""
    found, todo = [], [Refusal]
    while todo:
        cls = todo.pop(0)
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


class ReviewReportNotAllowed(NotAllowed):
    code = "review_report_not_allowed"
    message = _(
        "Only the registrar, administrators and the body's secretary see the body's review "
        "report; the report of the whole municipality is for the registrar and administrators."
    )


class ReviewReportCaseNotAllowed(NotAllowed):
    code = "review_report_case_not_allowed"
    message = _(
        "A body's secretary attaches its review report only to an open case the body decides."
    )


class ReviewReportYearInvalid(InvalidInput):
    code = "review_report_year_invalid"
    message = _("Choose a year between 2000 and 2100.")
