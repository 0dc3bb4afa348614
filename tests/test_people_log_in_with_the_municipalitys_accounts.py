"""People log in with the municipality's accounts (issue 19): single sign-on with OpenID
Connect against a real provider (django-oidc-provider, started by this module in a process
of its own and reached over HTTP, tests/oidc_provider/), not a mock of the client.

A person the provider vouches for is matched to an existing user by the configured claim;
an unknown person is refused with a Swedish explanation and never created; log-out ends the
session at the provider too; an expired, a tampered or a replayed answer logs nobody in.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from audit.models import AuditEntry
from tests.factories import UserFactory
from tests.oidc_provider.process import Provider, running_provider

User = get_user_model()


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Provider:
    with running_provider("http://testserver", tmp_path_factory.mktemp("provider")) as p:
        yield p


@pytest.fixture
def sso(provider, settings) -> Provider:
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.STYRDOK_LOCAL_LOGIN = "admins-only"
    provider.new_browser()  # nobody is signed in at the provider yet
    return provider


@pytest.fixture
def anna(db):
    return UserFactory(username="anna.a", email="Anna.Andersson@kommun.example")


def start(app: Client, next_page: str = "/work/") -> str:
    response = app.get("/oidc/authenticate/", {"next": next_page})
    assert response.status_code == 302
    return response.url


def come_back(app: Client, location: str):
    """The browser arrives back at Styrdok's callback with what the provider sent."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == "http://testserver", location
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return app.get(parts.path, query)


def sign_in(app: Client, provider: Provider, username: str, next_page: str = "/work/"):
    return come_back(app, provider.sign_in_and_authorize(start(app, next_page), username))


def logged_in_user(app: Client):
    return app.get("/").context["user"]


def test_the_log_in_page_offers_the_municipality_account(sso, db):
    page = Client().get("/login/?next=/work/").content.decode()

    assert "Logga in med kommunens konto" in page
    assert 'href="/oidc/authenticate/?next=/work/"' in page
    assert "Endast administratörer kan logga in med lösenord" in page


def test_a_known_person_logs_in_through_the_provider(sso, anna):
    app = Client()
    authorize = start(app, "/work/")
    assert authorize.startswith(f"{sso.issuer}/authorize?")
    asked = parse_qs(urlsplit(authorize).query)
    assert asked["state"][0] and asked["nonce"][0] and asked["code_challenge"][0]
    app.get("/")
    before = app.session.session_key

    response = come_back(app, sso.sign_in_and_authorize(authorize, "anna"))

    assert response.status_code == 302 and response.url == "/work/"
    assert logged_in_user(app) == anna
    assert app.session.session_key != before  # a new session at log-in
    assert app.get("/work/").status_code == 200
    entry = AuditEntry.objects.get(action="login")
    assert (entry.actor, entry.comment) == (anna, "sso")
    assert User.objects.count() == 1


def test_people_can_be_matched_by_user_name(sso, db, settings):
    settings.OIDC_MATCH_CLAIM = "preferred_username"
    settings.OIDC_MATCH_FIELD = "username"
    anna = UserFactory(username="anna", email="another.address@example.invalid")

    response = sign_in(Client(), sso, "anna")

    assert response.status_code == 302
    assert AuditEntry.objects.get(action="login").actor == anna


def test_an_unknown_person_is_refused_and_never_created(sso, anna):
    app = Client()
    users_before = User.objects.count()

    response = sign_in(app, sso, "okand")

    assert response.status_code == 403
    page = response.content.decode()
    assert "ingen användare i Styrdok har e-postadressen okand.person@kommun.example" in page
    assert "Styrdok skapar inte konton själv" in page
    assert User.objects.count() == users_before
    assert not logged_in_user(app).is_authenticated
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.target_label == "okand.person@kommun.example"
    assert "unknown" in failed.comment


def test_a_person_whose_account_is_switched_off_is_refused(sso, anna):
    anna.is_active = False
    anna.save()

    response = sign_in(Client(), sso, "anna")

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="login").exists()


def test_log_out_ends_the_session_at_the_provider_too(sso, anna):
    app = Client()
    sign_in(app, sso, "anna")

    response = app.post("/logout/")

    assert response.status_code == 302
    assert response.url.startswith(f"{sso.issuer}/end-session?")
    sent = parse_qs(urlsplit(response.url).query)
    assert sent["post_logout_redirect_uri"] == ["http://testserver/"]
    assert sent["id_token_hint"][0].count(".") == 2
    assert not logged_in_user(app).is_authenticated
    at_provider = sso.get(response.url)
    assert at_provider.status_code == 302
    assert at_provider.headers["Location"] == "http://testserver/"
    # Signed out there too: the next log-in asks for the password again.
    again = sso.get(start(app))
    assert again.status_code == 302 and again.headers["Location"].startswith("/login/")
    assert AuditEntry.objects.filter(action="logout", actor=anna).count() == 1


def test_a_second_log_in_while_signed_in_at_the_provider_asks_nothing(sso, anna):
    sign_in(Client(), sso, "anna")
    other_app = Client()

    answer = sso.get(start(other_app))  # the provider remembers the person

    assert answer.headers["Location"].startswith("http://testserver/oidc/callback/?code=")
    assert come_back(other_app, answer.headers["Location"]).status_code == 302
    assert logged_in_user(other_app) == anna


