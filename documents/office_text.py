"""DOCX and ODT files: their zip structure checked before anything is unpacked, and the
refusals of the process that reads their text.

A DOCX or ODT is a zip archive. A hostile one (a "zip bomb") unpacks to hundreds of
megabytes from a file of a few hundred kilobytes, or has so many entries that listing
them exhausts memory. So, in this order:

1. the end-of-central-directory record is read by hand and the number of entries and the
   size of the directory are checked before ``zipfile`` lists them;
2. the directory is checked: only stored or deflated entries (the methods whose reading
   zipfile bounds per call), the most all entries together declare they unpack to, and
   how much an entry may be compressed (its ratio);
3. the one XML part the text is in is then read by the text reading process
   (``documents/text_worker.py``, under the operating system's limits): in chunks,
   counting what is really inflated, parsed as a stream by expat with no tree, refusing
   a document type declaration (Word and OpenDocument never write one; entity expansion,
   "billion laughs", and external entities need one) and nesting deeper than
   ``XML_MAX_DEPTH`` (expat keeps each open element in C memory: about 120 bytes a
   level, a gigabyte for a 30 MB file of nothing else). Declared sizes can lie: zipfile
   stops at the declared size and then fails the checksum (refused as damaged); the
   count is a second guard that does not rely on that.

Every refusal raises ``Refused`` with the Swedish message for the form (the reading
process sends a code; ``REFUSALS`` words it).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .upload_limits import Refused, UploadLimits

# Entries smaller than this are never refused for their compression ratio: whatever
# they unpack to is harmless, and small XML parts compress very well.
RATIO_FREE_BYTES = 1024 * 1024
# A central directory record is 46 bytes plus the entry's name, extra field and comment;
# real DOCX and ODT entries stay far below this on average (about 100). It bounds what
# zipfile lists before the entries can be counted: at most about 5,500 records.
DIRECTORY_BYTES_PER_ENTRY = 256
# Word nests tables in tables, a few dozen levels at most.
XML_MAX_DEPTH = 1000
# Word and LibreOffice store or deflate. zipfile also reads bzip2 and LZMA, but inflates a
# whole compressed chunk of those at once, without an output limit: 64 KB of bzip2 can
# unpack to more than a gigabyte in one read, whatever the entry declares.
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

_EOCD = b"PK\x05\x06"
_EOCD_FORMAT = "<4s4H2LH"
_EOCD_SIZE = struct.calcsize(_EOCD_FORMAT)
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_FORMAT = "<4sLQL"
_ZIP64_LOCATOR_SIZE = struct.calcsize(_ZIP64_LOCATOR_FORMAT)
_ZIP64_EOCD = b"PK\x06\x06"
_ZIP64_EOCD_FORMAT = "<4sQ2H2L4Q"
_ZIP64_EOCD_SIZE = struct.calcsize(_ZIP64_EOCD_FORMAT)
_MAX_COMMENT = 0xFFFF

# What zipfile and zlib raise on an archive whose content does not match its directory.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def damaged() -> Refused:
    return Refused(
        _(
            "The file is damaged: its content does not match its table of contents. "
            "Save it again from the word processor and upload it anew."
        ),
        code="damaged",
    )


def _directory_counts(fp: BinaryIO) -> tuple[int, int] | None:
    """(entries, directory size) from the end-of-central-directory record (the zip64 one
    where there is one), without reading the directory; None when there is no record."""
    fp.seek(0, 2)
    size = fp.tell()
    tail_start = max(0, size - _EOCD_SIZE - _MAX_COMMENT)
    fp.seek(tail_start)
    tail = fp.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        return None
    fields = struct.unpack(_EOCD_FORMAT, tail[at : at + _EOCD_SIZE])
    entries, directory_bytes = fields[4], fields[5]
    locator_at = tail_start + at - _ZIP64_LOCATOR_SIZE
    if locator_at >= _ZIP64_EOCD_SIZE:
        fp.seek(locator_at)
        locator = fp.read(_ZIP64_LOCATOR_SIZE)
        if locator[:4] == _ZIP64_LOCATOR:
            # zipfile takes the zip64 record's counts: so must the check.
            fp.seek(locator_at - _ZIP64_EOCD_SIZE)
            record = fp.read(_ZIP64_EOCD_SIZE)
            if record[:4] != _ZIP64_EOCD:
                return None
            zip64 = struct.unpack(_ZIP64_EOCD_FORMAT, record)
            entries, directory_bytes = zip64[7], zip64[8]
    return entries, directory_bytes


def _too_many_entries(limits: UploadLimits) -> Refused:
    return Refused(
        _("The file has more than %(max)s parts, which no ordinary document has; it was not saved.")
        % {"max": limits.zip_max_entries},
        code="too_many_parts",
    )


def _unpacks_too_large(limits: UploadLimits) -> Refused:
    return Refused(
        _(
            "The file unpacks to more than %(max)s, which no ordinary document does; "
            "it was not saved."
        )
        % {"max": filesizeformat(limits.zip_max_unpacked_bytes)},
        code="unpacks_too_large",
    )


def open_checked_zip(fp: BinaryIO, limits: UploadLimits) -> zipfile.ZipFile | None:
    """The archive, once its directory is within the limits; None if it is no zip archive.

    Raises ``Refused`` for an archive built to exhaust the server. Nothing is unpacked here.
    """
    try:
        counts = _directory_counts(fp)
    except (OSError, struct.error):
        return None
    finally:
        fp.seek(0)
    if counts is None:
        return None
    entries, directory_bytes = counts
    if entries > limits.zip_max_entries:
        raise _too_many_entries(limits)
    if directory_bytes > limits.zip_max_entries * DIRECTORY_BYTES_PER_ENTRY:
        # The record understates the entries: the directory's size gives them away.
        raise _too_many_entries(limits)
    try:
        zf = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    infos = zf.infolist()
    if len(infos) > limits.zip_max_entries:
        zf.close()
        raise _too_many_entries(limits)
    total = 0
    for info in infos:
        if info.compress_type not in READABLE_METHODS:
            zf.close()
            raise Refused(
                _(
                    "The file is packed in a way Word and OpenDocument files never are; "
                    "it was not saved."
                ),
                code="compression_method",
            )
        total += info.file_size
        if total > limits.zip_max_unpacked_bytes:
            zf.close()
            raise _unpacks_too_large(limits)
        if info.file_size > RATIO_FREE_BYTES and info.file_size > limits.zip_max_ratio * max(
            info.compress_size, 1
        ):
            zf.close()
            raise Refused(
                _(
                    "A part of the file is compressed %(ratio)s times, far more than any "
                    "document; the file looks built to overload the server and was not saved."
                )
                % {"ratio": info.file_size // max(info.compress_size, 1)},
                code="compression_ratio",
            )
    return zf


def read_member_head(zf: zipfile.ZipFile, name: str, size: int) -> bytes | None:
    """At most ``size`` bytes from the start of an entry; None when there is none."""
    try:
        with zf.open(name) as member:
            return member.read(size)
    except KeyError:
        return None
    except _DAMAGED as exc:
        raise damaged() from exc


def _dtd() -> Refused:
    return Refused(
        _(
            "The document contains a document type declaration (DTD), which Word and "
            "OpenDocument files never have; it was not saved."
        ),
        code="dtd",
    )


def _too_deep(limits: UploadLimits) -> Refused:
    return Refused(
        _(
            "The document's structure is nested more than %(max)s levels deep, which no "
            "ordinary document is; it was not saved."
        )
        % {"max": XML_MAX_DEPTH},
        code="too_deep",
    )


def _xml_too_large(limits: UploadLimits) -> Refused:
    return Refused(
        _("The document's text unpacks to more than %(max)s; it was not saved.")
        % {"max": filesizeformat(limits.xml_max_bytes)},
        code="text_too_large",
    )


# The text reading process's refusals (documents/text_worker.py), by code.
REFUSALS = {
    "damaged": lambda limits: damaged(),
    "dtd": lambda limits: _dtd(),
    "too_deep": _too_deep,
    "text_too_large": _xml_too_large,
}


def text_part(zf: zipfile.ZipFile, name: str, limits: UploadLimits) -> zipfile.ZipInfo | None:
    """The entry holding the text, once what it declares is within the limits."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limits.xml_max_bytes:
        raise _xml_too_large(limits)
    return info
