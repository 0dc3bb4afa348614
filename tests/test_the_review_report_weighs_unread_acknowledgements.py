"""The yearly review report's priority counts unread read acknowledgements: the people who
must confirm reading a document's valid version and have not. The reading app answers
through the ``workflows.unread`` hook (workflows may not import reading), for all rows in
one query."""

from __future__ import annotations

import math
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from documents.models import Document, MandatePeriod
from org.models import PositionHolding
from reading import services
from tests.lifecycle import days
from tests.reading_helpers import new_version, rutin, staff
from workflows import unread
from workflows.review_report import UNREAD_PER_POINT, review_report

User = get_user_model()


@pytest.fixture(autouse=True)
def no_mandate_period(db):
    MandatePeriod.objects.all().delete()


def due(document, day=None):
    version = document.current_version
    version.next_review = day or days(-10)
    version.save(update_fields=["next_review"])
    return document


def titles(report) -> list[str]:
    return [row.document.title for row in report.rows]


def by_title(report):
    return {row.document.title: row for row in report.rows}


def report():
    return review_report(timezone.localdate().year, None)


def audience(document) -> list:
    """Everyone holding a position in the document's scope unit or below it today."""
    path = document.scope_unit.path
    holdings = PositionHolding.objects.active_on(days(0))
    return list(
        User.objects.filter(
            pk__in=holdings.filter(position__unit__path__startswith=path).values("user")
        )
    )


def test_unread_acknowledgements_are_a_factor_and_change_the_order(town):
    # Alphabetically first, asks nobody to read it: first while the factor is nil.
    due(rutin(town, "A-rutin utan läskvittens", requires=False))
    to_read = due(rutin(town, "B-rutin att läsa"))
    for name in ("anna", "bo", "cecilia", "david"):
        staff(town, name)
    people = audience(to_read)
    assert len(people) > UNREAD_PER_POINT

    rows = by_title(report())
    assert rows["B-rutin att läsa"].unread == len(people)
    assert rows["A-rutin utan läskvittens"].unread == 0
    assert rows["B-rutin att läsa"].people == rows["A-rutin utan läskvittens"].people
    points = math.ceil(len(people) / UNREAD_PER_POINT)
    assert rows["B-rutin att läsa"].priority == rows["A-rutin utan läskvittens"].priority + points
    assert titles(report())[:2] == ["B-rutin att läsa", "A-rutin utan läskvittens"]

    for person in people[:2]:
        services.confirm_reading(user=person, version_id=to_read.current_version.pk)
    assert by_title(report())["B-rutin att läsa"].unread == len(people) - 2
    for person in people[2:]:
        services.confirm_reading(user=person, version_id=to_read.current_version.pk)
    assert by_title(report())["B-rutin att läsa"].unread == 0
    assert titles(report())[:2] == ["A-rutin utan läskvittens", "B-rutin att läsa"]


def test_a_material_change_makes_confirmations_of_older_versions_unread_again(town):
    document = due(rutin(town, "Rutin för hygien"))
    staff(town, "anna")
    people = audience(document)
    for person in people:
        services.confirm_reading(user=person, version_id=document.current_version.pk)
    assert by_title(report())["Rutin för hygien"].unread == 0

    new_version(town, document, material=False)
    due(document)
    assert by_title(report())["Rutin för hygien"].unread == 0
    new_version(town, document, material=True)
    due(document)
    assert by_title(report())["Rutin för hygien"].unread == len(people)


def test_only_the_position_kinds_the_type_asks_are_counted(town):
    due(rutin(town, "Rutin för chefer", kinds="chief"))
    staff(town, "anna")
    document = Document.objects.get(title="Rutin för chefer")
    chiefs = [
        u for u in audience(document) if u.position_holdings.filter(position__kind="chief").exists()
    ]
    row = by_title(report())["Rutin för chefer"]
    assert 1 <= row.unread == len(chiefs) < row.people  # the enhetschef, not the staff


@pytest.mark.parametrize("documents", [2, 9])
def test_the_unread_counts_cost_one_query_for_any_number_of_rows(
    town, django_assert_num_queries, documents
):
    staff(town, "anna")
    for n in range(documents):
        due(rutin(town, f"Rutin {n}", scope="top" if n % 2 else "unit"))
    year = timezone.localdate().year
    # Done rows, the mandate period, the open rows, the people, the unread counts.
    with django_assert_num_queries(5):
        found = review_report(year, None)
    assert sum(1 for row in found.rows if row.unread) == documents


def test_no_query_when_no_row_asks_for_reading(town, django_assert_num_queries):
    due(rutin(town, "Rutin utan läskvittens", type_requires=False))
    staff(town, "anna")
    with django_assert_num_queries(4):
        [row] = report().rows
    assert row.unread == 0


def test_without_a_registered_counter_nothing_is_unread(town, monkeypatch):
    due(rutin(town, "Rutin att läsa"))
    staff(town, "anna")
    monkeypatch.setattr(unread, "_counter", unread.no_unread)
    assert by_title(report())["Rutin att läsa"].unread == 0


def test_the_page_and_the_exports_show_the_factor(town, client):
    due(rutin(town, "Rutin att läsa"))
    staff(town, "anna")
    client.force_login(town.users["registrator"])
    year = timezone.localdate().year
    url = reverse("workflows:review_report")
    html = client.get(url, {"year": year}).content.decode()
    assert "Olästa läskvittenser" in html
    response = client.get(url, {"year": year, "format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    column = header.index("Olästa läskvittenser")
    [row] = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[2] == "Rutin att läsa"]
    assert row[column] >= 1
