"""The menu's link to the archive page, for the registrar and administrators."""

from __future__ import annotations

import time

from django.utils.functional import SimpleLazyObject

from . import access

NAV_KEY = "styrdok_nav_archive"
NAV_SECONDS = 600  # as workflows.context_processors: only a link, the view always checks


def remember_navigation(request, user) -> None:
    request.session[NAV_KEY] = [int(time.time()), access.can_export(user)]


def navigation(request):
    def sees_archive() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        cached = session.get(NAV_KEY) if session is not None else None
        if cached and len(cached) == 2 and time.time() - cached[0] < NAV_SECONDS:
            return bool(cached[1])
        if session is None:
            return access.can_export(user)
        remember_navigation(request, user)
        return bool(session[NAV_KEY][1])

    return {"nav_sees_archive": SimpleLazyObject(sees_archive)}
