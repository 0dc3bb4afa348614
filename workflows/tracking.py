# The change tracking moved to audit.tracking; this re-export keeps code not yet updated
# working. TODO(issue 17 merge): remove
from audit.tracking import *  # noqa: F403
from audit.tracking import (  # noqa: F401
    OTHER_TYPES,
    TRACKED,
    ChangeLine,
    Tracked,
    change_lines,
    changed_fields,
    changes_text,
    field_label,
    object_type_name,
    object_types,
    shown,
)
