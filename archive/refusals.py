"""Named refusals of the archive export: a stable code, an HTTP status and a Swedish
message, as ``workflows.refusals`` (whose ``all_refusals`` finds these once the app is
loaded)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.refusals import InvalidInput, NotAllowed, NotFound


class ArchiveExportNotAllowed(NotAllowed):
    code = "archive_export_not_allowed"
    message = _("Only the registrar and administrators export archive packages.")


class ArchiveSelectionMissing(InvalidInput):
    code = "archive_selection_missing"
    message = _("Choose one thing to export: a document, a case, or a body and a year.")


class NoSuchArchiveDocument(NotFound):
    code = "no_such_archive_document"
    message = _("There is no document with that number.")
    field = "document"


class NoSuchArchiveCase(NotFound):
    code = "no_such_archive_case"
    message = _("There is no case with that number.")
    field = "case"


class ArchiveBodyUnknown(InvalidInput):
    code = "archive_body_unknown"
    message = _("There is no body with that code (e.g. KS, KF).")
    field = "body"


class ArchiveYearInvalid(InvalidInput):
    code = "archive_year_invalid"
    message = _("Give the year as four digits, e.g. 2026.")
    field = "year"


class ArchiveTypeUnknown(InvalidInput):
    code = "archive_type_unknown"
    message = _("There is no document type with that code.")
    field = "document_type"


class ArchiveNothingAdopted(InvalidInput):
    code = "archive_nothing_adopted"
    message = _("The selection holds no adopted version and no case: there is nothing to archive.")
