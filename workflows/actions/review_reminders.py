"""Escalation of overdue reviews: a reminder to the owner, then to the owner's chief.

Intervals are settings (``STYRDOK_REVIEW_REMINDER_DAYS``, ``STYRDOK_REVIEW_CHIEF_AFTER_DAYS``),
the same for every document type. A review is overdue from the day after its version's
next review date. The owner is reminded on the first overdue day and once per interval
after; the chief of the owner position's unit (of the unit above, when the owner is that
chief) from ``CHIEF_AFTER`` days overdue, once per interval. How many reminders each has
had is counted on the case, under its row lock, so a second run (or one on another
server) sends nothing twice. Mails go out after the transaction commits."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import recording as audit
from documents.due import due_on, due_on_of
from documents.models import MandatePeriod
from notifications import links
from org.models import Position, PositionKind
from org.selectors import acting_users

from ..models import Case, CaseKind

OWNER, CHIEF = "owner", "chief"


@dataclass(frozen=True)
class Reminder:
    case: Case
    to: str  # OWNER or CHIEF
    recipients: tuple[str, ...]


def rounds_due(days_overdue: int, start: int, interval: int) -> int:
    """How many reminders are due ``days_overdue`` days after the review date, the first
    on day ``start`` and one more every ``interval`` days."""
    if days_overdue < start:
        return 0
    return 1 + (days_overdue - start) // max(interval, 1)


def chief_of(owner: Position) -> Position | None:
    """The chief of the owner position's unit; of the nearest unit above when the owner is
    that chief (one query for the whole line of units)."""
    line = list(reversed(owner.unit.ancestor_ids))  # the owner's unit first, then upwards
    chiefs: dict[int, Position] = {}
    for chief in Position.objects.filter(unit_id__in=line, kind=PositionKind.CHIEF, is_active=True):
        chiefs.setdefault(chief.unit_id, chief)  # a unit's chief, as Unit.chief_position
    return next(
        (chiefs[u] for u in line if u in chiefs and chiefs[u].pk != owner.pk),
        None,
    )


def overdue_review_ids(day: datetime.date) -> list[int]:
    """Open reviews whose document's review was due (``documents.due``) before ``day``."""
    return list(
        Case.objects.filter(kind=CaseKind.REVIEW, finished__isnull=True)
        .annotate(due_on=due_on_of("document", MandatePeriod.current(day)))
        .filter(due_on__lt=day)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send(reminder: Reminder, days_overdue: int) -> None:
    case = reminder.case
    task_link = links.absolute_url(reverse("workflows:case", args=[case.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "title": case.document.title,
            "dnr": case.diarienummer,
            "days": days_overdue,
            "owner": case.document.owner_position,
            "link": task_link,
        }
        if reminder.to == OWNER:
            subject = _("Reminder: the review of %(title)s is overdue") % params
            text = _(
                "The review (aktualitetsprövning) of %(title)s, case %(dnr)s, is %(days)s day(s) "
                "overdue. Answer it in Styrdok under My tasks.\n\nThe case: %(link)s\n"
            )
        else:
            subject = _("Overdue review in your unit: %(title)s") % params
            text = _(
                "The review (aktualitetsprövning) of %(title)s, case %(dnr)s, is %(days)s day(s) "
                "overdue. The document's owner is %(owner)s. You are told as their chief.\n\n"
                "The case: %(link)s\n"
            )
        for address in reminder.recipients:  # one mail each: nobody sees the others' address
            send_mail(
                subject=subject,
                message=text % params,
                from_email=None,
                recipient_list=[address],
                fail_silently=True,
            )


def _emails(position: Position | None, day: datetime.date) -> tuple[str, ...]:
    if position is None:
        return ()
    return tuple(sorted({u.email for u in acting_users(position, day) if u.email}))


def _remind(case: Case, to: str, position: Position | None, count: int, day, days_overdue):
    reminder = Reminder(case, to, _emails(position, day))
    audit.record(
        "review_reminder_sent",
        target=case,
        case=case,
        to_state=to,
        comment=f"{position or '–'}: {count} ({days_overdue} d)",
    )
    if reminder.recipients:
        # Queued in the database (the mail queue) with the reminder's count: never lost
        # between the commit and the sending, never sent for a reminder rolled back.
        _send(reminder, days_overdue)
    return reminder


def remind_case(case_id: int, day: datetime.date, period: MandatePeriod | None) -> list[Reminder]:
    """Send the reminders due for one overdue review, under its row lock."""
    interval = settings.STYRDOK_REVIEW_REMINDER_DAYS
    chief_after = settings.STYRDOK_REVIEW_CHIEF_AFTER_DAYS
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("version", "document__owner_position__unit", "diary_entry__series")
            .filter(pk=case_id, finished__isnull=True)
            .first()
        )
        due = due_on(case.document, day, period) if case is not None else None
        if due is None:
            return []
        days_overdue = (day - due).days
        sent = []
        owner_due = rounds_due(days_overdue, 1, interval)
        if owner_due > case.reminders_to_owner:
            case.reminders_to_owner = owner_due
            owner = case.document.owner_position
            sent.append(_remind(case, OWNER, owner, owner_due, day, days_overdue))
        chief_due = rounds_due(days_overdue, chief_after, interval)
        if chief_due > case.reminders_to_chief:
            case.reminders_to_chief = chief_due
            chief = chief_of(case.document.owner_position)
            sent.append(_remind(case, CHIEF, chief, chief_due, day, days_overdue))
        if sent:
            case.save(update_fields=["reminders_to_owner", "reminders_to_chief"])
    return sent


def remind_overdue_reviews(*, on: datetime.date | None = None) -> list[Reminder]:
    """Every reminder due today for every open, overdue review. Idempotent."""
    day = min(on or timezone.localdate(), timezone.localdate())
    sent: list[Reminder] = []
    period = MandatePeriod.current(day)  # once for the run, not once per case
    for case_id in overdue_review_ids(day):
        sent.extend(remind_case(case_id, day, period))
    return sent
