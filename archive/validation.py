"""Validating the package's METS and PREMIS against the vendored schemas (archive/schemas).

One XML Schema imports the published ones (METS 1.12 with XLink, the E-ARK CSIP METS
extension, PREMIS 3.0); their imports of each other by web address are answered from the
files in ``archive/schemas``, and any other address is refused, so validation never goes
to the network.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"

METS_NS = "http://www.loc.gov/METS/"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
PREMIS_NS = "http://www.loc.gov/premis/v3"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# Namespace → vendored file (also the schemaLocation the package's own copy is found at).
SCHEMA_FILES = {
    METS_NS: "mets.xsd",
    CSIP_NS: "DILCISExtensionMETS.xsd",
    PREMIS_NS: "premis-v3-0.xsd",
    XLINK_NS: "xlink.xsd",
}
# The web addresses the published schemas import each other by.
KNOWN_ADDRESSES = {
    "http://www.loc.gov/standards/xlink/xlink.xsd": "xlink.xsd",
    "http://www.w3.org/1999/xlink.xsd": "xlink.xsd",
    "http://www.w3.org/2001/xml.xsd": "xml.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
}


class _Vendored(etree.Resolver):
    def resolve(self, url, pubid, context):
        name = KNOWN_ADDRESSES.get(url)
        if name is None and url and url.startswith(("http:", "https:")):
            raise OSError(f"schema address not vendored: {url}")
        if name is not None:
            return self.resolve_filename(str(SCHEMAS / name), context)
        return None


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Vendored())
    return parser


@functools.cache
def schema() -> etree.XMLSchema:
    """The one schema importing METS, the CSIP extension and PREMIS (built once)."""
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(SCHEMAS / name).as_uri()}"/>'
        for ns, name in SCHEMA_FILES.items()
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), _parser()))


def errors(xml: bytes) -> list[str]:
    """The schema errors of an XML document (METS or PREMIS); empty when it is valid."""
    document = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    checker = schema()
    if checker.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in checker.error_log]
