"""The error pages (400, 403, 404, 500) and the log-in lock are Styrdok's own pages, in
Swedish, each with a way back. A handläggare who opens the registrar's desk gets our 403
with the reason, not the workflow library's English page. The 500 page is rendered
without the database and without context processors."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.factories import UserFactory

PASSWORD = "ett-långt-lösenord-1"
ENGLISH = [
    "Access Forbidden",
    "LOG IN AS ANOTHER USER",
    "Not Found",
    "Server Error",
    "Page not found",
]


@pytest.fixture
def swedish_client():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "sv"
    return client


def _has_way_back(html: str) -> bool:
    return 'href="/"' in html and "Till startsidan" in html


def test_a_handlaggare_opening_the_desk_gets_our_swedish_403_with_the_reason(town, swedish_client):
    swedish_client.force_login(town.users["hrstrateg"])
    response = swedish_client.get(reverse("workflows:desk"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Du har inte behörighet till den här sidan" in html
    assert "Endast registratorn och de politiska organens sekreterare ser skrivbordet." in html
    assert 'class="skip-link"' in html  # our base template, not viewflow's
    assert "Till mina uppgifter" in html
    assert _has_way_back(html)
    for english in ENGLISH:
        assert english not in html


def test_an_unknown_address_gets_our_swedish_404(db, swedish_client):
    response = swedish_client.get("/finns-inte/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Sidan kunde inte hittas" in html
    assert "Logga in" in html  # an anonymous visitor is offered the log-in
    assert _has_way_back(html)
    for english in ENGLISH:
        assert english not in html


def test_a_missing_case_is_our_404_for_a_logged_in_person(town, swedish_client):
    swedish_client.force_login(town.users["hrstrateg"])
    response = swedish_client.get(reverse("workflows:case", args=[987654]))
    assert response.status_code == 404
    assert "Sidan kunde inte hittas" in response.content.decode()


def test_the_500_page_is_swedish_and_needs_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="sv">' in html
    assert "Något gick fel" in html
    assert "Inget som du sparat tidigare har gått förlorat" in html
    assert _has_way_back(html)


def test_the_400_page_is_swedish(db):
    response = defaults.bad_request(RequestFactory().get("/"), Exception("trasig"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Begäran kunde inte hanteras" in html
    assert _has_way_back(html)
    assert "trasig" not in html


def test_the_log_in_lock_is_our_swedish_page_with_a_way_back(db, settings, swedish_client):
    user = UserFactory(username="cecilia")
    user.set_password(PASSWORD)
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = swedish_client.post(
            "/login/", {"username": "cecilia", "password": "fel"}, REMOTE_ADDR="10.0.9.1"
        )
    html = response.content.decode()
    assert response.status_code == 429
    assert "Inloggningen är tillfälligt spärrad" in html
    assert "De offentliga sidorna kan du fortfarande läsa utan att logga in." in html
    assert _has_way_back(html)
