"""Who is told of an announcement, and why.

A document applies to a person when its scope is the unit of a position they hold today or
a unit above it (the register's rule: ``RegisterFilter.applies_to``), so the people told of
a new, revised or repealed document are the holders of positions in the scope unit's
subtree. Beside
them: the document's followers (new versions and repeals) and the followers of a register
search the new version matches. Everyone told must be allowed to see the document
(``documents.access``); nobody is told twice of one announcement.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.http import QueryDict
from django.utils import timezone

from config.compiled_query import CompiledQuery
from documents import access
from documents.filters import RegisterFilter
from documents.selectors import register_versions
from org.models import PositionHolding, Unit

from .models import Announcement, Follow, Frequency, Preference

User = get_user_model()

# Why a person is told: their unit, a followed document, a followed search.
UNIT, FOLLOWED, SEARCH = "unit", "followed", "search"


def matches_search(user, follow: Follow, version_id: int) -> bool:
    """Whether the register search ``follow`` saved, run as ``user`` today, finds the
    version (the register's own filter set and visibility)."""
    filterset = RegisterFilter(
        QueryDict(follow.query), queryset=register_versions(user).filter(pk=version_id)
    )
    return filterset.is_valid() and filterset.qs.exists()


def _choice(user_field: str) -> Subquery:
    """The person's choice (``Preference.documents``) read with the row that names them,
    so the people told and their choices come in the same queries."""
    return Subquery(Preference.objects.filter(user_id=OuterRef(user_field)).values("documents")[:1])


def _unit_people(announcement: Announcement) -> list[tuple[int, str | None]]:
    """The people the document applies to, each with their choice (None: never chose):
    told of its new versions and of its repeal alike (issue 18), as each chose
    (immediately, weekly, never)."""
    scope = announcement.document.scope_unit
    return _UNIT_PEOPLE.run(day=timezone.localdate(), path=scope.path)


def _holders_under(day, path: str):
    # The subtree's units as a list of ids, their positions' holdings found by position.
    # With the unit's path in the join, SQLite (whose LIKE cannot use the path's index)
    # walked every holding in the municipality: 1.7 ms per publication, against 0.1 ms.
    subtree = Unit.objects.filter(path__startswith=path).values("pk")
    holdings = PositionHolding.objects.active_on(day).filter(position__unit__in=subtree)
    return (
        holdings.order_by()
        .annotate(choice=_choice("user_id"))
        .values_list("user_id", "choice")
        .distinct()
    )


# Compiled once per process (config/compiled_query.py): every publication asks.
_UNIT_PEOPLE = CompiledQuery(_holders_under, ids=(), day="day", texts=("path",))


def _follows(document_id: int, *, searches: bool):
    """A document's follows, with every followed search's (``searches``), each with its
    person and their choice."""
    follows = Follow.objects.filter(document=document_id)
    if searches:
        follows |= Follow.objects.filter(document__isnull=True)
    return follows.select_related("user").annotate(choice=_choice("user_id")).order_by("pk")


# Compiled once per process (config/compiled_query.py): every publication asks.
_FOLLOWS = CompiledQuery(
    lambda document_id: _follows(document_id, searches=True), ids=("document_id",)
)
_DOCUMENT_FOLLOWS = CompiledQuery(
    lambda document_id: _follows(document_id, searches=False), ids=("document_id",)
)


def _add_followers(
    announcement: Announcement,
    reasons: dict[int, dict[str, list[str]]],
    choices: dict[int, str | None],
) -> None:
    """Add the document's followers and the followers of the searches that find the
    version to ``reasons``, and their choices to ``choices``."""
    # The document's followers and every followed search, in one query.
    query = _FOLLOWS if announcement.version_id is not None else _DOCUMENT_FOLLOWS
    # A search finds the same for every logged-in person (the register's visibility does not
    # tell them apart; who may see the document is asked below): each distinct search is
    # run once, however many people follow it.
    found: dict[str, bool] = {}
    for follow in query.run(document_id=announcement.document_id):
        choices[follow.user_id] = follow.choice
        if follow.document_id is not None:
            reasons[follow.user_id][FOLLOWED].append("")
            continue
        if follow.query not in found:
            found[follow.query] = matches_search(follow.user, follow, announcement.version_id)
        if found[follow.query]:
            reasons[follow.user_id][SEARCH].append(follow.label or follow.query)


def told(announcement: Announcement, only: str | None = None) -> dict[int, dict[str, list[str]]]:
    """Person id -> the reasons they are told (``UNIT``, ``FOLLOWED``: [""], ``SEARCH``:
    the followed searches' labels), for those who may see the document; with ``only`` (a
    ``Frequency``), for those who chose it."""
    return {person.pk: reasons for person, reasons in told_people(announcement, only)}


def told_people(
    announcement: Announcement, only: str | None = None
) -> list[tuple[User, dict[str, list[str]]]]:
    """``told`` with each person's row (for their address), in the order of their ids."""
    reasons: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    choices: dict[int, str | None] = {}
    for user_id, choice in _unit_people(announcement):
        reasons[user_id][UNIT].append("")
        choices[user_id] = choice
    _add_followers(announcement, reasons, choices)
    if not reasons:
        return []
    ids = [user_id for user_id in reasons if only is None or _chosen(choices[user_id]) == only]
    if not ids:
        return []
    people = User.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk")
    document = announcement.document
    return [
        (person, {key: list(value) for key, value in reasons[person.pk].items()})
        for person in people
        if access.can_view_document(person, document)
    ]


def _chosen(choice: str | None) -> str:
    return Frequency.WEEKLY if choice is None else choice


def frequency_of(user) -> str:
    preference = Preference.objects.filter(user=user).first()
    return preference.documents if preference else Frequency.WEEKLY


def follows_of(user) -> list[Follow]:
    return list(Follow.objects.filter(user=user).select_related("document"))


def is_following(user, document) -> Follow | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Follow.objects.filter(user=user, document=document).first()