def test_an_expired_token_is_refused(sso, db):
    UserFactory(username="sen", email="sen@kommun.example")
    app = Client()

    response = sign_in(app, sso, "sen")

    assert response.status_code == 403
    assert "kunde inte godtas" in response.content.decode()
    assert not logged_in_user(app).is_authenticated
    assert "(token)" in AuditEntry.objects.get(action="login_failed").comment


def test_a_tampered_token_is_refused(sso, db):
    # Known to Styrdok: the only thing wrong is the token's broken signature.
    UserFactory(username="fiffel", email="fiffel@kommun.example")
    app = Client()

    response = sign_in(app, sso, "fiffel")

    assert response.status_code == 403
    assert "kunde inte godtas" in response.content.decode()
    assert not logged_in_user(app).is_authenticated
    assert not AuditEntry.objects.filter(action="login").exists()


def test_a_token_from_another_issuer_is_refused(sso, anna, settings):
    app = Client()
    callback = sso.sign_in_and_authorize(start(app), "anna")
    settings.OIDC_OP_ISSUER = "http://someone-else.example/openid"

    response = come_back(app, callback)

    assert response.status_code == 403
    assert not logged_in_user(app).is_authenticated


def test_an_answer_this_browser_did_not_ask_for_is_refused(sso, anna):
    victim = Client()
    victim.get("/")
    attacker = Client()
    callback = sso.sign_in_and_authorize(start(attacker), "anna")

    forged = come_back(victim, callback)  # another browser's state and code

    assert forged.status_code == 403
    assert "påbörjades i ett annat webbläsarfönster" in forged.content.decode()
    assert not logged_in_user(victim).is_authenticated


def test_an_answer_used_twice_is_refused(sso, anna):
    app = Client()
    callback = sso.sign_in_and_authorize(start(app), "anna")
    assert come_back(app, callback).status_code == 302
    app.post("/logout/")

    replayed = come_back(app, callback)

    assert replayed.status_code == 403
    assert not logged_in_user(app).is_authenticated


def test_a_provider_that_stops_the_log_in_gets_a_swedish_page(sso, anna):
    app = Client()
    state = parse_qs(urlsplit(start(app)).query)["state"][0]

    response = app.get("/oidc/callback/", {"error": "access_denied", "state": state})

    assert response.status_code == 403
    assert "Kommunens inloggningstjänst avbröt inloggningen" in response.content.decode()


def test_without_single_sign_on_its_addresses_do_not_exist(db, settings):
    settings.OIDC_ENABLED = False

    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404
    assert "kommunens konto" not in Client().get("/login/").content.decode()


def test_repeated_refusals_lock_the_address_as_failed_passwords_do(sso, anna, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), sso, "okand")
        sso.new_browser()

    app = Client()
    locked = sign_in(app, sso, "anna")

    assert locked.status_code == 429
    assert "Inloggningen är tillfälligt spärrad" in locked.content.decode()
    assert not logged_in_user(app).is_authenticated


def _renewal_due(app: Client) -> None:
    session = app.session
    session["oidc_id_token_expiration"] = 0
    session.save()


def test_a_session_from_the_provider_is_renewed_there_without_a_prompt(sso, anna):
    app = Client()
    sign_in(app, sso, "anna")
    _renewal_due(app)

    renewal = app.get("/work/?q=x")

    assert renewal.status_code == 302 and renewal.url.startswith(f"{sso.issuer}/authorize?")
    assert parse_qs(urlsplit(renewal.url).query)["prompt"] == ["none"]
    back = come_back(app, sso.get(renewal.url).headers["Location"])
    assert back.status_code == 302 and back.url == "/work/?q=x"
    assert logged_in_user(app) == anna
    assert app.get("/work/").status_code == 200
    assert AuditEntry.objects.filter(action="login").count() == 1  # the same log-in


def test_a_person_signed_out_at_the_provider_is_signed_out_here_at_the_renewal(sso, anna):
    app = Client()
    sign_in(app, sso, "anna")
    sso.new_browser()  # the provider no longer knows this browser
    _renewal_due(app)

    renewal = app.get("/work/")
    answer = sso.get(renewal.url).headers["Location"]
    assert "error=login_required" in answer
    back = come_back(app, answer)

    assert back.status_code == 302 and back.url == "/login/?next=/work/"
    page = app.get(back.url).content.decode()
    assert "Din inloggning hos kommunen har upphört" in page
    assert not logged_in_user(app).is_authenticated


def test_a_password_session_is_not_sent_to_the_provider(sso, db):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    admin.set_password("ett-långt-lösenord-1")
    admin.save()
    app = Client()
    app.post("/login/", {"username": "admin", "password": "ett-långt-lösenord-1"})

    assert app.get("/work/").status_code == 200


def test_two_users_with_the_address_are_refused_rather_than_guessed(sso, anna):
    UserFactory(username="anna.b", email="anna.andersson@KOMMUN.example")
    app = Client()

    response = sign_in(app, sso, "anna")

    assert response.status_code == 403
    assert "Fler än en användare i Styrdok matchar" in response.content.decode()
    assert not logged_in_user(app).is_authenticated


def test_a_provider_that_does_not_send_the_matching_claim_is_refused(sso, anna, settings):
    settings.OIDC_MATCH_CLAIM = "upn"  # this provider sends no such claim

    response = sign_in(Client(), sso, "anna")

    assert response.status_code == 403
    assert "skickade inte den uppgift" in response.content.decode()
