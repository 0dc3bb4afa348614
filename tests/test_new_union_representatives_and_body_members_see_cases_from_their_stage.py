"""A union representative of the consulting samverkan group sees a case once it has reached
samverkan, and a member of the deciding body once it has reached the political stage,
even with no task of their own in it (rules 4 and 5 of ``workflows.access``): someone who
joined after the statements or the proposal went out. Never before that stage. The case's
page check (``can_view_case``) and the lists (``visible_cases``, the inbox's and the case
list's source) agree."""

from __future__ import annotations

from viewflow.workflow.models import Task

from tests.factories import BodyMembershipFactory, UnionRepresentativeFactory, UserFactory
from tests.lifecycle import advance, open_tasks, refresh, run_until, start_unit_handlingsplan
from workflows import access
from workflows.actions.start import start_new_document
from workflows.models import Case


def _sees(user, case: Case) -> tuple[bool, bool]:
    case = refresh(case)
    return (
        access.can_view_case(user, case),
        access.visible_cases(user).filter(pk=case.pk).exists(),
    )


def _policy(town) -> Case:
    return start_new_document(
        user=town.users["hrstrateg"],
        document_type=town.types["policy"],
        title="Policy för arbetsmiljö",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )


def test_a_representative_who_joined_the_group_sees_a_case_that_reached_samverkan(town):
    case = start_unit_handlingsplan(town, "Handlingsplan i samverkan")
    advance(town, case)  # the draft goes out to the unit's samverkan group
    case = refresh(case)
    assert case.samverkan_group_id is not None and open_tasks(case, "union_statement")
    newcomer = UnionRepresentativeFactory(group=case.samverkan_group, user=UserFactory()).user
    assert not Task.objects.filter(process=case, owner=newcomer).exists()

    assert _sees(newcomer, case) == (True, True)


def test_a_representative_does_not_see_a_case_of_their_group_before_samverkan(town):
    reached = start_unit_handlingsplan(town, "Handlingsplan i samverkan")
    advance(town, reached)
    group = refresh(reached).samverkan_group
    newcomer = UnionRepresentativeFactory(group=group, user=UserFactory()).user
    # A second case of the same group still in drafting: its group set, no statement yet.
    drafting = start_unit_handlingsplan(town, "Handlingsplan under arbete")
    Case.objects.filter(pk=drafting.pk).update(samverkan_group=group)

    assert _sees(newcomer, drafting) == (False, False)
    assert _sees(newcomer, reached) == (True, True)


def test_a_member_who_joined_the_deciding_body_sees_a_case_from_its_proposal(town):
    case = _policy(town)
    body = refresh(case).decider_body
    assert body is not None
    member = BodyMembershipFactory(body=body, user=UserFactory()).user

    run_until(town, case, "union_statement")
    assert _sees(member, case) == (False, False)  # samverkan: not yet the body's

    run_until(town, case, "proposal")
    assert _sees(member, case) == (True, True)
