"""The diarium: a register per series and year of every diarienummer issued with its case
and status; numbering restarts at the year boundary; a case start that fails after the
number was allocated gives the number back (no gap, no reuse)."""

from __future__ import annotations

import contextlib
import datetime
from unittest import mock

import pytest
from django.urls import reverse

from documents.diarium import allocate
from documents.models import DiaryCounter, DiaryEntry
from tests.desk_support import ks_policy
from tests.lifecycle import today
from workflows import desk
from workflows.actions import engine
from workflows.actions.start import start_new_document
from workflows.models import Case

URL = reverse("workflows:desk_diarium")


def test_the_register_lists_every_number_with_its_case_and_status(town):
    first = ks_policy(town, "Arbetsgivarpolicy")
    second = ks_policy(town, "Policy för resor")
    series = town.series["KS"]

    page = town.desk("registrator").get(URL, data={"series": series.pk, "year": today().year})

    assert page.status_code == 200
    lines = list(page.context["page"])
    assert [line.entry.diarienummer for line in lines] == [
        first.diarienummer,
        second.diarienummer,
    ]
    assert [line.status for line in lines] == ["Open: Drafting", "Open: Drafting"]
    assert page.context["missing"] == []
    assert "none is missing" in page.content.decode()


def test_a_year_boundary_restarts_the_series_and_each_year_has_its_register(town):
    series = town.series["KS"]
    allocate(series, "December", on=datetime.date(2025, 12, 31))
    allocate(series, "Också december", on=datetime.date(2025, 12, 31))
    january = allocate(series, "Januari", on=datetime.date(2026, 1, 1))

    assert january.diarienummer == "KS 2026/1"
    lines, missing = desk.diarium_register(series, 2025)
    assert [line.entry.diarienummer for line in lines] == ["KS 2025/1", "KS 2025/2"]
    assert missing == []
    assert {2025, 2026} <= set(desk.diarium_years(series))
    page = town.desk("registrator").get(URL, data={"series": series.pk, "year": 2025})
    assert [line.entry.title for line in page.context["page"]] == ["December", "Också december"]
    assert [line.status for line in page.context["page"]] == [
        "Registered without a case in Styrdok"
    ] * 2


def test_a_start_that_fails_after_the_allocation_gives_the_number_back(town):
    ks_policy(town, "Första")
    series = town.series["KS"]

    with (
        mock.patch.object(engine, "init_case", side_effect=RuntimeError("the flow broke")),
        pytest.raises(RuntimeError),
    ):
        start_new_document(
            user=town.users["hrstrateg"],
            document_type=town.types["policy"],
            title="Misslyckad start",
            scope_unit=town.units["top"],
            owner_position=town.positions["hrstrateg"],
        )

    assert not DiaryEntry.objects.filter(title="Misslyckad start").exists()
    assert DiaryCounter.objects.get(series=series, year=today().year).last_number == 1
    third = ks_policy(town, "Andra")
    assert third.diarienummer == f"KS {today().year}/2"
    lines, missing = desk.diarium_register(series, today().year)
    assert [line.number for line in lines] == [1, 2] and missing == []
    assert Case.objects.count() == 2


def test_a_number_the_counter_passed_without_an_entry_is_shown_as_missing(town):
    series = town.series["KS"]
    allocate(series, "Ett", on=datetime.date(2026, 3, 1))
    DiaryCounter.objects.filter(series=series, year=2026).update(last_number=3)

    page = town.desk("registrator").get(URL, data={"series": series.pk, "year": 2026})

    assert page.context["missing"] == [2, 3]
    assert "Numbers issued by the counter without an entry" in page.content.decode()


def test_an_unknown_series_or_year_shows_the_first_series(town):
    page = town.desk("registrator").get(URL, data={"series": "x", "year": "y"})
    assert page.status_code == 200


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_case_starts_get_distinct_numbers_without_gaps(settings, tmp_path):
    """Whole case starts (not just the allocator) in parallel threads on PostgreSQL; one
    of them fails after its number was allocated and gives it back."""
    import threading

    from django.db import connection

    from tests.lifecycle import build_town

    settings.MEDIA_ROOT = str(tmp_path)
    town = build_town()
    threads, per_thread = 4, 3
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    real_init_case = engine.init_case

    def failing_init_case(activation, **kwargs):
        if kwargs["document"].title == "Misslyckad":
            raise RuntimeError("the flow broke after the number was allocated")
        return real_init_case(activation, **kwargs)

    def work(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(per_thread):
                with contextlib.suppress(RuntimeError):
                    start_new_document(
                        user=town.users["hrstrateg"],
                        document_type=town.types["policy"],
                        title="Misslyckad" if (n, i) == (0, 1) else f"Parallell {n}-{i}",
                        scope_unit=town.units["top"],
                        owner_position=town.positions["hrstrateg"],
                    )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(engine, "init_case", failing_init_case):
        workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)

    assert errors == []
    numbers = sorted(
        DiaryEntry.objects.filter(series=town.series["KS"]).values_list("number", flat=True)
    )
    assert numbers == list(range(1, threads * per_thread))
    assert desk.diarium_register(town.series["KS"], today().year)[1] == []
