"""The public register's content is cached per generation of the register: the second
anonymous visit costs no register query, and any change to what it shows (a publication, a
new title, a renamed unit) is visible on the next visit, in every process."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import RegisterGeneration
from tests.factories import DocumentFactory, PublishedVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def publish(org_tree, title: str, capture) -> None:
    with capture(execute=True):  # the generation moves on when the transaction commits
        document = DocumentFactory(
            title=title, scope_unit=org_tree.units["top"], document_type=org_tree.types["policy"]
        )
        PublishedVersionFactory(document=document, title=title, valid_from=LONG_AGO)


def visit(client, **params) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("register"), params)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_the_second_visit_is_served_from_the_cache_and_a_publication_shows_at_once(
    client, org_tree, django_capture_on_commit_callbacks
):
    publish(org_tree, "Arbetsmiljöpolicy", django_capture_on_commit_callbacks)
    first, first_queries = visit(client)
    again, again_queries = visit(client)
    assert "Arbetsmiljöpolicy" in first and "Arbetsmiljöpolicy" in again
    assert again_queries == 1 < first_queries  # only the generation

    publish(org_tree, "Resepolicy", django_capture_on_commit_callbacks)
    after, _ = visit(client)
    assert "Resepolicy" in after and "Arbetsmiljöpolicy" in after


def test_a_renamed_unit_and_other_queries_are_not_served_stale(
    client, org_tree, django_capture_on_commit_callbacks
):
    publish(org_tree, "Arbetsmiljöpolicy", django_capture_on_commit_callbacks)
    visit(client)
    searched, _ = visit(client, q="arbetsmiljö")
    assert "Arbetsmiljöpolicy" in searched
    nothing, _ = visit(client, q="resor")
    assert "Arbetsmiljöpolicy" not in nothing.split("<main")[-1].split("</form>")[-1]

    unit = org_tree.units["top"]
    with django_capture_on_commit_callbacks(execute=True):
        unit.name = "Kommunen med nytt namn"
        unit.save()
    renamed, _ = visit(client)
    assert "Kommunen med nytt namn" in renamed


def test_logged_in_users_and_uncommitted_changes_are_never_served_from_the_cache(
    client, org_tree, django_capture_on_commit_callbacks
):
    publish(org_tree, "Arbetsmiljöpolicy", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        internal = DocumentFactory(
            title="Intern rutin",
            scope_unit=org_tree.units["top"],
            document_type=org_tree.types["rutin"],
            is_public=False,
        )
        PublishedVersionFactory(document=internal, title="Intern rutin", valid_from=LONG_AGO)
    public, _ = visit(client, all="1")
    assert "Intern rutin" not in public

    client.force_login(UserFactory())
    employee, _ = visit(client, all="1")
    assert "Intern rutin" in employee  # not the anonymous page from the cache

    # A change whose transaction has not committed does not move the generation.
    generation = RegisterGeneration.objects.get().value
    DocumentFactory(title="Utkast")
    assert RegisterGeneration.objects.get().value == generation
