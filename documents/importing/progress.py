"""How far a register import has come, written while its one transaction is still open.

The import writes everything in one transaction (all or nothing), so progress written in
it would only be seen at the end. On PostgreSQL each step is written to the run's row by a
connection of its own, committed at once; the page reads it from any server. On SQLite the
import's transaction holds the database's only write lock, so there the step goes to a
small file beside the database (SQLite lives on one machine), read by the page.

The import's transaction must not touch the run's row before the last step is written: a
step written by the other connection would wait for its lock (a short lock timeout makes
it give up instead, and progress is only ever shown, never trusted)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.db import DatabaseError, connections

from ..models import RegisterImport

# Steps written at most this often per import (the import reports every 20 documents).
STEPS = 100


def _sidecar(run_id: int) -> Path:
    database = str(connections["default"].settings_dict["NAME"])
    if not database or database == ":memory:" or "mode=memory" in database:
        return Path(tempfile.gettempdir()) / f"styrdok-{os.getpid()}-register-import-{run_id}"
    return Path(f"{database}.register-import-{run_id}.progress")


class RunProgress:
    """The ``Progress`` of ``RegisterRun`` for one run: ``(sheet, done, total)``."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.written = -1
        self._connection = None

    def __call__(self, sheet: str, done: int, total: int) -> None:
        step = max(1, total // STEPS)
        if done != total and done - self.written < step:
            return
        self.written = done
        if connections["default"].vendor == "postgresql":
            self._write_row(done, total)
        else:
            path = _sidecar(self.run_id)
            part = path.with_suffix(".part")
            part.write_text(json.dumps([done, total]))
            part.replace(path)

    def _write_row(self, done: int, total: int) -> None:
        try:
            if self._connection is None:
                default = connections["default"]
                self._connection = type(default)(dict(default.settings_dict), "register_progress")
                with self._connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {RegisterImport._meta.db_table} SET done = %s, total = %s "  # noqa: S608
                    "WHERE id = %s",
                    [done, total, self.run_id],
                )
        except DatabaseError:
            pass  # progress is only shown; the import goes on

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        _sidecar(self.run_id).unlink(missing_ok=True)


def progress_of(run: RegisterImport) -> tuple[int, int]:
    """``(done, total)`` of the run as far as it can be seen now."""
    if connections["default"].vendor != "postgresql":
        try:
            done, total = json.loads(_sidecar(run.pk).read_text())
            return int(done), int(total)
        except (OSError, ValueError, TypeError):
            pass
    return run.done, run.total
