"""The pages people use every day cost at most 10 SQL queries, and the same number whether
they show a few rows or a full page: the register for a manager's unit (listed and searched),
the API at any page size, and the inbox. (The document page and the diff: see
test_document_page_shows_valid_version.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DocumentFactory, PositionHoldingFactory, PublishedVersionFactory
from tests.lifecycle import run_until

LONG_AGO = datetime.date(2020, 1, 1)


def queries(client, url: str, params: dict | None = None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response


def publish_rutiner(org_tree, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        document = DocumentFactory(
            title=f"Rutin {n:02} för brandskydd",
            scope_unit=org_tree.units["unit"],
            document_type=org_tree.types["rutin"],
        )
        PublishedVersionFactory(
            document=document,
            title=document.title,
            body=f"<p>Rutinerna för brandskydd på enhet {n}.</p>",
            valid_from=LONG_AGO,
        )


@pytest.fixture
def manager(client, org_tree):
    holding = PositionHoldingFactory(position=org_tree.positions["enhetschef"])
    client.force_login(holding.user)
    return holding.user


@pytest.mark.parametrize("params", [{}, {"q": "rutiner brandsk"}], ids=["listed", "searched"])
def test_the_unit_page_costs_the_same_queries_for_3_rows_and_a_full_page(
    client, org_tree, manager, params
):
    unit = {"unit": org_tree.units["unit"].pk, **params}
    publish_rutiner(org_tree, 3)
    client.get(reverse("register"), unit)  # session, content types
    few, response = queries(client, reverse("register"), unit)
    assert len(response.context["page"].object_list) == 3

    publish_rutiner(org_tree, 30, start=3)
    # Warmed like the first: what a change makes the next request read again once (the
    # filter lists and names, per generation) is the test below's; this one is per row.
    client.get(reverse("register"), unit)
    many, response = queries(client, reverse("register"), unit)
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 33

    assert few == many <= 10


def test_a_managers_default_register_is_their_unit_at_the_same_cost(client, org_tree, manager):
    publish_rutiner(org_tree, 30)
    landing = client.get(reverse("register"))
    assert landing.status_code == 302
    assert f"unit={org_tree.units['unit'].pk}" in landing["Location"]
    count, response = queries(client, landing["Location"])
    assert response.context["page"].paginator.count == 30
    assert count <= 10


def test_the_api_costs_the_same_queries_at_any_page_size(client, org_tree):
    publish_rutiner(org_tree, 30)
    url = "/api/v1/register/"
    small, response = queries(client, url, {"q": "brandskydd", "page_size": 5})
    assert len(response.json()["results"]) == 5
    large, response = queries(client, url, {"q": "brandskydd", "page_size": 100})
    assert len(response.json()["results"]) == 30
    assert small == large <= 10


def test_the_inbox_costs_at_most_10_queries_for_one_task_or_many(town):
    def at_decision(title: str) -> None:
        case = town.desk("samordnare").start_document(
            document_type=town.types["handlingsplan"],
            title=title,
            scope_unit=town.units["unit"],
            owner_position=town.positions["enhetschef"],
        )
        run_until(town, case, "decision")

    chief = town.desk("enhetschef")
    at_decision("Handlingsplan 1")
    chief.inbox()  # session, content types
    with CaptureQueriesContext(connection) as one:
        assert len(chief.inbox().context["rows"]) == 1
    for n in range(2, 5):
        at_decision(f"Handlingsplan {n}")
    with CaptureQueriesContext(connection) as four:
        assert len(chief.inbox().context["rows"]) == 4
    assert len(one) == len(four) <= 10


@pytest.mark.parametrize(
    "params, reads",
    [
        ({}, ["count", "page ids", "rows"]),
        (
            {"q": "rutiner brandsk"},
            [
                "ranked hits and total",
                "rows with the texts for snippets",
                "hits without the unit (how many the filters hide)",
            ],
        ),
    ],
    ids=["listed", "searched"],
)
def test_the_unit_page_reads_filter_lists_and_names_once_per_generation(
    client, org_tree, manager, django_capture_on_commit_callbacks, params, reads
):
    with django_capture_on_commit_callbacks(execute=True):  # the generation is committed
        publish_rutiner(org_tree, 30)
    unit = {"unit": org_tree.units["unit"].pk, **params}
    client.get(reverse("register"), unit)  # session, content types
    steady = ["session", "user", "generation", *reads]

    with django_capture_on_commit_callbacks(execute=True):  # the register changes
        publish_rutiner(org_tree, 1, start=30)
    first, _response = queries(client, reverse("register"), unit)
    again, response = queries(client, reverse("register"), unit)

    assert len(response.context["page"].object_list) == 25
    assert again == len(steady)  # the filter lists and the row names are kept
    assert first == len(steady) + 2  # read once (one query each) for the new generation
