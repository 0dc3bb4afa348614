"""How long the register import takes at municipal scale (issue 19).

    .venv/bin/python -m bench.register_import                  # SQLite files under var/
    .venv/bin/python -m bench.register_import --target postgres://postgres@127.0.0.1:5432/regbench

1. The generated municipality's organisation (``generate_municipality`` with no documents:
   400 units, 5,000 people by default) is built once in ``var/bench_register_source.sqlite3``,
   exported with ``export_organisation``, and a register of 2,000 documents with their files
   is written from it with ``generate_register_file`` (DOCX and ODT files, a quarter with
   earlier versions).
2. An empty, freshly migrated target database (``--target``; a PostgreSQL database is
   dropped and created again) gets the reference data (the rule set) and the organisation
   file, then the register: first a dry run, then the import, then the same files again (a
   re-import that changes nothing), each with ``manage.py import_register`` in its own
   process.

Printed per step: wall time, the process's CPU time (user + system, its text reading
processes included) and the 1-minute load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import urlparse

from bench.org_import import VAR, fresh, manage

SOURCE = f"sqlite:///{VAR / 'bench_register_source.sqlite3'}"


def source_files(units: int, people: int, documents: int) -> dict[str, Path]:
    files = {
        "organisation": VAR / "bench_register_org.zip",
        "register": VAR / f"bench_register_{documents}.xlsx",
        "files": VAR / f"bench_register_{documents}-filer.zip",
    }
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
        manage(SOURCE, "export_organisation", str(files["organisation"]))
        manage(
            SOURCE,
            "generate_register_file",
            str(files["register"]),
            f"--files={files['files']}",
            f"--documents={documents}",
        )
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=f"sqlite:///{VAR / 'bench_register_target.sqlite3'}")
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--documents", type=int, default=2000)
    options = parser.parse_args()
    files = source_files(options.units, options.people, options.documents)
    engine = urlparse(options.target).scheme
    fresh(options.target)
    manage(options.target, "load_reference_data")
    manage(options.target, "import_organisation", str(files["organisation"]), "-v0")
    size = (files["register"].stat().st_size + files["files"].stat().st_size) // 1024
    print("| Database | Documents | Step | Wall s | CPU s | Load before | Load after |")
    print("|---|---|---|---|---|---|---|")
    for step, args in (
        ("dry run, empty register", ["--dry-run"]),
        ("import into an empty register", []),
        ("the same files again", []),
    ):
        load = os.getloadavg()[0]
        wall, cpu = manage(
            options.target,
            "import_register",
            str(files["register"]),
            f"--files={files['files']}",
            "-v0",
            *args,
        )
        print(
            f"| {engine} | {options.documents} ({size} kB with files) | {step} | "
            f"{wall:.1f} | {cpu:.1f} | {load:.1f} | {os.getloadavg()[0]:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
