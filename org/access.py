"""Who may do what with the organisation itself (the access module of the org layer).

``documents.access`` and ``workflows.access`` answer every other question; the role of
administrator is defined here, at the bottom, and re-exported by them.
"""

from __future__ import annotations


def is_administrator(user) -> bool:
    """Administrators (superusers) see every case and configure the system."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def can_import_organisation(user) -> bool:
    """Importing and exporting the whole organisation (people and their e-mail addresses,
    positions, holdings): administrators only."""
    return is_administrator(user)
