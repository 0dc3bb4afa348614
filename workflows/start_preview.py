"""What starting a new version or a repeal of a document will do, for the confirmation page
shown before anything is created (the start actions in ``actions/start.py`` do it)."""

from __future__ import annotations

from dataclasses import dataclass

from documents import diarium
from documents.models import Document, DocumentStatus

from . import access
from .actions.base import resolve_decider
from .models import Case, CaseKind
from .refusals import CaseAlreadyOpen, CaseError, NotValidForRepeal, NotValidForRevision


@dataclass(frozen=True)
class StartPreview:
    kind: str
    kind_label: str
    # The number the case would get if started now; taken only when it starts.
    diarienummer: str = ""
    decider: str = ""
    version_number: int | None = None
    # Why it cannot start, in words; empty when it can.
    refusal: str = ""
    # The refusal is the user's (may not start cases), not the document's state.
    forbidden: bool = False


def _refusal(document: Document, kind: str) -> str:
    if document.status != DocumentStatus.VALID or document.current_version_id is None:
        error = NotValidForRepeal() if kind == CaseKind.REPEAL else NotValidForRevision()
        return error.message
    open_case = (
        Case.objects.filter(document=document, finished__isnull=True)
        .select_related("diary_entry__series")
        .first()
    )
    if open_case is not None:
        return CaseAlreadyOpen(dnr=open_case.diarienummer).message
    return ""


def preview_start(user, document: Document, kind: str) -> StartPreview:
    """What starting a case of ``kind`` (revision or repeal) on ``document`` would create:
    the case, its next diarienummer, who decides, the version it starts from; or why the
    user cannot start it."""
    label = str(CaseKind(kind).label)
    permit = access.can_start_case(user)
    if not permit:
        return StartPreview(kind=kind, kind_label=label, refusal=permit.reason, forbidden=True)
    refusal = _refusal(document, kind)
    if refusal:
        return StartPreview(kind=kind, kind_label=label, refusal=refusal)
    try:
        decider = resolve_decider(document, None)
        series = diarium.series_for(body=decider.body, scope_unit=document.scope_unit)
    except (CaseError, diarium.NoDiarySeries) as exc:
        return StartPreview(kind=kind, kind_label=label, refusal=str(exc))
    return StartPreview(
        kind=kind,
        kind_label=label,
        diarienummer=diarium.next_number(series),
        decider=str(decider.body or decider.position),
        version_number=document.current_version.number,
    )
