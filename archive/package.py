"""Writing an archive package: a ZIP file with one root folder named by the package's
identifier, following CSIP's layout:

    <id>/representations/{pdfa,original,records}/data/...   the content
    <id>/schemas/...                                        the XML schemas used
    <id>/metadata/descriptive/styrdok.xml                   what it is about
    <id>/metadata/preservation/premis.xml                   PREMIS 3.0
    <id>/METS.xml                                           the root METS

Reproducible: the entries are written in that fixed order (each group sorted by path),
with a fixed timestamp, mode and compression; IDs come from paths and checksums; only
METS.xml's CREATEDATE tells when it was built.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
import zipfile
from collections.abc import Callable
from importlib import metadata as package_metadata
from typing import BinaryIO

from .contents import items
from .descriptive import case_xml, descriptive_xml
from .mets import Written, mets_xml
from .premis import premis_xml
from .selection import Selection
from .validation import SCHEMA_FILES, SCHEMAS

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PACKAGE_NAMESPACE = uuid.UUID("0d7e4c52-8a1f-5b63-b9e4-71c2a6f3d805")
Progress = Callable[[int, int], None]


def object_id(selection: Selection) -> str:
    """The package's identifier (OBJID and root folder): the same for the same selection."""
    return "uuid-" + str(uuid.uuid5(PACKAGE_NAMESPACE, "styrdok:" + selection.key))


def software_version() -> str:
    try:
        return package_metadata.version("styrdok")
    except package_metadata.PackageNotFoundError:
        return "0"


def content_date(selection: Selection) -> str:
    """The newest stored date of the selection's records, as an xsd:dateTime."""
    dates = [datetime.date(1990, 1, 1)]
    for version in selection.versions:
        dates.append(version.created_at.date())
        if version.adoption_id:
            dates.append(version.adoption.decision_date)
    for case in selection.cases:
        dates.append(case.diary_entry.registered_at.date())
    return f"{max(dates).isoformat()}T00:00:00"


class _Writer:
    def __init__(self, archive: zipfile.ZipFile, root: str, total: int, progress: Progress):
        self.archive, self.root, self.total, self.progress = archive, root, total, progress
        self.done = 0

    def skip(self) -> None:
        self.done += 1
        self.progress(self.done, self.total)

    def add(self, path: str, data: bytes, mimetype: str, group: str) -> Written:
        info = zipfile.ZipInfo(f"{self.root}/{path}", date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        self.archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.done += 1
        self.progress(self.done, self.total)
        return Written(path, hashlib.sha256(data).hexdigest(), len(data), mimetype, group)


def _schema_files() -> list[tuple[str, bytes]]:
    names = sorted(set(SCHEMA_FILES.values()))
    names += sorted(p.name for p in SCHEMAS.iterdir() if p.name.startswith("LICENSE"))
    return [(f"schemas/{name}", (SCHEMAS / name).read_bytes()) for name in names]


def _decided(selection: Selection, written: list[Written]) -> list[tuple[object, list[str]]]:
    from .contents import version_folder

    found = []
    for version in selection.versions:
        if version.adoption_id:
            folder = version_folder(version)
            found.append((version, [w.path for w in written if f"/{folder}/" in w.path]))
    return found


def build(
    selection: Selection,
    out: BinaryIO,
    *,
    created_at: datetime.datetime,
    progress: Progress = lambda done, total: None,
) -> None:
    """Write the package of ``selection`` to ``out`` (a binary file opened for writing)."""
    content = items(selection, case_xml)
    schemas = _schema_files()
    root = object_id(selection)
    total = len(content) + len(schemas) + 3
    progress(0, total)
    with zipfile.ZipFile(out, "w") as archive:
        writer = _Writer(archive, root, total, progress)
        written = []
        for item in content:
            data = item.read()
            if data is None:
                writer.skip()
                continue
            group = f"Representations/{item.representation}"
            written.append(writer.add(item.path, data, item.mimetype, group))
        written += [writer.add(path, data, "application/xml", "Schemas") for path, data in schemas]
        version = software_version()
        descriptive = writer.add(
            "metadata/descriptive/styrdok.xml", descriptive_xml(selection), "application/xml", ""
        )
        content_files = [w for w in written if w.group != "Schemas"]
        preservation = writer.add(
            "metadata/preservation/premis.xml",
            premis_xml(content_files, _decided(selection, content_files), version),
            "application/xml",
            "",
        )
        mets = mets_xml(
            object_id=root,
            label=selection.key,
            created_at=created_at.replace(microsecond=0).isoformat(),
            content_date=content_date(selection),
            software_version=version,
            descriptive=descriptive,
            preservation=preservation,
            files=sorted(written, key=lambda w: (w.group, w.path)),
        )
        writer.add("METS.xml", mets, "application/xml", "")
