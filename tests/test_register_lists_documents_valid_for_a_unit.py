"""The register: what is valid today, for a unit, on a date, filtered, paged; who sees what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.services import repeal_document
from tests.factories import (
    DecisionFactory,
    DocumentFactory,
    DocumentVersionFactory,
    PositionHoldingFactory,
    PublishedVersionFactory,
    UserFactory,
)

# Today, read per test (a module-level date goes stale when a run crosses midnight).
TODAY: datetime.date


@pytest.fixture(autouse=True)
def _today():
    global TODAY  # noqa: PLW0603
    TODAY = timezone.localdate()


LONG_AGO = datetime.date(2020, 1, 1)


def publish(title, scope, doc_type, *, valid_from=LONG_AGO, public=True, document=None, **kw):
    document = document or DocumentFactory(
        title=title, scope_unit=scope, document_type=doc_type, is_public=public
    )
    kw.setdefault("next_review", TODAY + datetime.timedelta(days=1000))
    return PublishedVersionFactory(document=document, title=title, valid_from=valid_from, **kw)


@pytest.fixture
def register(org_tree):
    t = org_tree.types
    u = org_tree.units
    docs = {
        "policy": publish("Arbetsmiljöpolicy", u["top"], t["policy"]),
        "riktlinje": publish("Riktlinje för förskolans måltider", u["sector"], t["riktlinje"]),
        "rutin": publish("Rutin för brandlarm Solrosen", u["unit"], t["rutin"], public=False),
        "company": publish("Bolagets ägarpolicy", u["company"], t["policy"]),
    }
    draft = DocumentFactory(
        title="Utkast till policy", scope_unit=u["top"], document_type=t["policy"]
    )
    DocumentVersionFactory(document=draft, title=draft.title)
    return docs


def titles(response):
    return [v.title for v in response.context["page"].object_list]


def test_public_register_shows_valid_public_documents_only(client, register):
    response = client.get(reverse("register"))
    assert response.status_code == 200
    assert titles(response) == [
        "Arbetsmiljöpolicy",
        "Bolagets ägarpolicy",
        "Riktlinje för förskolans måltider",
    ]
    body = response.content.decode()
    assert "Rutin för brandlarm" not in body  # internal
    assert "Utkast till policy" not in body  # never drafts


def test_employee_also_sees_internal_documents(client, register):
    client.force_login(UserFactory())
    response = client.get(reverse("register"), {"all": "1"})
    assert "Rutin för brandlarm Solrosen" in titles(response)


def test_applies_to_unit_includes_documents_of_every_unit_above(client, org_tree, register):
    client.force_login(UserFactory())
    response = client.get(reverse("register"), {"unit": org_tree.units["unit"].pk})
    assert titles(response) == [
        "Arbetsmiljöpolicy",
        "Riktlinje för förskolans måltider",
        "Rutin för brandlarm Solrosen",
    ]
    # The company's policy applies to the company only.
    response = client.get(reverse("register"), {"unit": org_tree.units["company"].pk})
    assert titles(response) == ["Arbetsmiljöpolicy", "Bolagets ägarpolicy"]


def test_manager_lands_on_documents_valid_for_their_unit(client, org_tree, register):
    chief = org_tree.holders["enhetschef"]
    client.force_login(chief)
    response = client.get(reverse("register"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?unit={org_tree.units['unit'].pk}")


def test_valid_on_a_date_shows_the_version_that_applied_then(client, org_tree, register):
    old = register["policy"]
    document = old.document
    new = publish(
        "Arbetsmiljöpolicy (reviderad)",
        None,
        None,
        document=document,
        valid_from=datetime.date(2024, 1, 1),
    )
    old.refresh_from_db()
    assert old.status == "superseded"
    today = client.get(reverse("register"), {"type": org_tree.types["policy"].pk})
    assert new.title in titles(today) and old.title not in titles(today)
    then = client.get(
        reverse("register"), {"type": org_tree.types["policy"].pk, "valid_on": "2023-03-01"}
    )
    assert old.title in titles(then) and new.title not in titles(then)


def test_status_filters_repealed_and_superseded(client, org_tree, register):
    version = register["riktlinje"]
    decision = DecisionFactory(
        document=version.document, version=version, kind="repeal", body=org_tree.bodies["namnd"]
    )
    from django.db import transaction

    with transaction.atomic():
        repeal_document(version.document, decision)
    assert "Riktlinje för förskolans måltider" not in titles(client.get(reverse("register")))
    repealed = client.get(reverse("register"), {"status": "repealed"})
    assert titles(repealed) == ["Riktlinje för förskolans måltider"]


def test_review_due_before_a_date(client, org_tree, register):
    soon = register["policy"]
    soon.next_review = TODAY + datetime.timedelta(days=10)
    soon.save(update_fields=["next_review"])
    response = client.get(
        reverse("register"), {"review_before": (TODAY + datetime.timedelta(days=30)).isoformat()}
    )
    assert titles(response) == ["Arbetsmiljöpolicy"]


def test_sorting_by_valid_from(client, org_tree):
    t, u = org_tree.types, org_tree.units
    publish("B", u["top"], t["policy"], valid_from=datetime.date(2021, 1, 1))
    publish("A", u["top"], t["policy"], valid_from=datetime.date(2022, 1, 1))
    assert titles(client.get(reverse("register"))) == ["A", "B"]
    assert titles(client.get(reverse("register"), {"sort": "-valid_from"})) == ["A", "B"]
    assert titles(client.get(reverse("register"), {"sort": "valid_from"})) == ["B", "A"]


@pytest.mark.parametrize(
    "params",
    [
        {"valid_on": "not a date"},
        {"unit": "999999"},
        {"type": "x"},
        {"status": "bogus"},
        {"sort": "password"},
        {"page": "-3"},
    ],
)
def test_bad_filter_input_gets_a_clear_answer_not_an_error(client, register, params):
    response = client.get(reverse("register"), params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert b"errorlist" in response.content


def test_register_page_runs_a_fixed_number_of_queries(
    client, org_tree, django_assert_max_num_queries
):
    for n in range(30):
        publish(f"Policy {n:02}", org_tree.units["top"], org_tree.types["policy"])
    PositionHoldingFactory(user=(user := UserFactory()), position=org_tree.positions["enhetschef"])
    client.force_login(user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("register"), {"unit": org_tree.units["unit"].pk})
    assert len(response.context["page"].object_list) == 25
