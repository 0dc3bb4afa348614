"""The files a register file names: a folder or a ZIP, read by name, each checked like every
upload (``documents.files.check_upload``) before anything is written."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from django.core.files.uploadedfile import SimpleUploadedFile

# The most files one register ZIP may hold (a municipality's whole register, with room).
MAX_FILES = 100_000


class Files:
    """No files: every row has its text in the sheet."""

    _names: dict = {}

    def names(self) -> set[str]:
        return set(self._names)

    def has(self, name: str) -> bool:
        return _normal(name) in self._names

    def size(self, name: str) -> int:
        raise KeyError(name)

    def read(self, name: str) -> bytes:
        raise KeyError(name)

    def upload(self, name: str) -> SimpleUploadedFile:
        """The file as an upload, for ``check_upload`` and the file's storage."""
        return SimpleUploadedFile(PurePosixPath(name).name, self.read(name))


def _normal(name: str) -> str:
    return str(PurePosixPath(name.replace("\\", "/"))).lstrip("/")


class Folder(Files):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._names = {
            _normal(str(p.relative_to(self.root))): p for p in self.root.rglob("*") if p.is_file()
        }

    def size(self, name: str) -> int:
        return self._names[_normal(name)].stat().st_size

    def read(self, name: str) -> bytes:
        return self._names[_normal(name)].read_bytes()


class TooLarge(ValueError):
    pass


class Zip(Files):
    """A ZIP of the files (in folders or not); refused when it names more entries than the
    upload limits allow. A file's size is read before
    it is unpacked, so a file larger than any upload is refused unread."""

    def __init__(self, path_or_file) -> None:
        self.archive = zipfile.ZipFile(path_or_file)
        entries = [i for i in self.archive.infolist() if not i.is_dir()]
        if len(entries) > MAX_FILES:
            raise TooLarge
        self._names = {_normal(i.filename): i for i in entries}

    def size(self, name: str) -> int:
        return self._names[_normal(name)].file_size

    def read(self, name: str) -> bytes:
        return self.archive.read(self._names[_normal(name)])


def open_files(path: str | Path | None) -> Files:
    """The files of ``path``: a folder, a ZIP, or none."""
    if path is None:
        return Files()
    path = Path(path)
    return Folder(path) if path.is_dir() else Zip(path)
