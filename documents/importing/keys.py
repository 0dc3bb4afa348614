"""How the register file names a document (shared by the export and the checks of a
re-import)."""

from __future__ import annotations

from ..models import Document


def key_of(document: Document) -> str:
    """The document's key in the file: its import key, else one made from its id."""
    return document.import_key or f"styrdok-{document.pk}"
