"""The case timeline: each audit entry of a case as a sentence a registrar would write.

The audit trail stores codes (``to_state="supports"``, ``from_state="draft"``) and short
details; this module turns them into words when the page is read, so entries written long
ago read as well as new ones and nothing in the append-only trail has to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from documents.models import DecisionOutcome, VersionStatus

from . import routing
from .models import (
    Agreement,
    Case,
    CaseKind,
    CaseOutcome,
    NegotiationOutcome,
    PreparationOutcome,
    RecordDirection,
    ReviewAnswer,
    UnionStance,
)

# What "Utkast sparat" changed, stored as field codes (actions.drafting.apply_draft).
DRAFT_FIELDS = {
    "title": gettext_lazy("the title"),
    "text": gettext_lazy("the text"),
    "summary": gettext_lazy("the summary"),
    "is_public": gettext_lazy("whether it is public"),
    "decider": gettext_lazy("who decides"),
}

STANCE_SENTENCES = {
    UnionStance.SUPPORTS: gettext_lazy("%(union)s supports the proposal."),
    UnionStance.NO_OBJECTIONS: gettext_lazy("%(union)s has no objections to the proposal."),
    UnionStance.OPPOSES: gettext_lazy("%(union)s opposes the proposal."),
    UnionStance.DEMANDS_MBL: gettext_lazy("%(union)s demands a negotiation under MBL § 11."),
}

DECISION_SENTENCES = {
    DecisionOutcome.ADOPTED: gettext_lazy("Adopted by %(details)s."),
    DecisionOutcome.RETURNED: gettext_lazy("Sent back for redrafting (återremiss) by %(details)s."),
    DecisionOutcome.REJECTED: gettext_lazy("Rejected by %(details)s."),
}

REVIEW_DECISION_SENTENCES = {
    DecisionOutcome.ADOPTED: gettext_lazy(
        "The review was confirmed: the document is still current."
    ),
    DecisionOutcome.RETURNED: gettext_lazy(
        "The review was not confirmed and went back to the owner."
    ),
    DecisionOutcome.REJECTED: gettext_lazy("The review was not confirmed."),
}

# A bare paragraph number after a date ("2026-12-02 245"): written "§ 245" like the others.
_BARE_PARAGRAPH = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d+)\b")
_VALID_FROM = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class TimelineRow:
    at: object
    who: str
    sentence: str
    action: str  # the entry's code, for tests and styling; never shown


def _label(choices, code: str) -> str:
    """The words for a stored code, or the code itself if it is not one of the choices."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def with_paragraph_sign(text: str) -> str:
    return _BARE_PARAGRAPH.sub(r"\1 § \2", text)


def _with_comment(sentence: str, comment: str) -> str:
    comment = comment.strip()
    return f"{sentence} {comment}" if comment else sentence


def _case_started(e: AuditEntry, case: Case) -> str:
    dnr, _sep, kind = e.comment.partition(": ")
    if not kind or case is None:
        return _("The case was opened.")
    # The kind as the reader reads it (the comment is in the language of whoever started it).
    return _("The case was opened with diarienummer %(dnr)s: %(kind)s.") % {
        "dnr": dnr,
        "kind": _first_lower(str(case.get_kind_display())),
    }


# Whom a task went to, when it is not a named position or person (engine._describe_route),
# stored in the language of the request that caused it: read in the reader's.
ROUTE_WORDS = [gettext_lazy("the authors"), gettext_lazy("the registrar")]


def _whom(stored: str) -> str:
    for words in ROUTE_WORDS:
        if stored in {
            str(words),
            *(_in_language(words, code) for code, _name in settings.LANGUAGES),
        }:
            return str(words)
    return stored


def _in_language(words, code: str) -> str:
    with translation.override(code):
        return str(words)


def _task_created(e: AuditEntry, case: Case) -> str:
    step = routing.step_title(e.to_state)
    if e.comment:
        return _("The task “%(step)s” went to %(whom)s.") % {"step": step, "whom": _whom(e.comment)}
    return _("The task “%(step)s” was created.") % {"step": step}


def _task_completed(e: AuditEntry, case: Case) -> str:
    return _("The task “%(step)s” was completed.") % {"step": routing.step_title(e.from_state)}


def _draft_saved(e: AuditEntry, case: Case) -> str:
    fields = [str(DRAFT_FIELDS.get(code.strip(), code.strip())) for code in e.comment.split(",")]
    fields = [f for f in fields if f]
    if not fields:
        return _("The draft was saved.")
    return _("The draft was saved; changed: %(fields)s.") % {
        "fields": get_text_list(fields, _("and"))
    }


