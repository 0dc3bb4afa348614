"""The XMP metadata packet of an archival PDF, written out in full (no clock, no random
id): PDF/A identification, Dublin Core (title, type, owner, scope, diarienummer, language
sv, the decision in one line), and Styrdok's own properties, declared in the PDF/A
extension schema as PDF/A requires of any property outside its predefined schemas."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .record import DecisionRecord

NS = "urn:styrdok:xmp:1.0/"
PREFIX = "styrdok"
PRODUCER = "Styrdok"

# Styrdok's properties: (name, description), all Text, read from the record.
PROPERTIES = (
    ("documentType", "The type of governing document (policy, riktlinje, rutin, ...)"),
    ("ownerPosition", "The position responsible for the document (dokumentansvarig)"),
    ("scopeUnit", "The part of the organisation the document applies to"),
    ("diarienummer", "The diarienummer of the case that adopted the version"),
    ("decidedBy", "The body or official that adopted the version"),
    ("decisionDate", "The date of the adoption decision (YYYY-MM-DD)"),
    ("paragraph", "The minutes paragraph of the decision"),
    ("validFrom", "The first day the version applies (YYYY-MM-DD)"),
    ("validUntil", "The last day the version applies, if limited (YYYY-MM-DD)"),
    ("replaces", "The version this one replaces"),
    ("versionNumber", "The version's number"),
)


def _values(record: DecisionRecord) -> dict[str, str]:
    def day(value) -> str:
        return value.isoformat() if value else ""

    return {
        "documentType": record.document_type,
        "ownerPosition": record.owner,
        "scopeUnit": record.scope,
        "diarienummer": record.diarienummer,
        "decidedBy": record.decided_by,
        "decisionDate": day(record.decision_date),
        "paragraph": record.paragraph,
        "validFrom": day(record.valid_from),
        "validUntil": day(record.valid_until),
        "replaces": record.replaces,
        "versionNumber": str(record.version_number),
    }


def _t(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _extension_schema() -> str:
    properties = "".join(
        "<rdf:li rdf:parseType='Resource'>"
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{_t(text)}</pdfaProperty:description>"
        "</rdf:li>"
        for name, text in PROPERTIES
    )
    return (
        "<rdf:Description rdf:about=''"
        " xmlns:pdfaExtension='http://www.aiim.org/pdfa/ns/extension/'"
        " xmlns:pdfaSchema='http://www.aiim.org/pdfa/ns/schema#'"
        " xmlns:pdfaProperty='http://www.aiim.org/pdfa/ns/property#'>"
        "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType='Resource'>"
        "<pdfaSchema:schema>Styrdok governing document</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{NS}</pdfaSchema:namespaceURI>"
        f"<pdfaSchema:prefix>{PREFIX}</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
    )


def xmp_packet(record: DecisionRecord, *, created: str, part: int = 2) -> bytes:
    """The packet; ``created`` is the ISO date-time also written as the PDF's CreationDate
    and ModDate (they must agree)."""
    own = "".join(
        f"<{PREFIX}:{name}>{_t(value)}</{PREFIX}:{name}>"
        for name, value in _values(record).items()
        if value
    )
    dc = (
        f"<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>{_t(record.title)}</rdf:li>"
        "</rdf:Alt></dc:title>"
        f"<dc:creator><rdf:Seq><rdf:li>{_t(record.owner)}</rdf:li></rdf:Seq></dc:creator>"
        f"<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>{_t(record.adoption_line)}"
        "</rdf:li></rdf:Alt></dc:description>"
        f"<dc:type><rdf:Bag><rdf:li>{_t(record.document_type)}</rdf:li></rdf:Bag></dc:type>"
        f"<dc:coverage>{_t(record.scope)}</dc:coverage>"
        f"<dc:language><rdf:Bag><rdf:li>{record.language}</rdf:li></rdf:Bag></dc:language>"
        "<dc:format>application/pdf</dc:format>"
    )
    if record.diarienummer:
        dc += f"<dc:identifier>{_t(record.diarienummer)}</dc:identifier>"
    body = (
        "<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description rdf:about='' xmlns:pdfaid='http://www.aiim.org/pdfa/ns/id/'>"
        f"<pdfaid:part>{part}</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
        "</rdf:Description>"
        "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        f"{dc}</rdf:Description>"
        "<rdf:Description rdf:about='' xmlns:xmp='http://ns.adobe.com/xap/1.0/'>"
        f"<xmp:CreateDate>{created}</xmp:CreateDate>"
        f"<xmp:ModifyDate>{created}</xmp:ModifyDate>"
        f"<xmp:MetadataDate>{created}</xmp:MetadataDate>"
        f"<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>"
        "</rdf:Description>"
        "<rdf:Description rdf:about='' xmlns:pdf='http://ns.adobe.com/pdf/1.3/'>"
        f"<pdf:Producer>{PRODUCER}</pdf:Producer>"
        "</rdf:Description>"
        f"<rdf:Description rdf:about='' xmlns:{PREFIX}='{NS}'>{own}</rdf:Description>"
        f"{_extension_schema()}"
        "</rdf:RDF></x:xmpmeta>"
        "<?xpacket end='w'?>"
    )
    return body.encode("utf-8")
