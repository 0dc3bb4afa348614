"""The register import of two checkouts side by side (issue 19's ten-minute target).

    .venv/bin/python -m bench.register_import_side_by_side BEFORE AFTER sqlite|postgres [N]

BEFORE and AFTER are checkouts (e.g. ``git worktree add ../before main``), each with its
``.venv`` and the files of ``bench.register_import`` in its ``var/`` (copy them: the same
files for both). Each gets its own target database (SQLite ``var/cmp_target.sqlite3`` in
its checkout, or the PostgreSQL databases ``regbench_before`` / ``regbench_after``, dropped
and created again), migrated, with the reference data and the organisation file. Then the
steps (dry run, import, the same files again) run with ``import_register`` for BEFORE and
AFTER in turn, interleaved, so both see the same load.

Printed per step and checkout: wall time, the process's CPU time (user + system, its text
reading processes included) and the 1-minute load average before and after.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

STEPS = {
    "dry run, empty register": ["--dry-run"],
    "import into an empty register": [],
    "the same files again": [],
}


def target(tree: Path, name: str, engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tree / 'var' / 'cmp_target.sqlite3'}"
    return f"postgres://postgres@127.0.0.1:5432/regbench_{name}"


def manage(tree: Path, url: str, *args: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [str(tree / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=tree,
        env=dict(os.environ, DATABASE_URL=url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fresh(tree: Path, url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.path + suffix).unlink(missing_ok=True)
    else:
        name, base = parsed.path.lstrip("/"), ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", "--if-exists", *base, name], check=True)
        subprocess.run(["createdb", *base, name], check=True)
    manage(tree, url, "migrate", "-v0")
    manage(tree, url, "load_reference_data")
    manage(tree, url, "import_organisation", "var/bench_register_org.zip", "-v0")


def main() -> None:
    before, after, engine = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    documents = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    trees = {"before": before.resolve(), "after": after.resolve()}
    urls = {name: target(tree, name, engine) for name, tree in trees.items()}
    for name, tree in trees.items():
        fresh(tree, urls[name])
    print("| Database | Documents | Step | Code | Wall s | CPU s | Load before | Load after |")
    print("|---|---|---|---|---:|---:|---:|---:|", flush=True)
    register = f"var/bench_register_{documents}.xlsx"
    files = f"--files=var/bench_register_{documents}-filer.zip"
    for step, args in STEPS.items():
        for name, tree in trees.items():
            load = os.getloadavg()[0]
            wall, cpu = manage(tree, urls[name], "import_register", register, files, "-v0", *args)
            print(
                f"| {engine} | {documents} | {step} | {name} | {wall:.1f} | {cpu:.1f} | "
                f"{load:.1f} | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
