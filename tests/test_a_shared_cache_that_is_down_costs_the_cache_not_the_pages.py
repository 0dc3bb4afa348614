"""When the shared Redis cache cannot be reached, the register, the API and the desk are still
served (without their cache, a warning in the log), not answered with a server error."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from config import shared
from tests.lifecycle import valid_document

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = shared.caches(NOBODY_LISTENS)


def test_the_register_the_api_and_the_desk_are_served_without_the_cache(
    town, redis_down, client, caplog
):
    valid_document(town, type_code="policy", title="Policy för gröna resor")
    from documents.cache import _bump_now

    _bump_now()  # a generation exists: the register would use its page cache
    caplog.set_level(logging.WARNING, logger="config.shared")

    register = client.get(reverse("register"))
    api = client.get("/api/v1/register/")
    desk = town.desk("registrator").get(reverse("workflows:desk"))

    assert register.status_code == 200
    assert "Policy för gröna resor" in register.content.decode()
    assert api.status_code == 200
    assert api.json()["count"] == 1
    assert desk.status_code == 200
    warned = {r.getMessage() for r in caplog.records}
    assert "The cache could not be used for the register's page" in warned
    assert "The cache could not be used for the API throttle" in warned
    assert "The cache could not be used for the desk's figures" in warned
