"""What the register import's runs say when they change nothing (``workflows.refusals``'
``all_refusals`` finds these once the app is loaded)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from audit.refusals import Conflict, NotAllowed


class RegisterImportNotAllowed(NotAllowed, PermissionDenied):
    """Also a ``PermissionDenied``: a page that lets it through answers 403."""

    code = "register_import_not_allowed"
    message = _("Only the registrar and administrators import the register.")


class RegisterImportHasErrors(Conflict):
    code = "register_import_has_errors"
    message = _("The file has errors and cannot be imported. Correct it and upload it again.")


class RegisterImportNotPending(Conflict):
    code = "register_import_not_pending"
    message = _("This file has been confirmed already: a register file is imported only once.")


class RegisterImportExpired(Conflict):
    code = "register_import_expired"
    message = _(
        "The uploaded files were removed because the import was not confirmed in time. "
        "Upload them again."
    )


class RegisterImportNotChecked(Conflict):
    code = "register_import_not_checked"
    message = _("The files are still being checked; confirm the import once the dry run is shown.")
