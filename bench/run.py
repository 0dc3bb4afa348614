"""Benchmarks at municipal scale (issues 4 and 7), on SQLite or PostgreSQL.

One command::

    .venv/bin/python -m bench.run                                # SQLite, var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench .venv/bin/python -m bench.run

Runs against whatever ``DATABASE_URL`` points at; without it, the SQLite file
``var/bench.sqlite3``. A database without an organisation is migrated and filled by
``manage.py generate_municipality`` (default size: 400 units, 5,000 people, 20,000
documents, 100,000 versions, 10,000 open cases) first.

Each scenario is a page requested in-process with ``django.test.Client``: 5 warm-up
requests, then 50 measured ones. Server time is the wall time of ``client.get`` (the whole
Django request: middleware, view, queries, template); the SQL query count comes from
``CaptureQueriesContext``. The table of p50/p95/max and queries per scenario is printed
and written to ``bench/results/<database>-<date>.md``.

Options: ``--scenarios register,search,api`` (groups or scenario keys, default all),
``-n``/``--warmup``, ``--profile KEY`` (pyinstrument, if installed, on one scenario),
``--explain KEY`` (the query plan of each SQL statement of one request), ``--no-write``,
``--quick`` (shorter throughput runs).

Scenario modules listed in ``SCENARIO_MODULES`` add pages (``bench.pages``: document page,
diff, inbox) and benchmarks that are rates rather than pages (``bench.lifecycle``: cases per
second against a bare viewflow flow; ``bench.http``: requests per second under gunicorn
against a bare Django view).

Runs under ``bench.settings`` (the application's settings plus the bare view and the bare
flow). Timings need a quiet machine: the 1-minute load average before and after is written
down, and the process's CPU time per request is shown beside the wall time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"

# Targets of issues 4 and 7.
TARGET_P95_MS = 50.0
TARGET_QUERIES = 10

# Pluggable scenario modules, one per line. Each may define
#   scenarios(data: Data) -> list[Scenario]      pages requested in-process (timed, counted)
#   benchmarks(data: Data, quick: bool) -> list[Outcome]    anything else (throughput, ratios)
# The register and search scenarios are this module's own (``scenarios`` below).
SCENARIO_MODULES = [
    "bench.pages",  # document page with history, diff of two long versions, inbox
    "bench.lifecycle",  # one case through the service layer vs a bare viewflow flow
    "bench.http",  # gunicorn, 2 workers: public register vs a bare Django view (wrk)
    "bench.desk",  # the registrar's desk over the generated open cases
    "bench.reading",  # Att läsa and the chief's overview of read acknowledgements
    "bench.native",  # a common word: our search vs PostgreSQL's tsvector + GIN (issue 21)
    "bench.review_jobs",  # review report, mandate page; review, digest and mail jobs (issue 18)
]


@dataclass
class Scenario:
    key: str
    group: str
    title: str
    url: str
    user: object | None = None  # None: anonymous
    note: str = ""
    target_ms: float = TARGET_P95_MS
    max_queries: int = TARGET_QUERIES
    # Several addresses, asked in turn (warm-up first, then each measured request its own
    # while they last): nothing cached for one query helps the next.
    urls: list[str] = field(default_factory=list)

    def url_at(self, i: int) -> str:
        return self.urls[i % len(self.urls)] if self.urls else self.url


@dataclass
class Outcome:
    """A benchmark that is not one page: a rate of ours against a reference, as a ratio."""

    key: str
    group: str
    title: str
    ours: float
    reference: float
    unit: str  # e.g. "cases/s", "requests/s"
    target: str  # e.g. "≤ 2×", "≥ 40 %"
    ok: bool
    ratio: str
    note: str = ""


@dataclass
class Result:
    scenario: Scenario
    times_ms: list[float]
    queries: list[int]
    hits: str = ""
    status: int = 200
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def cpu_p95(self) -> float:
        ordered = sorted(self.cpu_ms) or [0.0]
        return ordered[max(0, round(0.95 * len(ordered)) - 1)]

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, round(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.times_ms)

    @property
    def query_count(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"

    @property
    def ok(self) -> bool:
        return (
            self.p95 <= self.scenario.target_ms and max(self.queries) <= self.scenario.max_queries
        )


@dataclass
class Data:
    """What the scenarios are about, found in the generated data."""

    unit: object
    manager: object
    types: dict[str, int]
    sizes: dict[str, int] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # for scenario modules


def modules() -> list:
    from importlib import import_module

    return [import_module(name) for name in SCENARIO_MODULES]


def setup_django() -> bool:
    """Point Django at the benchmark database; returns whether it is the default SQLite file."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DEBUG", "False")  # templates and queries as in production
    default = not os.environ.get("DATABASE_URL")
    if default:
        os.environ["DATABASE_URL"] = f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}"
    import django

    django.setup()
    return default


