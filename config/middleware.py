from django.conf import settings
from django.utils import translation


class DefaultLanguageMiddleware:
    """Swedish unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would
    show most municipal PCs (with English browsers) an English UI. Here only an
    explicit choice (the language cookie set by the language switcher) changes
    the language; otherwise LANGUAGE_CODE applies.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class SessionTimeoutMiddleware:
    """Ends a log-in after ``SESSION_COOKIE_AGE`` (absolute, from the log-in) or after
    ``STYRDOK_SESSION_IDLE_SECONDS`` without a request.

    Django's own expiry slides forward whenever the session is saved, so it cannot give an
    absolute limit; the log-in time is kept in the session instead (set by the
    ``user_logged_in`` receiver in workflows.signals). The last-seen time is written at most
    once a minute, so an active user does not cause a session write per request.
    """

    LOGIN_KEY = "styrdok_login_at"
    SEEN_KEY = "styrdok_seen_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            import time

            from django.contrib import auth, messages
            from django.utils.translation import gettext as _

            now = int(time.time())
            session = request.session
            login_at = session.get(self.LOGIN_KEY)
            seen_at = session.get(self.SEEN_KEY, login_at)
            if login_at is None:
                session[self.LOGIN_KEY] = session[self.SEEN_KEY] = now
            elif (
                now - login_at > settings.SESSION_COOKIE_AGE
                or now - (seen_at or login_at) > settings.STYRDOK_SESSION_IDLE_SECONDS
            ):
                request.session_expired = True
                auth.logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
            elif now - (seen_at or 0) >= 60:
                session[self.SEEN_KEY] = now
        return self.get_response(request)


class CurrentRequestMiddleware:
    """Makes the request of the running thread or task known to the audit trail
    (``audit.recording.current_request``), for changes made through doors that do not pass
    the user on: the admin, signals on the organisation and permission models."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from audit.recording import current_request

        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
