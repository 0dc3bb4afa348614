"""The provider's settings read from its discovery document
(``<issuer>/.well-known/openid-configuration``, OpenID Connect Discovery 1.0), for
``manage.py oidc_discover``: the administrator gives the issuer, the command prints the
endpoints as the environment lines Styrdok reads (docs/deployment.md, "Single sign-on").

Read once, by the administrator, not when the application starts: a server that cannot
reach the provider still starts, and what it uses is what the environment says.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext as _

WELL_KNOWN = "/.well-known/openid-configuration"
# The setting each endpoint of the discovery document fills; the first four are required.
ENDPOINTS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
    "end_session_endpoint": "OIDC_OP_LOGOUT_ENDPOINT",
}
REQUIRED = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
# The signing algorithms Styrdok verifies with (mozilla-django-oidc, OIDC_RP_SIGN_ALGO), in
# the order preferred.
ALGORITHMS = ("RS256", "ES256", "PS256", "RS384", "RS512", "ES384", "ES512")


class DiscoveryError(Exception):
    """The discovery document could not be read or does not describe a usable provider."""


def _local(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def discover(issuer: str, timeout: int = 10) -> dict[str, str]:
    """The settings for the provider ``issuer`` names (``OIDC_OP_ISSUER``, the endpoints and
    ``OIDC_RP_SIGN_ALGO``), read from its discovery document and checked: the document must
    name the same issuer, every required endpoint, and https addresses (http only on this
    machine, for tests)."""
    issuer = issuer.strip().rstrip("/")
    if urlsplit(issuer).scheme not in ("https", "http") or not urlsplit(issuer).hostname:
        raise DiscoveryError(_("The issuer must be an address such as https://login.example.se."))
    try:
        response = requests.get(issuer + WELL_KNOWN, timeout=timeout)
        response.raise_for_status()
        document = response.json()
    except requests.RequestException as exc:
        raise DiscoveryError(
            _("The discovery document at %(url)s could not be read: %(error)s")
            % {"url": issuer + WELL_KNOWN, "error": exc}
        ) from exc
    except ValueError as exc:
        raise DiscoveryError(
            _("The discovery document at %(url)s is not JSON.") % {"url": issuer + WELL_KNOWN}
        ) from exc
    return _settings(issuer, document)


def _settings(issuer: str, document: object) -> dict[str, str]:
    if not isinstance(document, dict):
        raise DiscoveryError(_("The discovery document is not a JSON object."))
    named = str(document.get("issuer", "")).rstrip("/")
    if named != issuer:
        raise DiscoveryError(
            _("The discovery document names another issuer (%(named)s): check the address.")
            % {"named": named or "–"}
        )
    missing = [key for key in REQUIRED if not document.get(key)]
    if missing:
        raise DiscoveryError(
            _("The discovery document lacks %(keys)s.") % {"keys": ", ".join(missing)}
        )
    found = {"OIDC_OP_ISSUER": str(document["issuer"]), **_endpoints(document)}
    found["OIDC_RP_SIGN_ALGO"] = _algorithm(document)
    return found


def _endpoints(document: dict) -> dict[str, str]:
    found = {}
    for key, setting in ENDPOINTS.items():
        url = str(document.get(key) or "")
        if url and urlsplit(url).scheme != "https" and not _local(url):
            raise DiscoveryError(
                _("The provider's %(key)s is not an https address: %(url)s")
                % {"key": key, "url": url}
            )
        found[setting] = url
    return found


def _algorithm(document: dict) -> str:
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    usable = [algorithm for algorithm in ALGORITHMS if algorithm in offered]
    if not usable:
        raise DiscoveryError(
            _("The provider signs its tokens only with %(offered)s, which Styrdok does not verify.")
            % {"offered": ", ".join(map(str, offered))}
        )
    return usable[0]
