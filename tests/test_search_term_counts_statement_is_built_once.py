"""Every publication adds its version's rank rows to the terms' kept counts
(``documents.models.count_ranks``). For a list of distinct version ids the statement is
built by the ORM once per database, number of ids and sign, then run with the ids put in
its parameters: the same SQL and parameters as the ORM builds each time, and the same
counts as a rebuild."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from documents.models import ranking
from documents.models.ranking import _count_sql, _count_statement, count_ranks
from documents.services import publish_version
from tests.factories import PublishedVersionFactory
from tests.search_ranks import rebuilt_state, state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ids", [[7], [12, 5], [3, 99, 41]])
@pytest.mark.parametrize("adds", [True, False])
def test_the_kept_statement_is_the_orms_for_the_same_ids(ids, adds):
    ranking._COUNT_STATEMENTS.clear()
    _count_statement(connection.alias, [100 + pk for pk in ids], adds)  # kept

    assert _count_statement(connection.alias, ids, adds) == _count_sql(connection.alias, ids, adds)


def test_repeated_or_unusual_ids_are_left_to_the_orm():
    with mock.patch.object(ranking, "_count_sql", wraps=_count_sql) as built:
        _count_statement(connection.alias, [4, 4], True)
        _count_statement(connection.alias, [True], True)
        _count_statement(connection.alias, [2**40], True)

    assert built.call_count == 3


def test_publications_build_the_counting_statement_once_and_count_as_a_rebuild():
    ranking._COUNT_STATEMENTS.clear()
    with mock.patch.object(ranking, "_count_sql", wraps=_count_sql) as built:
        for title in ("Brandskydd i skolan", "Brandskydd i förskolan"):
            version = PublishedVersionFactory(
                document__title=title,
                title=title,
                body="<p>Brandskydd och rutin.</p>",
                valid_from=timezone.localdate(),
                publish=False,
            )
            publish_version(version, on=version.valid_from)
        count_ranks([version.pk], -1)
        count_ranks([version.pk], 1)

    # One statement that adds for one id, one that takes away: each built once.
    assert built.call_count == 2
    assert state() == rebuilt_state()
