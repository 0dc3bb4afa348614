"""Helpers of the archive tests: open a package, read its METS, check its checksums."""

from __future__ import annotations

import hashlib
import io
import zipfile

from lxml import etree

METS = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def open_package(data: bytes) -> tuple[zipfile.ZipFile, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    roots = {name.split("/", 1)[0] for name in archive.namelist()}
    assert len(roots) == 1, roots
    return archive, roots.pop()


def read(archive: zipfile.ZipFile, root: str, path: str) -> bytes:
    return archive.read(f"{root}/{path}")


def mets_files(mets: bytes) -> dict[str, tuple[str, int]]:
    """href → (checksum, size) of every file and metadata file METS lists."""
    tree = etree.fromstring(mets)
    listed = {}
    for node in tree.iter(f"{METS}file"):
        [location] = node.findall(f"{METS}FLocat")
        listed[location.get(XLINK)] = (node.get("CHECKSUM"), int(node.get("SIZE")))
    for node in tree.iter(f"{METS}mdRef"):
        listed[node.get(XLINK)] = (node.get("CHECKSUM"), int(node.get("SIZE")))
    return listed


def assert_checksums_match(archive: zipfile.ZipFile, root: str) -> dict:
    listed = mets_files(read(archive, root, "METS.xml"))
    in_zip = {n.split("/", 1)[1] for n in archive.namelist()} - {"METS.xml"}
    assert set(listed) == in_zip
    for path, (checksum, size) in listed.items():
        data = read(archive, root, path)
        assert hashlib.sha256(data).hexdigest() == checksum, path
        assert len(data) == size, path
    return listed
