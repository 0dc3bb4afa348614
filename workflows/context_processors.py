"""What the navigation shows; evaluated only when a template asks."""

from __future__ import annotations

import time

from django.utils.functional import SimpleLazyObject

NAV_KEY = "styrdok_nav_workflows"
# The menu's answers (the audit trail, *New document*) are kept in the session for this
# long (they are only links: the views themselves always check). Computed at log-in, so
# most pages cost no query for them.
NAV_SECONDS = 600


def sees_audit(user) -> bool:
    from .access import can_see_audit_trail

    return user is not None and can_see_audit_trail(user)


def sees_start(user) -> bool:
    from .access import can_start_case

    return user is not None and bool(can_start_case(user))


def _answers(user) -> list:
    return [int(time.time()), sees_audit(user), sees_start(user)]


def remember_navigation(request, user) -> None:
    request.session[NAV_KEY] = _answers(user)


def navigation(request):
    def answers() -> list:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return [0, False, False]
        session = getattr(request, "session", None)
        cached = session.get(NAV_KEY) if session is not None else None
        if cached and len(cached) == 3 and time.time() - cached[0] < NAV_SECONDS:
            return cached
        value = _answers(user)
        if session is not None:
            session[NAV_KEY] = value
        return value

    def admin_link() -> bool:
        from .access import can_open_admin

        return can_open_admin(getattr(request, "user", None))

    def waiting() -> dict:
        from .inbox import waiting_tasks

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"count": 0, "rows": []}
        return waiting_tasks(user)

    return {
        "nav_sees_audit": SimpleLazyObject(lambda: bool(answers()[1])),
        "nav_sees_admin": SimpleLazyObject(admin_link),
        "nav_sees_start": SimpleLazyObject(lambda: bool(answers()[2])),
        # Only the start page reads it (the tasks waiting for the user).
        "waiting_tasks": SimpleLazyObject(waiting),
    }
