"""What the navigation shows; evaluated only when a template asks."""

from __future__ import annotations

import time

from django.utils.functional import SimpleLazyObject

NAV_KEY = "styrdok_nav_audit"
# The menu's answer is kept in the session for this long (it is only a link: the audit view
# itself always checks). Computed at log-in, so most pages cost no query for it.
NAV_SECONDS = 600


def sees_audit(user) -> bool:
    from .access import can_see_audit_trail

    return user is not None and can_see_audit_trail(user)


def remember_navigation(request, user) -> None:
    request.session[NAV_KEY] = [int(time.time()), sees_audit(user)]


def navigation(request):
    def audit_link() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        cached = session.get(NAV_KEY) if session is not None else None
        if cached and time.time() - cached[0] < NAV_SECONDS:
            return bool(cached[1])
        value = sees_audit(user)
        if session is not None:
            session[NAV_KEY] = [int(time.time()), value]
        return value

    def admin_link() -> bool:
        from .access import can_open_admin

        return can_open_admin(getattr(request, "user", None))

    def start_link() -> bool:
        from .access import can_start_case

        return bool(can_start_case(getattr(request, "user", None)))

    def waiting() -> dict:
        from .inbox import waiting_tasks

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"count": 0, "rows": []}
        return waiting_tasks(user)

    return {
        "nav_sees_audit": SimpleLazyObject(audit_link),
        "nav_sees_admin": SimpleLazyObject(admin_link),
        "nav_sees_start": SimpleLazyObject(start_link),
        # Only the start page reads it (the tasks waiting for the user).
        "waiting_tasks": SimpleLazyObject(waiting),
    }
