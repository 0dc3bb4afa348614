"""The register as the import reads it (selectors): the valid documents with their valid
version's decision, the repealed ones with the version last in force and their repeal
decision, and their earlier versions, rows sorted by key; and a ZIP of the
versions' files, named in the sheets. Exporting, importing into an empty database with the
same organisation and exporting again gives the same files."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from django.db.models import Prefetch, Q

from org.importing.export import render, table

from ..models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionFile,
    VersionStatus,
)
from ..search import version_file
from .keys import key_of
from .sheets import DOCUMENTS, EARLIER, REGISTER_SHEETS, REPEALS

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


def _repeals(keys: dict[int, str]) -> list[dict[str, Any]]:
    """The repeal decision of each repealed document (the latest, as the register shows)."""
    found: dict[int, dict[str, Any]] = {}
    decisions = (
        Decision.objects.filter(
            document__in=keys, kind=DecisionKind.REPEAL, outcome=DecisionOutcome.ADOPTED
        )
        .select_related("body", "position", "diary_entry__series")
        .order_by("document", "decision_date", "pk")
    )
    for d in decisions:
        found[d.document_id] = {
            "document": keys[d.document_id],
            "body": d.body.short_name if d.body_id else "",
            "position": d.position.code if d.position_id else "",
            "decision_date": d.decision_date,
            "paragraph": d.paragraph,
            "historical_diarienummer": (
                d.diary_entry.diarienummer if d.diary_entry_id else d.historical_diarienummer
            ),
        }
    return list(found.values())


def records(files: _Files) -> dict[str, list[dict[str, Any]]]:
    documents = (
        Document.objects.filter(
            Q(status=DocumentStatus.VALID)
            | Q(status=DocumentStatus.REPEALED, current_version__adoption__isnull=False)
        )
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
    keys, statuses = {}, {}
    for d in documents:
        key = keys[d.pk] = key_of(d)
        statuses[d.pk] = d.status
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
    repealed = {pk: key for pk, key in keys.items() if statuses[pk] == DocumentStatus.REPEALED}
    return {DOCUMENTS.name: rows, EARLIER.name: earlier, REPEALS.name: _repeals(repealed)}


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
