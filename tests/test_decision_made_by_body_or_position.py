"""A decision is made either by a political body or by an official's position, never both."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tests.factories import BodyFactory, DecisionFactory, PositionFactory


def test_a_body_decision(db):
    decision = DecisionFactory(body=BodyFactory(name="Kommunstyrelsen"), position=None)

    assert decision.decider_name == "Kommunstyrelsen"


def test_a_delegation_decision_by_a_position(db):
    decision = DecisionFactory(body=None, position=PositionFactory(title="Kommunchef"))

    assert decision.decider_name == "Kommunchef"


def test_both_a_body_and_a_position_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(body=BodyFactory(), position=PositionFactory())


def test_neither_a_body_nor_a_position_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(body=None, position=None)
