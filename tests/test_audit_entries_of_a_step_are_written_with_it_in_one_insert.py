"""A step's audit entries are written together when the step ends, in its transaction
(``audit.recording.batched``): all of them, in order, or none when the step fails."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit import recording
from audit.models import AuditEntry
from tests.factories import UnitFactory


def _written_since(last: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(pk__gt=last).order_by("pk").values_list("action", flat=True)
    )


def _last() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.django_db
def test_the_entries_of_a_block_are_inserted_together_and_in_order():
    unit = UnitFactory()
    before, last = AuditEntry.objects.count(), _last()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, recording.batched():
            for action in ("first", "second", "third"):
                recording.record(action, target=unit)
            assert AuditEntry.objects.count() == before  # not in the table yet
        inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
        assert len(inserts) == 1
    assert _written_since(last) == ["first", "second", "third"]


@pytest.mark.django_db
def test_a_block_that_fails_writes_none_of_its_entries():
    unit = UnitFactory()
    last = _last()
    with transaction.atomic():
        with pytest.raises(ValueError), recording.batched():
            recording.record("lost", target=unit)
            raise ValueError("the change was refused")
        recording.record("kept", target=unit)
    assert _written_since(last) == ["kept"]


@pytest.mark.django_db
def test_a_nested_block_that_fails_leaves_the_outer_blocks_entries():
    unit = UnitFactory()
    last = _last()
    with transaction.atomic(), recording.batched():
        recording.record("outer", target=unit)
        try:
            with transaction.atomic(), recording.batched():
                recording.record("inner", target=unit)
                raise ValueError("refused")
        except ValueError:
            pass
    assert _written_since(last) == ["outer"]


@pytest.mark.django_db(transaction=True)
def test_a_block_must_end_inside_the_transaction_of_the_change():
    unit = UnitFactory()
    with (
        pytest.raises(RuntimeError, match="outside the change's transaction"),
        recording.batched(),
        transaction.atomic(),
    ):
        recording.record("too late", target=unit)
    assert not AuditEntry.objects.filter(action="too late").exists()
