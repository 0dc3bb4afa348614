"""Who hears of a decision in a case: the facts for ``notifications.services``, called by
the decision step inside its transaction (the mail is queued with the decision)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from config.compiled_query import CompiledQuery
from documents.models import Decision, DecisionOutcome
from notifications import services as notices

from ..models import Case, CaseKind, SamverkanStatement
from .engine import object_path

User = get_user_model()


def _facts(case: Case, decision: Decision) -> dict:
    return {
        "diarienummer": case.diarienummer,
        "title": case.document.title,
        "decider": decision.decider_name,
        "case_path": object_path("workflows:case", case.pk),
    }


def _decided_people(case_id: int):
    # One id list (a UNION) read through the users' key: an OR of the two conditions over
    # a join of the authors' table read every author of every case (6 ms on the generated
    # municipality, growing with the register).
    stated = (
        SamverkanStatement.objects.filter(case_id=case_id).values("representative__user").order_by()
    )
    authors = Case.authors.through.objects.filter(case_id=case_id).values("user")
    return User.objects.filter(pk__in=stated.union(authors))


# Who hears of a decision: the authors and the representatives who stated a position;
# compiled once per process (config/compiled_query.py).
_DECIDED_PEOPLE = CompiledQuery(_decided_people, ids=("case_id",))


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
    notices.case_decided(
        _DECIDED_PEOPLE.run(case_id=case.pk),
        outcome=outcome,
        decision_date=decision.decision_date,
        paragraph=decision.paragraph,
        motivation=decision.motivation,
        **_facts(case, decision),
    )
