"""Caching of register output, invalidated by a generation counter in the database.

Whatever the register shows (documents, versions, decisions, diary entries, types, units,
positions, processes, bodies) bumps ``RegisterGeneration`` when it is saved or deleted, once
the transaction has committed. Cached output is keyed by the generation read at the start
of a request (one primary-key query) and by the day, so:

* a change is visible to every process on its next request (no shared cache needed);
* a request that read the old generation may store what it rendered under the old key, but
  nobody reads the old key after the bump;
* "valid today" moves on at midnight by itself.

Two things are cached: the filter form's choices (every unit, owner position, process and
body: ~1,100 rows per request otherwise) in this process's memory, and the anonymous
register page's content in Django's cache (``CACHES``; per process by default).
Writes that bypass ``save()`` (``QuerySet.update``, raw SQL) must call ``bump()`` themselves.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import RegisterGeneration

PAGE_TTL = 600  # seconds; a bound on memory, not on staleness (the generation handles that)
_CHOICES: dict[tuple[str, int], list] = {}


def current() -> int | None:
    """The register's generation now (one query); None (nothing is cached) until the first
    change has been committed."""
    return RegisterGeneration.objects.filter(pk=1).values_list("value", flat=True).first()


def bump() -> None:
    """Move the generation on, after the current transaction commits (at once outside one)."""
    transaction.on_commit(_bump_now)


def _bump_now() -> None:
    if not RegisterGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        # A random start: a database rebuilt (or a test's rolled back) never reuses the
        # generations whose output a running process may still hold.
        start = secrets.randbelow(2**62)
        RegisterGeneration.objects.get_or_create(pk=1, defaults={"value": start})


def choices(key: str, generation: int | None, load) -> list:
    """The list ``load()`` returns, kept in this process for ``generation``."""
    if generation is None:
        return list(load())
    found = _CHOICES.get((key, generation))
    if found is None:
        for stale in [k for k in _CHOICES if k[0] == key]:
            del _CHOICES[stale]
        found = _CHOICES[(key, generation)] = list(load())
    return found


def page_key(generation: int, language: str, query: str, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"register-page:{generation}:{day.isoformat()}:{language}:{digest}"


def get_page(key: str) -> str | None:
    return cache.get(key)


def set_page(key: str, html: str) -> None:
    cache.set(key, html, PAGE_TTL)


# --- What bumps the generation -----------------------------------------------------

REGISTER_VERSION_STATUSES = {"valid", "superseded", "repealed"}


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the loader bumps once at the end, if at all
        return
    if sender.__name__ == "DocumentVersion" and instance.status not in REGISTER_VERSION_STATUSES:
        return  # drafts, adopted and rejected versions are not in the register
    bump()


def connect() -> None:
    """Called from ``DocumentsConfig.ready``."""
    from org.models import Body, Position, Process, Unit

    from .models import Decision, DiaryEntry, Document, DocumentType, DocumentVersion

    for model in (
        Document,
        DocumentVersion,
        Decision,
        DiaryEntry,
        DocumentType,
        Unit,
        Position,
        Process,
        Body,
    ):
        uid = f"register-generation-{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
