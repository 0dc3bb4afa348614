"""Anonymous callers of the API are limited per client address (``API_ANON_RATE``): past
the rate they get 429 with Retry-After, as the schema declares. The address is the one the
audit trail uses, so a forged X-Forwarded-For does not escape the count, and behind a
trusted proxy each client is counted apart. Callers with a token are not limited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

API = "/api/v1/register/"
CLIENT, OTHER, PROXY = "203.0.113.7", "203.0.113.8", "192.0.2.1"


@pytest.fixture(autouse=True)
def two_a_minute(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }
    addresses = [CLIENT, OTHER, PROXY]
    cache.delete_many([f"throttle_anon_{address}" for address in addresses])
    yield
    cache.delete_many([f"throttle_anon_{address}" for address in addresses])


def ask(client, address: str = CLIENT, **headers):
    return client.get(API, REMOTE_ADDR=address, **headers)


def test_past_the_rate_a_caller_waits_the_seconds_retry_after_says(client):
    assert [ask(client).status_code for _ in range(2)] == [200, 200]
    refused = ask(client)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert set(refused.json()) == {"detail"}
    seconds = refused["Retry-After"]
    assert (
        refused.json()["detail"] == f"För många förfrågningar: försök igen om {seconds} sekunder."
    )
    assert ask(client, OTHER).status_code == 200  # another address has its own count


def test_a_caller_with_a_token_is_not_limited(client):
    token = Token.objects.create(user=UserFactory())
    for _ in range(2):
        ask(client)
    assert ask(client, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert ask(client).status_code == 429


def test_a_forged_forwarded_address_does_not_escape_the_count(client, settings):
    settings.STYRDOK_TRUSTED_PROXY_COUNT = 0
    answers = [ask(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    assert answers == [200, 200, 429]


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, settings):
    settings.STYRDOK_TRUSTED_PROXY_COUNT = 1
    for _ in range(2):
        assert ask(client, PROXY, HTTP_X_FORWARDED_FOR=CLIENT).status_code == 200
    assert ask(client, PROXY, HTTP_X_FORWARDED_FOR=CLIENT).status_code == 429
    assert ask(client, PROXY, HTTP_X_FORWARDED_FOR=OTHER).status_code == 200


def test_the_schema_declares_429_with_retry_after_on_every_operation(client):
    # From an address whose count the fixture cleared (the rate is 2 a minute here).
    schema = client.get("/api/v1/schema/?format=json", REMOTE_ADDR=OTHER).json()
    for operation in (path["get"] for path in schema["paths"].values()):
        throttled = operation["responses"]["429"]
        assert throttled["headers"]["Retry-After"]["schema"]["type"] == "integer"
        body = throttled["content"]["application/json"]["schema"]["$ref"]
        assert body == "#/components/schemas/ErrorDetail"
