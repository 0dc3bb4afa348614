"""Checks of the log-in settings, run while the settings load (before Django is set up):
a setting that would lock everybody out or half-configure single sign-on stops the start
with a message naming it, rather than failing at the first log-in."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_LOGIN_MODES = ("all", "admins-only", "none")
MATCH_FIELDS = ("email", "username")


def check(
    *, oidc_enabled: bool, local_login: str, match_field: str, required: Mapping[str, str]
) -> None:
    if local_login not in LOCAL_LOGIN_MODES:
        raise ImproperlyConfigured(
            f"LOCAL_LOGIN={local_login!r}: choose one of {', '.join(LOCAL_LOGIN_MODES)}."
        )
    if not oidc_enabled:
        if local_login != "all":
            raise ImproperlyConfigured(
                f"LOCAL_LOGIN={local_login} needs OIDC_ENABLED=true: without single sign-on "
                "nobody but administrators (or nobody at all) could log in."
            )
        return
    if match_field not in MATCH_FIELDS:
        raise ImproperlyConfigured(
            f"OIDC_MATCH_FIELD={match_field!r}: choose one of {', '.join(MATCH_FIELDS)}."
        )
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise ImproperlyConfigured(f"OIDC_ENABLED=true needs {', '.join(missing)}.")


def origins(*urls: str) -> list[str]:
    """The scheme and host of each address given (for the Content-Security-Policy)."""
    parts = [urlsplit(url) for url in urls if url]
    return [f"{p.scheme}://{p.netloc}" for p in parts if p.scheme and p.netloc]
