"""Within one service call (``org.selectors.acting_memo``) a user's positions are read
once; a change of who acts where inside the call is seen, and nothing is remembered after
the call (issue 17: ``acting_in`` read again and again outside requests)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import PositionHolding
from org.selectors import acting_as, acting_in, acting_memo
from tests.factories import (
    PositionFactory,
    PositionHoldingFactory,
    SubstitutionFactory,
    UserFactory,
)

START = datetime.date(2020, 1, 1)


def _positions(user) -> list[tuple[int, bool]]:
    return [(a.position.pk, a.as_substitute) for a in acting_in(user)]


def test_a_call_reads_a_users_positions_once(db):
    user = UserFactory()
    held = PositionHoldingFactory(user=user, start=START).position
    covered = SubstitutionFactory(user=user, start=START, end=None).position
    other = PositionFactory()
    with acting_memo():
        with CaptureQueriesContext(connection) as first:
            assert _positions(user) == [(held.pk, False), (covered.pk, True)]
        with CaptureQueriesContext(connection) as again:
            assert _positions(user) == [(held.pk, False), (covered.pk, True)]
            assert acting_as(user, held).as_substitute is False
            assert acting_as(user, covered).as_substitute is True
            assert acting_as(user, other) is None
    assert len(first) == 1  # held and substituted positions together, with their units
    assert len(again) == 0


def test_a_change_inside_the_call_is_seen(db):
    user = UserFactory()
    held = PositionHoldingFactory(user=user, start=START)
    with acting_memo():
        assert _positions(user) == [(held.position.pk, False)]
        added = PositionHoldingFactory(user=user, start=START)
        assert _positions(user) == [(held.position.pk, False), (added.position.pk, False)]
        added.delete()
        assert _positions(user) == [(held.position.pk, False)]
        substitution = SubstitutionFactory(user=user, start=START, end=None)
        assert acting_as(user, substitution.position).as_substitute is True


def test_nothing_is_remembered_after_the_call(db):
    user = UserFactory()
    held = PositionHoldingFactory(user=user, start=START)
    with acting_memo():
        assert _positions(user) == [(held.position.pk, False)]
    # A change that sends no signal, after the call: the next call reads it.
    PositionHolding.objects.filter(pk=held.pk).update(end=START)
    with acting_memo():
        assert _positions(user) == []
    assert _positions(user) == []
    assert acting_as(user, held.position) is None


def test_a_call_inside_another_shares_its_memo(db):
    user = UserFactory()
    PositionHoldingFactory(user=user, start=START)
    with acting_memo():
        acting_in(user)
        with acting_memo(), CaptureQueriesContext(connection) as inner:
            acting_in(user)
        with CaptureQueriesContext(connection) as after:
            acting_in(user)
    assert len(inner) == 0
    assert len(after) == 0
