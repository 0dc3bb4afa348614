"""Files for the upload tests, built when a test runs (none is committed), and the cases
whose forms upload them.

Hostile files: zip bombs as DOCX and ODT, archives whose directory lies, XML with entity
declarations, and PDFs whose text would cost unbounded memory or time. Everything that
unpacks to a lot is written as a stream of one repeated megabyte, so building a file
stays small in memory whatever it unpacks to.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MB = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCX_HEAD = b"<w:document " + W + b"><w:body><w:p><w:r><w:t>"
DOCX_TAIL = b"</w:t></w:r></w:p></w:body></w:document>"
ODT_HEAD = (
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    b"<office:body><office:text><text:p>"
)
ODT_TAIL = b"</text:p></office:text></office:body></office:document-content>"


def _stream(
    zf: zipfile.ZipFile, name: str, head: bytes, megabytes: int, tail: bytes, fill: bytes = b" "
) -> None:
    """An entry of ``head``, ``megabytes`` MB of ``fill`` repeated and ``tail``: valid XML
    when head and tail are, and compressed about a thousand times."""
    block = fill * (MB // len(fill))
    with zf.open(name, "w") as member:
        member.write(head)
        for _ in range(megabytes):
            member.write(block)
        member.write(tail)


def _archive(entries) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in entries:
            entry(zf)
    return out.getvalue()


def _content_types(zf: zipfile.ZipFile) -> None:
    zf.writestr("[Content_Types].xml", "<Types/>")


def _mimetype(zf: zipfile.ZipFile) -> None:
    zf.writestr(zipfile.ZipInfo("mimetype"), ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)


def docx(text: str) -> bytes:
    """An ordinary small DOCX whose text (XML allowed) is ``text``."""
    xml = DOCX_HEAD + text.encode() + DOCX_TAIL
    return _archive([_content_types, lambda zf: zf.writestr("word/document.xml", xml)])


def docx_bomb(megabytes: int = 300) -> bytes:
    """A DOCX of about 0.3 MB whose word/document.xml unpacks to ``megabytes`` MB."""
    return _archive(
        [
            _content_types,
            lambda zf: _stream(zf, "word/document.xml", DOCX_HEAD, megabytes, DOCX_TAIL),
        ]
    )


def odt_bomb(megabytes: int = 300) -> bytes:
    """An ODT whose content.xml unpacks to ``megabytes`` MB."""
    return _archive(
        [_mimetype, lambda zf: _stream(zf, "content.xml", ODT_HEAD, megabytes, ODT_TAIL)]
    )


def odt_mimetype_bomb(megabytes: int = 200) -> bytes:
    """An ODT whose 'mimetype' entry, the one read to recognise the type, is a bomb."""
    return _archive(
        [
            lambda zf: _stream(zf, "mimetype", ODT_MIMETYPE, megabytes, b""),
            lambda zf: zf.writestr("content.xml", ODT_HEAD + b"Text" + ODT_TAIL),
        ]
    )


def with_declared_size(data: bytes, name: str, declared: int) -> bytes:
    """``data`` with the uncompressed size of entry ``name`` changed to ``declared`` in
    its local header and in the central directory: the archive lies about it."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    struct.pack_into("<L", patched, info.header_offset + 22, declared)
    # The directory comes last: the name's last occurrence follows its record's 46 bytes
    # of fixed fields.
    record = patched.rfind(name.encode()) - 46
    assert patched[record : record + 4] == b"PK\x01\x02"
    struct.pack_into("<L", patched, record + 24, declared)
    return bytes(patched)


