"""How long the organisation import takes at municipal scale (issue 19).

    .venv/bin/python -m bench.org_import                       # SQLite files under var/
    .venv/bin/python -m bench.org_import --target postgres://postgres@127.0.0.1:5432/orgbench

1. The organisation of the generated municipality (``generate_municipality`` with no
   documents or cases: 400 units, 5,000 people by default) is built once in
   ``var/bench_org_source.sqlite3`` and exported with ``export_organisation`` as XLSX and
   as a ZIP of CSV files: the import files.
2. Each file is imported into an empty, freshly migrated target database (``--target``, a
   database URL; default ``var/bench_org_target.sqlite3``; a PostgreSQL database is dropped
   and created again), then the same file again (a re-import that changes nothing), each
   with ``manage.py import_organisation`` in its own process.

Printed per step: wall time, the import process's CPU time (user + system) and the
1-minute load average before and after, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
SOURCE = f"sqlite:///{VAR / 'bench_org_source.sqlite3'}"


def manage(url: str, *args: str) -> tuple[float, float]:
    """Run a manage.py command against ``url``; its wall and CPU seconds."""
    env = dict(os.environ, DATABASE_URL=url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def fresh(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        Path(parsed.path).unlink(missing_ok=True)
    else:
        name = parsed.path.lstrip("/")
        base = ["-h", parsed.hostname or "127.0.0.1", "-U", parsed.username or "postgres"]
        subprocess.run(["dropdb", "--if-exists", *base, name], check=True)
        subprocess.run(["createdb", *base, name], check=True)
    manage(url, "migrate", "-v0")


def source_files(units: int, people: int) -> dict[str, Path]:
    files = {"xlsx": VAR / "bench_org.xlsx", "zip": VAR / "bench_org.zip"}
    if not all(f.exists() for f in files.values()):
        VAR.mkdir(exist_ok=True)
        fresh(SOURCE)
        manage(
            SOURCE,
            "generate_municipality",
            f"--units={units}",
            f"--people={people}",
            "--documents=0",
            "--versions=0",
            "--open-cases=0",
            "--no-progress",
        )
        for path in files.values():
            manage(SOURCE, "export_organisation", str(path))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=f"sqlite:///{VAR / 'bench_org_target.sqlite3'}")
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--formats", default="xlsx,zip", help="Which files (default both).")
    options = parser.parse_args()
    files = source_files(options.units, options.people)
    files = {f: p for f, p in files.items() if f in options.formats.split(",")}
    engine = urlparse(options.target).scheme
    print("| Database | File | Step | Wall s | CPU s | Load before | Load after |")
    print("|---|---|---|---|---|---|---|")
    for fmt, path in files.items():
        fresh(options.target)
        for step, args in (
            ("dry run, empty database", ["--dry-run"]),
            ("import into an empty database", []),
            ("the same file again", []),
        ):
            load = os.getloadavg()[0]
            wall, cpu = manage(options.target, "import_organisation", str(path), "-v0", *args)
            print(
                f"| {engine} | {fmt} ({path.stat().st_size // 1024} kB) | {step} | "
                f"{wall:.1f} | {cpu:.1f} | {load:.1f} | {os.getloadavg()[0]:.1f} |"
            )


if __name__ == "__main__":
    main()
