"""How the register file names a document and its decision's diarienummer (shared by the
export and the checks of a re-import)."""

from __future__ import annotations

from ..models import Document, DocumentVersion


def key_of(document: Document) -> str:
    """The document's key in the file: its import key, else one made from its id."""
    return document.import_key or f"styrdok-{document.pk}"


def diarienummer_of(version: DocumentVersion) -> str:
    """The version's diarienummer as the file writes it: the historical one as written, else
    the one Styrdok's diarium allocated."""
    decision = version.adoption
    historical = decision.historical_diarienummer if decision is not None else ""
    if historical:
        return historical
    return version.diary_entry.diarienummer if version.diary_entry_id else ""
