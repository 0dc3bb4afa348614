"""Downloads of a case's uploaded files (drafts included): only for those who may see the
case, always recorded in the audit trail (case material is never public)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from audit.recording import record_now
from documents.models import VersionFile
from documents.views import MAX_ID, stored_file_response

from . import access
from .models import Case


@login_required
def case_file_download(request, case_id: int, file_id: int):
    """/work/cases/<id>/files/<file_id>/: the same 404 for a missing case, a case the user
    may not see and a file of another case."""
    if not (0 < case_id <= MAX_ID and 0 < file_id <= MAX_ID):
        raise Http404
    case = Case.objects.select_related("document__owner_position__unit").filter(pk=case_id).first()
    if case is None or not case.version_id or not access.can_view_case(request.user, case):
        raise Http404
    stored = VersionFile.objects.filter(pk=file_id, version_id=case.version_id).first()
    if stored is None:
        raise Http404
    response = stored_file_response(stored)
    record_now(
        "file_downloaded",
        actor=request.user,
        target=stored,
        case=case,
        comment=f"{case.document.title} v{case.version.number}",
    )
    return response
