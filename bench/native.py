"""Benchmark module: the register's search against PostgreSQL's native full-text search
(issue 21), side by side on the same hits.

The native side lives only here, never in the application: a bench-only table
``bench_native_search`` holds one row per valid version with a ``tsvector`` of the same
text the index reads (title weight A, the document's summary B, the version's plain text
and its newest file's text D) and a GIN index on it, built once per database (again when
the number of valid versions changed; drop the table to force it).

Each round asks a common word both ways, in alternating order (interleaved, so a noisy
machine hurts both alike), for the register's first page as it opens (valid today, 25
hits, best first, ties by title, with the total):

* ours: ``documents.search.ranked`` in the register's view (one word: the ranked index,
  the query the register page runs);
* native: ``to_tsquery('swedish', 'word | compound | …')`` over the GIN index (the word or
  the compounds ours finds for it, as the native search does not split words: the same
  hits), ``ts_rank`` ordering, the same page size and the total in the same statement (a
  CTE read twice, as ours does).

Reported: wall time p50/p95 per query, this process's CPU time, the database server
process's mean CPU time per query (``/proc/<pg_backend_pid>/stat``, counted in 10 ms
ticks, when the server runs on this machine), the load average before and after, both hit
counts, and the sizes of both indexes (``pg_total_relation_size``: tables with their indexes). Target: ours at least
three times faster (p50 wall time). PostgreSQL only; nothing on SQLite.
"""

from __future__ import annotations

import os
import statistics
import time

BENCHMARKS = [("native", "native")]
WORD = "rutin"
PAGE = 25
ROUNDS = 200
TARGET_RATIO = 3.0
TABLE = "bench_native_search"
OUR_TABLES = (
    "documents_searchterm",
    "documents_searchhistory",
    "documents_searchrank",
    "documents_searchprefix",
    "documents_searchprefixrank",
    "documents_searchtermcount",
)

_BUILD = f"""
CREATE TABLE {TABLE} AS
SELECT v.id AS version_id, v.title, v.valid_from, v.valid_until, v.is_public,
       setweight(to_tsvector('swedish', v.title), 'A')
       || setweight(to_tsvector('swedish', coalesce(d.summary, '')), 'B')
       || setweight(to_tsvector('swedish', coalesce(v.plain_text, '') || ' ' || coalesce((
            SELECT f.extracted_text FROM documents_versionfile f WHERE f.version_id = v.id
            ORDER BY f.uploaded_at DESC, f.id DESC LIMIT 1), '')), 'D') AS tsv
FROM documents_documentversion v JOIN documents_document d ON d.id = v.document_id
WHERE v.status = 'valid'
"""

_NATIVE = f"""
WITH hits AS (
    SELECT version_id, title, ts_rank(tsv, q) AS r
    FROM {TABLE}, to_tsquery('swedish', %s) q
    WHERE tsv @@ q AND valid_from <= %s AND (valid_until IS NULL OR valid_until >= %s)
)
SELECT version_id, r, (SELECT COUNT(*) FROM hits) FROM hits
ORDER BY r DESC, title, version_id LIMIT %s
"""


def _with_compounds(cursor, word: str) -> str:
    """The native query of ``word``: the word or any of the compounds our search finds for
    it (the index's compound terms with a part that starts with the word, as the register
    reads them from ``SearchCompound``), so both sides find the same hits. Read once,
    before the rounds: the native side is not timed for it (ours reads them in its
    statement)."""
    cursor.execute(
        "SELECT term FROM documents_searchcompound WHERE part >= %s AND part < %s ORDER BY term",
        [word, word[:-1] + chr(ord(word[-1]) + 1)],
    )
    compounds = [term for (term,) in cursor.fetchall() if term.isalnum()]
    return " | ".join([word, *compounds])


def _valid_versions(cursor) -> int:
    cursor.execute("SELECT COUNT(*) FROM documents_documentversion WHERE status = 'valid'")
    return cursor.fetchone()[0]


def build(cursor, *, again: bool = False) -> None:
    """The bench-only table and its GIN index, unless they hold the valid versions already."""
    cursor.execute("SELECT to_regclass(%s)", [TABLE])
    if cursor.fetchone()[0] is not None and not again:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 - a constant name
        if cursor.fetchone()[0] == _valid_versions(cursor):
            return
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    cursor.execute(_BUILD)
    cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (version_id)")
    cursor.execute(f"CREATE INDEX {TABLE}_tsv ON {TABLE} USING gin (tsv)")
    cursor.execute(f"ANALYZE {TABLE}")