def bzip2_docx(megabytes: int = 300, declared: int = 4096) -> bytes:
    """A DOCX of under 1 KB whose word/document.xml is bzip2-compressed ``megabytes`` MB,
    declared as 4 KB: zipfile would inflate a whole compressed chunk in one read."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as zf:
        _content_types(zf)
        _stream(zf, "word/document.xml", DOCX_HEAD, megabytes, DOCX_TAIL)
    return with_declared_size(out.getvalue(), "word/document.xml", declared)


def docx_of_one_long_paragraph(megabytes: int = 40) -> bytes:
    """A DOCX whose one text node is ``megabytes`` MB of "ab ab ab …" (millions of words)."""
    return _archive(
        [
            _content_types,
            lambda zf: _stream(zf, "word/document.xml", DOCX_HEAD, megabytes, DOCX_TAIL, b"ab "),
        ]
    )


def lying_docx(megabytes: int = 300, declared: int = 4096) -> bytes:
    """A DOCX bomb whose directory says word/document.xml unpacks to 4 KB."""
    return with_declared_size(docx_bomb(megabytes), "word/document.xml", declared)


def lying_odt(megabytes: int = 300, declared: int = 4096) -> bytes:
    return with_declared_size(odt_bomb(megabytes), "content.xml", declared)


def many_entries_docx(entries: int = 30_000) -> bytes:
    """A small DOCX with ``entries`` empty parts: listing them is what costs memory."""

    def empty_parts(zf: zipfile.ZipFile) -> None:
        for number in range(entries):
            zf.writestr(zipfile.ZipInfo(f"w/{number}"), b"")

    return _archive(
        [
            _content_types,
            lambda zf: zf.writestr("word/document.xml", DOCX_HEAD + b"Text" + DOCX_TAIL),
            empty_parts,
        ]
    )


def understated_entries_docx(entries: int = 30_000) -> bytes:
    """``many_entries_docx`` whose end record says it has two entries."""
    patched = bytearray(many_entries_docx(entries))
    end = patched.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", patched, end + 8, 2, 2)
    return bytes(patched)


def deeply_nested_docx(levels: int = 100_000) -> bytes:
    """A DOCX of a few KB whose XML opens ``levels`` elements inside each other."""
    return docx("<w:r>" * levels)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%s;" % (b"" if n == 1 else b"%d" % (n - 1))) * 10)
        for n in range(1, 10)
    )
    + b"]>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
)


def entity_docx(prolog: bytes, reference: bytes) -> bytes:
    """A DOCX whose document.xml starts with ``prolog`` (a DTD) and uses ``reference``."""
    xml = prolog + DOCX_HEAD + reference + DOCX_TAIL
    return _archive([_content_types, lambda zf: zf.writestr("word/document.xml", xml)])


def billion_laughs_docx() -> bytes:
    return entity_docx(BILLION_LAUGHS, b"&lol9;")


def external_entity_docx() -> bytes:
    return entity_docx(EXTERNAL_ENTITY, b"&x;")


# --- PDF ---------------------------------------------------------------------------

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects``, numbered from 1 (the first is the catalog), with its
    cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _page(contents: int) -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>" % contents
    )


def _text_stream(text: str) -> bytes:
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("cp1252") + b") Tj ET"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def _flate_stream(head: bytes, fill: bytes, megabytes: int, tail: bytes = b"") -> bytes:
    """A FlateDecode content stream of ``head``, ``megabytes`` MB of ``fill``, ``tail``."""
    packer = zlib.compressobj(9)
    block = fill * (MB // len(fill))
    parts = [packer.compress(head)]
    parts.extend(packer.compress(block) for _ in range(megabytes))
    parts += [packer.compress(tail), packer.flush()]
    data = b"".join(parts)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"


def _pages(streams: list[bytes]) -> bytes:
    """A PDF with one page per content stream: catalog 1, pages 2, font 3, then each page
    followed by its stream."""
    kids = b" ".join(b"%d 0 R" % (4 + 2 * n) for n in range(len(streams)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(streams),
        FONT,
    ]
    for n, stream in enumerate(streams):
        objects += [_page(5 + 2 * n), stream]
    return pdf_from_objects(objects)


def pdf_bomb(megabytes: int = 300) -> bytes:
    """Three pages; the second's content stream inflates to ``megabytes`` MB."""
    return _pages(
        [
            _text_stream("Första sidan"),
            _flate_stream(b"BT /F1 12 Tf 72 700 Td (Bomb) Tj ET\n", b"\0", megabytes),
            _text_stream("Tredje sidan"),
        ]
    )


def pdf_of_one_long_line(megabytes: int = 8) -> bytes:
    """One page showing one string of ``megabytes`` MB of "ab ab ab …"."""
    return _pages([_flate_stream(b"BT /F1 12 Tf 72 720 Td (", b"ab ", megabytes, b") Tj ET")])


def pdf_of_many_pages(pages: int) -> bytes:
    """``pages`` pages sharing one content stream that shows "Sida"."""
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        FONT,
        _text_stream("Sida"),
    ]
    objects += [_page(4)] * pages
    return pdf_from_objects(objects)


# --- Cases with a form that uploads ----------------------------------------------------


def swedish(desk):
    """The person's browser without the tests' English language cookie."""
    desk.client.cookies.pop("django_language", None)
    return desk


def handlingsplan_draft(town):
    """An official's new handlingsplan in drafting: (their desk, the case)."""
    desk = town.desk("samordnare")
    case = desk.start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    return desk, case


def policy_at_registration(town):
    """A policy adopted by KS, waiting for the registrar to register the decision."""
    from tests.lifecycle import run_until

    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "registration")
    return case
