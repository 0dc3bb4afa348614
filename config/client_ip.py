"""The client's address, for the audit trail and log-in throttling (one rule for both).

Without a proxy (``TRUSTED_PROXY_COUNT=0``, the default) it is the connection's address.
Behind ``n`` reverse proxies that each append the address they saw to ``X-Forwarded-For``,
the client is the ``n``-th address from the right: entries further left were written by
the client itself and cannot be trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "STYRDOK_TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote
