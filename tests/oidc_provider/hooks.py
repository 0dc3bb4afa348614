"""The test provider's people and its two misbehaviours, chosen by user name:
``sen`` gets an ID token that expired before it was issued, ``fiffel`` one whose payload is
changed after signing (as by someone between the provider and Styrdok)."""

import base64
import json
import time

EXPIRED_USER = "sen"
TAMPERED_USER = "fiffel"


def userinfo(claims, user):
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["preferred_username"] = user.username
    claims["name"] = user.get_full_name() or user.username
    return claims


def id_token(id_token, user, token, request, **kwargs):
    id_token["email"] = user.email
    if user.username == EXPIRED_USER:
        past = int(time.time()) - 3600
        id_token.update(iat=past, auth_time=past, exp=past + 600)
    return id_token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TamperingMiddleware:
    """Changes the signed ID token of ``TAMPERED_USER`` on its way out of the token
    endpoint: one claim nobody else checks (``auth_time``), the signature left as it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/openid/token") or response.status_code != 200:
            return response
        body = json.loads(response.content)
        header, payload, signature = body["id_token"].split(".")
        claims = json.loads(_unb64(payload))
        if claims.get("email", "").startswith(f"{TAMPERED_USER}@"):
            claims["auth_time"] = claims.get("auth_time", 0) + 1
            body["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])
            response.content = json.dumps(body).encode()
            response["Content-Length"] = str(len(response.content))
        return response
