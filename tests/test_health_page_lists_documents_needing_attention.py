"""The register's health page: for the registrar (everything) and owners (their documents)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentStatus
from tests.factories import (
    DocumentFactory,
    PositionFactory,
    PublishedVersionFactory,
    UserFactory,
)

# Today, read per test (a module-level date goes stale when a run crosses midnight).
TODAY: datetime.date
FAR: datetime.date


@pytest.fixture(autouse=True)
def _today():
    global TODAY, FAR  # noqa: PLW0603
    TODAY = timezone.localdate()
    FAR = TODAY + datetime.timedelta(days=2000)


def published(title, org_tree, *, owner, **kw):
    document = DocumentFactory(
        title=title,
        scope_unit=org_tree.units["top"],
        document_type=org_tree.types["policy"],
        owner_position=owner,
    )
    kw.setdefault("next_review", FAR)
    return PublishedVersionFactory(
        document=document, title=title, valid_from=datetime.date(2020, 1, 1), **kw
    )


@pytest.fixture
def problems(org_tree):
    owner = org_tree.positions["kommunchef"]
    vacant = PositionFactory(title="Vakant befattning", unit=org_tree.units["top"])
    overdue = published(
        "Förfallen översyn", org_tree, owner=owner, next_review=TODAY - datetime.timedelta(days=1)
    )
    soon = published(
        "Snart översyn", org_tree, owner=owner, next_review=TODAY + datetime.timedelta(days=30)
    )
    expired = published(
        "Utgången", org_tree, owner=owner, valid_until=TODAY - datetime.timedelta(days=1)
    )
    orphan_parent = published("Upphävd förälder", org_tree, owner=owner)
    child = published("Barn till upphävd", org_tree, owner=owner)
    Document.objects.filter(pk=child.document_id).update(parent=orphan_parent.document_id)
    Document.objects.filter(pk=orphan_parent.document_id).update(status=DocumentStatus.REPEALED)
    nobody = published("Ingen ansvarig", org_tree, owner=vacant)
    fine = published("Allt väl", org_tree, owner=owner)
    return {
        "overdue": overdue,
        "soon": soon,
        "expired": expired,
        "child": child,
        "nobody": nobody,
        "fine": fine,
    }


def listed(response):
    return {p.key: [d.title for d in p.documents] for p in response.context["problems"]}


def test_registrar_sees_every_kind_of_problem(client, org_tree, problems):
    client.force_login(org_tree.holders["registrator"])
    response = client.get(reverse("register_health"))
    assert response.status_code == 200
    found = listed(response)
    assert found["review_overdue"] == ["Förfallen översyn"]
    assert found["review_soon"] == ["Snart översyn"]
    assert found["expired"] == ["Utgången"]
    assert found["parent_gone"] == ["Barn till upphävd"]
    assert found["owner_vacant"] == ["Ingen ansvarig"]
    assert "Allt väl" not in response.content.decode()


def test_owner_sees_only_their_own_documents(client, org_tree, problems):
    client.force_login(org_tree.holders["kommunchef"])
    found = listed(client.get(reverse("register_health")))
    assert found["review_overdue"] == ["Förfallen översyn"]
    assert found["owner_vacant"] == []


def test_others_are_refused(client, problems):
    client.force_login(UserFactory())
    assert client.get(reverse("register_health")).status_code == 403
    client.logout()
    assert client.get(reverse("register_health")).status_code == 302


def test_a_substitute_makes_the_owner_position_occupied(client, org_tree, problems):
    from tests.factories import SubstitutionFactory

    vacant = problems["nobody"].document.owner_position
    # Around the day the page is asked for, not the day this module was imported: a run
    # that crossed midnight saw a substitution that had ended "yesterday".
    day = timezone.localdate()
    one_day = datetime.timedelta(days=1)
    SubstitutionFactory(position=vacant, start=day - one_day, end=day + one_day)
    client.force_login(org_tree.holders["registrator"])
    assert listed(client.get(reverse("register_health")))["owner_vacant"] == []
