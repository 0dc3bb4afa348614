"""Employees' register rows take the names of types, units, bodies, positions and diary
series from a cache kept per generation of the register, not from joins; a renamed unit,
type, body or diary series shows on the next visit, and the second visit reads no names."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    DecisionFactory,
    DiaryEntryFactory,
    DiarySeriesFactory,
    DocumentFactory,
    PublishedVersionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 1, 1)


@pytest.fixture
def world(org_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        series = DiarySeriesFactory(code="KS")
        document = DocumentFactory(
            title="Arbetsmiljöpolicy",
            scope_unit=org_tree.units["top"],
            document_type=org_tree.types["policy"],
        )
        PublishedVersionFactory(
            document=document,
            title="Arbetsmiljöpolicy",
            valid_from=LONG_AGO,
            diary_entry=DiaryEntryFactory(series=series, year=2026, number=17),
            adoption=DecisionFactory(document=document, body=org_tree.bodies["KS"]),
        )
    return document, series


def visit(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("register"), {"all": "1"})
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured]


def test_rows_show_the_names_and_a_second_visit_reads_none(client, world, org_tree):
    client.force_login(UserFactory())
    first, _ = visit(client)
    again, queries = visit(client)

    for page in (first, again):
        assert org_tree.units["top"].name in page
        assert org_tree.types["policy"].name in page
        assert "Dnr KS 2026/17" in page
        assert org_tree.bodies["KS"].name in page
    assert not any("org_unit" in sql for sql in queries)  # names and choices both cached


@pytest.mark.parametrize(
    "what, field, value, shown",
    [
        ("unit", "name", "Nykommun", "Nykommun"),
        ("type", "name", "Styrande policy", "Styrande policy"),
        ("body", "name", "Regionstyrelsen", "Regionstyrelsen"),
        ("series", "code", "RS", "Dnr RS 2026/17"),
    ],
)
def test_a_rename_shows_on_the_next_visit(
    client, world, org_tree, django_capture_on_commit_callbacks, what, field, value, shown
):
    client.force_login(UserFactory())
    before, _ = visit(client)
    assert shown not in before
    _document, series = world
    obj = {
        "unit": org_tree.units["top"],
        "type": org_tree.types["policy"],
        "body": org_tree.bodies["KS"],
        "series": series,
    }[what]

    with django_capture_on_commit_callbacks(execute=True):
        setattr(obj, field, value)
        obj.save()

    after, _ = visit(client)
    assert shown in after
