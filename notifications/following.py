"""A person's own choices: how they hear of documents, and what they follow.

Each is one action: lock (the person's own rows), check (``documents.access``), change,
audit entry in the same transaction. A refusal is one of ``notifications.refusals`` (a
document the person may not see, or someone else's follow, is refused as a missing one).
"""

from __future__ import annotations

from django.db import transaction
from django.http import QueryDict

from audit import recording as audit
from documents import access
from documents.filters import RegisterFilter
from documents.models import Document
from documents.selectors import register_versions

from .models import Follow, Frequency, Preference
from .refusals import (
    FollowingNotAllowed,
    InvalidNotificationChoice,
    InvalidSearch,
    NoDocumentToFollow,
    NoSuchFollow,
    SearchNotFollowable,
)

# Query parameters that do not change what a register search finds.
NOT_SEARCH = ("page", "all")


def _may_follow(user) -> None:
    if not access.can_follow(user):
        raise FollowingNotAllowed()


def set_frequency(user, frequency: str) -> Preference:
    _may_follow(user)
    if frequency not in Frequency.values:
        raise InvalidNotificationChoice()
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
        old = preference.documents if not _created else ""
        preference.documents = frequency
        preference.save(update_fields=["documents"])
        audit.record(
            "notification_preference_set",
            actor=user,
            ip_address=audit.current_ip(),
            target=preference,
            from_state=old,
            to_state=frequency,
        )
    return preference


def follow_document(user, document_id: int) -> Follow:
    _may_follow(user)
    with transaction.atomic():
        document = Document.objects.filter(pk=document_id).first()
        if document is None or not access.can_follow_document(user, document):
            raise NoDocumentToFollow()
        follow, created = Follow.objects.get_or_create(user=user, document=document)
        if created:
            audit.record(
                "follow_started",
                actor=user,
                ip_address=audit.current_ip(),
                target=document,
                to_state="document",
            )
    return follow


def search_query(query: str) -> str:
    """The register query as saved: without the page and empty parameters, sorted."""
    data = QueryDict(query, mutable=True)
    for name in NOT_SEARCH:
        data.pop(name, None)
    pairs = sorted((k, v) for k in data for v in data.getlist(k) if v.strip())
    cleaned = QueryDict(mutable=True)
    for key, value in pairs:
        cleaned.appendlist(key, value)
    return cleaned.urlencode()


def describe_search(user, query: str) -> str:
    """The search in words, from the register's own form: "Search: rutin; Type: Rutin"."""
    filterset = RegisterFilter(QueryDict(query), queryset=register_versions(user).none())
    if not filterset.is_valid():
        raise InvalidSearch()
    parts = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
            continue
        if hasattr(value, "__iter__") and not isinstance(value, str):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{field.label}: {value}")
    return "; ".join(parts)[:300]


def follow_search(user, query: str) -> Follow:
    """Follow the register search of ``query`` (the register page's query string)."""
    _may_follow(user)
    saved = search_query(query)
    if len(saved) > Follow._meta.get_field("query").max_length:
        raise InvalidSearch()
    label = describe_search(user, saved)
    if not saved or not label:
        raise SearchNotFollowable()  # the whole register is no search
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            user=user, document=None, query=saved, defaults={"label": label}
        )
        if created:
            audit.record(
                "follow_started",
                actor=user,
                ip_address=audit.current_ip(),
                target=follow,
                to_state="search",
                comment=label,
            )
    return follow


def stop_following(user, follow_id: int) -> None:
    _may_follow(user)
    with transaction.atomic():
        follow = Follow.objects.select_for_update().filter(pk=follow_id).first()
        if follow is None or not access.can_stop_following(user, follow):
            raise NoSuchFollow()
        audit.record(
            "follow_stopped",
            actor=user,
            ip_address=audit.current_ip(),
            target=follow.document or follow,
            from_state="document" if follow.document_id else "search",
            comment=follow.label,
        )
        follow.delete()
