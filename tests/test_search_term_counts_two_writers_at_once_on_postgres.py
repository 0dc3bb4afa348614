"""Two transactions writing the terms' kept counts (``SearchTermCount``) at once, each
touching the other's terms in the opposite order (as two publications of documents that
share words may): they queue on the counts' first row and both finish, where locking the
terms' rows in each statement's order alone deadlocked (PostgreSQL aborted one)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from documents.models import SearchRank, SearchTermCount, count_ranks
from tests.factories import PublishedVersionFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_writers_in_opposite_orders_both_finish():
    first = PublishedVersionFactory(title="Alfa zulu", document__title="Alfa zulu", body="")
    second = PublishedVersionFactory(title="Bravo", document__title="Bravo", body="")
    before = dict(SearchTermCount.objects.values_list("term", "versions"))
    results: list[object] = []

    def write(start: float, ids: list[list[int]]) -> None:
        try:
            time.sleep(start)
            with transaction.atomic():
                count_ranks(ids[0])
                time.sleep(0.6)
                count_ranks(ids[1])
            results.append("done")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(0.0, [[first.pk], [second.pk]])),
        threading.Thread(target=write, args=(0.2, [[second.pk], [first.pk]])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results == ["done", "done"]
    after = dict(SearchTermCount.objects.values_list("term", "versions"))
    terms = set(
        SearchRank.objects.filter(version__in=[first, second]).values_list("term", flat=True)
    )
    assert len(terms) >= 3
    assert {term: after[term] - before[term] for term in terms} == dict.fromkeys(terms, 2)
