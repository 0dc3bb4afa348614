"""Who may export archive packages: the registrar and administrators (docs/access.md).

The only place the archive app asks a role question; views, the command and the services
call these functions."""

from __future__ import annotations

from documents import access as document_access
from workflows.access import can_see_audit_trail

from .models import ArchiveExport
from .refusals import ArchiveExportNotAllowed


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_export(user) -> bool:
    """May ``user`` ask for archive packages and download them? The registrar and
    administrators: those who see the whole audit trail (the menu shows both links to the
    same people)."""
    return _active(user) and can_see_audit_trail(user)


def check_export(user) -> None:
    """Refuse (``archive_export_not_allowed``) anyone but the registrar and administrators."""
    if not can_export(user):
        raise ArchiveExportNotAllowed()


def export_acting(user):
    """The position the registrar exports in (for the audit entry); None for an
    administrator without one."""
    return document_access.registrar_acting(user) if _active(user) else None


def visible_exports(user):
    """The exports ``user`` sees on the page: every export, for those who may export (the
    registrar's office shares its work); none for anyone else."""
    if not can_export(user):
        return ArchiveExport.objects.none()
    return ArchiveExport.objects.all()
