"""The package's root METS.xml, following the E-ARK CSIP METS profile (docs/archive.md
lists which requirements hold). Every ID is derived from the file's path and checksum, so
the only thing that differs between two builds of the same selection is CREATEDATE."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lxml import etree

from .validation import CSIP_NS, METS_NS, PREMIS_NS, XLINK_NS, XSI_NS

PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
CONTENT_CATEGORY = "Textual works \u2013 Digital"  # CSIP's vocabulary (CSIP2)
ID_NAMESPACE = uuid.UUID("6f0c7d2e-3b8a-5c41-9a57-2d4e8f1b0c93")
SCHEMA_LOCATIONS = {
    METS_NS: "schemas/mets.xsd",
    XLINK_NS: "schemas/xlink.xsd",
    CSIP_NS: "schemas/DILCISExtensionMETS.xsd",
}


@dataclass(frozen=True)
class Written:
    """A file written into the package: what METS and PREMIS say about it."""

    path: str
    sha256: str
    size: int
    mimetype: str
    group: str  # the fileGrp's USE: "Schemas", "Representations/pdfa", ...


def make_id(*parts: str) -> str:
    """An XML ID (an NCName) derived from the given parts only."""
    return "ID-" + str(uuid.uuid5(ID_NAMESPACE, "\n".join(parts)))


def _m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


def _file_attrs(entry: Written, created: str) -> dict[str, str]:
    return {
        "MIMETYPE": entry.mimetype,
        "SIZE": str(entry.size),
        "CREATED": created,
        "CHECKSUM": entry.sha256,
        "CHECKSUMTYPE": "SHA-256",
    }


def _md_ref(parent, entry: Written, created: str, mdtype: str, other: str = ""):
    attrs = {
        "LOCTYPE": "URL",
        f"{{{XLINK_NS}}}type": "simple",
        f"{{{XLINK_NS}}}href": entry.path,
        "MDTYPE": mdtype,
        **_file_attrs(entry, created),
    }
    if other:
        attrs["OTHERMDTYPE"] = other
    return etree.SubElement(parent, _m("mdRef"), attrs)


def _header(root, created_at: str, software_version: str) -> None:
    header = etree.SubElement(
        root, _m("metsHdr"), {"CREATEDATE": created_at, f"{{{CSIP_NS}}}OAISPACKAGETYPE": "SIP"}
    )
    agent = etree.SubElement(
        header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE"
    )
    etree.SubElement(agent, _m("name")).text = "Styrdok"
    note = etree.SubElement(agent, _m("note"), {f"{{{CSIP_NS}}}NOTETYPE": "SOFTWARE VERSION"})
    note.text = software_version


def _file_sec(root, object_id: str, files: list[Written], created: str) -> dict[str, str]:
    """The fileSec, one fileGrp per USE; returns USE → the fileGrp's ID."""
    section = etree.SubElement(root, _m("fileSec"), ID=make_id(object_id, "fileSec"))
    groups: dict[str, object] = {}
    group_ids: dict[str, str] = {}
    for entry in files:
        if entry.group not in groups:
            group_ids[entry.group] = make_id(object_id, "fileGrp", entry.group)
            groups[entry.group] = etree.SubElement(
                section, _m("fileGrp"), USE=entry.group, ID=group_ids[entry.group]
            )
        node = etree.SubElement(
            groups[entry.group],
            _m("file"),
            {"ID": make_id(entry.path, entry.sha256), **_file_attrs(entry, created)},
        )
        etree.SubElement(
            node,
            _m("FLocat"),
            {
                "LOCTYPE": "URL",
                f"{{{XLINK_NS}}}type": "simple",
                f"{{{XLINK_NS}}}href": entry.path,
            },
        )
    return group_ids


def _struct_map(root, object_id: str, dmd_id: str, amd_id: str, group_ids: dict) -> None:
    struct = etree.SubElement(
        root, _m("structMap"), ID=make_id(object_id, "structMap"), TYPE="PHYSICAL", LABEL="CSIP"
    )
    top = etree.SubElement(struct, _m("div"), ID=make_id(object_id, "div"), LABEL=object_id)
    etree.SubElement(
        top,
        _m("div"),
        ID=make_id(object_id, "div", "Metadata"),
        LABEL="Metadata",
        DMDID=dmd_id,
        ADMID=amd_id,
    )
    for use, group_id in group_ids.items():
        div = etree.SubElement(top, _m("div"), ID=make_id(object_id, "div", use), LABEL=use)
        etree.SubElement(div, _m("fptr"), FILEID=group_id)


def mets_xml(
    *,
    object_id: str,
    label: str,
    created_at: str,
    content_date: str,
    software_version: str,
    descriptive: Written,
    preservation: Written,
    files: list[Written],
) -> bytes:
    """The root METS document. ``created_at``: the time of the build (metsHdr only);
    ``content_date``: the date of the newest record, used wherever CSIP asks when a
    metadata file or content file was created."""
    root = etree.Element(
        _m("mets"),
        {
            "OBJID": object_id,
            "LABEL": label,
            "TYPE": CONTENT_CATEGORY,
            f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE": "OTHER",
            f"{{{CSIP_NS}}}OTHERCONTENTINFORMATIONTYPE": "Styrdok styrdokument 1",
            "PROFILE": PROFILE,
            f"{{{XSI_NS}}}schemaLocation": " ".join(
                f"{ns} {path}" for ns, path in SCHEMA_LOCATIONS.items()
            ),
        },
        nsmap={None: METS_NS, "csip": CSIP_NS, "xlink": XLINK_NS, "xsi": XSI_NS},
    )
    _header(root, created_at, software_version)
    dmd_id = make_id(descriptive.path, descriptive.sha256)
    dmd = etree.SubElement(
        root, _m("dmdSec"), ID=dmd_id + "-sec", CREATED=content_date, STATUS="CURRENT"
    )
    _md_ref(dmd, descriptive, content_date, "OTHER", "STYRDOK")
    amd = etree.SubElement(root, _m("amdSec"), ID=make_id(object_id, "amdSec"))
    amd_id = make_id(preservation.path, preservation.sha256) + "-sec"
    digiprov = etree.SubElement(amd, _m("digiprovMD"), ID=amd_id, STATUS="CURRENT")
    _md_ref(digiprov, preservation, content_date, "PREMIS")
    group_ids = _file_sec(root, object_id, files, content_date)
    _struct_map(root, object_id, dmd_id + "-sec", amd_id, group_ids)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


__all__ = ["PREMIS_NS", "Written", "make_id", "mets_xml"]