def _statement(e: AuditEntry, case: Case) -> str:
    union, _sep, comment = e.comment.partition(":")
    sentence = STANCE_SENTENCES.get(e.to_state)
    if sentence is None:
        return _with_comment(_("Union position given."), e.comment)
    return _with_comment(str(sentence) % {"union": union.strip()}, comment)


def _with_reference(sentence: str, reference: str) -> str:
    reference = reference.strip()
    return f"{sentence[:-1]} ({reference})." if reference else sentence


def _samverkan_meeting(e: AuditEntry, case: Case) -> str:
    if e.to_state == Agreement.DISAGREEMENT:
        sentence = _("The samverkan meeting ended in disagreement (oenighet).")
    else:
        sentence = _("The samverkan meeting ended in agreement (enighet).")
    return _with_reference(sentence, e.comment)


def _negotiation(e: AuditEntry, case: Case) -> str:
    if e.to_state == NegotiationOutcome.NOT_AGREED:
        sentence = _("The MBL negotiation was concluded in disagreement.")
    else:
        sentence = _("The MBL negotiation was concluded in agreement.")
    return _with_reference(sentence, e.comment)


def _preparation(e: AuditEntry, case: Case) -> str:
    details = with_paragraph_sign(e.comment)
    if e.to_state == PreparationOutcome.RETURNED:
        return _("Prepared by %(details)s: sent back to drafting.") % {"details": details}
    return _("Prepared by %(details)s: forwarded with the proposal.") % {"details": details}


def _decision(e: AuditEntry, case: Case) -> str:
    if getattr(case, "kind", None) == CaseKind.REVIEW:
        sentence = REVIEW_DECISION_SENTENCES.get(e.to_state)
        return _with_comment(str(sentence or _("Decision recorded.")), e.comment)
    sentence = DECISION_SENTENCES.get(e.to_state)
    if sentence is None:
        return _with_comment(_("Decision recorded."), e.comment)
    return str(sentence) % {"details": with_paragraph_sign(e.comment)}


def _decision_registered(e: AuditEntry, case: Case) -> str:
    return _("The decision was registered, with the minutes extract, justering and anslag.")


def _version_published(e: AuditEntry, case: Case) -> str:
    day = _VALID_FROM.search(e.comment)
    if day is None:
        return _("%(version)s became valid.") % {"version": e.target_label}
    return _("%(version)s is valid from %(day)s.") % {
        "version": e.target_label,
        "day": day.group(1),
    }


def _version_superseded(e: AuditEntry, case: Case) -> str:
    return _("%(version)s was superseded by the new version.") % {"version": e.target_label}


def _document_repealed(e: AuditEntry, case: Case) -> str:
    return _("The document was repealed.")


def _case_closed(e: AuditEntry, case: Case) -> str:
    outcome = _label(CaseOutcome, e.to_state) if e.to_state else ""
    if not outcome:
        return _("The case was closed.")
    return _("The case was closed: %(outcome)s.") % {"outcome": _first_lower(outcome)}


def _review_answered(e: AuditEntry, case: Case) -> str:
    answer = _first_lower(_label(ReviewAnswer, e.to_state))
    sentence_ = _("The owner answered the review: %(answer)s.") % {"answer": answer}
    return _with_comment(sentence_, e.comment)


def _review_confirmed(e: AuditEntry, case: Case) -> str:
    return _("The review was confirmed; the next review is due by %(day)s.") % {"day": e.to_state}


def _meeting_targeted(e: AuditEntry, case: Case) -> str:
    if not e.to_state:
        return _("The target meeting %(meeting)s was removed.") % {"meeting": e.from_state}
    if e.from_state:
        return _("The target meeting was moved from %(before)s to %(after)s.") % {
            "before": e.from_state,
            "after": e.to_state,
        }
    return _("The matter is aimed at the meeting %(meeting)s.") % {"meeting": e.to_state}


def _record_registered(e: AuditEntry, case: Case) -> str:
    direction = _first_lower(_label(RecordDirection, e.to_state))
    _kind, _sep, details = e.comment.partition(": ")
    return _("A record was registered (%(direction)s): %(details)s") % {
        "direction": direction,
        "details": details or e.comment,
    }


def _proposal_written(e: AuditEntry, case: Case) -> str:
    return _("The decision proposal was written.")


def _coauthor_added(e: AuditEntry, case: Case) -> str:
    return _("%(name)s was added as a co-author.") % {"name": e.comment}


def _step_named(stored: str) -> str:
    """A step's title stored in the language of whoever acted, in the reader's language."""
    for words in routing.STEP_TITLES.values():
        if stored in {str(words), *(_in_language(words, c) for c, _n in settings.LANGUAGES)}:
            return str(words)
    return stored


