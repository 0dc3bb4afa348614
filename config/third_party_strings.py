"""Strings of django-axes and Django REST framework that show in Styrdok's admin.

Neither ships a Swedish translation; marking their model names here keeps them in our
catalogue (locale/sv) when makemessages runs. Nothing imports this module."""

from django.utils.translation import gettext_lazy as _

THIRD_PARTY_STRINGS = [
    # django-axes (log-in throttling)
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("Access Attempt"),
    # Django REST framework's tokens
    _("Auth Token"),
    _("Token"),
    _("Tokens"),
]
