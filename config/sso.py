"""Log-in with the municipality's accounts (OpenID Connect, mozilla-django-oidc) and the
rule on local passwords (docs/deployment.md, "Single sign-on").

- ``OIDCBackend`` matches the person the provider vouches for to an existing, active user
  by one claim (``OIDC_MATCH_CLAIM`` against the user field ``OIDC_MATCH_FIELD``). Nobody is
  ever created; an unknown person is refused with a Swedish page that says why.
- ``LocalPasswordBackend`` is Django's password log-in, allowed only to the people
  ``documents.access.may_log_in_with_password`` names (``LOCAL_LOGIN``): the refusal is
  made here, in the backend, so the log-in form, the admin's log-in and any other door
  that authenticates with a password are all bound by it.
- ``CallbackView`` turns every failure of the provider's answer (unknown state, an error
  from the provider, a token that does not verify) into that page, never a server error.
- ``provider_logout_url`` ends the session at the provider too (its end_session_endpoint).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from documents import access
from org.selectors import users_matching_sign_in

logger = logging.getLogger(__name__)

# Why a log-in through the provider was refused: the key the refusal page shows.
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
CLAIM_MISSING = "claim_missing"
TOKEN = "token"
PROVIDER = "provider"
EXPIRED_ATTEMPT = "attempt"
# The provider's answers to a silent renewal (prompt=none) when the person must log in again.
RENEWAL_REFUSED = ("login_required", "interaction_required", "consent_required")
CALLBACK = "oidc_authentication_callback"

REFUSAL_ATTRIBUTE = "styrdok_sso_refusal"
CLAIM_ATTRIBUTE = "styrdok_sso_claim"
# Set on the request of a successful SSO log-in, for the audit entry (workflows.signals).
METHOD_ATTRIBUTE = "styrdok_login_method"


def _refuse(request: HttpRequest, reason: str, detail: object = "") -> None:
    setattr(request, REFUSAL_ATTRIBUTE, reason)
    logger.warning("single sign-on refused (%s): %s", reason, detail)


class LocalPasswordBackend(ModelBackend):
    """Password log-in, for the people ``LOCAL_LOGIN`` allows it.

    ``user_can_authenticate`` is also asked when a session's user is loaded: switching
    passwords off for someone ends the sessions they opened with a password.
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and access.may_log_in_with_password(user)


class OIDCBackend(OIDCAuthenticationBackend):
    """The provider's answer to a user of Styrdok: verified, matched, never created."""

    # Django's: only active users are loaded into a session (mozilla's loads any).
    get_user = ModelBackend.get_user

    def authenticate(self, request, **kwargs):
        if request is None or not settings.OIDC_ENABLED:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError) as exc:
            _refuse(request, TOKEN, exc)
        except requests.RequestException as exc:
            _refuse(request, PROVIDER, exc)
        return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library checks the signature, the expiry and the nonce; the ID token (the only
        # token verified with a nonce) must also come from our issuer and be meant for us.
        if "nonce" in kwargs:
            issuer = settings.OIDC_OP_ISSUER
            if issuer and payload.get("iss") != issuer:
                raise SuspiciousOperation("ID token from another issuer")
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("ID token meant for another client")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            _refuse(self.request, TOKEN, "userinfo is about another subject than the ID token")
            return None
        value = str(claims.get(settings.OIDC_MATCH_CLAIM) or "").strip()
        setattr(self.request, CLAIM_ATTRIBUTE, value)
        if not value:
            _refuse(self.request, CLAIM_MISSING, settings.OIDC_MATCH_CLAIM)
            return None
        users = list(users_matching_sign_in(settings.OIDC_MATCH_FIELD, value)[:2])
        if len(users) == 1:
            return users[0]
        _refuse(self.request, AMBIGUOUS if users else UNKNOWN, value)
        return None

    def create_user(self, claims):  # never reached (OIDC_CREATE_USER is False); made sure
        raise SuspiciousOperation("Styrdok never creates users from a log-in")


def _sso_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (state, nonce and PKCE kept in the session)."""

    def get(self, request):
        _sso_enabled()
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code (or an error)."""

    def get(self, request):
        _sso_enabled()
        # The page a renewal set out from (the library's log-out on a refusal clears it).
        self.next_page = request.session.get("oidc_login_next") or "/"
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # a state this browser never asked for
            _refuse(request, EXPIRED_ATTEMPT, exc)
            return self.login_failure()

    def login_success(self):
        setattr(self.request, METHOD_ATTRIBUTE, "sso")
        return super().login_success()

    def login_failure(self):
        request = self.request
        if request.user.is_authenticated:
            auth.logout(request)  # a failed renewal ends the session it was to renew
        if request.GET.get("error") in RENEWAL_REFUSED:
            messages.info(
                request, _("Your log-in at the municipality has ended. Please log in again.")
            )
            return redirect_to_login(self.next_page)
        default = PROVIDER if request.GET.get("error") else EXPIRED_ATTEMPT
        return refusal_page(
            request,
            getattr(request, REFUSAL_ATTRIBUTE, default),
            getattr(request, CLAIM_ATTRIBUTE, ""),
        )


class ProviderSessionCheck(SessionRefresh):
    """Renews a session that came from the provider every ``OIDC_RENEW_ID_TOKEN_EXPIRY_
    SECONDS``: the next page the person opens goes by the provider without a prompt
    (``prompt=none``) and comes back with a fresh ID token, or ends the session when the
    provider no longer knows the person (signed out, account closed). Sessions opened
    with a password are left alone."""

    def process_request(self, request):
        if not settings.OIDC_ENABLED:
            return None
        return super().process_request(request)

    @cached_property
    def exempt_urls(self):
        return {reverse(name) for name in ("oidc_authentication_init", CALLBACK, "logout")}


def refusal_page(request: HttpRequest, reason: str, claim_value: str = "") -> HttpResponse:
    context = {
        "reason": reason,
        "claim_value": claim_value,
        "by_email": settings.OIDC_MATCH_FIELD == "email",
    }
    return render(request, "registration/sso_refused.html", context, status=403)


def provider_logout_url(request: HttpRequest) -> str | None:
    """The provider's end-session address for this session (OpenID Connect RP-initiated
    logout), or None when the session did not come from the provider or the provider has
    none. Read before the local log-out: it needs the session's ID token."""
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    id_token = request.session.get("oidc_id_token")
    if not (settings.OIDC_ENABLED and endpoint and id_token):
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": back,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
