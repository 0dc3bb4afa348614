"""Helpers for the register import's tests: a register file from rows, a ZIP of files."""

from __future__ import annotations

import io
import zipfile

from documents.importing.sheets import DOCUMENTS, EARLIER, REPEALS
from org.importing.export import to_xlsx
from tests.factories import Municipality


def tables(
    documents: list[dict], earlier: list[dict] | None = None, repeals: list[dict] | None = None
) -> dict:
    """Sheets from rows given by column header (missing cells are empty)."""

    def sheet(s, rows):
        headers = [c.header for c in s.columns]
        return [headers, *[[str(r.get(h, "")) for h in headers] for r in rows]]

    return {
        DOCUMENTS.name: sheet(DOCUMENTS, documents),
        EARLIER.name: sheet(EARLIER, earlier or []),
        REPEALS.name: sheet(REPEALS, repeals or []),
    }


def xlsx(
    documents: list[dict], earlier: list[dict] | None = None, repeals: list[dict] | None = None
) -> bytes:
    return to_xlsx(tables(documents, earlier, repeals))


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def kf_policy(m: Municipality, **cells) -> dict:
    """The KF policy of 2018 as a row of the Dokument sheet."""
    return {
        "Nyckel": "POL-1",
        "Dokumenttyp": "Policy",
        "Titel": "Policy för informationssäkerhet",
        "Enhet": "kommun",
        "Dokumentansvarig": m.positions["kommunchef"].code,
        "Fil": "policy.docx",
        "Beslutande organ": "KF",
        "Beslutsdatum": "2018-03-26",
        "Paragraf": "26",
        "Diarienummer": "KS 2018/123",
        "Giltig från": "2018-04-01",
        "Nästa översyn": "2027-03-26",
        **cells,
    }


def import_policy_with_an_earlier_version(m: Municipality):
    """Import KS's policy POL-1 (``kf_policy``) with an earlier version 1 adopted in 2011
    and its file; returns the import's report."""
    from documents.importing.services import import_register
    from documents.importing.sources import Zip
    from tests.upload_support import docx

    earlier = {
        "Dokument": "POL-1", "Version": "1", "Titel": "Policy, version 1",
        "Text": "Sekretessklassning av handlingar.", "Beslutande organ": "KS",
        "Beslutsdatum": "2011-05-02", "Paragraf": "§ 88", "Diarienummer": "KS 2011/40",
    }  # fmt: skip
    files = Zip(
        io.BytesIO(zip_of({"policy.docx": docx("<w:p><w:r><w:t>Policy.</w:t></w:r></w:p>")}))
    )
    return import_register("register.xlsx", xlsx([kf_policy(m)], [earlier]), files)
