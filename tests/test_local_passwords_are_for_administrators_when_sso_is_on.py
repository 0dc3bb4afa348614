"""Local passwords remain for administrators as a break-glass path and can be switched off
for everyone else (``LOCAL_LOGIN``: all, admins-only, none; issue 19). The rule is enforced
in the authentication backend: the log-in form, the admin's log-in page and a direct call
to ``authenticate`` all refuse alike. django-axes still throttles password log-ins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from tests.factories import UserFactory

PASSWORD = "ett-långt-lösenord-1"
WRONG = "fel-lösenord-hemligt"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sso_on(settings):
    settings.OIDC_ENABLED = True
    settings.STYRDOK_LOCAL_LOGIN = "admins-only"
    return settings


def _person(username: str, **kwargs):
    user = UserFactory(username=username, **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def admin(db):
    return _person("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def bertil(db):
    return _person("bertil")


def log_in(username: str, password: str = PASSWORD, *, path: str = "/login/"):
    client = Client()
    response = client.post(path, {"username": username, "password": password})
    return response, client


def test_with_admins_only_an_administrator_logs_in_with_a_password(sso_on, admin):
    response, client = log_in("admin")

    assert response.status_code == 302
    assert client.get("/").context["user"] == admin


def test_with_admins_only_everyone_else_is_refused_even_with_the_right_password(sso_on, bertil):
    response, client = log_in("bertil")

    assert response.status_code == 200
    assert "Användarnamnet och lösenordet stämmer inte" in response.content.decode()
    assert not client.get("/").context["user"].is_authenticated


def test_the_refusal_is_in_the_backend_not_only_in_the_form(sso_on, bertil, admin):
    request = RequestFactory().post("/login/")

    assert authenticate(request, username="bertil", password=PASSWORD) is None
    assert authenticate(request, username="admin", password=PASSWORD) == admin


def test_the_admin_log_in_page_refuses_too(sso_on, db):
    _person("staffer", is_staff=True)  # may use the admin, but is no administrator

    response, client = log_in("staffer", path="/admin/login/?next=/admin/")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_with_none_administrators_are_refused_too(sso_on, admin):
    sso_on.STYRDOK_LOCAL_LOGIN = "none"

    response, _ = log_in("admin")
    page = Client().get("/login/").content.decode()

    assert response.status_code == 200
    assert 'name="password"' not in page
    assert "Logga in med kommunens konto" in page


def test_with_all_everyone_keeps_their_password(sso_on, bertil):
    sso_on.STYRDOK_LOCAL_LOGIN = "all"

    response, _ = log_in("bertil")

    assert response.status_code == 302


def test_switching_passwords_off_ends_sessions_opened_with_one(settings, bertil):
    settings.STYRDOK_LOCAL_LOGIN = "all"
    _, client = log_in("bertil")
    assert client.get("/").context["user"] == bertil

    settings.OIDC_ENABLED = True
    settings.STYRDOK_LOCAL_LOGIN = "admins-only"

    assert not client.get("/").context["user"].is_authenticated


def test_axes_still_locks_out_repeated_failures(sso_on, admin, settings):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        log_in("admin", WRONG)

    response, _ = log_in("admin")

    assert response.status_code == 429
    assert "Inloggningen är tillfälligt spärrad" in response.content.decode()


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        ({"LOCAL_LOGIN": "admins-only"}, "needs OIDC_ENABLED=true"),
        ({"LOCAL_LOGIN": "some"}, "choose one of all, admins-only, none"),
        ({"OIDC_ENABLED": "true"}, "OIDC_ENABLED=true needs OIDC_OP_AUTHORIZATION_ENDPOINT"),
    ],
)
def test_settings_that_would_lock_people_out_stop_the_start(environment, complaint):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "LOCAL_LOGIN"))}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert complaint in result.stderr


def test_the_provider_s_log_out_address_is_allowed_after_the_log_out_form():
    # Browsers hold the redirect after a form to the policy's form-action: without the
    # provider there, log-out would end the session here but not at the provider
    # (tests/test_browser_person_logs_in_with_the_municipality_account.py).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "LOCAL_LOGIN"))}
    env.update(
        OIDC_ENABLED="true",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://login.kommun.example/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://login.kommun.example/token",
        OIDC_OP_USER_ENDPOINT="https://login.kommun.example/userinfo",
        OIDC_OP_JWKS_ENDPOINT="https://login.kommun.example/jwks",
        OIDC_OP_LOGOUT_ENDPOINT="https://login.kommun.example/logout?x=1",
        OIDC_RP_CLIENT_ID="styrdok",
        OIDC_RP_CLIENT_SECRET="secret",
    )
    code = "import config.settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'], s.STYRDOK_LOCAL_LOGIN)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.strip() == "[\"'self'\", 'https://login.kommun.example'] admins-only"
