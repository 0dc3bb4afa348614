"""Searching the register: Swedish words, combined with the register's filters, in the page and the API."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import DocumentFactory, PublishedVersionFactory, UserFactory


def publish(title, body, scope, doc_type, *, public=True):
    document = DocumentFactory(
        title=title, scope_unit=scope, document_type=doc_type, is_public=public
    )
    return PublishedVersionFactory(
        document=document, title=title, body=body, valid_from=datetime.date(2020, 1, 1)
    )


@pytest.fixture
def register(org_tree):
    t, u = org_tree.types, org_tree.units
    publish("Rutiner för brandlarm", "<p>Utrymning och återsamling.</p>", u["unit"], t["rutin"])
    publish("Arbetsmiljöpolicy", "<p>Alla rutinerna följs upp varje år.</p>", u["top"], t["policy"])
    publish("Bolagets rutin", "<p>Gäller bolaget.</p>", u["company"], t["rutin"])
    publish(
        "Samverkan i förskolan",
        "<p>Samverkansgruppen träffas varje månad.</p>",
        u["sector"],
        t["riktlinje"],
    )


def titles(response):
    return [v.title for v in response.context["page"].object_list]


def test_inflected_word_finds_every_form_title_hits_first(client, register):
    response = client.get(reverse("register"), {"q": "rutin", "all": "1"})
    assert titles(response)[:2] in (
        ["Rutiner för brandlarm", "Bolagets rutin"],
        ["Bolagets rutin", "Rutiner för brandlarm"],
    )
    assert titles(response)[-1] == "Arbetsmiljöpolicy"  # a body hit ranks below title hits
    assert "<mark>rutinerna</mark>" in response.content.decode()


def test_search_combines_with_the_unit_filter(client, org_tree, register):
    response = client.get(
        reverse("register"), {"q": "rutinerna", "unit": org_tree.units["unit"].pk}
    )
    assert sorted(titles(response)) == ["Arbetsmiljöpolicy", "Rutiner för brandlarm"]


def test_compound_word_and_prefix_as_you_type(client, register):
    assert titles(client.get(reverse("register"), {"q": "samverkansgrupp"})) == [
        "Samverkan i förskolan"
    ]
    assert "Samverkan i förskolan" in titles(client.get(reverse("register"), {"q": "samverkansgr"}))


def test_the_api_searches_the_same_way(client, org_tree, register):
    response = client.get(
        "/api/v1/register/", {"q": "rutinerna", "unit": org_tree.units["unit"].pk}
    )
    assert sorted(row["title"] for row in response.json()["results"]) == [
        "Arbetsmiljöpolicy",
        "Rutiner för brandlarm",
    ]


def test_search_page_runs_a_fixed_number_of_queries(
    client, org_tree, django_assert_max_num_queries
):
    for n in range(30):
        publish(
            f"Rutin {n:02}",
            "<p>Rutinen gäller alla.</p>",
            org_tree.units["top"],
            org_tree.types["rutin"],
        )
    client.force_login(UserFactory())
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("register"), {"q": "rutinerna", "unit": org_tree.units["unit"].pk}
        )
    assert len(response.context["page"].object_list) == 25
