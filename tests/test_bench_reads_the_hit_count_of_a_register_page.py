"""``bench.run`` prints each scenario's hits beside its timings: the count the register page
shows (its status line) or the API's ``count``, so a change that loses hits shows up
beside a faster figure."""

from __future__ import annotations

import pytest

from bench.run import hits_of
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


def test_the_register_pages_count_is_read(client):
    for n in range(3):
        PublishedVersionFactory(title=f"Rutin för larm {n}", document__is_public=True)
    PublishedVersionFactory(title="Policy för cyklar", document__is_public=True)

    assert hits_of(client.get("/register/", {"q": "rutin"})) == "3"
    assert hits_of(client.get("/register/", {"q": "cyklar"})) == "1"
