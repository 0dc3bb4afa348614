"""The package's preservation metadata (``metadata/preservation/premis.xml``, PREMIS 3.0):
one object per content file with its SHA-256 fixity, size and format, one event per
decision that adopted a version, and the software that made the package."""

from __future__ import annotations

from lxml import etree

from .validation import PREMIS_NS, XSI_NS

SOFTWARE = "Styrdok"


def _el(parent, tag: str, text=None, **attrs):
    node = etree.SubElement(parent, f"{{{PREMIS_NS}}}{tag}", attrs)
    if text is not None:
        node.text = str(text)
    return node


def _identifier(parent, prefix: str, kind: str, value: str) -> None:
    node = _el(parent, prefix)
    _el(node, f"{prefix}Type", kind)
    _el(node, f"{prefix}Value", value)


def _object(root, entry) -> None:
    node = _el(root, "object", **{f"{{{XSI_NS}}}type": "premis:file"})
    _identifier(node, "objectIdentifier", "local", entry.path)
    characteristics = _el(node, "objectCharacteristics")
    _el(characteristics, "compositionLevel", "0")
    fixity = _el(characteristics, "fixity")
    _el(fixity, "messageDigestAlgorithm", "SHA-256")
    _el(fixity, "messageDigest", entry.sha256)
    _el(characteristics, "size", entry.size)
    designation = _el(_el(characteristics, "format"), "formatDesignation")
    _el(designation, "formatName", entry.mimetype)
    _el(node, "originalName", entry.path.rsplit("/", 1)[-1])


def _event(root, version, object_paths: list[str]) -> None:
    decision = version.adoption
    node = _el(root, "event")
    _identifier(node, "eventIdentifier", "local", f"beslut-{decision.pk}")
    _el(node, "eventType", "decision")
    _el(node, "eventDateTime", decision.decision_date.isoformat())
    detail = _el(node, "eventDetailInformation")
    _el(detail, "eventDetail", version.adoption_line or f"beslut {decision.pk}")
    outcome = _el(node, "eventOutcomeInformation")
    _el(outcome, "eventOutcome", decision.outcome)
    agent = _el(node, "linkingAgentIdentifier")
    _el(agent, "linkingAgentIdentifierType", "local")
    _el(agent, "linkingAgentIdentifierValue", str(decision.body or decision.position or ""))
    for path in object_paths:
        linked = _el(node, "linkingObjectIdentifier")
        _el(linked, "linkingObjectIdentifierType", "local")
        _el(linked, "linkingObjectIdentifierValue", path)


def premis_xml(entries, decided: list[tuple[object, list[str]]], software_version: str) -> bytes:
    """``entries``: the written content files (path, sha256, size, mimetype); ``decided``:
    (version, paths of its files) for each version with an adoption decision."""
    root = etree.Element(
        f"{{{PREMIS_NS}}}premis",
        nsmap={"premis": PREMIS_NS, "xsi": XSI_NS},
        version="3.0",
    )
    for entry in entries:
        _object(root, entry)
    deciders = set()
    for version, paths in decided:
        _event(root, version, paths)
        deciders.add(str(version.adoption.body or version.adoption.position or ""))
    software = _el(root, "agent")
    _identifier(software, "agentIdentifier", "local", SOFTWARE)
    _el(software, "agentName", SOFTWARE)
    _el(software, "agentType", "software")
    _el(software, "agentVersion", software_version)
    for name in sorted(deciders):
        agent = _el(root, "agent")
        _identifier(agent, "agentIdentifier", "local", name)
        _el(agent, "agentName", name)
        _el(agent, "agentType", "organization")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
