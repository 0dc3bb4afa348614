"""The main menu's *Att läsa* link with its count, and the chief's overview link.

Kept in the session for a short while (a link and a number, not a permission: the pages
check again); confirming empties it. Within one request the list is worked out at most
once (``waiting``): the *Att läsa* page and the menu's count share it.
"""

from __future__ import annotations

import time

from django.utils.functional import SimpleLazyObject

NAV_KEY = "styrdok_nav_reading"
NAV_SECONDS = 120
WAITING_ATTR = "_styrdok_reading_waiting"


def forget(request) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(NAV_KEY, None)


def waiting(request, user=None) -> list:
    """The documents waiting for ``user`` (the request's), worked out once per request."""
    from .selectors import waiting_for

    user = user or request.user
    memo = getattr(request, WAITING_ATTR, None)
    if memo is None or memo[0] != user.pk:
        memo = (user.pk, waiting_for(user))
        setattr(request, WAITING_ATTR, memo)
    return memo[1]


def _compute(request, user) -> list:
    from documents import access

    count = len(waiting(request, user))
    return [int(time.time()), count, bool(access.acknowledgement_units(user))]


def remember(request, count: int) -> None:
    """The page that listed the documents anyway shows its own count in the menu too (for
    this request: writing the session would cost its queries on every change)."""
    session = getattr(request, "session", None)
    memo = session.get(NAV_KEY) if session is not None else None
    if memo:
        request._styrdok_nav_reading = [memo[0], count, memo[2]]


def remember_at_login(sender, request, user, **kwargs) -> None:
    """At log-in (a receiver of ``user_logged_in``): the count for the first pages."""
    session = getattr(request, "session", None)
    if session is not None:
        session[NAV_KEY] = _compute(request, user)


def _cached(request) -> list:
    memo = getattr(request, "_styrdok_nav_reading", None)
    if memo is not None:
        return memo
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        memo = [0, 0, False]
    else:
        session = getattr(request, "session", None)
        memo = session.get(NAV_KEY) if session is not None else None
        if not memo or time.time() - memo[0] >= NAV_SECONDS:
            memo = _compute(request, user)
            if session is not None:
                session[NAV_KEY] = memo
    request._styrdok_nav_reading = memo
    return memo


def navigation(request):
    return {
        "nav_reading_count": SimpleLazyObject(lambda: _cached(request)[1]),
        "nav_sees_acknowledgements": SimpleLazyObject(lambda: _cached(request)[2]),
    }
