"""The database triggers that keep the audit trail insert-only.

The trail's model lives in the audit app, but its table and triggers were made by workflows'
migrations (0006 installed these rules under the workflows label and their names carry it),
so workflows registers them (``WorkflowsConfig.ready``). The audit app stays below
documents, whose ``protection`` module holds the trigger machinery.
"""

from __future__ import annotations

from documents.protection import DELETE, TRUNCATE, UPDATE, Rule

# The database refuses to change, delete or empty the audit trail, whatever the door
# (documents.protection; docs/access.md).
AUDIT_RULES = (
    Rule(
        "workflows_protect_audit_update",
        "workflows_auditentry",
        UPDATE,
        "the audit trail is append-only: an entry is never changed",
    ),
    Rule(
        "workflows_protect_audit_delete",
        "workflows_auditentry",
        DELETE,
        "the audit trail is append-only: an entry is never deleted",
    ),
    Rule(
        "workflows_protect_audit_truncate",
        "workflows_auditentry",
        TRUNCATE,
        "the audit trail is append-only: it is never emptied",
    ),
)
