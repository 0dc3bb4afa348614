"""Writing the audit trail: one function, called inside the transaction of the change."""

from __future__ import annotations

from django.db import models, transaction

from org.selectors import Acting

from .models import AuditEntry, Case


def record(
    action: str,
    *,
    actor=None,
    acting: Acting | None = None,
    target: models.Model | None = None,
    case: Case | None = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Append an entry. Must run inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "Audit entries are written in the transaction of the change they record."
        )
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        acting_as=acting.position if acting else None,
        as_substitute=bool(acting and acting.as_substitute),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        case=case,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        ip_address=ip_address,
    )
