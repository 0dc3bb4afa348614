"""The JSON API of the register: same filters and visibility as the HTML register, a schema."""

import datetime

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import DocumentFactory, PublishedVersionFactory, UserFactory

API = "/api/v1/register/"


def publish(title, scope, doc_type, *, public=True, valid_from=datetime.date(2020, 1, 1)):
    document = DocumentFactory(
        title=title, scope_unit=scope, document_type=doc_type, is_public=public
    )
    return PublishedVersionFactory(document=document, title=title, valid_from=valid_from)


@pytest.fixture
def register(org_tree):
    t, u = org_tree.types, org_tree.units
    return {
        "policy": publish("Arbetsmiljöpolicy", u["top"], t["policy"]),
        "rutin": publish("Rutin för brandlarm", u["unit"], t["rutin"], public=False),
        "company": publish("Bolagets ägarpolicy", u["company"], t["policy"]),
    }


def titles(response):
    return [row["title"] for row in response.json()["results"]]


def test_anonymous_callers_see_public_documents(client, register):
    response = client.get(API)
    assert response.status_code == 200
    assert titles(response) == ["Arbetsmiljöpolicy", "Bolagets ägarpolicy"]
    row = response.json()["results"][0]
    assert row["type_code"] == "policy" and row["status"] == "valid"
    assert "created_by" not in row  # no personal names in the API


def test_a_token_shows_internal_documents(client, register):
    token = Token.objects.create(user=UserFactory())
    response = client.get(API, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert "Rutin för brandlarm" in titles(response)


def test_a_bad_token_is_refused_not_ignored(client, register):
    response = client.get(API, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401


def test_filters_are_the_registers(client, org_tree, register):
    response = client.get(API, {"unit": org_tree.units["company"].pk})
    assert titles(response) == ["Arbetsmiljöpolicy", "Bolagets ägarpolicy"]
    response = client.get(API, {"valid_on": "2019-06-01"})
    assert titles(response) == []


@pytest.mark.parametrize("params", [{"valid_on": "31/02/2020"}, {"unit": "abc"}, {"status": "x"}])
def test_bad_input_gets_400_with_the_field_named(client, register, params):
    response = client.get(API, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_one_entry_by_id_and_hidden_ones_are_404(client, register):
    public = register["policy"]
    assert client.get(f"{API}{public.pk}/").json()["title"] == "Arbetsmiljöpolicy"
    assert client.get(f"{API}{register['rutin'].pk}/").status_code == 404
    assert client.get(f"{API}999999/").status_code == 404


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].endswith("json") else None
    text = response.content.decode()
    assert "openapi" in text and "/api/v1/register/" in text
    if schema:
        assert schema["openapi"].startswith("3.")


def test_list_runs_a_fixed_number_of_queries(client, org_tree, django_assert_max_num_queries):
    for n in range(30):
        publish(f"Policy {n:02}", org_tree.units["top"], org_tree.types["policy"])
    # The generation, the names of types, units and bodies (cached per generation: read
    # here as no change has been committed in the test), the count, the page's ids, its rows.
    with django_assert_max_num_queries(5):
        response = client.get(API)
    assert len(response.json()["results"]) == 25
