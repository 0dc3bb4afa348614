"""The API's throttle counts anonymous requests per client address, as the audit trail and
the log-in throttle find it (``TRUSTED_PROXY_COUNT``): a forged ``X-Forwarded-For`` does
not make a caller new. Logged-in callers are not throttled. The counts live in the cache
(shared by every app server with ``CACHE_URL``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from documents.api.throttling import AnonymousRateThrottle

URL = "/api/v1/register/"


@pytest.fixture(autouse=True)
def low_rate(monkeypatch):
    monkeypatch.setattr(AnonymousRateThrottle, "rate", "3/minute", raising=False)
    cache.clear()
    yield
    cache.clear()


def test_a_caller_changing_x_forwarded_for_is_still_one_caller(client, db):
    answers = [client.get(URL, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(1, 5)]

    assert answers == [200, 200, 200, 429]


def test_behind_a_proxy_each_client_address_is_counted_apart(client, db, settings):
    settings.STYRDOK_TRUSTED_PROXY_COUNT = 1

    first = [client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code for _ in range(4)]
    # The client writes the left part; the proxy appends the address it saw.
    forged = client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7").status_code
    other = client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code

    assert first == [200, 200, 200, 429]
    assert forged == 429
    assert other == 200


def test_a_refused_caller_is_told_when_to_come_back(client, db):
    for _ in range(3):
        client.get(URL)
    response = client.get(URL)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_logged_in_callers_are_not_counted(client, django_user_model):
    user = django_user_model.objects.create_user("anna", password="x" * 16)
    client.force_login(user)

    assert [client.get(URL).status_code for _ in range(5)] == [200] * 5