def _owned_step(e: AuditEntry) -> str:
    # The step's code since it is recorded (from_state); older entries have its title only.
    return routing.step_title(e.from_state) if e.from_state else _step_named(e.comment)


def _task_claimed(e: AuditEntry, case: Case) -> str:
    return _("The task “%(step)s” was taken.") % {"step": _owned_step(e)}


def _task_released(e: AuditEntry, case: Case) -> str:
    return _("The task “%(step)s” was given back to everyone it is routed to.") % {
        "step": _owned_step(e)
    }


def _file_uploaded(e: AuditEntry, case: Case) -> str:
    return _("The file %(name)s was uploaded.") % {"name": e.comment}


def _file_downloaded(e: AuditEntry, case: Case) -> str:
    return _("The non-public file %(name)s was downloaded.") % {"name": e.comment}


def _samverkan_skipped(e: AuditEntry, case: Case) -> str:
    return _with_comment(_("The case needs no samverkan."), e.comment)


def _reader_granted(e: AuditEntry, case: Case) -> str:
    return _("%(name)s may read the case.") % {"name": e.comment}


def _reader_revoked(e: AuditEntry, case: Case) -> str:
    return _("%(name)s may no longer read the case.") % {"name": e.comment}


def _review_reminder_sent(e: AuditEntry, case: Case) -> str:
    return _with_comment(_("A reminder of the overdue review was sent."), e.comment)


def _review_report_attached(e: AuditEntry, case: Case) -> str:
    return _("The review report for %(year)s was attached to the case.") % {"year": e.to_state}


def _diary_entry_public(e: AuditEntry, case: Case) -> str:
    if e.action == "diary_entry_hidden":
        return _("The record was hidden in the public e-diarium.")
    return _("The record was made public in the e-diarium.")


SENTENCES: dict[str, Callable[[AuditEntry, Case], str]] = {
    "task_claimed": _task_claimed,
    "task_released": _task_released,
    "file_uploaded": _file_uploaded,
    "file_downloaded": _file_downloaded,
    "pdf_downloaded": _file_downloaded,
    "samverkan_skipped": _samverkan_skipped,
    "reader_granted": _reader_granted,
    "reader_revoked": _reader_revoked,
    "review_reminder_sent": _review_reminder_sent,
    "review_report_attached": _review_report_attached,
    "diary_entry_published": _diary_entry_public,
    "diary_entry_hidden": _diary_entry_public,
    "case_started": _case_started,
    "task_created": _task_created,
    "task_completed": _task_completed,
    "draft_saved": _draft_saved,
    "coauthor_added": _coauthor_added,
    "proposal_written": _proposal_written,
    "samverkan_statement": _statement,
    "samverkan_meeting": _samverkan_meeting,
    "negotiation": _negotiation,
    "preparation": _preparation,
    "decision": _decision,
    "decision_registered": _decision_registered,
    "version_published": _version_published,
    "version_superseded": _version_superseded,
    "document_repealed": _document_repealed,
    "case_closed": _case_closed,
    "review_answered": _review_answered,
    "review_confirmed": _review_confirmed,
    "meeting_targeted": _meeting_targeted,
    "record_registered": _record_registered,
}


def sentence(entry: AuditEntry, case: Case) -> str:
    """One entry in words. Actions without a sentence of their own read as their label,
    followed by the details written with them (never a code)."""
    build = SENTENCES.get(entry.action)
    if build is not None:
        return build(entry, case)
    label = entry.action_label
    return f"{label}: {entry.comment}" if entry.comment else f"{label}."


def _who(entry: AuditEntry) -> str:
    if entry.actor is None:
        return _("System")
    who = entry.actor.get_full_name() or entry.actor.username
    if entry.acting_as is not None:
        who = f"{who}, {entry.acting_as}"
        if entry.as_substitute:
            who = f"{who} ({_('substitute')})"
    return who


def case_entries(case: Case) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(case=case)
        .select_related("actor", "acting_as")
        .order_by("at", "pk")
    )


def case_timeline(case: Case) -> list[TimelineRow]:
    """The case's audit entries, oldest first, each as who and a sentence."""
    return [TimelineRow(e.at, _who(e), sentence(e, case), e.action) for e in case_entries(case)]


# Stored codes a reader must never see on the timeline (tests check the page against it).
CODES = sorted(
    {
        *UnionStance.values,
        *Agreement.values,
        *NegotiationOutcome.values,
        *PreparationOutcome.values,
        *DecisionOutcome.values,
        *VersionStatus.values,
        *ReviewAnswer.values,
        *routing.STEP_TITLES,
    }
)
