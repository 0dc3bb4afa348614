"""The files of a package and where they go (CSIP's folders), in a stable order.

Every file is an ``Item``: its path inside the package, a way to read its bytes, its MIME
type and the representation it belongs to. Paths are derived from the records
(diarienummer, document, version, record numbers), never from the time of the export, so
the same selection always gives the same list.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from workflows.models import Case

from .pdf import archival_pdf, archival_upload
from .selection import Selection

REPRESENTATIONS = ("pdfa", "original", "records")


@dataclass(frozen=True)
class Item:
    path: str  # inside the package, below its root folder
    read: Callable[[], bytes | None]  # None: the file turned out not to exist (left out)
    mimetype: str
    representation: str  # one of REPRESENTATIONS


def safe_name(text: str, limit: int = 80) -> str:
    """A file or folder name of ASCII letters, digits, dot, dash and underscore."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-.")
    return (cleaned or "fil")[:limit]


def version_folder(version) -> str:
    """``KS-2026-155_dokument-12_version-2``: the version's diarienummer, document, number."""
    diary = version.diarienummer or "utan-diarienummer"
    return f"{safe_name(diary)}_dokument-{version.document_id}_version-{version.number}"


def case_folder(case: Case) -> str:
    return f"{safe_name(case.diary_entry.diarienummer)}_arende-{case.pk}"


def _reader(field_file) -> Callable[[], bytes]:
    def read() -> bytes:
        with field_file.open("rb") as handle:
            return handle.read()

    return read


def _mimetype(name: str, default: str = "application/octet-stream") -> str:
    return mimetypes.guess_type(name)[0] or default


def _version_items(version) -> list[Item]:
    folder = version_folder(version)
    items = [
        Item(
            f"representations/pdfa/data/{folder}/{folder}.pdf",
            lambda v=version: archival_pdf(v),
            "application/pdf",
            "pdfa",
        )
    ]
    for index, upload in enumerate(version.files.order_by("pk"), start=1):
        name = f"{index:02d}-{safe_name(upload.original_name)}"
        items.append(
            Item(
                f"representations/pdfa/data/{folder}/{name.rsplit('.', 1)[0]}.pdf",
                lambda u=upload: archival_upload(u),
                "application/pdf",
                "pdfa",
            )
        )
        items.append(
            Item(
                f"representations/original/data/{folder}/{name}",
                _reader(upload.file),
                upload.content_type or _mimetype(upload.original_name),
                "original",
            )
        )
    return items


def _case_items(case: Case, case_xml: Callable[[Case], bytes]) -> list[Item]:
    folder = case_folder(case)
    items = [
        Item(
            f"representations/records/data/{folder}/arende.xml",
            lambda c=case: case_xml(c),
            "application/xml",
            "records",
        )
    ]
    for record in case.registered_records.order_by("sequence"):
        if not record.file:
            continue
        name = (
            f"handling-{record.sequence:03d}-{safe_name(record.original_name or record.file.name)}"
        )
        items.append(
            Item(
                f"representations/records/data/{folder}/{name}",
                _reader(record.file),
                _mimetype(record.original_name or record.file.name),
                "records",
            )
        )
    return items


def _minutes_items(version) -> list[Item]:
    folder = version_folder(version)
    items = []
    for decision in version.decisions.order_by("pk"):
        if decision.minutes_extract:
            items.append(
                Item(
                    f"representations/records/data/{folder}/protokollsutdrag-beslut-{decision.pk}.pdf",
                    _reader(decision.minutes_extract),
                    "application/pdf",
                    "records",
                )
            )
    return items


def items(selection: Selection, case_xml: Callable[[Case], bytes]) -> list[Item]:
    """Every content file of the selection's package, sorted by path."""
    found: list[Item] = []
    for version in selection.versions:
        found.extend(_version_items(version))
        found.extend(_minutes_items(version))
    for case in selection.cases:
        found.extend(_case_items(case, case_xml))
    unique = {item.path: item for item in found}
    return [unique[path] for path in sorted(unique)]
