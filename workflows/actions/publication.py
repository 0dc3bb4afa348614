"""The flows' last automatic steps: publishing an adopted version, marking a repeal.
The register's side of both is ``documents.services``; telling people of them,
``notifications.announcements``."""

from __future__ import annotations

from documents import services as document_services
from notifications import announcements

from ..models import Case, CaseOutcome
from .engine import last_decision


def publish_case_version(case: Case) -> None:
    document_services.publish_version(case.version, case=case)
    announcements.version_published(case.version)  # mail now, or in the weekly digest
    case.outcome = CaseOutcome.PUBLISHED
    case.current_step = ""
    case.save(update_fields=["outcome", "current_step"])


def apply_repeal(case: Case) -> None:
    decision = last_decision(case)
    document_services.repeal_document(case.document, decision, case=case)
    announcements.document_repealed(case.document)
    case.outcome = CaseOutcome.REPEALED
    case.current_step = ""
    case.save(update_fields=["outcome", "current_step"])
