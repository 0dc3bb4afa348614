"""The answers to documents' questions about cases (``documents.access.CaseQuestions``),
given by the rules of ``workflows.access``; registered in ``WorkflowsConfig.ready``."""

from __future__ import annotations

from django.db.models import QuerySet

from documents.models import Document

from .access import can_start_case, can_view_case, visible_cases
from .models import Case


class CaseAnswers:
    """``documents.access.CaseQuestions`` answered by ``workflows.access``."""

    def visible_case_ids(self, user) -> QuerySet:
        return visible_cases(user).values("pk")

    def can_view_case(self, user, case: Case) -> bool:
        return can_view_case(user, case)

    def document_ids(self, case_ids: QuerySet) -> QuerySet:
        return Case.objects.filter(pk__in=case_ids).values("document_id")

    def version_ids(self, case_ids: QuerySet) -> QuerySet:
        return Case.objects.filter(pk__in=case_ids).values("version_id")

    def open_case(self, document: Document) -> Case | None:
        return (
            Case.objects.filter(document=document, finished__isnull=True)
            .select_related("diary_entry__series", "document__owner_position__unit")
            .first()
        )

    def can_start_case(self, user) -> bool:
        return can_start_case(user).allowed
