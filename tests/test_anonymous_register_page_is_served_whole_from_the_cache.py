"""An anonymous visitor's register page is cached whole (frame included) and a hit is sent
before any filter or queryset is built: it costs one query (the register's generation),
shows a change at once, fills in the visitor's own CSRF token and path, never another's
token or messages, keeps languages apart, and is never served to someone logged in."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.cache import _bump_now
from tests.factories import DocumentFactory, PublishedVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 1, 1)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(org_tree, django_capture_on_commit_callbacks):
    def publish(title: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):  # the generation moves on
            document = DocumentFactory(
                title=title,
                scope_unit=org_tree.units["top"],
                document_type=org_tree.types["policy"],
            )
            PublishedVersionFactory(document=document, title=title, valid_from=LONG_AGO)

    publish("Arbetsmiljöpolicy")
    return publish


def visit(client, path: str = "", **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("register") + path, params)
    assert response.status_code == 200
    return response, len(captured)


def without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


def test_a_hit_costs_one_query_and_is_the_page_a_miss_renders(published):
    first, first_queries = visit(Client())
    again, again_queries = visit(Client())
    assert again_queries == 1 < first_queries  # the generation only
    assert again.context is None  # no template rendered
    assert without_tokens(again.content.decode()) == without_tokens(first.content.decode())
    assert "Arbetsmiljöpolicy" in again.content.decode()
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Language"] == "sv"


def test_a_change_is_shown_on_the_next_visit_never_the_stale_page(published):
    visit(Client())
    visit(Client())
    published("Resepolicy")
    after, queries = visit(Client())
    assert queries > 1  # rendered again for the new generation
    assert "Resepolicy" in after.content.decode()
    cached, queries = visit(Client())
    assert queries == 1 and "Resepolicy" in cached.content.decode()


def test_each_visitor_gets_a_token_for_their_own_csrf_cookie(published):
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    visit(alice)  # rendered and cached
    page, queries = visit(bob)  # served from the cache
    assert queries == 1
    token = TOKEN.search(page.content.decode()).group(1)
    bob_secret = bob.cookies[settings.CSRF_COOKIE_NAME].value
    alice_secret = alice.cookies[settings.CSRF_COOKIE_NAME].value
    assert alice_secret != bob_secret
    assert _unmask_cipher_token(token) == bob_secret

    # The language switcher on the cached page works for Bob, and its token is no use to Alice.
    switch = {"language": "en", "next": reverse("register"), "csrfmiddlewaretoken": token}
    assert bob.post(reverse("set_language"), switch).status_code == 302
    assert alice.post(reverse("set_language"), switch).status_code == 403


def test_the_switchers_next_is_the_visitors_own_path(published):
    visit(Client(), q="arbetsmiljö policy")
    raw = "?q=arbetsmilj%C3%B6%20policy"  # the same query, spelled differently
    response = Client().get(reverse("register") + raw)
    html = response.content.decode()
    assert response.context is None  # from the cache
    assert f'name="next" type="hidden" value="{reverse("register")}{raw}"' in html


def message_cookie(text: str) -> str:
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.INFO, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies[storage.cookie_name].value


def test_messages_are_shown_once_to_their_visitor_and_never_cached(published):
    visit(Client())  # cached
    alice = Client()
    alice.cookies[CookieStorage.cookie_name] = message_cookie("Hej Alice")
    page, _ = visit(alice)
    assert "Hej Alice" in page.content.decode()
    again, _ = visit(alice)
    assert "Hej Alice" not in again.content.decode()  # shown once

    bob, queries = visit(Client())
    assert queries == 1 and "Hej Alice" not in bob.content.decode()


def test_a_page_first_rendered_with_a_message_is_not_cached_with_it(published):
    alice = Client()
    alice.cookies[CookieStorage.cookie_name] = message_cookie("Hej Alice")
    assert "Hej Alice" in visit(alice)[0].content.decode()
    for _ in range(2):
        bob, _queries = visit(Client())
        assert "Hej Alice" not in bob.content.decode()


def test_each_language_has_its_own_page(published):
    swedish, english = Client(), Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(2):  # rendered, then from the cache
        sv_page, _ = visit(swedish)
        en_page, _ = visit(english)
        assert "Register över styrdokument" in sv_page.content.decode()
        assert '<html lang="sv">' in sv_page.content.decode()
        assert "Register of governing documents" in en_page.content.decode()
        assert '<html lang="en">' in en_page.content.decode()
        assert en_page["Content-Language"] == "en"


def test_logged_in_users_are_never_served_the_anonymous_page(org_tree, published):
    with_internal = {"all": "1"}
    visit(Client(), **with_internal)
    visit(Client(), **with_internal)  # cached

    employee = Client()
    employee.force_login(UserFactory(first_name="Eva", last_name="Ek"))
    page, queries = visit(employee, **with_internal)
    html = page.content.decode()
    assert queries > 1 and page.context is not None
    assert "Eva Ek" in html and "Logga ut" in html
    # The log-out form's token, the switcher's and the follow-this-search form's are the
    # employee's own.
    secret = employee.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = TOKEN.findall(html)
    assert len(tokens) == 3
    assert all(_unmask_cipher_token(token) == secret for token in tokens)


def test_without_a_generation_nothing_is_cached(org_tree):
    from documents.models import RegisterGeneration

    RegisterGeneration.objects.all().delete()
    _first, first_queries = visit(Client())
    _again, again_queries = visit(Client())
    assert again_queries == first_queries > 1
    _bump_now()
    visit(Client())
    assert visit(Client())[1] == 1
