"""Absolute links for e-mail: the address the person who caused the mail was using.

When a mail is caused by a request (a user completing a step), its links use that
request's scheme and host (``request.build_absolute_uri``: the host is checked against
``ALLOWED_HOSTS`` and the scheme follows ``SECURE_PROXY_SSL_HEADER``), so a mail sent from
the app on another host or port links back to it. Scheduled jobs have no request: they use
``settings.STYRDOK_BASE_URL``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost

from audit.recording import current_request


def origin() -> str:
    """``scheme://host[:port]`` of the request being answered, else the setting's."""
    request = current_request.get()
    if request is not None:
        try:
            return request.build_absolute_uri("/").rstrip("/")
        except DisallowedHost:  # a host Django refuses: the setting's address
            pass
    return settings.STYRDOK_BASE_URL.rstrip("/")


def absolute_url(path: str, base: str | None = None) -> str:
    """``path`` (from ``reverse``) as an absolute address for an e-mail; ``base`` is an
    ``origin()`` taken earlier (for mail sent after the request, on commit)."""
    return (base or origin()) + path