def ensure_data() -> None:
    """Migrate and generate the municipality if the database has none."""
    from django.core.management import call_command

    from org.models import Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        print("The benchmark database is empty: generating the municipality (a few minutes) ...")
        call_command("generate_municipality")


def discover() -> Data:
    """A deep unit with many documents applying to it, its chief, and the type ids."""
    from django.db.models import Count

    from documents.models import Document, DocumentStatus, DocumentType
    from org.models import Unit
    from org.selectors import holders

    scoped = dict(
        Document.objects.filter(status=DocumentStatus.VALID)
        .values_list("scope_unit")
        .annotate(n=Count("pk"))
    )
    deep = list(Unit.objects.filter(level__depth=3).order_by("pk"))
    best = max(deep, key=lambda u: (sum(scoped.get(i, 0) for i in u.ancestor_ids), -u.pk))
    manager = holders(best.chief_position).first()
    if manager is None:
        from org.models import PositionHolding

        manager = PositionHolding.objects.filter(position__unit=best).first().user
    types = dict(DocumentType.objects.values_list("code", "pk"))
    return Data(unit=best, manager=manager, types=types, sizes=sizes())


def sizes() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from audit.models import AuditEntry
    from documents.models import Document, DocumentVersion, SearchRank, SearchTerm
    from org.models import Unit
    from workflows.models import Case

    return {
        "units": Unit.objects.count(),
        "people": get_user_model().objects.count(),
        "documents": Document.objects.count(),
        "versions": DocumentVersion.objects.count(),
        "open cases": Case.objects.filter(finished__isnull=True).count(),
        "audit entries": AuditEntry.objects.count(),
        "search index rows": SearchTerm.objects.count(),
        "ranked index rows": SearchRank.objects.count(),
    }


