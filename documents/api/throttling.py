"""How often anonymous callers may ask the API (``API_ANON_RATE``)."""

from __future__ import annotations

import math

from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from config.client_ip import client_ip
from config.shared import cache_or


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's throttle for anonymous callers, with two differences.

    The caller is known by the address the audit trail and the log-in throttle use
    (``config.client_ip``: the connection's address, or the one the trusted proxies saw).
    DRF's own rule takes the whole ``X-Forwarded-For`` header when ``NUM_PROXIES`` is unset,
    so a caller sending a different header with each request was never throttled. Counts
    are kept in the default cache, so app servers sharing a Redis cache count together; a
    shared cache that cannot be reached stops the counting, not the API.

    The rate is read when a request comes, not when the module is imported (DRF's class
    attribute), so that ``REST_FRAMEWORK`` set at run time (a test's settings) applies.
    """

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:
        return api_settings.DEFAULT_THROTTLE_RATES

    def get_ident(self, request) -> str:
        return client_ip(request) or ""

    def allow_request(self, request, view) -> bool:
        count = super().allow_request
        return cache_or("the API throttle", lambda: count(request, view), lambda: True)


class Throttled(exceptions.Throttled):
    """429 saying in the answer's language how long to wait (DRF formats the seconds into
    its message before translating it, so no translation ever matches), with the same
    Retry-After header."""

    def __init__(self, wait: float | None):
        if wait is None:
            super().__init__()
            return
        seconds = math.ceil(wait)
        message = ngettext(
            "Too many requests: try again in %(wait)d second.",
            "Too many requests: try again in %(wait)d seconds.",
            seconds,
        )
        super().__init__(detail=message % {"wait": seconds})
        self.wait = seconds
