"""The lifecycle as viewflow flows: a new document or version, a repeal, a review.

Nodes only route. Every write happens in ``workflows.actions`` (human steps,
called by views) or in the Function callbacks below, which call
``workflows.actions.engine`` and ``.publication``; all run inside the flow's lock and
transaction.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from .actions import engine, publication, review_steps
from .models import Case, ReviewAnswer
from .nodes import (
    End,
    Function,
    Handle,
    If,
    Join,
    MultiSplit,
    RoutedView,
    StartHandle,
    Switch,
)
from .routing import STEP_TITLES

# A real row lock on PostgreSQL (SQLite serialises writers by itself).
CASE_LOCK = lock.SelectForUpdateLock(nowait=False, attempts=1)


def _human(step: str):
    # Our own views render and complete these tasks (see workflows.views).
    return (
        RoutedView(engine.task_view_placeholder)
        .Annotation(title=STEP_TITLES[step])
        .onCreate(this.task_created)
    )


class CaseFlowCallbacks:
    """Conditions and callbacks shared by both flows."""

    def task_created(self, activation):
        engine.on_task_created(activation)

    def decided_by_body(self, activation) -> bool:
        return activation.process.decider_body_id is not None

    def preparation_pending(self, activation) -> bool:
        return engine.preparing_body_pending(activation.process)

    def sent_back_in_preparation(self, activation) -> bool:
        return engine.last_preparation_returned(activation.process)

    def is_adopted(self, activation) -> bool:
        return engine.last_decision_outcome(activation.process) == "adopted"

    def is_returned(self, activation) -> bool:
        return engine.last_decision_outcome(activation.process) == "returned"

    def close_rejected(self, activation):
        engine.close_rejected(activation.process)


def preparation_and_decision(*, redraft, after_registration) -> tuple:
    """The block both flows share, from "is a body deciding?" to registration: the
    proposal and each preparing body's handling, the decision and its three ways out.
    ``redraft`` is the flow's drafting step (where a matter sent back goes),
    ``after_registration`` what follows the registration. Fresh nodes on each call: a
    node belongs to one flow. Unpacked in the flows' bodies in this order, so the node
    names (stored in every task row) are the attribute names written there."""
    return (
        # needs_preparation
        If(this.decided_by_body).Then(this.proposal).Else(this.decision),
        # proposal
        _human("proposal").Next(this.more_preparation),
        # more_preparation
        If(this.preparation_pending).Then(this.preparation).Else(this.decision),
        # preparation
        _human("preparation").Next(this.preparation_result),
        # preparation_result
        If(this.sent_back_in_preparation).Then(redraft).Else(this.more_preparation),
        # decision
        _human("decision").Next(this.decision_result),
        # decision_result
        Switch()
        .Case(this.registration, this.is_adopted)
        .Case(redraft, this.is_returned)
        .Default(this.rejected),
        # rejected
        Function(this.close_rejected).Annotation(title=_("Rejected")).Next(this.end_rejected),
        # registration
        _human("registration").Next(after_registration),
    )


class DocumentFlow(CaseFlowCallbacks, flow.Flow):
    """Styrdokument: new document or new version

    Drafting, samverkan at the level the scope gives, preparation in the
    political bodies, decision by an allowed decider, registration, publication.
    """

    process_class = Case
    lock_impl = CASE_LOCK
    process_title = _("Governing document case")

    start = StartHandle(this.start_case).Next(this.draft)
    draft = _human("draft").Next(this.needs_samverkan)
    needs_samverkan = If(this.samverkan_required).Then(this.samverkan).Else(this.skip_samverkan)
    skip_samverkan = (
        Function(this.record_samverkan_skipped)
        .Annotation(title=_("Samverkan not required"))
        .Next(this.needs_preparation)
    )
    samverkan = MultiSplit().Next(this.union_statement, data_source=this.representatives)
    union_statement = _human("union_statement").Next(this.statements_in)
    statements_in = Join().Next(this.samverkan_meeting)
    samverkan_meeting = _human("samverkan_meeting").Next(this.negotiation_demanded)
    negotiation_demanded = If(this.mbl_demanded).Then(this.negotiation).Else(this.needs_preparation)
    negotiation = _human("negotiation").Next(this.needs_preparation)
    (
        needs_preparation,
        proposal,
        more_preparation,
        preparation,
        preparation_result,
        decision,
        decision_result,
        rejected,
        registration,
    ) = preparation_and_decision(redraft=this.draft, after_registration=this.valid_now)
    valid_now = If(this.valid_from_reached).Then(this.publish).Else(this.await_valid_from)
    await_valid_from = (
        Handle(this.on_valid_from)
        .Annotation(title=STEP_TITLES["await_valid_from"])
        .Next(this.publish)
    )
    publish = Function(this.publish_version).Annotation(title=_("Publication")).Next(this.end)
    end = End()
    end_rejected = End()

    def start_case(self, activation, **kwargs):
        return engine.init_case(activation, **kwargs)

    def samverkan_required(self, activation) -> bool:
        return activation.process.samverkan_group_id is not None

    def record_samverkan_skipped(self, activation):
        engine.record_samverkan_skipped(activation.process)

    def representatives(self, activation):
        return engine.samverkan_task_data(activation.process)

    def mbl_demanded(self, activation) -> bool:
        return engine.negotiation_demanded(activation.process)

    def valid_from_reached(self, activation) -> bool:
        return engine.valid_from_reached(activation.process)

    def on_valid_from(self, activation, **kwargs):
        engine.mark_step(activation.process, "await_valid_from")

    def publish_version(self, activation):
        publication.publish_case_version(activation.process)


class RepealFlow(CaseFlowCallbacks, flow.Flow):
    """Styrdokument: repeal

    A valid document is repealed by a decision of a body or official allowed
    to adopt it; after registration it is marked repealed and kept in the archive.
    """

    process_class = Case
    lock_impl = CASE_LOCK
    process_title = _("Repeal case")

    start = StartHandle(this.start_case).Next(this.repeal_draft)
    repeal_draft = _human("repeal_draft").Next(this.needs_preparation)
    (
        needs_preparation,
        proposal,
        more_preparation,
        preparation,
        preparation_result,
        decision,
        decision_result,
        rejected,
        registration,
    ) = preparation_and_decision(redraft=this.repeal_draft, after_registration=this.apply_repeal)
    apply_repeal = Function(this.repeal).Annotation(title=_("Marked repealed")).Next(this.end)
    end = End()
    end_rejected = End()

    def start_case(self, activation, **kwargs):
        return engine.init_case(activation, **kwargs)

    def repeal(self, activation):
        publication.apply_repeal(activation.process)


class ReviewFlow(CaseFlowCallbacks, flow.Flow):
    """Styrdokument: review (aktualitetsprövning)

    Opened by the schedule before a valid version's next review date. The owner answers:
    still current (confirmed by whoever may adopt the document, a political body at a
    meeting), needs revision or should be repealed (each starts its own case).
    """

    process_class = Case
    lock_impl = CASE_LOCK
    process_title = _("Review case")

    start = StartHandle(this.start_case).Next(this.review_answer)
    review_answer = _human("review_answer").Next(this.answered)
    answered = If(this.is_unchanged).Then(this.decision).Else(this.close_answered)
    decision = _human("decision").Next(this.confirmed)
    confirmed = If(this.is_adopted).Then(this.end).Else(this.review_answer)
    close_answered = (
        Function(this.close_with_answer)
        .Annotation(title=_("Closed: a new case follows"))
        .Next(this.end)
    )
    end = End()

    def start_case(self, activation, **kwargs):
        return review_steps.init_review_case(activation, **kwargs)

    def is_unchanged(self, activation) -> bool:
        return activation.process.review_answer == ReviewAnswer.UNCHANGED

    def close_with_answer(self, activation):
        review_steps.close_answered(activation.process)
