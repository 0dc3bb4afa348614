"""What starting a new version or a repeal of a document will do, for the confirmation page
shown before anything is created (the start actions in ``actions/start.py`` do it)."""

from __future__ import annotations

from dataclasses import dataclass

from documents import diarium
from documents.models import Document

from . import access
from .actions.base import resolve_decider
from .actions.start import check_startable
from .models import CaseKind
from .refusals import CaseError


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


def preview_start(user, document: Document, kind: str) -> StartPreview:
    """What starting a case of ``kind`` (revision or repeal) on ``document`` would create:
    the case, its next diarienummer, who decides, the version it starts from; or why the
    user cannot start it."""
    label = str(CaseKind(kind).label)
    permit = access.can_start_case(user)
    if not permit:
        return StartPreview(kind=kind, kind_label=label, refusal=permit.reason, forbidden=True)
    try:
        check_startable(document, kind)
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