def _server_cpu(pid: int) -> float | None:
    """The database server process's CPU seconds (user + system), if it runs here."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sizes(cursor) -> tuple[dict[str, int], int]:
    ours = {}
    for table in OUR_TABLES:
        cursor.execute("SELECT pg_total_relation_size(to_regclass(%s))", [table])
        ours[table] = cursor.fetchone()[0] or 0
    cursor.execute("SELECT pg_total_relation_size(to_regclass(%s))", [TABLE])
    return ours, cursor.fetchone()[0] or 0


def _timed(run, server_pid: int) -> tuple[float, float, float | None, int]:
    before_server = _server_cpu(server_pid)
    cpu, wall = time.process_time(), time.perf_counter()
    hits = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after_server = _server_cpu(server_pid)
    server = None if before_server is None else after_server - before_server
    return wall * 1000, cpu * 1000, None if server is None else server * 1000, hits


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def compare(word: str = WORD, rounds: int = ROUNDS) -> dict:
    """Both searches of ``word``, interleaved ``rounds`` times; the figures as a dict."""
    from django.db import connection

    from documents import search
    from org.selectors import today

    day = today()
    view = search.RankedView(day=day, public_only=False)

    def ours() -> int:
        hits = search.ranked(word, lambda: None, current_only=True, view=view)
        rows = hits.rows(0, PAGE)
        return rows[0][2] if rows else 0

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

        native_query = _with_compounds(cursor, word)

        def native() -> int:
            cursor.execute(_NATIVE, [native_query, day, day, PAGE])
            rows = cursor.fetchall()
            return rows[0][2] if rows else 0

        load_before = os.getloadavg()[0]
        for _ in range(5):  # warm both: plans, caches, the index pages
            ours(), native()
        runs: dict[str, list[tuple]] = {"ours": [], "native": []}
        for i in range(rounds):
            order = (("ours", ours), ("native", native))
            for name, run in order if i % 2 == 0 else reversed(order):
                runs[name].append(_timed(run, pid))
        sizes = _sizes(cursor)
    figures = {"word": word, "rounds": rounds, "load": (load_before, os.getloadavg()[0])}
    for name, measured in runs.items():
        wall, cpu, server, hits = zip(*measured, strict=True)
        figures[name] = {
            "p50": statistics.median(wall),
            "p95": _p95(list(wall)),
            "cpu p50": statistics.median(cpu),
            # The kernel counts a process's CPU time in ticks (10 ms): per query only the
            # mean over all rounds says anything.
            "server cpu mean": None if None in server else statistics.fmean(server),
            "hits": hits[0],
        }
    figures["sizes"] = sizes
    return figures


def _mb(n: int) -> str:
    return f"{n / 1024**2:.0f} MB"


def note(figures: dict) -> str:
    ours, native = figures["ours"], figures["native"]
    ours_sizes, native_size = figures["sizes"]

    def side(f: dict) -> str:
        server = "n/a" if f["server cpu mean"] is None else f"{f['server cpu mean']:.2f}"
        return (
            f"wall p50/p95 {f['p50']:.2f}/{f['p95']:.2f} ms, this process's CPU p50 "
            f"{f['cpu p50']:.2f} ms, the server's CPU mean {server} ms, {f['hits']} hits"
        )

    return (
        f"'{figures['word']}', {figures['rounds']} rounds interleaved, load "
        f"{figures['load'][0]:.2f} / {figures['load'][1]:.2f}. Ours: {side(ours)}. "
        f"Native: {side(native)}. Sizes: ours {_mb(sum(ours_sizes.values()))} ("
        + ", ".join(f"{t.removeprefix('documents_')} {_mb(s)}" for t, s in ours_sizes.items())
        + f"), native {_mb(native_size)} (tsvector table with its GIN index)."
    )


def benchmarks(data, quick: bool) -> list:
    from django.db import connection

    from bench.run import Outcome

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        build(cursor)
    figures = compare(rounds=ROUNDS // 4 if quick else ROUNDS)
    ours, native = figures["ours"]["p50"], figures["native"]["p50"]
    ratio = native / ours if ours else 0.0
    return [
        Outcome(
            key="native",
            group="native",
            title=f"search '{WORD}' vs PostgreSQL full-text search (p50 per query)",
            ours=ours,
            reference=native,
            unit="ms",
            target=f"≥ {TARGET_RATIO:.0f}× faster",
            ok=ratio >= TARGET_RATIO and figures["ours"]["hits"] == figures["native"]["hits"],
            ratio=f"{ratio:.1f}×",
            note=note(figures),
        )
    ]
