"""Registered records: incoming and outgoing letters and opinions on a case."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from audit import recording as audit
from documents.files import EXTENSIONS

from .. import access
from ..models import Case, RecordDirection, RegisteredRecord
from ..refusals import (
    NoSuchCase,
    RecipientMissing,
    RecordDateInFuture,
    RecordDirectionMissing,
    RecordSubjectMissing,
    SenderMissing,
    refuse,
)
from .base import check_file, check_files_first


def _check_record(direction: str, record_date, counterpart: str, subject: str) -> None:
    if direction not in (RecordDirection.INCOMING, RecordDirection.OUTGOING):
        raise RecordDirectionMissing()
    if record_date is None or record_date > timezone.localdate():
        raise RecordDateInFuture()
    if not counterpart:
        raise SenderMissing() if direction == RecordDirection.INCOMING else RecipientMissing()
    if not subject:
        raise RecordSubjectMissing()


def _next_sequence(case: Case) -> int:
    last = (
        RegisteredRecord.objects.filter(case=case)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return (last or 0) + 1


def register_record(
    *,
    user,
    case_id: int,
    direction: str,
    record_date: datetime.date,
    counterpart: str,
    subject: str,
    upload=None,
) -> RegisteredRecord:
    """The registrar registers an incoming or outgoing record (a letter, an opinion) on a case."""
    counterpart, subject = (counterpart or "").strip(), (subject or "").strip()

    def may_register():
        case = Case.objects.filter(pk=case_id).first()
        return case is not None and access.can_register_records(user, case)

    check_files_first({upload: False}, may_register)  # a record's text is not kept
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("diary_entry__series")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NoSuchCase()
        permit = access.can_register_records(user, case)
        if not permit:
            raise refuse(permit)
        _check_record(direction, record_date, counterpart, subject)
        checked = check_file(upload, with_text=False) if upload is not None else None
        record = RegisteredRecord(
            case=case,
            sequence=_next_sequence(case),
            direction=direction,
            record_date=record_date,
            counterpart=counterpart[:200],
            subject=subject[:300],
            registered_by=user,
        )
        if checked is not None:
            record.original_name = upload.name[:255]
            # A random stored name with the extension of the checked content: never the
            # sender's name, never overwritten.
            record.file.save(
                f"{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}", upload, save=False
            )
        record.save()
        audit.record(
            "record_registered",
            actor=user,
            acting=permit.acting,
            target=record,
            case=case,
            to_state=direction,
            comment=f"{record.get_direction_display()}: {counterpart} – {subject}",
        )
    return record
