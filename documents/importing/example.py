"""The example register file offered on the import page: a few documents of the demo
municipality (``load_demo``) with their historical decisions and one earlier version, filled
in the way a municipality fills in the template.

Positions are named by code in the file, and the demo's codes are made when it is loaded, so
the example names each position by what it is (the chief of a unit, a process's owner) and
writes this installation's code for it at download; where there is no such position the
description stands in the cell (and the dry run says so)."""

from __future__ import annotations

from org.models import Position, PositionKind, Process

from .sheets import DOCUMENTS, EARLIER

# A position by what it is: ("unit", code), the unit's chief; ("process", name), its owner.
PositionRef = tuple[str, str]

KOMMUNCHEF: PositionRef = ("unit", "exempelkommun")

# Rows of the Dokument sheet by column header; positions as references.
DOCUMENT_ROWS: list[dict] = [
    {
        "Nyckel": "EX-POL-ARKIV",
        "Dokumenttyp": "Policy",
        "Titel": "Policy för arkiv och informationsförvaltning",
        "Enhet": "exempelkommun",
        "Dokumentansvarig": KOMMUNCHEF,
        "Sammanfattning": "Hur kommunen bevarar, gallrar och lämnar ut allmänna handlingar.",
        "Offentlig": "ja",
        "Text": (
            "Kommunens allmänna handlingar ska hållas ordnade så att rätten att ta del av "
            "dem underlättas.\n\nVarje nämnd ansvarar för arkivvården inom sitt område och "
            "utser arkivansvarig och arkivredogörare."
        ),
        "Beslutande organ": "KS",
        "Beslutsdatum": "2019-06-17",
        "Paragraf": "84",
        "Diarienummer": "KS 2019/211",
        "Giltig från": "2019-07-01",
        "Nästa översyn": "2027-06-30",
    },
    {
        "Nyckel": "EX-RIKT-GALLRING",
        "Dokumenttyp": "Riktlinje",
        "Titel": "Riktlinjer för gallring av allmänna handlingar",
        "Enhet": "exempelkommun",
        "Dokumentansvarig": KOMMUNCHEF,
        "Överordnat dokument": "EX-POL-ARKIV",
        "Sammanfattning": "Vilka handlingar som får gallras, när och hur gallringen dokumenteras.",
        "Offentlig": "ja",
        "Text": (
            "Handlingar av tillfällig betydelse gallras när de inte längre behövs.\n\n"
            "Gallring dokumenteras i verksamhetens dokumenthanteringsplan."
        ),
        "Beslutande organ": "KS",
        "Beslutsdatum": "2020-11-23",
        "Paragraf": "162",
        "Diarienummer": "KS 2020/402",
        "Giltig från": "2021-01-01",
        "Nästa översyn": "2026-11-23",
    },
    {
        "Nyckel": "EX-POL-DIGITALA-VERKTYG",
        "Dokumenttyp": "Policy",
        "Titel": "Policy för elevernas digitala verktyg",
        "Enhet": "utb",
        "Dokumentansvarig": ("unit", "utb"),
        "Sammanfattning": "Hur skolorna väljer, delar ut och följer upp elevernas datorer.",
        "Offentlig": "ja",
        "Text": (
            "Varje elev i årskurs 4–9 har en egen dator under skoltid.\n\n"
            "Rektor ansvarar för att verktygen används i undervisningen."
        ),
        "Beslutande organ": "BUN",
        "Beslutsdatum": "2021-05-19",
        "Paragraf": "45",
        "Diarienummer": "BUN 2021/73",
        "Giltig från": "2021-08-01",
        "Nästa översyn": "2026-05-19",
    },
    {
        "Nyckel": "EX-RUT-LEVERANS",
        "Dokumenttyp": "Rutin",
        "Titel": "Rutin för mottagning av livsmedelsleveranser",
        "Enhet": "sbh-maltid",
        "Dokumentansvarig": ("process", "Måltider"),
        "Process": "Måltider",
        "Sammanfattning": "Kontroll av temperatur och märkning när varor tas emot i köken.",
        "Offentlig": "ja",
        "Text": (
            "Kylvaror ska hålla högst 8 °C och frysvaror högst −18 °C vid mottagningen.\n\n"
            "Avvikelser antecknas i egenkontrollen och meddelas leverantören samma dag."
        ),
        "Beslutande befattning": ("process", "Måltider"),
        "Beslutsdatum": "2022-09-05",
        "Giltig från": "2022-09-12",
        "Nästa översyn": "2026-09-05",
    },
    {
        "Nyckel": "EX-HP-UTEMILJO",
        "Dokumenttyp": "Handlingsplan",
        "Titel": "Handlingsplan för utemiljön – Förskolan Solrosen",
        "Enhet": "utb-solrosen",
        "Dokumentansvarig": ("unit", "utb-solrosen"),
        "Offentlig": "ja",
        "Text": "Gården får fler skuggor och en odlingslåda per avdelning under 2024 och 2025.",
        "Beslutande befattning": ("unit", "utb-solrosen"),
        "Beslutsdatum": "2024-02-12",
        "Giltig från": "2024-02-12",
        "Giltig till": "2025-12-31",
        "Nästa översyn": "2025-12-01",
    },
]

# The policy's first version, superseded by the one of 2019.
EARLIER_ROWS: list[dict] = [
    {
        "Dokument": "EX-POL-ARKIV",
        "Version": "1",
        "Titel": "Arkivpolicy",
        "Text": "Kommunens arkiv vårdas enligt arkivlagen.",
        "Beslutande organ": "KS",
        "Beslutsdatum": "2014-03-10",
        "Paragraf": "41",
        "Diarienummer": "KS 2014/56",
        "Giltig från": "2014-04-01",
    },
]


def _code(ref: PositionRef) -> str:
    kind, name = ref
    if kind == "unit":
        found = Position.objects.filter(kind=PositionKind.CHIEF, unit__code=name).first()
        return found.code if found else f"(chef för {name})"
    process = Process.objects.select_related("owner_position").filter(name=name).first()
    if process is None or process.owner_position is None:
        return f"(processägare för {name})"
    return process.owner_position.code


def _cells(sheet, row: dict) -> list[str]:
    values = {h: _code(v) if isinstance(v, tuple) else v for h, v in row.items()}
    return [str(values.get(c.header, "")) for c in sheet.columns]


def example_tables() -> dict[str, list[list[str]]]:
    """Both sheets with their header and the example's rows."""
    return {
        sheet.name: [[c.header for c in sheet.columns], *[_cells(sheet, r) for r in rows]]
        for sheet, rows in ((DOCUMENTS, DOCUMENT_ROWS), (EARLIER, EARLIER_ROWS))
    }
