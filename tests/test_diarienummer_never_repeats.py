"""Diarienummer: series, year and a sequence number that never repeats and is never burnt."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from documents.diarium import NoDiarySeries, allocate, series_for
from documents.models import DiaryCounter, DiaryEntry
from tests.factories import BodyFactory, DiarySeriesFactory, UnitFactory

D = datetime.date


@pytest.fixture
def ks_series(db):
    return DiarySeriesFactory(
        code="KS", name="Kommunstyrelsens diarium", body=BodyFactory(short_name="KS", name="KS")
    )


def test_numbers_run_from_one_in_the_series_and_year(ks_series):
    numbers = [allocate(ks_series, f"Ärende {i}", on=D(2026, 3, 2)).diarienummer for i in range(3)]

    assert numbers == ["KS 2026/1", "KS 2026/2", "KS 2026/3"]


def test_the_entry_records_title_and_registrar(ks_series):
    from tests.factories import UserFactory

    registrar = UserFactory()
    entry = allocate(ks_series, "Policy för ledarskap", user=registrar, on=D(2026, 3, 2))

    entry.refresh_from_db()
    assert (entry.series, entry.year, entry.number) == (ks_series, 2026, 1)
    assert entry.title == "Policy för ledarskap"
    assert entry.registered_by == registrar
    assert str(entry) == "KS 2026/1"


def test_a_new_year_restarts_at_one(ks_series):
    allocate(ks_series, "a", on=D(2026, 12, 31))
    allocate(ks_series, "b", on=D(2026, 12, 31))

    assert allocate(ks_series, "c", on=D(2027, 1, 1)).diarienummer == "KS 2027/1"
    assert allocate(ks_series, "d", on=D(2026, 12, 31)).diarienummer == "KS 2026/3"
    assert allocate(ks_series, "e", on=D(2027, 6, 1)).diarienummer == "KS 2027/2"


def test_series_that_do_not_restart_continue_across_years(db):
    series = DiarySeriesFactory(code="BUN", restart_each_year=False)

    got = [
        allocate(series, "a", on=D(2026, 12, 30)).diarienummer,
        allocate(series, "b", on=D(2026, 12, 31)).diarienummer,
        allocate(series, "c", on=D(2027, 1, 1)).diarienummer,
    ]

    assert got == ["BUN 2026/1", "BUN 2026/2", "BUN 2027/3"]


def test_each_series_has_its_own_sequence(ks_series):
    other = DiarySeriesFactory(code="SN")

    allocate(ks_series, "a", on=D(2026, 1, 5))
    allocate(ks_series, "b", on=D(2026, 1, 5))

    assert allocate(other, "c", on=D(2026, 1, 5)).diarienummer == "SN 2026/1"
    assert allocate(ks_series, "d", on=D(2026, 1, 5)).diarienummer == "KS 2026/3"


def test_without_a_date_the_current_year_is_used(ks_series):
    from django.utils import timezone

    entry = allocate(ks_series, "i dag")

    assert entry.year == timezone.localdate().year
    assert entry.number == 1


def test_a_rolled_back_savepoint_does_not_burn_a_number(ks_series):
    allocate(ks_series, "first", on=D(2026, 3, 2))

    with pytest.raises(RuntimeError), transaction.atomic():
        allocate(ks_series, "rolled back", on=D(2026, 3, 2))
        raise RuntimeError("the case could not be started")

    assert allocate(ks_series, "second", on=D(2026, 3, 2)).diarienummer == "KS 2026/2"
    assert list(DiaryEntry.objects.values_list("title", flat=True).order_by("number")) == [
        "first",
        "second",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_burn_a_number():
    series = DiarySeriesFactory(code="KS")
    allocate(series, "first", on=D(2026, 3, 2))

    with pytest.raises(RuntimeError), transaction.atomic():
        allocate(series, "rolled back", on=D(2026, 3, 2))
        raise RuntimeError("the case could not be started")

    assert DiaryCounter.objects.get(series=series, year=2026).last_number == 1
    assert allocate(series, "second", on=D(2026, 3, 2)).diarienummer == "KS 2026/2"


@pytest.mark.django_db(transaction=True)
def test_the_first_number_of_a_year_is_not_burnt_by_a_rollback():
    series = DiarySeriesFactory(code="KS")

    with pytest.raises(RuntimeError), transaction.atomic():
        allocate(series, "rolled back", on=D(2026, 3, 2))
        raise RuntimeError("the case could not be started")

    assert allocate(series, "first", on=D(2026, 3, 2)).diarienummer == "KS 2026/1"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_share_a_number():
    series = DiarySeriesFactory(code="KS")
    threads, per_thread = 6, 5
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait(timeout=10)
            for i in range(per_thread):
                with transaction.atomic():
                    allocate(series, f"parallel {i}", on=D(2026, 3, 2))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert errors == []
    numbers = sorted(DiaryEntry.objects.filter(series=series).values_list("number", flat=True))
    assert numbers == list(range(1, threads * per_thread + 1))


def test_the_database_refuses_a_repeated_number(ks_series):
    DiaryEntry.objects.create(series=ks_series, year=2026, number=7, title="a")

    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryEntry.objects.create(series=ks_series, year=2026, number=7, title="b")


# --- Which series a case goes to --------------------------------------------------


@pytest.fixture
def registry(org_tree):
    """Series for KS and the nämnd, and a default series; the company board has none."""
    return {
        "KS": DiarySeriesFactory(code="KS", body=org_tree.bodies["KS"]),
        "BUN": DiarySeriesFactory(code="BUN", body=org_tree.bodies["namnd"]),
        "default": DiarySeriesFactory(code="KOMMUN", is_default=True),
    }


def test_the_deciding_bodys_series_comes_first(org_tree, registry):
    got = series_for(body=org_tree.bodies["KS"], scope_unit=org_tree.units["unit"])

    assert got == registry["KS"]


def test_without_a_series_of_its_own_the_scopes_responsible_body_decides(org_tree, registry):
    got = series_for(body=org_tree.bodies["KF"], scope_unit=org_tree.units["area"])

    assert got == registry["BUN"]


def test_the_responsible_body_is_inherited_from_above(org_tree, registry):
    assert series_for(scope_unit=org_tree.units["unit"]) == registry["BUN"]
    assert series_for(scope_unit=org_tree.units["top"]) == registry["KS"]


def test_otherwise_the_default_series(org_tree, registry):
    assert (
        series_for(body=org_tree.bodies["bolag"], scope_unit=org_tree.units["company"])
        == (registry["default"])
    )
    assert series_for() == registry["default"]


def test_with_no_series_at_all_there_is_a_clear_error(org_tree):
    with pytest.raises(NoDiarySeries):
        series_for(body=org_tree.bodies["KS"], scope_unit=org_tree.units["unit"])


def test_only_one_default_series(db):
    DiarySeriesFactory(is_default=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        DiarySeriesFactory(is_default=True)
    DiarySeriesFactory(is_default=False)


def test_a_unit_without_any_responsible_body_falls_back_to_the_default(db):
    default = DiarySeriesFactory(code="KOMMUN", is_default=True)

    assert series_for(scope_unit=UnitFactory()) == default
