"""Writing the audit trail: one function, called inside the transaction of the change."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone

from config.compiled_query import insert_rows
from config.model_rows import maker

from .models import AuditEntry

if TYPE_CHECKING:  # only for the annotations: audit imports no app above it
    from org.selectors import Acting

# The request being answered, set by config.middleware.CurrentRequestMiddleware. Receivers of
# model signals (the admin, the organisation and permission models) read the actor and the
# client address from it; outside a request (commands, tests) it is None and entries name
# no person.
current_request: ContextVar = ContextVar("styrdok_current_request", default=None)

# Who a service acts for while it changes tracked rows (``by``): the entries the receivers of
# audit.tracking write name this person and position rather than the request's user.
_acting_for: ContextVar = ContextVar("styrdok_acting_for", default=None)


@contextmanager
def by(user, acting: Acting | None = None) -> Iterator[None]:
    """Changes of tracked rows inside the block are recorded as made by ``user`` acting in
    ``acting``: for services, which are given the user rather than a request."""
    token = _acting_for.set((user, acting))
    try:
        yield
    finally:
        _acting_for.reset(token)


# A note every entry written inside ``noted`` carries as its comment unless it has its own:
# which run of a bulk change (an organisation import) made it.
_note: ContextVar[str] = ContextVar("styrdok_audit_note", default="")


@contextmanager
def noted(comment: str) -> Iterator[None]:
    """Entries recorded inside the block carry ``comment`` (unless given one)."""
    token = _note.set(comment)
    try:
        yield
    finally:
        _note.reset(token)


def current_acting() -> Acting | None:
    given = _acting_for.get()
    return given[1] if given is not None else None


# The time new entries are stamped with: the present, except while the demo stages its
# history (fixtures.demo_desk) on the days its steps would have taken; entries cannot be
# moved once written. (Inserting an entry with any time is no new power: the trail is
# insert-only, not a clock.)
entry_clock: ContextVar[Callable[[], datetime.datetime]] = ContextVar(
    "styrdok_audit_clock", default=timezone.now
)


# Entries written inside ``batched()`` wait here and are inserted together when the block
# ends (one INSERT for a step's entries instead of one each).
_batch: ContextVar[list | None] = ContextVar("styrdok_audit_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Insert the entries recorded inside the block with one query when it ends. Use it
    inside the transaction of the change: the entries are written before it commits, and
    none are written when the block ends with an exception (the change is rolled back with
    them). Entries inside the block are not yet in the table: code inside it must not read
    the trail back. A nested block keeps its own entries, so that a nested block that fails
    (and whose savepoint is rolled back) takes its entries with it."""
    pending: list[AuditEntry] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("audit.recording.batched() ends outside the change's transaction.")
        # bulk_create, its SQL compiled once per process; with the step's other last writes
        # (config.writes_together): nobody reads the entries back or needs their keys.
        insert_rows(pending, together=True)


def current_actor():
    given = _acting_for.get()
    if given is not None:
        return given[0]
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def current_ip() -> str | None:
    request = current_request.get()
    if request is None:
        return None
    from config.client_ip import client_ip

    return client_ip(request)


def record(
    action: str,
    *,
    actor=None,
    acting: Acting | None = None,
    target: models.Model | None = None,
    case: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    ip_address: str | None = None,
    target_type: str = "",
    target_label: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Append an entry. Must run inside the transaction that makes the change.

    ``target_type`` and ``target_label`` name the object when there is no row to pass as
    ``target`` (a user name tried at log-in) or its name must be fixed beforehand."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "Audit entries are written in the transaction of the change they record."
        )
    entry = _new_entry(
        actor if getattr(actor, "is_authenticated", False) else None,
        acting.position if acting else None,
        case,
        at=entry_clock.get()(),
        as_substitute=bool(acting and acting.as_substitute),
        action=action,
        target_type=target_type or (target._meta.label_lower if target is not None else ""),
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:300],
        from_state=from_state,
        to_state=to_state,
        comment=comment or _note.get(),
        ip_address=ip_address,
        changes=changes or None,
    )
    pending = _batch.get()
    if pending is None:
        entry.save(force_insert=True)
    else:
        pending.append(entry)
    return entry


# The entry's columns in order, its related fields' models and its maker (``_new_entry``).
_COLUMNS: list[str] = []
_RELATED: dict[str, type] = {}
_MAKE: list = []


def _new_entry(actor, acting_as, case, **values) -> AuditEntry:
    """``AuditEntry(actor=actor, acting_as=acting_as, case=case, **values)``, made from its
    columns' values in order (``config.model_rows.maker``): Model.__init__ takes keywords
    with related objects at 15 µs an entry, and a case writes 18. The related objects are
    not cached on the entry (nothing reads them from it). An unsaved object, or one of
    another model, goes through the keywords, whose save refuses it as before."""
    if not _MAKE:
        fields = AuditEntry._meta.concrete_fields
        _RELATED.update((f.attname, f.related_model) for f in fields if f.is_relation)
        _COLUMNS.extend(f.attname for f in fields)
        _MAKE.append(maker(AuditEntry))
    related = {"actor_id": actor, "acting_as_id": acting_as, "case_id": case}
    columns = {AuditEntry._meta.pk.attname: None, **values}
    for attname, obj in related.items():
        if obj is not None and (obj.pk is None or not isinstance(obj, _RELATED[attname])):
            return AuditEntry(actor=actor, acting_as=acting_as, case=case, **values)
        columns[attname] = None if obj is None else obj.pk
    if len(columns) != len(_COLUMNS):  # a column this function does not know of
        return AuditEntry(actor=actor, acting_as=acting_as, case=case, **values)
    return _MAKE[0]([columns[name] for name in _COLUMNS])


def record_now(action: str, **kwargs) -> AuditEntry:
    """``record`` for receivers and views that may run outside a transaction: joins the
    caller's transaction when there is one, and takes the actor and address from the
    current request unless given."""
    kwargs.setdefault("actor", current_actor())
    kwargs.setdefault("acting", current_acting())
    kwargs.setdefault("ip_address", current_ip())
    # No savepoint of its own: an entry that cannot be written fails the change it records,
    # and the many entries of an admin save or a data load cost one INSERT each.
    with transaction.atomic(savepoint=False):
        return record(action, **kwargs)