def scenarios(data: Data) -> list[Scenario]:
    from fixtures.generator_vocabulary import RARE_WORD

    today = datetime.date.today()
    review = (today + datetime.timedelta(days=365)).isoformat()
    past = (today - datetime.timedelta(days=730)).isoformat()
    unit = data.unit.pk
    rutin, riktlinje = data.types["rutin"], data.types["riktlinje"]
    search = "/register/"
    manager = data.manager
    return [
        Scenario(
            "register-unit", "register", f"register: valid for a unit ({data.unit.name})",
            f"/register/?unit={unit}", manager,
        ),
        Scenario(
            "register-filtered", "register", "register: type + status + review date",
            f"/register/?type={rutin}&type={riktlinje}&status=under_revision&review_before={review}",
            manager,
        ),
        Scenario("register-page5", "register", "register: page 5 of all valid", "/register/?page=5", manager),
        Scenario("register-public", "register", "register: public, first page (anonymous)", "/register/"),
        Scenario("search-common", "search", "search: common word 'rutin'", f"{search}?q=rutin", manager),
        Scenario(
            "search-rare", "search", f"search: rare word '{RARE_WORD}'", f"{search}?q={RARE_WORD}", manager
        ),
        Scenario(
            "search-inflected", "search", "search: inflected 'samverkansgruppen'",
            f"{search}?q=samverkansgruppen", manager,
        ),
        Scenario("search-prefix", "search", "search: prefix 'samverk'", f"{search}?q=samverk", manager),
        Scenario(
            "search-compound", "search", "search: 'kontroll', also in compounds (internkontroll, ...)",
            f"{search}?q=kontroll", manager,
        ),
        Scenario(
            "search-compound-head", "search", "search: 'grupp', mostly in compounds (samverkansgrupp)",
            f"{search}?q=grupp", manager,
        ),
        Scenario(
            "search-filtered", "search", "search + filter: 'rutiner' valid for the unit",
            f"{search}?q=rutiner&unit={unit}", manager,
        ),
        Scenario(
            "search-typed", "search", "search + types: 'rutin' among rutiner and riktlinjer",
            f"{search}?q=rutin&type={rutin}&type={riktlinje}", manager,
        ),
        Scenario(
            "search-review", "search", "search + review date: 'rutin' due within a year",
            f"{search}?q=rutin&review_before={review}", manager,
            note="ranks every hit: the ranked index holds no review date",
        ),
        Scenario(
            "search-past", "search", "search on a past date: 'rutin' valid two years ago",
            f"{search}?q=rutin&valid_on={past}", manager,
            note="the rank rows and the history rows in force that day (search.RankedPast)",
        ),
        Scenario(
            "search-superseded", "search", f"search among superseded versions: '{RARE_WORD}'",
            f"{search}?q={RARE_WORD}&status=superseded", manager,
            note="the history rows (versions no longer valid) through their lexeme index",
        ),
        Scenario(
            "search-superseded-common", "search", "search among superseded versions: 'rutin'",
            f"{search}?q=rutin&status=superseded", manager,
            note="every superseded version holding the word is ranked: its key read from "
            "each of about 36,000 history rows",
        ),
        Scenario(
            "search-varied", "search", "search: a different inflected word each request",
            search, manager, urls=[f"{search}?q={quote(w)}" for w in varied_words()],
            note="hits of the last word",
        ),
        Scenario(
            "api-filtered", "api", "API: list, unit + type + review date (anonymous)",
            f"/api/v1/register/?unit={unit}&type={rutin}&review_before={review}",
        ),
        Scenario(
            "api-page100", "api", "API: same, page_size=100",
            f"/api/v1/register/?unit={unit}&type={rutin}&review_before={review}&page_size=100",
        ),
    ]  # fmt: skip


def varied_words() -> list[str]:
    """Inflected nouns of the generator's vocabulary (definite plural: 'rutinerna',
    'skolorna'), each a query of its own: 120 of them, more than a run asks."""
    from fixtures.generator_vocabulary import GENERAL_NOUNS, TOPIC_NOUNS

    words = [noun[3] for noun in (*GENERAL_NOUNS, *TOPIC_NOUNS.values())]
    words += [noun[1] for noun in (*GENERAL_NOUNS, *TOPIC_NOUNS.values())]
    return list(dict.fromkeys(words))[:120]


HITS_HTML = re.compile(r'role="status"[^>]*>\s*([\d\s\u00a0]+)')


def hits_of(response) -> str:
    content = response.content
    if response.get("Content-Type", "").startswith("application/json"):
        import json

        return str(json.loads(content).get("count", ""))
    if not response.get("Content-Type", "").startswith("text/"):
        return ""  # a download (Excel, PDF)
    match = HITS_HTML.search(content.decode())
    return re.sub(r"\D", "", match.group(1)) if match else ""


def measure(scenario: Scenario, n: int, warmup: int) -> Result:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if scenario.user is not None:
        client.force_login(scenario.user)
    for i in range(warmup):
        response = client.get(scenario.url_at(i))
    times, queries, cpu = [], [], []
    for i in range(n):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(scenario.url_at(warmup + i))
            elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        times.append(elapsed * 1000)
        cpu.append(elapsed_cpu * 1000)
        queries.append(len(captured.captured_queries))
    return Result(scenario, times, queries, hits_of(response), response.status_code, cpu)


def profile(scenario: Scenario, n: int) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "pyinstrument is not installed (.venv/bin/pip install pyinstrument)"
    from django.test import Client

    client = Client()
    if scenario.user is not None:
        client.force_login(scenario.user)
    client.get(scenario.url_at(0))
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(n):  # each request its own address, as measured
        client.get(scenario.url_at(1 + i))
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


