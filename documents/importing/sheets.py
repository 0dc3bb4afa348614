"""The register file's format: the documents in force (and repealed ones with their repeal
decision) and their earlier versions, with
Swedish column names (the file is a form municipalities fill in, like the organisation
file, ``org.importing.sheets``, whose columns and readers it uses)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from org.importing.sheets import Column, Sheet, as_bool, as_date, as_int

DOCUMENTS = Sheet(
    "Dokument",
    _("document"),
    (
        Column("Nyckel", "import_key", True),
        Column("Dokumenttyp", "document_type", True),
        Column("Titel", "title", True),
        Column("Enhet", "scope_unit", True),
        Column("Dokumentansvarig", "owner_position", True),
        Column("Process", "process"),
        Column("Överordnat dokument", "parent"),
        Column("Sammanfattning", "summary"),
        Column("Offentlig", "is_public", False, as_bool, True),
        Column("Fil", "file"),
        Column("Text", "text"),
        Column("Beslutande organ", "body"),
        Column("Beslutande befattning", "position"),
        Column("Beslutsdatum", "decision_date", True, as_date, None),
        Column("Paragraf", "paragraph"),
        Column("Diarienummer", "historical_diarienummer"),
        Column("Giltig från", "valid_from", False, as_date, None),
        Column("Giltig till", "valid_until", False, as_date, None),
        Column("Nästa översyn", "next_review", False, as_date, None),
    ),
    ("import_key",),
    10,
)

EARLIER = Sheet(
    "Tidigare versioner",
    _("earlier version"),
    (
        Column("Dokument", "document", True),
        Column("Version", "number", True, as_int, None),
        Column("Titel", "title", True),
        Column("Fil", "file"),
        Column("Text", "text"),
        Column("Beslutande organ", "body"),
        Column("Beslutande befattning", "position"),
        Column("Beslutsdatum", "decision_date", True, as_date, None),
        Column("Paragraf", "paragraph"),
        Column("Diarienummer", "historical_diarienummer"),
        Column("Giltig från", "valid_from", False, as_date, None),
    ),
    ("document", "number"),
    20,
)

# A document of the Dokument sheet that was repealed: its repeal decision. Its row in the
# Dokument sheet describes the version in force until the repeal.
REPEALS = Sheet(
    "Upphävanden",
    _("repeal"),
    (
        Column("Dokument", "document", True),
        Column("Beslutande organ", "body"),
        Column("Beslutande befattning", "position"),
        Column("Beslutsdatum", "decision_date", True, as_date, None),
        Column("Paragraf", "paragraph"),
        Column("Diarienummer", "historical_diarienummer"),
    ),
    ("document",),
    30,
)

REGISTER_SHEETS = [DOCUMENTS, EARLIER, REPEALS]
