"""An administrator gives the provider's issuer and `manage.py oidc_discover` prints the
endpoints as the environment lines Styrdok reads, read from the provider's discovery
document (a real provider, tests/oidc_provider/, over HTTP); `--check` says where the
settings in use differ. A document that names another issuer, lacks an endpoint, offers
http addresses or only algorithms Styrdok cannot verify is refused, saying why."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from config.sso_discovery import DiscoveryError, _settings, discover
from tests.oidc_provider.process import Provider, running_provider

ENDPOINT_SETTINGS = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_LOGOUT_ENDPOINT",
)


@pytest.fixture(autouse=True)
def in_english():
    """The messages are matched in their source language (the suite runs in Swedish)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Provider:
    with running_provider("http://testserver", tmp_path_factory.mktemp("provider")) as p:
        yield p


def test_the_endpoints_are_those_the_provider_serves(provider):
    found = discover(provider.issuer)

    expected = provider.settings()
    assert {name: found[name] for name in ENDPOINT_SETTINGS} == {
        name: expected[name] for name in ENDPOINT_SETTINGS
    }
    assert found["OIDC_RP_SIGN_ALGO"] == "RS256"


def test_the_command_prints_environment_lines_and_checks_the_settings(provider, settings):
    out = io.StringIO()
    call_command("oidc_discover", provider.issuer + "/", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert lines["OIDC_OP_TOKEN_ENDPOINT"] == f"{provider.issuer}/token"

    for name, value in lines.items():
        setattr(settings, name, value)
    agreed = io.StringIO()
    call_command("oidc_discover", provider.issuer, "--check", stdout=agreed)
    assert "agree" in agreed.getvalue()

    settings.OIDC_OP_JWKS_ENDPOINT = "https://old.example.se/jwks"
    told = io.StringIO()
    with pytest.raises(CommandError):
        call_command("oidc_discover", provider.issuer, "--check", stderr=told)
    assert "OIDC_OP_JWKS_ENDPOINT" in told.getvalue()
    assert "https://old.example.se/jwks" in told.getvalue()


@pytest.mark.parametrize(
    "issuer",
    ["http://127.0.0.1:9/nobody", "not an address", "ftp://login.example.se"],
)
def test_an_issuer_that_cannot_be_read_is_refused(issuer):
    with pytest.raises(CommandError):
        call_command("oidc_discover", issuer)


def test_a_wrong_path_at_the_provider_is_refused(provider):
    with pytest.raises(DiscoveryError, match="could not be read"):
        discover(provider.url + "/no-such-issuer")


GOOD = {
    "issuer": "https://login.example.se",
    "authorization_endpoint": "https://login.example.se/authorize",
    "token_endpoint": "https://login.example.se/token",
    "userinfo_endpoint": "https://login.example.se/userinfo",
    "jwks_uri": "https://login.example.se/jwks",
    "id_token_signing_alg_values_supported": ["HS256", "ES256"],
}


@pytest.mark.parametrize(
    "change, why",
    [
        ({"issuer": "https://other.example.se"}, "another issuer"),
        ({"token_endpoint": ""}, "lacks token_endpoint"),
        ({"jwks_uri": "http://login.example.se/jwks"}, "not an https address"),
        ({"id_token_signing_alg_values_supported": ["HS256"]}, "does not verify"),
    ],
)
def test_a_document_styrdok_cannot_use_is_refused_saying_why(change, why):
    with pytest.raises(DiscoveryError, match=why):
        _settings("https://login.example.se", {**GOOD, **change})


def test_a_good_document_gives_the_algorithm_styrdok_verifies_and_no_logout_if_none():
    found = _settings("https://login.example.se", GOOD)

    assert found["OIDC_RP_SIGN_ALGO"] == "ES256"
    assert found["OIDC_OP_LOGOUT_ENDPOINT"] == ""
    with pytest.raises(DiscoveryError, match="not a JSON object"):
        _settings("https://login.example.se", ["not", "an", "object"])
