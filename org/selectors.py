"""Read-side questions about the organisation: who acts in which position, when."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from config.compiled_query import CompiledQuery

from .models import (
    Body,
    BodyMembership,
    Position,
    PositionHolding,
    SamverkanGroup,
    Substitution,
    UnionRepresentative,
    Unit,
)

User = get_user_model()


def today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Acting:
    """A user acting in a position, either as its holder or as a substitute."""

    position: Position
    as_substitute: bool


def _either(ids: QuerySet, other_ids: QuerySet) -> QuerySet:
    """Two id subqueries as one (a UNION): ``pk__in`` of it is read through the key, where
    an OR of two ``pk__in`` made PostgreSQL read the whole table (users, positions)."""
    return ids.order_by().union(other_ids.order_by())


def holders(position: Position, on: datetime.date | None = None) -> QuerySet:
    """Users holding ``position`` on the day (not substitutes)."""
    day = on or today()
    return User.objects.filter(
        pk__in=PositionHolding.objects.active_on(day).filter(position=position).values("user_id")
    )


def acting_users(position: Position, on: datetime.date | None = None) -> QuerySet:
    """Users who may act in ``position`` on the day: holders and active substitutes."""
    day = on or today()
    holder_ids = PositionHolding.objects.active_on(day).filter(position=position).values("user_id")
    substitute_ids = Substitution.objects.active_on(day).filter(position=position).values("user_id")
    return User.objects.filter(pk__in=_either(holder_ids, substitute_ids), is_active=True)


def acting_users_of_kind(kind: str, on: datetime.date | None = None) -> QuerySet:
    """Users who may act in any position of ``kind`` on the day (``acting_users`` of each
    such position together, each user once)."""
    day = on or today()
    holder_ids = (
        PositionHolding.objects.active_on(day).filter(position__kind=kind).values("user_id")
    )
    substitute_ids = (
        Substitution.objects.active_on(day).filter(position__kind=kind).values("user_id")
    )
    return User.objects.filter(pk__in=_either(holder_ids, substitute_ids), is_active=True)


# Compiled once per process: the mail of every new task routed to a position asks it.
_ACTING_USERS_QUERY = CompiledQuery(
    lambda position_id, day: acting_users(position_id, day), ids=("position_id",), day="day"
)


def acting_user_list(position: Position, on: datetime.date | None = None) -> list:
    """``acting_users`` read at once, as a list."""
    return _ACTING_USERS_QUERY.run(position_id=position.pk, day=on or today())


# The memo of one service call (``acting_memo``): (user id, day) -> the positions acted in.
_call_memo: ContextVar[dict | None] = ContextVar("styrdok_acting_call_memo", default=None)


@contextlib.contextmanager
def acting_memo() -> Iterator[None]:
    """Within the block, ``acting_in`` (and ``acting_as`` after it) reads each user's
    positions once per day asked.

    For one service call that asks the access module about the same people several times
    (a task completed: checked before its files are read, and again under the lock). The
    memo ends with the block, so no answer outlives the call; saving or deleting a
    position, holding or substitution inside it empties the memo (the receivers in
    org/apps.py). Changes made with ``QuerySet.update`` or ``bulk_create`` send no signal:
    do not make them inside a block that then asks again. A block inside another shares
    the outer one's memo.
    """
    if _call_memo.get() is not None:
        yield
        return
    token = _call_memo.set({})
    try:
        yield
    finally:
        _call_memo.reset(token)


def forget_acting(**kwargs) -> None:
    """Empty the current call's memo (a receiver of the organisation's model signals)."""
    memo = _call_memo.get()
    if memo is not None:
        memo.clear()


def acting_in(user, on: datetime.date | None = None) -> list[Acting]:
    """Positions ``user`` acts in on the day, held ones first, then substitutions."""
    if not getattr(user, "is_authenticated", False):
        return []
    day = on or today()
    memo = getattr(user, "_acting_memo", None)  # set for one GET request, see below
    if memo is not None and day in memo:
        return list(memo[day])
    call_memo = _call_memo.get()
    if call_memo is not None and (user.pk, day) in call_memo:
        return list(call_memo[(user.pk, day)])
    acting = _read_acting(user, day)
    if memo is not None:
        memo[day] = acting
    if call_memo is not None:
        call_memo[(user.pk, day)] = acting
    return list(acting)


def _acting_query(user_id: int, day: datetime.date) -> QuerySet:
    held = PositionHolding.objects.active_on(day).filter(user_id=user_id).values("position_id")
    substituted = Substitution.objects.active_on(day).filter(user_id=user_id).values("position_id")
    return (
        Position.objects.filter(pk__in=_either(held, substituted))
        .annotate(is_held=Q(pk__in=held))
        .select_related("unit")
        .order_by("-is_held", "title", "pk")
    )


# Compiled once per process: every access check of a step asks it (config/compiled_query.py).
_ACTING_QUERY = CompiledQuery(_acting_query, ids=("user_id",), day="day")


def _read_acting(user, day: datetime.date) -> list[Acting]:
    """The positions ``user`` holds or substitutes in on the day, with their units, in one
    query: held ones first, each group in the positions' order (title)."""
    return [Acting(p, not p.is_held) for p in _ACTING_QUERY.run(user_id=user.pk, day=day)]


