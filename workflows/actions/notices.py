"""Who hears of a decision in a case: the facts for ``notifications.services``, called by
the decision step inside its transaction (the mail is queued with the decision)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from documents.models import Decision, DecisionOutcome
from notifications import services as notices

from ..models import Case, CaseKind, SamverkanStatement

User = get_user_model()


def _facts(case: Case, decision: Decision) -> dict:
    return {
        "diarienummer": case.diarienummer,
        "title": case.document.title,
        "decider": decision.decider_name,
        "case_path": reverse("workflows:case", args=[case.pk]),
    }


def tell_decision(case: Case, decision: Decision) -> None:
    """Återremiss to the authors, with the motivation; an adoption, rejection or repeal to
    the authors and to the union representatives who stated a position on the case."""
    if decision.outcome == DecisionOutcome.RETURNED:
        notices.case_returned(
            case.authors.all(), motivation=decision.motivation, **_facts(case, decision)
        )
        return
    if decision.outcome == DecisionOutcome.ADOPTED:
        outcome = "repealed" if case.kind == CaseKind.REPEAL else "adopted"
    else:
        outcome = "rejected"
    stated = SamverkanStatement.objects.filter(case=case).values("representative__user")
    people = User.objects.filter(pk__in=stated) | case.authors.all()
    notices.case_decided(
        people.distinct(),
        outcome=outcome,
        decision_date=decision.decision_date,
        paragraph=decision.paragraph,
        motivation=decision.motivation,
        **_facts(case, decision),
    )
