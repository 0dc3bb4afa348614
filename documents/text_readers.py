"""A few long-lived text reading processes for checking many files (the register import).

``documents.files`` reads an upload's text in a process of its own
(``documents/text_worker.py``), started for that one file: for a form's upload the start
costs nothing worth saving, but an import of thousands of files spent most of its time
starting Python. ``TextReaders`` keeps a few such processes (``text_worker.py --serve``)
and feeds each many files in turn, each file with the same limits as alone: its own CPU
budget (the process's soft limit moved on per file), its own soft deadline, the same
memory cap, and the wall-clock limit enforced here (the process is killed, as a process
of one file would be).

What one file does to a shared process must not change another file's result, so only a
clean result is taken from it: the text read in full (or cut at the character budget), or
a refusal (a property of the file). A file that was stopped for time or memory, killed, or
whose process ended without a result, is read again in a process of its own
(``documents.files`` does that), whose answer is the one a form's upload would get; the
shared process that read it is not used again.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

# Files one process reads before it is replaced (what a file leaves behind in the
# interpreter, its allocator's arenas, stays bounded).
FILES_PER_PROCESS = 200

# Why a shared process may have stopped reading a file because of what came before it (its
# clock, its memory; a page that failed may have failed for want of memory): such a file is
# read again alone.
UNCLEAN_STOPS = ("time", "memory", "unreadable")

Finished = tuple[bytes, int | None, bytes, bool]  # output, exit code, error output, killed


class _Reader:
    """One ``text_worker.py --serve`` process and the files it has read."""

    def __init__(self, worker: Path, base: dict) -> None:
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        # -I: the worker sees neither the environment's PYTHON* variables nor the project.
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-I", str(worker), "--serve", json.dumps(base)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env={},
        )
        self.left = base["max_files"]
        self.usable = True

    def read(self, data: bytes, limits: dict, seconds: float) -> Finished:
        """The process's output for one file: like ``subprocess.run`` of a process of its
        own, up to the line that ends the file's result."""
        self.left -= 1
        deadline = time.monotonic() + seconds
        try:
            self.process.stdin.write(json.dumps(dict(limits, size=len(data))).encode() + b"\n")
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except OSError:  # the process is gone
            return self._ended(b"")
        output = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                self.close()
                return output, None, b"", True
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return self._ended(output)
            output += chunk
            if output.endswith(b"\n") and _last_is_final(output):
                return output, 0, b"", False

    def _ended(self, output: bytes) -> Finished:
        self.usable = False
        code = self.process.wait()
        self.errors.seek(0)
        return output, code, self.errors.read()[-2000:], False

    def close(self) -> None:
        self.usable = False
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            with contextlib.suppress(OSError):
                stream.close()


def _final(output: bytes) -> dict:
    """The line that ends a file's result (its summary or its refusal), or {}."""
    last = output.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    try:
        item = json.loads(last)
    except ValueError:
        return {}
    return item if isinstance(item, dict) and ("done" in item or "refused" in item) else {}


def _last_is_final(output: bytes) -> bool:
    return bool(_final(output))


def clean(finished: Finished) -> bool:
    """Whether a shared process's result for a file is the one a process of its own gives:
    it ended with a refusal (the file's own property) or a summary of a reading that no
    earlier file can have cut short."""
    output, code, _errors, killed = finished
    final = _final(output) if not killed and code == 0 else {}
    if "refused" in final:
        return True
    return bool(final) and final.get("stopped") not in UNCLEAN_STOPS and not final.get("errors")


class TextReaders:
    """Up to ``size`` shared text reading processes; safe to use from ``size`` threads.

    ``with TextReaders(n) as readers: check_upload(upload, readers=readers)``."""

    def __init__(self, size: int, worker: Path | None = None) -> None:
        self.size = size
        self.worker = worker or Path(__file__).with_name("text_worker.py")
        self.idle: queue.LifoQueue[_Reader] = queue.LifoQueue()
        self.started = 0  # processes started, for the tests

    def read(self, data: bytes, limits: dict, seconds: float) -> tuple[Finished, bool]:
        """One file read by an idle process (started if none is idle), and whether the
        result is ``clean`` (else the process is let go of and the file must be read alone)."""
        try:
            reader = self.idle.get_nowait()
        except queue.Empty:
            base = {
                "cpu_seconds": limits["cpu_seconds"],
                "memory_bytes": limits["memory_bytes"],
                "max_files": FILES_PER_PROCESS,
            }
            reader = _Reader(self.worker, base)
            self.started += 1
        finished = reader.read(data, limits, seconds)
        is_clean = clean(finished)
        if is_clean and reader.usable and reader.left > 0:
            self.idle.put(reader)
        else:
            reader.close()
        return finished, is_clean

    def retire(self) -> None:
        """Let go of the idle processes (one that read a file not cleanly is already gone)."""
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return

    def __enter__(self) -> TextReaders:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.retire()


def available() -> bool:
    """Shared processes need POSIX (``select`` on pipes, the per-file CPU limit)."""
    return os.name == "posix"
