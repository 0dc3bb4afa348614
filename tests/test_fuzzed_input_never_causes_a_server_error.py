"""Property-based (hypothesis): whatever a browser or client sends to the register's query
string, the JSON API, the audit filters and the main forms, the answer is never a server
error, and a value that cannot be used gives a form error (or a refusal), not a crash.

Bounded so the suite stays fast: a few dozen examples per door, no deadline (the database
sets the pace), and the examples run inside one test transaction each."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import document_with_history
from tests.lifecycle import open_tasks

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# Any text a client can put in a form or URL (lone surrogates cannot be sent as UTF-8).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
NASTY = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "99999999999999999999999",
        "2147483648",
        "1e309",
        "NaN",
        "\x00",
        "'; DROP TABLE x; --",
        "<script>alert(1)</script>",
        "0000-00-00",
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "KS 2026/",
        "%",
        "_",
        "\\",
        "å ä ö",
        "🙂",
    ]
)
VALUE = st.one_of(TEXT, NASTY, st.integers(min_value=-(2**70), max_value=2**70).map(str))

REGISTER_KEYS = [
    "q", "type", "unit", "process", "owner", "body", "status", "valid_on",
    "review_before", "sort", "page", "all",
]  # fmt: skip
AUDIT_KEYS = [
    "date_from", "date_to", "person", "position", "action", "case", "target_type",
    "text", "page",
]  # fmt: skip


def query(keys: list[str]):
    return st.dictionaries(st.one_of(st.sampled_from(keys), TEXT), VALUE, max_size=5)


def _never_a_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.fixture
def register_data(db):
    document_with_history(2, is_public=True, title="Riktlinje för samverkan")


@given(params=query(REGISTER_KEYS))
@FUZZ
def test_register_query_string(client, register_data, params):
    response = client.get(reverse("register"), params)

    _never_a_server_error(response)
    if response.status_code == 400:
        assert response.context["filter"].errors


@given(params=query(["q", "series", "year", "status", "page"]))
@FUZZ
def test_public_diarium_query_string(client, register_data, params):
    for url in (reverse("public_diarium"), reverse("public_diarium_csv")):
        response = client.get(url, params)

        _never_a_server_error(response)
        if response.status_code == 400:
            assert response.context["form"].errors
        elif response.streaming:
            assert b"".join(response.streaming_content).startswith(b"diarienummer,")


@given(params=query(REGISTER_KEYS + ["format", "page_size", "ordering"]))
@FUZZ
def test_api_query_string(client, register_data, params):
    response = client.get("/api/v1/register/", params)

    _never_a_server_error(response)
    if response.status_code == 400:
        assert response.json()


@given(ident=VALUE)
@FUZZ
def test_api_and_page_ids(client, register_data, ident):
    from urllib.parse import quote

    for url in [f"/api/v1/register/{quote(ident, safe='')}/", f"/documents/{quote(ident)}/"]:
        _never_a_server_error(client.get(url))


@pytest.fixture
def registrar_client(town):
    client = Client()
    client.force_login(town.users["registrator"])
    return client


@given(params=query(AUDIT_KEYS))
@FUZZ
def test_audit_filters(registrar_client, params):
    for url in [reverse("workflows:audit"), reverse("workflows:audit_export")]:
        response = registrar_client.get(url, params)
        _never_a_server_error(response)
        if response.status_code == 400 and url == reverse("workflows:audit"):
            assert response.context["filter"].errors


START_KEYS = [
    "document_type", "title", "scope_unit", "process", "owner_position", "parent",
    "summary", "is_public",
]  # fmt: skip


@pytest.fixture
def official(town):
    client = Client()
    client.force_login(town.users["samordnare"])
    return client


@given(data=st.dictionaries(st.sampled_from(START_KEYS), VALUE, max_size=8))
@FUZZ
def test_start_a_case_form(town, official, data):
    response = official.post(reverse("workflows:start"), data)

    _never_a_server_error(response)
    if response.status_code != 302:
        assert response.context["form"].errors


@pytest.fixture
def draft_task(town):
    client = Client()
    client.force_login(town.users["samordnare"])
    response = client.post(
        reverse("workflows:start"),
        {
            "document_type": town.types["handlingsplan"].pk,
            "title": "Handlingsplan",
            "scope_unit": town.units["unit"].pk,
            "owner_position": town.positions["enhetschef"].pk,
        },
    )
    assert response.status_code == 302
    from workflows.models import Case

    case = Case.objects.get()
    return client, open_tasks(case, "draft")[0]


DRAFT_KEYS = ["title", "summary", "body", "is_public", "co_authors", "decider", "action"]


@given(data=st.dictionaries(st.sampled_from(DRAFT_KEYS), VALUE, max_size=7))
@FUZZ
def test_draft_form(draft_task, data):
    client, task = draft_task
    data.setdefault("action", "save")
    response = client.post(reverse("workflows:task", args=[task.pk]), data)

    _never_a_server_error(response)
    if response.status_code == 400:
        assert response.context["form"].errors
