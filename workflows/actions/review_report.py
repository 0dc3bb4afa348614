"""Attaching the yearly review report to a body's matter: the PDF saved as a registered
record (drawn up, upprättad) of a chosen open case."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from audit import recording as audit
from documents import access as document_access
from org.models import Body

from ..models import Case, RecordDirection, RegisteredRecord
from ..refusals import (
    CaseClosed,
    NoSuchCase,
    ReviewReportCaseNotAllowed,
    ReviewReportNotAllowed,
    ReviewReportYearInvalid,
)
from ..review_report import FIRST_YEAR, LAST_YEAR, review_report
from ..review_report_pdf import report_pdf
from .records import _next_sequence


def attach_review_report(*, user, case_id: int, body: Body | None, year: int) -> RegisteredRecord:
    """Save the report of ``year`` for ``body`` (None: the whole municipality) as a PDF
    record drawn up on the open case ``case_id``; audited in the same transaction."""
    if not document_access.can_see_review_report(user, body):
        raise ReviewReportNotAllowed()
    if not (FIRST_YEAR <= year <= LAST_YEAR):
        raise ReviewReportYearInvalid()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("diary_entry__series")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NoSuchCase()
        if case.finished is not None:
            raise CaseClosed()
        if not document_access.can_attach_review_report(user, body, case):
            raise ReviewReportCaseNotAllowed()
        report = review_report(year, body)
        record = RegisteredRecord(
            case=case,
            sequence=_next_sequence(case),
            direction=RecordDirection.DRAWN_UP,
            record_date=timezone.localdate(),
            counterpart=(body.name if body else "")[:200],
            subject=report.title[:300],
            registered_by=user,
        )
        stem = slugify(f"aktualitetsprovning-{year}-{body.short_name if body else 'kommunen'}")
        record.original_name = f"{stem}.pdf"
        record.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(report_pdf(report)), save=False)
        record.save()
        audit.record(
            "review_report_attached",
            actor=user,
            acting=document_access.review_report_acting(user, body),
            target=record,
            case=case,
            to_state=str(year),
            comment=f"{case.diarienummer}: {report.title}",
        )
    return record
