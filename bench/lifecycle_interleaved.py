"""Our case and the bare viewflow flow case by case in one process (``bench.lifecycle``).

    DATABASE_URL=postgres://... .venv/bin/python -m bench.lifecycle_interleaved [N]

One of our cases, then one bare flow with the same number of human tasks, N times (60 by
default) after one warm-up each, in a transaction rolled back; prints the CPU time and
queries per case of each, their ratio and the load average before and after. On a shared
machine the bare flow's cost drifts from one minute to the next; alternating puts both
sides in the same minutes, where ``bench.run`` measures all of ours, then all bare.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    from bench import run

    run.setup_django()
    from bench import lifecycle

    count = int(argv[0]) if argv else 60
    load = os.getloadavg()[0]
    ours, bare, _steps = lifecycle.interleaved(run.discover(), count)
    print(
        f"{count} cases each, interleaved: ours {1000 * ours.cpu / count:.1f} ms CPU and "
        f"{ours.queries / count:.0f} queries per case, bare {1000 * bare.cpu / count:.1f} ms "
        f"CPU and {bare.queries / count:.0f} queries, ratio {ours.cpu / bare.cpu:.2f}; "
        f"load {load:.2f} / {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
