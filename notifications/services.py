"""Mail about a case, written for the case engine (``workflows``), which passes the facts:
this app does not import workflows. Called inside the transaction of the decision, so the
mail is queued with it (``notifications.mail``) or not at all."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from . import mail
from .links import absolute_url


def _addresses(people: Iterable[AbstractBaseUser]) -> list[str]:
    return [person.email for person in people if person.is_active and person.email]


def case_returned(
    people: Iterable[AbstractBaseUser],
    *,
    diarienummer: str,
    title: str,
    decider: str,
    motivation: str,
    case_path: str,
) -> int:
    """Återremiss: the authors hear that the case came back to them, and why."""
    return mail.send(
        "case_returned",
        {
            "diarienummer": diarienummer,
            "title": title,
            "decider": decider,
            "motivation": motivation,
            "link": absolute_url(case_path),
        },
        _addresses(people),
    )


def case_decided(
    people: Iterable[AbstractBaseUser],
    *,
    outcome: str,
    diarienummer: str,
    title: str,
    decider: str,
    decision_date: datetime.date,
    paragraph: str,
    motivation: str,
    case_path: str,
) -> int:
    """The outcome of a case (``outcome``: adopted, rejected or repealed) to its authors
    and the union representatives who stated a position in samverkan."""
    return mail.send(
        "case_decided",
        {
            "outcome": outcome,
            "diarienummer": diarienummer,
            "title": title,
            "decider": decider,
            "decision_date": decision_date,
            "paragraph": paragraph,
            "motivation": motivation,
            "link": absolute_url(case_path),
        },
        _addresses(people),
    )


def reading_reminder(
    addresses: Iterable[str], *, sender: str, title: str, number: int, to_read_path: str
) -> int:
    """A chief's reminder to the people who have not confirmed reading a document; the
    reading app passes the addresses of those it found."""
    return mail.send(
        "reading_reminder",
        {
            "sender": sender,
            "title": title,
            "number": number,
            "link": absolute_url(to_read_path),
        },
        addresses,
    )
