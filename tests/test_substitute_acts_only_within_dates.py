"""People act in a position while they hold it, or while they substitute in it.

Date ranges are inclusive: ``start`` and ``end`` are the first and last day that count;
an empty ``end`` means until further notice.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from org.models import PositionHolding, Substitution
from org.selectors import Acting, acting_as, acting_in, acting_users, holders, units_of_user
from tests.factories import (
    BodyMembershipFactory,
    PositionFactory,
    PositionHoldingFactory,
    SubstitutionFactory,
    UnionRepresentativeFactory,
    UserFactory,
)

D = datetime.date
JULY_1, JULY_31 = D(2026, 7, 1), D(2026, 7, 31)


@pytest.fixture
def vacation(org_tree):
    """The unit chief is on leave in July 2026; a substitute acts in the position."""
    return SubstitutionFactory(
        position=org_tree.positions["enhetschef"],
        user=UserFactory(username="ersattare"),
        start=JULY_1,
        end=JULY_31,
    )


VACATION_DAYS = [
    pytest.param(D(2026, 6, 30), False, id="day-before"),
    pytest.param(JULY_1, True, id="first-day"),
    pytest.param(D(2026, 7, 15), True, id="middle"),
    pytest.param(JULY_31, True, id="last-day"),
    pytest.param(D(2026, 8, 1), False, id="day-after"),
]


@pytest.mark.parametrize(("day", "acts"), VACATION_DAYS)
def test_a_substitute_acts_only_inside_the_date_range(org_tree, vacation, day, acts):
    position = vacation.position

    if acts:
        assert acting_as(vacation.user, position, on=day) == Acting(position, True)
        assert acting_in(vacation.user, on=day) == [Acting(position, True)]
        assert units_of_user(vacation.user, on=day) == [org_tree.units["unit"]]
    else:
        assert acting_as(vacation.user, position, on=day) is None
        assert acting_in(vacation.user, on=day) == []
        assert units_of_user(vacation.user, on=day) == []
    # The holder keeps acting throughout: a substitute adds, never replaces.
    chief = org_tree.holders["enhetschef"]
    assert acting_as(chief, position, on=day) == Acting(position, False)


@pytest.mark.parametrize(("day", "acts"), VACATION_DAYS)
def test_acting_users_include_a_substitute_only_inside_the_date_range(
    org_tree, vacation, day, acts
):
    users = set(acting_users(vacation.position, on=day))

    chief = org_tree.holders["enhetschef"]
    assert users == ({chief, vacation.user} if acts else {chief})


def test_a_substitute_is_not_a_holder(org_tree, vacation):
    assert list(holders(vacation.position, on=D(2026, 7, 15))) == [org_tree.holders["enhetschef"]]


def test_a_substitute_acts_only_in_their_position(org_tree, vacation):
    assert acting_as(vacation.user, org_tree.positions["omradeschef"], on=D(2026, 7, 15)) is None


def test_the_holder_acts_as_holder_not_as_substitute(org_tree):
    chief, position = org_tree.holders["enhetschef"], org_tree.positions["enhetschef"]

    assert acting_as(chief, position, on=D(2026, 3, 2)) == Acting(position, False)
    assert acting_in(chief, on=D(2026, 3, 2)) == [Acting(position, False)]


ENDED_HOLDING_DAYS = [
    pytest.param(D(2019, 12, 31), False, id="before"),
    pytest.param(D(2020, 1, 1), True, id="first-day"),
    pytest.param(D(2025, 12, 31), True, id="last-day"),
    pytest.param(D(2026, 1, 1), False, id="after"),
]


@pytest.mark.parametrize(("day", "acts"), ENDED_HOLDING_DAYS)
def test_a_holding_that_ended_stops_acting(db, day, acts):
    holding = PositionHoldingFactory(start=D(2020, 1, 1), end=D(2025, 12, 31))

    assert (holding.user in holders(holding.position, on=day)) is acts
    assert (acting_as(holding.user, holding.position, on=day) is not None) is acts
    assert bool(acting_in(holding.user, on=day)) is acts


@pytest.mark.parametrize(("day", "acts"), ENDED_HOLDING_DAYS)
def test_acting_users_drop_a_holding_that_ended(db, day, acts):
    holding = PositionHoldingFactory(start=D(2020, 1, 1), end=D(2025, 12, 31))

    assert (holding.user in acting_users(holding.position, on=day)) is acts


def test_a_future_holding_does_not_act_yet(db):
    holding = PositionHoldingFactory(start=D(2027, 1, 1), end=None)
    user, position = holding.user, holding.position

    assert acting_as(user, position, on=D(2026, 12, 31)) is None
    assert acting_in(user, on=D(2026, 12, 31)) == []
    assert user not in holders(position, on=D(2026, 12, 31))
    assert acting_as(user, position, on=D(2027, 1, 1)) == Acting(position, False)
    assert acting_as(user, position, on=D(2040, 1, 1)) == Acting(position, False)


def test_acting_users_skip_a_future_holding(db):
    holding = PositionHoldingFactory(start=D(2027, 1, 1), end=None)

    assert holding.user not in acting_users(holding.position, on=D(2026, 12, 31))
    assert holding.user in acting_users(holding.position, on=D(2027, 1, 1))


def test_a_successor_takes_over_on_the_day_after(db):
    position = PositionFactory()
    old = PositionHoldingFactory(position=position, start=D(2020, 1, 1), end=D(2026, 5, 31))
    new = PositionHoldingFactory(position=position, start=D(2026, 6, 1))

    assert set(holders(position, on=D(2026, 5, 31))) == {old.user}
    assert set(holders(position, on=D(2026, 6, 1))) == {new.user}


def test_held_positions_come_first_and_a_held_position_is_not_listed_as_substitution(org_tree):
    user = org_tree.holders["omradeschef"]
    day = D(2026, 7, 15)
    SubstitutionFactory(
        position=org_tree.positions["enhetschef"], user=user, start=JULY_1, end=JULY_31
    )
    SubstitutionFactory(
        position=org_tree.positions["omradeschef"], user=user, start=JULY_1, end=JULY_31
    )

    assert acting_in(user, on=day) == [
        Acting(org_tree.positions["omradeschef"], False),
        Acting(org_tree.positions["enhetschef"], True),
    ]


def test_an_inactive_person_does_not_act(org_tree, vacation):
    vacation.user.is_active = False
    vacation.user.save()

    assert set(acting_users(vacation.position, on=D(2026, 7, 15))) == {
        org_tree.holders["enhetschef"]
    }


def test_acting_users_list_each_person_once(org_tree):
    chief, position = org_tree.holders["enhetschef"], org_tree.positions["enhetschef"]
    SubstitutionFactory(position=position, user=chief, start=JULY_1, end=JULY_31)

    assert list(acting_users(position, on=D(2026, 7, 15))) == [chief]


def test_an_anonymous_user_acts_nowhere(db):
    from django.contrib.auth.models import AnonymousUser

    assert acting_in(AnonymousUser(), on=D(2026, 7, 15)) == []


def test_memberships_and_representatives_follow_their_dates(db):
    from org.selectors import body_members, group_representatives

    member = BodyMembershipFactory(start=D(2023, 1, 1), end=D(2026, 12, 31))
    rep = UnionRepresentativeFactory(start=D(2026, 1, 1), end=None)

    assert member.user in body_members(member.body, on=D(2026, 12, 31))
    assert member.user not in body_members(member.body, on=D(2027, 1, 1))
    assert list(group_representatives(rep.group, on=D(2025, 12, 31))) == []
    assert list(group_representatives(rep.group, on=D(2026, 1, 1))) == [rep]


# --- Validation of date ranges --------------------------------------------------


@pytest.mark.parametrize("model", [PositionHolding, Substitution])
def test_an_end_before_the_start_is_refused(db, model):
    row = model(
        position=PositionFactory(), user=UserFactory(), start=D(2026, 7, 31), end=D(2026, 7, 1)
    )

    with pytest.raises(ValidationError) as error:
        row.full_clean()

    assert "end" in error.value.message_dict


def test_an_end_on_the_start_day_is_a_one_day_range(db):
    row = Substitution(
        position=PositionFactory(), user=UserFactory(), start=JULY_1, end=JULY_1, reason="Kurs"
    )

    row.full_clean()
    row.save()
    assert acting_as(row.user, row.position, on=JULY_1) == Acting(row.position, True)
    assert acting_as(row.user, row.position, on=D(2026, 7, 2)) is None


def test_a_substitution_needs_an_end(db):
    row = Substitution(position=PositionFactory(), user=UserFactory(), start=JULY_1, end=None)

    with pytest.raises(ValidationError) as error:
        row.full_clean()

    assert "end" in error.value.message_dict


def test_a_holding_may_be_open_ended(db):
    PositionHolding(position=PositionFactory(), user=UserFactory(), start=JULY_1).full_clean()
