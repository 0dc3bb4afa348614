"""Paged through, the register lists every match exactly once and in order, whatever the
page size: a page is fetched either by an index walk that stops after it or, when it
reaches far into few matches, from all the matching ids (documents.selectors.RankedRows);
both must give the same rows as the plain ordered list, sorted or searched."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from documents import selectors
from documents.filters import RegisterFilter
from documents.selectors import RankedPaginator, RankedRows, register_rows
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(django_user_model):
    for n in range(37):
        title = f"Rutin {(n * 7) % 37:02} för {'brandskydd' if n % 3 else 'städning'}"
        PublishedVersionFactory(title=title)
    return django_user_model.objects.create_user("läsare", password="x" * 16)


def every_page(user, query: str, per_page: int) -> tuple[list[int], list[int]]:
    filterset = RegisterFilter(
        QueryDict(query), queryset=selectors.register_versions(user), request=None
    )
    assert filterset.is_valid()
    rows = RankedRows.of(filterset, register_rows(user))
    paginator = RankedPaginator(rows, per_page)
    listed = []
    for number in paginator.page_range:
        listed += [version.pk for version in paginator.page(number).object_list]
    return listed, list(filterset.qs.values_list("pk", flat=True))


@pytest.mark.parametrize("per_page", [1, 3, 10, 25, 100])
@pytest.mark.parametrize("query", ["", "sort=-title", "q=brandskydd", "q=rutin&sort=title"])
def test_every_match_once_in_order(register, query, per_page):
    listed, expected = every_page(register, query, per_page)
    assert len(expected) in (37, 24)  # all, or those about brandskydd
    assert listed == expected


def test_both_ways_of_fetching_a_page_are_used(register):
    """37 matches, 5 per page: the first page walks (LIMIT), the last fetches every id."""

    def id_queries(number: int) -> list[str]:
        filterset = RegisterFilter(
            QueryDict(""), queryset=selectors.register_versions(register), request=None
        )
        paginator = RankedPaginator(RankedRows.of(filterset, register_rows(register)), 5)
        with CaptureQueriesContext(connection) as captured:
            paginator.page(number)
        only_ids = 'SELECT "documents_documentversion"."id" AS "pk" FROM '
        return [q["sql"] for q in captured.captured_queries if q["sql"].startswith(only_ids)]

    first, last = id_queries(1), id_queries(8)
    assert len(first) == len(last) == 1
    assert "LIMIT" in first[0]
    assert "LIMIT" not in last[0]
