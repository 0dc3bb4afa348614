"""The API answers as its OpenAPI schema says, for requests generated from that schema.

schemathesis reads ``/api/v1/schema/`` from the application itself (in-process WSGI, no
server) and sends each operation requests built from the schema: valid ones, boundary
values and deliberately invalid ones (wrong types, values out of range, unknown enum
values, missing path parts). Every answer is checked:

- ``not_a_server_error``: never a 5xx;
- ``status_code_conformance``: the status code is one the schema declares;
- ``content_type_conformance`` and ``response_schema_conformance``: the body is JSON of
  the declared shape for that code (also 400, 401, 404 and 429);
- ``response_headers_conformance``: declared headers (WWW-Authenticate, Retry-After);
- ``negative_data_rejection``: a request the schema forbids is refused (4xx), never
  answered as if it were valid.

``positive_data_acceptance`` is off: a well-formed id of a unit, body or type that does not
exist is a client's mistake answered with 400 (the register's filters offer only existing
ones), which a schema cannot tell from an id that exists.

The register holds a few documents in every state; the requests go anonymously and with a
valid token. Generation is derandomized with a fixed seed, so a run is reproducible.
"""

from __future__ import annotations

import datetime

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token

from tests.factories import (
    DocumentFactory,
    PublishedVersionFactory,
    UserFactory,
    document_with_history,
)

SCHEMA_URL = "/api/v1/schema/?format=json"

CONFIG = {
    "seed": 16,
    "generation": {
        # Per operation and phase; both operations together take a few seconds.
        "max-examples": 40,
        "deterministic": True,
        "database": "none",
    },
    # The API is read-only: there are no links between operations to follow.
    "phases": {"stateful": {"enabled": False}},
    "checks": {"positive_data_acceptance": {"enabled": False}},
}


# The register's filters by id. A well-formed id that names nothing is refused with 400 (as
# the HTML register's form refuses it): the one refusal of a request the schema allows that
# the schema cannot foresee, since it cannot list which ids exist.
ID_FILTERS = {"unit", "type", "process", "owner", "body"}


def _names_something(value) -> bool:
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(str(v) != "" for v in values)


def valid_requests_are_accepted(ctx, response, case) -> None:
    """schemathesis' ``positive_data_acceptance`` check, allowing for ``ID_FILTERS``: a
    request the schema allows is answered 2xx, or 404 (a page past the last, an entry that
    does not exist or is hidden), or 400 only for ids that name nothing. An empty value, an
    enum value, a date, a page number or size within the bounds is never refused."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    status = response.status_code
    if 200 <= status < 300 or status == 404:
        return
    if status == 400:
        refused = set(response.json())
        sent = case.query or {}
        if refused <= ID_FILTERS and all(_names_something(sent.get(name)) for name in refused):
            return
    raise AssertionError(
        f"A request the schema allows was refused ({status}): {response.text[:300]}"
    )


@pytest.fixture
def register(org_tree):
    """Documents in every state the register shows: valid (public and internal), with
    a history of superseded versions, repealed, expired, and valid only from next year."""
    t, u = org_tree.types, org_tree.units
    today = datetime.date.today()

    def publish(title, scope, doc_type, *, public=True, **version):
        document = DocumentFactory(
            title=title, scope_unit=scope, document_type=doc_type, is_public=public
        )
        return PublishedVersionFactory(document=document, title=title, **version)

    publish("Arbetsmiljöpolicy", u["top"], t["policy"], valid_from=datetime.date(2020, 1, 1))
    publish("Rutin för brandlarm", u["unit"], t["rutin"], public=False)
    publish(
        "Handlingsplan 2021",
        u["unit"],
        t["handlingsplan"],
        valid_from=datetime.date(2021, 1, 1),
        valid_until=datetime.date(2021, 12, 31),
    )
    document_with_history(3, title="Riktlinje för resor", document_type=t["riktlinje"])
    document_with_history(2, repealed=True, title="Policy för bilar", document_type=t["policy"])
    publish(
        "Vision 2040",
        u["top"],
        t["vision"],
        valid_from=today + datetime.timedelta(days=365),
        publish=False,
    )
    return org_tree


# Loaded when the module is imported (pytest-django blocks the database then; the schema
# needs none). schemathesis.pytest.from_fixture, which would load it in a fixture, does not
# work with pytest 9.2 (it sets a test item's private ``_nodeid``).
schema = schemathesis.openapi.from_wsgi(
    SCHEMA_URL, WSGIHandler(), config=schemathesis.Config.from_dict(CONFIG)
)


@pytest.fixture
def api(register, settings):
    """The register in place, no throttle (hundreds of anonymous requests in a few seconds;
    the throttle has its own test), and the database connection kept across requests."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None},
    }
    # Django closes the database connection when a request ends; the test's data lives in
    # the test's transaction on that connection (django.test.Client keeps it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(register) -> str:
    return Token.objects.create(user=UserFactory()).key


# The fixtures hold read-only data: the same for every generated request.
SHARED_FIXTURES = hypothesis.settings(
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture]
)


@schema.parametrize()
@SHARED_FIXTURES
def test_anonymous_requests_get_the_answers_the_schema_declares(case, api):
    case.call_and_validate(additional_checks=[valid_requests_are_accepted])


@schema.parametrize()
@SHARED_FIXTURES
def test_requests_with_a_token_get_the_answers_the_schema_declares(case, api, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        additional_checks=[valid_requests_are_accepted],
    )
