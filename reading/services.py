"""Read acknowledgement, write side: a person confirms reading, a chief sends a reminder.

Each is one action: lock, check (``documents.access``, refusals from
``workflows.refusals``), apply, write the audit entry in the same transaction; mail is queued in that transaction
(the database mail queue) and sent by its job.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from audit import recording as audit
from documents import access
from documents.models import DocumentVersion, VersionStatus
from notifications import services as notices
from org.models import Unit
from workflows.refusals import (
    NoOneToRemind,
    NoSuchVersion,
    NotChiefOfUnit,
    NotInReadingAudience,
    ReadingAlreadyConfirmed,
    ReadingNotRequired,
    ReadingVersionNotValid,
)

from . import selectors
from .models import ReadConfirmation

User = get_user_model()


def _check_confirmable(user, version: DocumentVersion) -> None:
    if version.status != VersionStatus.VALID:
        raise ReadingVersionNotValid()
    baseline = selectors.baseline_of(version)  # None: the version asks no reading
    if baseline is None:
        raise ReadingNotRequired()
    kinds = version.document.document_type.reading_kinds
    if not access.reading_applies(access.reading_holdings(user), version.scope_unit.path, kinds):
        raise NotInReadingAudience()
    confirmed = selectors.latest_confirmed(user, version.document_id)
    if confirmed is not None and confirmed >= baseline:
        raise ReadingAlreadyConfirmed()


def confirm_reading(*, user, version_id: int) -> ReadConfirmation:
    """``user`` confirms having read and understood the version ("Jag har läst och
    förstått"). The person's row is locked, so a double click confirms once."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        version = (
            DocumentVersion.objects.select_related("document__document_type", "scope_unit")
            .filter(pk=version_id)
            .first()
        )
        # A version the person may not see (a draft) answers as one that does not exist.
        if version is None or not access.can_view_version(user, version):
            raise NoSuchVersion()
        _check_confirmable(user, version)
        confirmation = ReadConfirmation.objects.create(
            user=user,
            version=version,
            document_id=version.document_id,
            version_number=version.number,
        )
        audit.record(
            "reading_confirmed",
            actor=user,
            target=version,
            to_state=str(version.number),
            comment=version.title,
        )
    return confirmation


def send_reminder(*, user, unit_id: int, version_id: int) -> int:
    """A chief reminds everyone in their unit (and below) who has not confirmed reading
    the version; returns how many were reminded. The mails are queued in the same
    transaction and sent by the mail queue's job."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None or not access.can_see_acknowledgements(user, unit):
            raise NotChiefOfUnit()
        version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
        if version is None or not access.can_view_version(user, version):
            raise NoSuchVersion()
        if version.status != VersionStatus.VALID:
            raise ReadingVersionNotValid()
        row = selectors.overview_row(unit, version.pk)
        if row is None:
            raise ReadingNotRequired()
        pending = list(selectors.pending_people(row).values_list("email", flat=True))
        if not pending:
            raise NoOneToRemind()
        audit.record(
            "reading_reminder_sent",
            actor=user,
            target=version,
            to_state=unit.name,
            comment=_("%(n)s reminded") % {"n": len(pending)},
        )
        recipients = sorted({e for e in pending if e})
        sender = user.get_full_name() or user.get_username()
        # Queued in the database (the mail queue) with the reminder's audit entry: sent by the
        # queue's job, never lost between the commit and the sending.
        notices.reading_reminder(
            recipients,
            sender=sender,
            title=row.title,
            number=row.number,
            to_read_path=reverse("reading:to_read"),
        )
    return len(pending)
