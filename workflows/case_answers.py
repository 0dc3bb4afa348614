"""The answers to documents' questions about cases (``documents.access.CaseQuestions``),
given by the rules of ``workflows.access``; registered in ``WorkflowsConfig.ready``."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from documents.models import DiaryCaseFacts, DiaryStatus, Document

from . import routing
from .access import can_start_case, can_view_case, visible_cases
from .models import Case, CaseOutcome

# Outcomes that are a decision on the matter (the public e-diarium's "decided"); the others
# close a case without one (withdrawn, a review that led to a new case).
DECIDED_OUTCOMES = (
    CaseOutcome.PUBLISHED,
    CaseOutcome.ADOPTED,
    CaseOutcome.REJECTED,
    CaseOutcome.REPEALED,
    CaseOutcome.CONFIRMED,
)
_STATUS_Q = {
    DiaryStatus.OPEN: Q(finished__isnull=True),
    DiaryStatus.DECIDED: Q(finished__isnull=False, outcome__in=DECIDED_OUTCOMES),
    DiaryStatus.CLOSED: Q(finished__isnull=False) & ~Q(outcome__in=DECIDED_OUTCOMES),
}


def _diary_status(case: Case) -> tuple[str, str]:
    if case.finished is None:
        return DiaryStatus.OPEN, _("Ongoing: %(step)s") % {
            "step": routing.step_title(case.current_step)
        }
    status = DiaryStatus.DECIDED if case.outcome in DECIDED_OUTCOMES else DiaryStatus.CLOSED
    return status, str(case.get_outcome_display())


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

    def diary_facts(self, entry_ids: list[int]) -> dict[int, DiaryCaseFacts]:
        cases = Case.objects.filter(diary_entry_id__in=entry_ids).select_related(
            "decider_body", "decider_position__unit", "version"
        )
        facts = {}
        for case in cases:
            status, text = _diary_status(case)
            facts[case.diary_entry_id] = DiaryCaseFacts(
                status=status,
                status_text=text,
                decider_body=case.decider_body,
                decider_position=case.decider_position,
                version=case.version,
            )
        return facts

    def diary_entry_ids(self, status: str) -> QuerySet:
        return Case.objects.filter(_STATUS_Q[DiaryStatus(status)]).values("diary_entry_id")
