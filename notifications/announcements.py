"""Telling people of new versions and repeals: at once, or in the weekly digest.

The case engine calls ``version_published`` and ``document_repealed`` in the transaction
of the publication or repeal: one ``Announcement`` row, and a mail queued now for each
person told (``selectors.told``) who chose *immediately*. The weekly digest
(``send_weekly_digest``, a scheduled job) tells the others who chose *weekly* of the past
week's announcements in one mail; once per person and week (``DigestSent``).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.compiled_query import save_new
from documents.models import Document, DocumentVersion

from . import mail, selectors
from .links import absolute_url
from .models import Announcement, AnnouncementKind, DigestSent, Frequency

User = get_user_model()


def _item(announcement: Announcement, reasons: dict[str, list[str]]) -> dict:
    document = announcement.document
    return {
        "kind": announcement.kind,
        "kind_label": mail.in_site_language(announcement.get_kind_display),
        "title": document.title,
        "type": str(document.document_type),
        "scope": str(document.scope_unit),
        "link": absolute_url(reverse("documents:detail", args=[document.pk])),
        "for_unit": selectors.UNIT in reasons,
        "followed": selectors.FOLLOWED in reasons,
        "searches": reasons.get(selectors.SEARCH, []),
    }


def _tell_now(announcement: Announcement) -> int:
    sent = 0
    for person, reasons in selectors.told_people(announcement, only=Frequency.IMMEDIATELY):
        sent += mail.send("document_news", {"item": _item(announcement, reasons)}, [person.email])
    return sent


def version_published(version: DocumentVersion) -> Announcement:
    """A version became valid: a new document, or a new version of one."""
    kind = AnnouncementKind.REVISED if version.replaces_id else AnnouncementKind.NEW
    # The version's document as the publication left it (read with its scope unit, which
    # tells who is told): no re-read.
    announcement = Announcement(kind=kind, document=version.document, version=version)
    save_new(announcement)  # Announcement.objects.create, its INSERT compiled once
    _tell_now(announcement)
    return announcement


def document_repealed(document: Document) -> Announcement:
    announcement = Announcement.objects.create(kind=AnnouncementKind.REPEALED, document=document)
    _tell_now(announcement)
    return announcement


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def send_weekly_digest(today: datetime.date | None = None) -> int:
    """The digest of the week before this one, to each person told of something in it who
    chose the weekly digest (the default). Run twice in a week, it sends once: each
    person's digest is marked sent (``DigestSent``, unique per week) in the transaction
    that queues it. Returns the number of digests sent."""
    week = week_of(today or timezone.localdate())
    announcements = list(
        Announcement.objects.filter(
            at__gte=_midnight(week - datetime.timedelta(days=7)), at__lt=_midnight(week)
        ).select_related("document__document_type", "document__scope_unit")
    )
    items: dict[int, list[dict]] = {}
    for announcement in announcements:
        for user_id, reasons in selectors.told(announcement, only=Frequency.WEEKLY).items():
            items.setdefault(user_id, []).append(_item(announcement, reasons))
    weekly = list(items)
    done = set(
        DigestSent.objects.filter(week=week, user_id__in=weekly).values_list("user_id", flat=True)
    )
    sent = 0
    for person in User.objects.filter(pk__in=set(weekly) - done).order_by("pk"):
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=person, week=week, items=len(items[person.pk]))
                mail.send(
                    "digest",
                    {"items": items[person.pk], "week": week - datetime.timedelta(days=7)},
                    [person.email],
                )
        except IntegrityError:  # another run sent this person's digest meanwhile
            continue
        sent += 1
    return sent
