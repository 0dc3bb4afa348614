"""Helpers for the tests of notifications: choices, publications, mail by subject."""

from __future__ import annotations

from io import StringIO

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notifications.models import Frequency, Preference
from tests.lifecycle import Desk, run_to_end


def swedish(desk: Desk) -> Desk:
    """The person with the site's default language (the test desks choose English)."""
    desk.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return desk


def choose(town, key: str, frequency: str) -> None:
    Preference.objects.update_or_create(
        user=town.users[key], defaults={"documents": Frequency(frequency)}
    )


def handlingsplan(town, title: str = "Handlingsplan 2027", *, finish: bool = True):
    """A handlingsplan for Förskolan Solrosen, started by its samordnare and (``finish``)
    adopted and published today."""
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title=title,
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    return run_to_end(town, case) if finish else case


def to(address_key: str) -> list:
    return [m for m in mail.outbox if m.to == [f"{address_key}@example.invalid"]]


def about(title: str) -> list:
    return [m for m in mail.outbox if title in m.subject]


def digest(**kwargs) -> str:
    out = StringIO()
    call_command("send_weekly_digest", stdout=out, **kwargs)
    return out.getvalue()


def document_url(document_id: int) -> str:
    return reverse("documents:detail", args=[document_id])