class ActingMemoMiddleware:
    """Within one GET or HEAD request, ``acting_in`` reads the user's positions once.

    A page asks several access checks about the same user (the inbox: four times); each
    would read the holdings and substitutions again. The memo lives on the request's own
    user object, so it ends with the request; requests that write never use it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method in ("GET", "HEAD") and getattr(user, "is_authenticated", False):
            user._acting_memo = {}
        return self.get_response(request)


def acting_as(user, position: Position | int, on: datetime.date | None = None) -> Acting | None:
    """How ``user`` acts in ``position`` on the day, or None if they do not.

    Given the position's id rather than the position, the position is read with the
    holding or substitution that makes the person act in it (one query, not two)."""
    day = on or today()
    position_id = position if isinstance(position, int) else position.pk
    call_memo = _call_memo.get()
    if call_memo is not None and (user.pk, day) in call_memo:
        return next(
            (
                Acting(a.position, a.as_substitute)
                for a in call_memo[(user.pk, day)]
                if a.position.pk == position_id
            ),
            None,
        )
    for query, as_substitute in ((_HOLDING_QUERY, False), (_SUBSTITUTION_QUERY, True)):
        rows = query.run(user_id=user.pk, position_id=position_id, day=day)
        if rows:
            return Acting(
                position if not isinstance(position, int) else rows[0].position, as_substitute
            )
    return None


def _assignment_query(model):
    """The first of ``user_id``'s holdings (or substitutions) of ``position_id`` on the day,
    with its position; compiled once per process (``config.compiled_query``)."""

    def build(user_id: int, position_id: int, day: datetime.date) -> QuerySet:
        return (
            model.objects.active_on(day)
            .filter(user_id=user_id, position_id=position_id)
            .select_related("position")
            .order_by("pk")[:1]
        )

    return CompiledQuery(build, ids=("user_id", "position_id"), day="day")


_HOLDING_QUERY = _assignment_query(PositionHolding)
_SUBSTITUTION_QUERY = _assignment_query(Substitution)


def body_members(body: Body, on: datetime.date | None = None) -> QuerySet:
    day = on or today()
    return User.objects.filter(
        pk__in=BodyMembership.objects.active_on(day).filter(body=body).values("user_id")
    )


def group_representatives(
    group: SamverkanGroup, on: datetime.date | None = None
) -> QuerySet[UnionRepresentative]:
    day = on or today()
    return (
        UnionRepresentative.objects.active_on(day)
        .filter(group=group, user__is_active=True)
        .select_related("user", "union")
    )


_REPRESENTATIVES_QUERY = CompiledQuery(
    lambda group_id, day: group_representatives(group_id, day), ids=("group_id",), day="day"
)


def group_representative_list(
    group: SamverkanGroup, on: datetime.date | None = None
) -> list[UnionRepresentative]:
    """``group_representatives`` read at once, as a list; compiled once per process (a
    case's samverkan split and its draft's routing check ask it)."""
    return _REPRESENTATIVES_QUERY.run(group_id=group.pk, day=on or today())


def top_unit() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True).select_related("level").first()


def units_of_user(user, on: datetime.date | None = None) -> list[Unit]:
    """The units where ``user`` acts in a position on the day."""
    return [a.position.unit for a in acting_in(user, on)]


def users_matching_sign_in(field: str, value: str) -> QuerySet:
    """The active users a log-in through the municipality's provider names: by e-mail
    address (any case) or by exact user name, as ``OIDC_MATCH_FIELD`` says."""
    lookup = {"email": "email__iexact", "username": "username"}[field]
    return User.objects.filter(is_active=True, **{lookup: value}).order_by("pk")
