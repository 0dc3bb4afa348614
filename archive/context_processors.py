"""The menu's link to the archive page, for the registrar and administrators."""

from __future__ import annotations

import time

from django.utils.functional import SimpleLazyObject

from . import access

NAV_KEY = "styrdok_nav_archive"
NAV_SECONDS = 600  # as workflows.context_processors: only a link, the view always checks


def navigation(request):
    def sees_archive() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        cached = session.get(NAV_KEY) if session is not None else None
        if cached and len(cached) == 2 and time.time() - cached[0] < NAV_SECONDS:
            return bool(cached[1])
        answer = access.can_export(user)
        if session is not None:
            session[NAV_KEY] = [int(time.time()), answer]
        return answer

    return {"nav_sees_archive": SimpleLazyObject(sees_archive)}