def explain(scenario: Scenario) -> str:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if scenario.user is not None:
        client.force_login(scenario.user)
    client.get(scenario.url_at(0))
    # The statements as sent, with their parameters: the text Django logs of a statement
    # bound on the server (config.prepared) holds $1, $2, ... and no values.
    sent: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(record):
        client.get(scenario.url_at(0))
    out = []
    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    for q, (sql, params) in zip(captured.captured_queries, sent, strict=True):
        out.append(f"-- {q['time']} s\n{q['sql']}")
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql, params)
                out.extend("   " + " | ".join(str(c) for c in row) for row in cursor.fetchall())
    return "\n".join(out)


def cpu_check(rounds: int = 7) -> tuple[float, float]:
    """The fastest and slowest of ``rounds`` runs of a fixed piece of pure-Python work, in ms.

    Virtual machines lend their cores: the same work took 330 to 500 ms minute by minute on
    one of ours. Written beside the figures, before and after the scenarios, it tells a
    slow machine from slow code when two runs are compared."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i
        times.append((time.perf_counter() - started) * 1000)
    return min(times), max(times)


def cpu_text(cpu: tuple) -> str:
    """``cpu_check`` before and after, as written beside the figures."""
    (fast_before, slow_before), (fast_after, slow_after) = cpu
    return f"{fast_before:.1f}–{slow_before:.1f} / {fast_after:.1f}–{slow_after:.1f}"


def machine() -> dict[str, str]:
    from django import get_version
    from django.db import connection

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            database = (
                f"SQLite {cursor.fetchone()[0]} (WAL, file {connection.settings_dict['NAME']})"
            )
        else:
            cursor.execute("show server_version")
            database = (
                f"PostgreSQL {cursor.fetchone()[0]} on {connection.settings_dict.get('HOST')}"
            )
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BASE_DIR
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "database": database,
        "Python / Django": f"{platform.python_version()} / {get_version()}",
        "commit": f"{commit} (with uncommitted changes)" if commit else "",
    }


def table(results: list[Result]) -> str:
    lines = [
        "| scenario | p50 ms | p95 ms | max ms | p95 CPU ms | queries | hits | target p95 | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "ok" if r.ok else "**missed**"
        if (
            not r.ok
            and r.cpu_p95 <= r.scenario.target_ms
            and max(r.queries) <= r.scenario.max_queries
        ):
            verdict = "**missed** (CPU time ok)"
        if r.status != 200:
            verdict = f"**HTTP {r.status}**"
        lines.append(
            f"| {r.scenario.title} | {r.p50:.1f} | {r.p95:.1f} | {r.max:.1f} | {r.cpu_p95:.1f} | "
            f"{r.query_count} | {r.hits} | ≤ {r.scenario.target_ms:.0f} ms | {verdict} |"
        )
    return "\n".join(lines)


def outcome_table(outcomes: list[Outcome]) -> str:
    lines = [
        "| benchmark | ours | reference | ratio | target | |",
        "|---|---:|---:|---:|---|---|",
    ]
    for o in outcomes:
        lines.append(
            f"| {o.title} | {o.ours:.1f} {o.unit} | {o.reference:.1f} {o.unit} | {o.ratio} | "
            f"{o.target} | {'ok' if o.ok else '**missed**'} |"
        )
    notes = [f"- {o.title}: {o.note}" for o in outcomes if o.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def report(
    results: list[Result],
    data: Data,
    n: int,
    warmup: int,
    load: tuple,
    outcomes: list[Outcome] | None = None,
    cpu: tuple | None = None,
) -> str:
    from django.db import connection

    info = machine()
    info["load average (1 min) before / after"] = f"{load[0]:.2f} / {load[1]:.2f}"
    if cpu:
        info["fixed Python work (bench.run.cpu_check), fastest–slowest ms, before / after"] = (
            cpu_text(cpu)
        )
    today = datetime.date.today().isoformat()
    title = f"# Benchmarks, {connection.vendor}, {today}"
    parts = [
        title,
        "",
        f"Targets: register and search p95 ≤ {TARGET_P95_MS:.0f} ms server time, inbox ≤ 80 ms; "
        f"≤ {TARGET_QUERIES} SQL queries per page, the same number whatever the page size.",
        f"Each scenario: {warmup} warm-up requests, then {n} measured, in-process with "
        "`django.test.Client` (DEBUG off), queries counted with `CaptureQueriesContext`. "
        "Logged-in scenarios run as the chief of the unit (session and user queries included). "
        "*p95 CPU ms* is this process's CPU time per request (`time.process_time`): on a "
        "loaded machine wall time includes waiting for a core; on SQLite the CPU time covers "
        "the queries too, on PostgreSQL it leaves out the database server's work.",
        "",
        table(results),
        "",
        *([outcome_table(outcomes), ""] if outcomes else []),
        "Machine and data:",
        "",
        *[f"- {k}: {v}" for k, v in info.items() if v],
        "- data: " + ", ".join(f"{v:,} {k}".replace(",", " ") for k, v in data.sizes.items()),
        f"- unit of the unit scenarios: {data.unit.name} (id {data.unit.pk}, depth 3)",
        "",
        "Run with `.venv/bin/python -m bench.run` (see bench/run.py and docs/performance.md).",
        "",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scenarios", default="all", help="groups or keys, comma separated")
    parser.add_argument("-n", type=int, default=50, help="measured requests per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per scenario")
    parser.add_argument("--profile", metavar="KEY", help="profile one scenario with pyinstrument")
    parser.add_argument("--explain", metavar="KEY", help="show the query plans of one scenario")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/")
    parser.add_argument(
        "--quick", action="store_true", help="shorter throughput runs (HTTP, lifecycle)"
    )
    args = parser.parse_args(argv)

    setup_django()
    ensure_data()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    data = discover()
    plugins = modules()
    load_before = os.getloadavg()[0]
    cpu_before = cpu_check()
    if load_before > 0.7:
        print(
            f"Note: the load average is {load_before:.2f}; other work on the machine skews timings.",
            file=sys.stderr,
        )
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        all_scenarios = scenarios(data)
        for module in plugins:
            if hasattr(module, "scenarios"):
                all_scenarios.extend(module.scenarios(data))
        by_key = {s.key: s for s in all_scenarios}
        if args.profile or args.explain:
            key = args.profile or args.explain
            if key not in by_key:
                parser.error(f"unknown scenario {key}; one of {', '.join(by_key)}")
            print(profile(by_key[key], args.n) if args.profile else explain(by_key[key]))
            return 0
        wanted = {w.strip() for w in args.scenarios.split(",") if w.strip()}

        def chosen_(key: str, group: str) -> bool:
            return (
                "all" in wanted
                or key in wanted
                or group in wanted
                or ("register" in wanted and group in ("search", "api"))
            )

        chosen = [s for s in all_scenarios if chosen_(s.key, s.group)]
        benchmark_modules = [
            m
            for m in plugins
            if hasattr(m, "benchmarks")
            and any(chosen_(key, group) for key, group in getattr(m, "BENCHMARKS", []))
        ]
        if not chosen and not benchmark_modules:
            parser.error(f"no scenario matches {args.scenarios}; keys: {', '.join(by_key)}")
        # As config/wsgi.py does in a server: start-up objects out of the collector's walk.
        from django.test import Client

        Client().get("/register/")  # load templates, URLs and translations, as a warm server
        import gc

        gc.collect()
        gc.freeze()
        results = []
        for scenario in chosen:
            print(f"  {scenario.title} ...", file=sys.stderr, flush=True)
            results.append(measure(scenario, args.n, args.warmup))
    outcomes: list[Outcome] = []
    for module in benchmark_modules:
        outcomes.extend(o for o in module.benchmarks(data, args.quick) if chosen_(o.key, o.group))
    load = (load_before, os.getloadavg()[0])
    cpu = (cpu_before, cpu_check())
    text = report(results, data, args.n, args.warmup, load, outcomes, cpu)
    print()
    print(table(results))
    if outcomes:
        print()
        print(outcome_table(outcomes))
    print(f"\nload average (1 min) before / after: {load[0]:.2f} / {load[1]:.2f}")
    print(f"fixed Python work, fastest–slowest ms, before / after: {cpu_text(cpu)}")
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{connection.vendor}-{datetime.date.today().isoformat()}.md"
        path.write_text(text, encoding="utf-8")
        print(f"\nWritten to {path.relative_to(BASE_DIR)}")
    ok = all(r.ok and r.status == 200 for r in results) and all(o.ok for o in outcomes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
