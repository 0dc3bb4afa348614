"""Scenario module: HTTP under gunicorn with 2 workers on loopback (issue 7).

Requests per second for the public register page (anonymous ``/register/``: the documents
valid today, first page) against a bare Django view on the same server (``/bench/bare/``,
which exists only under ``bench.settings``), as a ratio; target at least 40 %. The load
tool is ``wrk`` (Debian package ``wrk``), bounded in time; each URL gets a warm-up run
first. See ``SCENARIO_MODULES`` in bench/run.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCHMARKS = [("http", "http")]
TARGET_SHARE = 0.40
BASE_DIR = Path(__file__).resolve().parent.parent
WORKERS = 2
CONNECTIONS = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}")


def wrk(url: str, seconds: int) -> float:
    """Requests per second (non-2xx answers make it fail)."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{url} answered with errors:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def benchmarks(data, quick: bool) -> list:
    from django.db import connection

    from bench.run import Outcome

    if shutil.which("wrk") is None:
        print("  http: wrk is not installed (apt-get install wrk); skipped", file=sys.stderr)
        return []
    seconds = 5 if quick else 15
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "False",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    connection.close()  # SQLite: no transaction of ours held open while the server reads
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "config.wsgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/bench/bare/")
        _wait_for(f"{base}/register/")
        rates = {}
        for path in ("/bench/bare/", "/register/"):
            print(f"  http: wrk {path} ({seconds} s) ...", file=sys.stderr, flush=True)
            wrk(base + path, 3)  # warm-up: every worker loads templates and translations
            rates[path] = wrk(base + path, seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ours, bare = rates["/register/"], rates["/bench/bare/"]
    share = ours / bare
    return [
        Outcome(
            "http",
            "http",
            "HTTP: public register page vs a bare Django view (gunicorn, 2 workers)",
            ours,
            bare,
            "requests/s",
            f"≥ {TARGET_SHARE:.0%}",
            share >= TARGET_SHARE,
            f"{share:.0%}",
            note=(
                f"wrk -t2 -c{CONNECTIONS}, {seconds} s per URL after a 3 s warm-up, on the same "
                "2 cores as the server"
            ),
        )
    ]
