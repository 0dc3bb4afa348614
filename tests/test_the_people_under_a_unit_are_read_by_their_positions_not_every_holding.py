"""The people a publication tells for its scope unit (``notifications.selectors``) are read
through the subtree's units and their positions, not by walking every holding of the
municipality: on SQLite, whose LIKE cannot use the path's index, a join on the unit's path
scanned all holdings (1.7 ms of every publication in the generated municipality)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from notifications import selectors
from org.models import PositionHolding
from tests.factories import build_municipality

pytestmark = pytest.mark.django_db


def _people_under(path: str) -> tuple[set[int], str, list]:
    """The user ids the publication's query finds under ``path``, its SQL and parameters."""
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = selectors._UNIT_PEOPLE.run(day=timezone.localdate(), path=path)
    [(sql, params)] = sent
    return {user_id for user_id, _choice in found}, sql, params


def test_the_holders_in_a_units_subtree_are_found_and_no_others():
    town = build_municipality()
    area = town.units["area"]
    found, _sql, _params = _people_under(area.path)
    below = set(
        PositionHolding.objects.active_on(timezone.localdate())
        .filter(position__unit__in=[area, town.units["unit"]])
        .values_list("user_id", flat=True)
    )
    assert below and found == below
    assert town.holders["kommunchef"].pk not in found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_on_sqlite_the_holdings_are_searched_by_position_not_scanned():
    town = build_municipality()
    _found, sql, params = _people_under(town.units["area"].path)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "SCAN org_positionholding" not in plan, plan
    assert "SEARCH org_positionholding USING INDEX" in plan, plan
