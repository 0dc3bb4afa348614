"""On SQLite a datetime in UTC is written as text and read back without Django's checks
(``config.sqlite3.DatabaseOperations``), and every datetime is written and read as
Django's own backend does it: in UTC, in another zone, naive, none."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.db.backends.sqlite3 import base as django_sqlite
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backend")

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
VALUES = [
    timezone.now(),
    datetime.datetime(2026, 12, 4, 17, 30, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 4, 18, 30, tzinfo=STOCKHOLM),
    datetime.datetime(2026, 12, 4, 18, 30),
    None,
]


def test_a_datetime_is_written_as_djangos_backend_writes_it():
    django_ops = django_sqlite.DatabaseOperations(connection)
    for value in VALUES:
        assert connection.ops.adapt_datetimefield_value(value) == (
            django_ops.adapt_datetimefield_value(value)
        )
    assert connection.ops.adapt_datetimefield_value(VALUES[1]) == "2026-12-04 17:30:05"


def test_a_datetime_read_back_is_the_one_djangos_backend_reads():
    django_ops = django_sqlite.DatabaseOperations(connection)
    for value in [
        datetime.datetime(2026, 12, 4, 17, 30, 5, 12),
        "2026-12-04 17:30:05",
        datetime.datetime(2026, 12, 4, 18, 30, tzinfo=STOCKHOLM),
        None,
    ]:
        ours = connection.ops.convert_datetimefield_value(value, None, connection)
        theirs = django_ops.convert_datetimefield_value(value, None, connection)
        assert ours == theirs
        assert getattr(ours, "tzinfo", None) == getattr(theirs, "tzinfo", None)


def test_without_time_zones_an_aware_datetime_is_refused_as_django_refuses_it():
    with override_settings(USE_TZ=False):
        connection.__dict__.pop("timezone", None)  # Django's cached property, per setting
        try:
            with pytest.raises(ValueError, match="timezone-aware"):
                connection.ops.adapt_datetimefield_value(VALUES[1])
        finally:
            connection.__dict__.pop("timezone", None)
