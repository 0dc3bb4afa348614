"""The register as the import reads it (selectors): the valid documents with their valid
version's decision, and their earlier versions, rows sorted by key; and a ZIP of the
versions' files, named in the sheets. Exporting, importing into an empty database with the
same organisation and exporting again gives the same files."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from django.db.models import Prefetch

from org.importing.export import render, table

from ..models import Document, DocumentStatus, DocumentVersion, VersionFile, VersionStatus
from ..search import version_file
from .keys import key_of
from .sheets import DOCUMENTS, EARLIER, REGISTER_SHEETS

_UNSAFE = re.compile(r"[^-A-Za-z0-9_.]+")


def _decision(version: DocumentVersion) -> dict[str, Any]:
    decision = version.adoption
    if decision is None:
        return {}
    dnr = version.diarienummer
    return {
        "body": decision.body.short_name if decision.body_id else "",
        "position": decision.position.code if decision.position_id else "",
        "decision_date": decision.decision_date,
        "paragraph": decision.paragraph,
        "historical_diarienummer": dnr,
    }


class _Files:
    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.archive = zipfile.ZipFile(self.out, "w", zipfile.ZIP_STORED)

    def add(self, key: str, version: DocumentVersion) -> str:
        stored = version_file(version)
        if stored is None:
            return ""
        suffix = "." + stored.file.name.rsplit(".", 1)[-1] if "." in stored.file.name else ""
        name = f"{_UNSAFE.sub('_', key)}-v{version.number}{suffix}"
        # A fixed time: the same register gives the same bytes.
        info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
        with stored.file.open("rb") as handle:
            self.archive.writestr(info, handle.read())
        return name

    def close(self) -> bytes:
        self.archive.close()
        return self.out.getvalue()


def _version_row(key: str, version: DocumentVersion, files: _Files) -> dict[str, Any]:
    return {
        "title": version.title,
        "file": files.add(key, version),
        "text": version.body,
        "valid_from": version.valid_from,
        **_decision(version),
    }


def _files(path: str) -> Prefetch:
    """The versions' uploads in one query (``version_file`` picks the newest), without
    their extracted text."""
    return Prefetch(path, queryset=VersionFile.objects.defer("extracted_text"))


def records(files: _Files) -> dict[str, list[dict[str, Any]]]:
    documents = (
        Document.objects.filter(status=DocumentStatus.VALID)
        .select_related(
            "document_type",
            "scope_unit",
            "owner_position",
            "process",
            "parent",
            "current_version__adoption__body",
            "current_version__adoption__position",
            "current_version__diary_entry",
        )
        .prefetch_related(_files("current_version__files"))
        .order_by("pk")
    )
    rows, earlier = [], []
    keys = {}
    for d in documents:
        key = keys[d.pk] = key_of(d)
        version = d.current_version
        rows.append(
            {
                "import_key": key,
                "document_type": d.document_type.name,
                "scope_unit": d.scope_unit.code,
                "owner_position": d.owner_position.code,
                "process": d.process.name if d.process_id else "",
                "parent": key_of(d.parent) if d.parent_id else "",
                "summary": d.summary,
                "is_public": d.is_public,
                "valid_until": version.valid_until,
                "next_review": version.next_review,
                **_version_row(key, version, files),
            }
        )
    superseded = (
        DocumentVersion.objects.filter(
            document__in=keys, status=VersionStatus.SUPERSEDED, adoption__isnull=False
        )
        .select_related("adoption__body", "adoption__position", "diary_entry")
        .prefetch_related(_files("files"))
        .order_by("document", "number")
    )
    for v in superseded:
        key = keys[v.document_id]
        earlier.append({"document": key, "number": v.number, **_version_row(key, v, files)})
    return {DOCUMENTS.name: rows, EARLIER.name: earlier}


def tables() -> tuple[dict[str, list[list[str]]], bytes]:
    """Every sheet of the register as it is now, and the ZIP of the files they name."""
    files = _Files()
    found = records(files)
    content = {sheet.name: table(sheet, found[sheet.name]) for sheet in REGISTER_SHEETS}
    return content, files.close()


def empty_tables() -> dict[str, list[list[str]]]:
    return {sheet.name: table(sheet, []) for sheet in REGISTER_SHEETS}


def export(fmt: str = "xlsx") -> tuple[bytes, bytes]:
    """The register file (XLSX, or a ZIP of CSV files) and the ZIP of its files."""
    content, files = tables()
    return render(content, fmt), files
