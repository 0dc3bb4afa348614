"""Strings of django-viewflow that show on Styrdok's pages.

viewflow ships no Swedish translation; marking its strings here keeps them in our
catalogue (locale/sv) when makemessages runs. Nothing imports this module."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VIEWFLOW_STRINGS = [
    pgettext_lazy("STATUS", "Assigned"),
    pgettext_lazy("STATUS", "Canceled"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "Error"),
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Revived"),
    pgettext_lazy("STATUS", "Scheduled"),
    pgettext_lazy("STATUS", "Started"),
    _("Workflow"),
    _("flow"),
    _("Flow"),
    _("Process list"),
    _("Tasks"),
    _("Created"),
    _("Assigned"),
    _("Finished"),
    _("Scheduled"),
    _("Previous"),
    _("Token"),
    _("External Task ID"),
    _("Permission"),
]
