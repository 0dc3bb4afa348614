"""At log-in, the menu's answer for the archive link is kept in the session (as
``workflows.signals`` does for its links), so that pages cost no query for it."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .context_processors import remember_navigation


@receiver(user_logged_in, dispatch_uid="styrdok_archive_navigation")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_navigation(request, user)
