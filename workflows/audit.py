# The audit trail's functions moved to audit.recording; this re-export keeps code not yet
# updated working. TODO(issue 17 merge): remove
from audit.recording import *  # noqa: F403
from audit.recording import (  # noqa: F401
    _acting_for,
    by,
    current_acting,
    current_actor,
    current_ip,
    current_request,
    entry_clock,
    record,
    record_now,
)

from .record_protection import AUDIT_RULES  # noqa: F401
