"""The register API refuses what its schema forbids, all of it at once, saying what is
wrong in the answer's language; an empty parameter is no parameter, as in the register's
form; and everything under an entry's address answers in JSON."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import DocumentFactory, PublishedVersionFactory

API = "/api/v1/register/"

EVERY_PARAMETER = [
    "q", "type", "unit", "process", "owner", "body", "status", "valid_on", "review_before",
    "sort", "page", "page_size",
]  # fmt: skip


@pytest.fixture
def register(org_tree):
    t, u = org_tree.types, org_tree.units
    for n in range(3):
        document = DocumentFactory(
            title=f"Policy {n}", scope_unit=u["top"], document_type=t["policy"]
        )
        PublishedVersionFactory(document=document, title=f"Policy {n}")
    return org_tree


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_every_parameter_sent_empty_counts_as_not_given(client, register):
    everything = titles(client.get(API))
    assert len(everything) == 3
    empty = dict.fromkeys(EVERY_PARAMETER, "")
    response = client.get(API, empty)
    assert response.status_code == 200
    assert titles(response) == everything
    # The HTML register reads the same filters the same way.
    page = client.get("/register/", empty)
    assert page.status_code == 200
    assert not page.context["filter"].errors


def test_a_type_sent_empty_beside_a_real_one_filters_by_the_real_one(client, register):
    policy = register.types["policy"]
    response = client.get(API, {"type": [str(policy.pk), ""]})
    assert response.status_code == 200
    assert len(titles(response)) == 3
    other = register.types["rutin"]
    assert titles(client.get(API, {"type": [str(other.pk), ""]})) == []


def test_every_refused_parameter_is_named_at_once_with_the_refused_value(client, register):
    response = client.get(API, {"unit": "abc", "page": "0", "page_size": "101", "q": "a\x00"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"unit", "page", "page_size", "q"}
    assert all(isinstance(messages, list) and messages for messages in body.values())
    assert "abc" in body["unit"][0]
    assert response["Content-Language"] == "sv"
    assert body["page"] == ["Ange ett heltal, 1 eller större."]
    assert body["page_size"] == ["Ange ett heltal från 1 till 100."]


def test_messages_are_in_english_when_the_language_cookie_says_so(client, register):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(API, {"page": "x", "page_size": "0", "type": "999999"})
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json() == {
        "type": ["Select a valid choice. 999999 is not one of the available choices."],
        "page": ["Enter a whole number, 1 or more."],
        "page_size": ["Enter a whole number from 1 to 100."],
    }


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "last"},
        {"page": "1.0"},
        {"page": " 1"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "9" * 40},
        {"page_size": "abc"},
    ],
)
def test_page_and_page_size_outside_their_bounds_are_refused(client, register, params):
    response = client.get(API, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_page_and_page_size_within_their_bounds_are_served(client, register):
    response = client.get(API, {"page_size": "1", "page": "3"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 1
    assert body["next"] is None and "page=2" in body["previous"]
    assert client.get(API, {"page_size": "100"}).status_code == 200
    assert client.get(API, {"page": "0001"}).status_code == 200


@pytest.mark.parametrize("page", ["4", "9" * 40])
def test_a_page_past_the_last_is_not_found(client, register, page):
    response = client.get(API, {"page_size": "1", "page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Sidan finns inte: listan har färre sidor."}


def test_the_first_page_of_an_empty_list_is_served(client, register):
    response = client.get(API, {"valid_on": "1900-01-01"})
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("ident", ["0", "-1", "1.5", "abc", "1.json", "99999999999999999999"])
def test_an_entry_address_naming_nothing_answers_404_in_json(client, register, ident):
    response = client.get(f"{API}{ident}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Hittades inte."}


def test_a_bad_token_is_refused_with_the_scheme_to_use(client, register):
    response = client.get(API, HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}
