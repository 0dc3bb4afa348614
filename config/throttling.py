"""The JSON API's throttle for anonymous callers."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle

from config.client_ip import client_ip
from config.shared import cache_or


class AnonymousByAddressThrottle(AnonRateThrottle):
    """DRF's anonymous rate (``API_ANON_RATE``), counted per client address as the audit
    trail and the log-in throttle see it (``config.client_ip``, ``TRUSTED_PROXY_COUNT``).

    DRF's own rule would, without its ``NUM_PROXIES`` setting, count per whole
    ``X-Forwarded-For`` header, which a caller writes: a new value per request would never
    be throttled. Counts are kept in the default cache, so several app servers sharing a
    Redis cache count together.
    """

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"

    def allow_request(self, request, view) -> bool:
        # A shared cache that cannot be reached stops the counting, not the API.
        count = super().allow_request
        return cache_or("the API throttle", lambda: count(request, view), lambda: True)
