"""Whatever the register shows moves its generation on once the change commits, and once
per transaction however many rows it saves (an import saves thousands); a change rolled
back moves nothing, and a change after a savepoint rolled back still moves it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from documents import cache
from documents.models import RegisterGeneration
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _generation() -> int | None:
    return RegisterGeneration.objects.filter(pk=1).values_list("value", flat=True).first()


def _moves_run(queries) -> int:
    return sum(
        1 for q in queries if q["sql"].startswith("UPDATE") and "registergeneration" in q["sql"]
    )


@pytest.fixture
def generation():
    cache._bump_now()
    return _generation()


def test_many_rows_saved_in_one_transaction_move_it_once(
    generation, django_capture_on_commit_callbacks
):
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        for unit in UnitFactory.create_batch(30):
            unit.name += " (ny)"
            unit.save()
    assert _generation() == generation + 1
    assert _moves_run(queries.captured_queries) == 1


def test_nothing_moves_before_the_commit(generation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        UnitFactory()
        assert _generation() == generation
    assert _generation() == generation


def test_a_change_after_a_savepoint_rolled_back_still_moves_it(
    generation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                UnitFactory()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        UnitFactory()
    assert _generation() == generation + 1


def test_a_change_before_a_savepoint_rolled_back_still_moves_it(
    generation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        UnitFactory()
        try:
            with transaction.atomic():
                UnitFactory()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert _generation() == generation + 1


def test_only_changes_in_a_savepoint_rolled_back_move_nothing(
    generation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                UnitFactory()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert _generation() == generation


def test_each_transaction_moves_it_once(generation, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            UnitFactory.create_batch(2)
    assert _generation() == generation + 3
