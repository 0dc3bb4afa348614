"""Pages that belong to the site rather than to an app."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render

from config import sso


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (``AXES_LOCKOUT_CALLABLE``): a Swedish page naming how
    long the lock lasts, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


class LoginView(auth_views.LoginView):
    """Django's log-in page, offering the municipality's accounts when single sign-on is
    on; the password form only where ``LOCAL_LOGIN`` leaves passwords to someone (the
    backend refuses the rest whatever the page shows)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode = settings.STYRDOK_LOCAL_LOGIN
        context.update(
            sso_enabled=settings.OIDC_ENABLED,
            password_form_shown=mode != "none",
            password_for_administrators_only=mode == "admins-only",
        )
        return context


class LogoutView(auth_views.LogoutView):
    """Ends the session here and, for a session from the municipality's provider, there
    too: the browser is sent to the provider's end-session address, which sends it back
    to the start page."""

    def post(self, request, *args, **kwargs):
        at_provider = sso.provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response
