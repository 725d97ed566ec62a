"""`make bench`: data, a production-like server, a fixed load, and a table with every figure next to its baseline.

Steps: create the bench database if missing, migrate, flush and generate the data (bench.generate), start gunicorn
with DEBUG off and BENCHMARK_MODE on (baseline routes + X-Query-Count header), warm every endpoint up, then measure
each endpoint for a fixed time at a fixed concurrency, alternating with its baseline so both see the same machine,
for a few rounds. Loopback only; every loop is bounded in time. Results go to bench/results/ (git-ignored).

An endpoint's ratio to its baseline is the median of paired turns: each round splits its time into BENCH_SLICES
short turns, baseline and API back to back (which goes first alternates), and each pair gives one ratio. Rows without
a baseline of their own are paired with the first certificates page's. A shared machine's speed drifts by a third
between runs minutes apart; a pair sees the same machine, and the median of a few dozen pairs does not follow the one
turn that happened to land on a slow stretch.

Environment: BENCH_DATABASE_URL, BENCH_PORT, BENCH_WORKERS, BENCH_CONCURRENCY, BENCH_SECONDS, BENCH_ROUNDS,
BENCH_SLICES, BENCH_SEED, BENCH_ONLY (see the README's Benchmark section).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import platform
import runpy
import secrets
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import environ
import httpx

ROOT = Path(__file__).resolve().parent.parent
# BENCH_* (and REDIS_URL, GUNICORN_*) may come from .env like every other setting; the environment wins.
environ.Env.read_env(ROOT / ".env", overwrite=False)
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sf_bench")
PORT = int(os.environ.get("BENCH_PORT", "8700"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SLICES = max(1, int(os.environ.get("BENCH_SLICES", "4")))  # paired turns per endpoint per round
SEED = int(os.environ.get("BENCH_SEED", "7"))
# Comma-separated parts of endpoint names ("goals,analytics"): measure only those.
ONLY = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]
HOST = "127.0.0.1"  # never anything but loopback

# The targets, checked (and printed) by the report; never asserted in tests.
LIST_MIN_RATIO = 0.5
PAGE_DEPTH_MAX_RATIO = 2.0
QUERY_BUDGETS = {"list": 3, "detail": 2, "analytics": 3}  # the endpoint's own queries, the token's lookup aside
REFERENCE_BASELINE = "/bench/baseline/certificates/"


@dataclass
class Endpoint:
    """One measured call; `baseline` names the bare view that serves the same page."""

    name: str
    kind: str  # list, detail, analytics, login
    path: str
    baseline: str | None = None
    method: str = "GET"
    body: dict | None = None
    authenticated: bool = True


@dataclass
class Stats:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    # per worker pid: how much its peak memory (VmHWM) rose during this path's turns, summed over them
    memory_growth_by_worker: dict[int, int] = field(default_factory=dict)
    # one ratio (this path's requests/s over its baseline's) per paired slice; empty for baselines and † rows
    paired_ratios: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def typical_queries(self) -> int | None:
        """The count most requests ran. A request that opened a new database connection also counts the backend's
        session set-up (MariaDB: SQL_AUTO_IS_NULL, isolation level), which says nothing about the endpoint."""
        return max(set(self.queries), key=self.queries.count) if self.queries else None

    @property
    def memory_growth_kb(self) -> int:
        return max(self.memory_growth_by_worker.values(), default=0)

    def ratio_to(self, baseline: Stats) -> float:
        """Requests/s as a ratio to `baseline`: the median of the turns paired with its turns, or, when no pair was
        measured, the ratio of the two totals."""
        if self.paired_ratios:
            return statistics.median(self.paired_ratios)
        return self.rps / baseline.rps if baseline.rps else 0.0

    def ratio_spread(self) -> str:
        """The middle half of the paired ratios (first to third quartile), to show how much the machine moved."""
        if len(self.paired_ratios) < 4:
            return ""
        low, _, high = statistics.quantiles(self.paired_ratios, n=4, method="inclusive")
        return f"{low:.2f}-{high:.2f}"

    def queries_text(self) -> str:
        if not self.queries:
            return "?"
        typical, most = self.typical_queries, max(self.queries)
        return f"{typical}" if most == typical else f"{typical} (max {most})"

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


# --- Server ---------------------------------------------------------------


def server_environment(secret: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DATABASE_URL=DATABASE_URL,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS=HOST,
        BENCHMARK_MODE="true",
        # Plain http on loopback, as behind a TLS-terminating proxy: no redirect to https.
        DJANGO_SECURE_SSL_REDIRECT="false",
        # The per-user throttle still runs (its cache round-trips are part of every request) but never trips.
        THROTTLE_RATES="user=1000000/min",
        DJANGO_SETTINGS_MODULE="skillfolio.settings",
        PYTHONWARNINGS="ignore",
    )
    return env


def ensure_database() -> None:
    """Create the bench database when it does not exist yet (PostgreSQL or MariaDB/MySQL)."""
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    if parts.scheme.startswith("postgres"):
        import psycopg

        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    elif parts.scheme.startswith("mysql"):
        import MySQLdb

        connection = MySQLdb.connect(
            host=parts.hostname, port=parts.port or 3306, user=parts.username or "root", passwd=parts.password or ""
        )
        connection.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")
        connection.close()
    else:
        raise SystemExit(f"BENCH_DATABASE_URL must be PostgreSQL or MariaDB/MySQL, not {parts.scheme!r}")


def prepare_data(env: dict[str, str]) -> str:
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run(
        [PYTHON, "-m", "bench.generate", "--flush", "--seed", str(SEED)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def server_command(env: dict[str, str]) -> tuple[list[str], dict[str, str], str]:
    """gunicorn as production runs it: with the repository's gunicorn.conf.py when there is one, only the address and
    worker count changed, and neither worker recycling (it would reset the memory figures) nor an access log file."""
    config = ROOT / "gunicorn.conf.py"
    if config.exists():
        env = {
            **env,
            "GUNICORN_BIND": f"{HOST}:{PORT}",
            "GUNICORN_WORKERS": str(WORKERS),
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            values = runpy.run_path(str(config))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        described = (
            f"gunicorn.conf.py: {values['workers']} {values['worker_class']} workers x {values['threads']} threads"
        )
        return [PYTHON, "-m", "gunicorn", "-c", str(config)], env, described
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "skillfolio.wsgi:application",
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    return command, env, f"gunicorn flags: {WORKERS} sync workers"


def start_server(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_until_up(server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            httpx.get(f"http://{HOST}:{PORT}/api/does-not-exist/", timeout=1)
            if len(worker_pids(server.pid)) >= WORKERS:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{master}\n" in status.read_text():
                pids.append(int(status.parent.name))
        except OSError:
            continue
    return pids


def memory_kb(pid: int, key: str = "VmHWM") -> int:
    """A process's peak (VmHWM) or current (VmRSS) resident memory, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


# --- Load -----------------------------------------------------------------


def new_client() -> httpx.AsyncClient:
    """A client that opens a connection per request, as many users behind a load balancer do. gunicorn hands a
    connection to one worker for its whole life, so a few keep-alive connections could leave a worker idle for the
    whole run (seen once on MariaDB: every figure was then one process's); a connection per request spreads the load
    over the workers by chance, evenly over thousands of requests. Baseline and API pay the same connect cost."""
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=0)
    return httpx.AsyncClient(base_url=f"http://{HOST}:{PORT}", limits=limits, timeout=60)


async def measure(client: httpx.AsyncClient, endpoint: Endpoint, path: str, headers: dict, seconds: float) -> Stats:
    """`CONCURRENCY` clients call `path` back to back until `seconds` have passed."""
    stats = Stats()
    deadline = time.perf_counter() + seconds

    async def one_client():
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await client.request(
                endpoint.method, path, headers=headers if endpoint.authenticated else {}, json=endpoint.body
            )
            stats.latencies.append(time.perf_counter() - started)
            stats.requests += 1
            if response.status_code >= 400:
                stats.errors[response.status_code] = stats.errors.get(response.status_code, 0) + 1
            if "X-Query-Count" in response.headers:
                stats.queries.append(int(response.headers["X-Query-Count"]))

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(CONCURRENCY)))
    stats.seconds = time.perf_counter() - started
    return stats


def merge(into: Stats, part: Stats) -> None:
    into.requests += part.requests
    into.seconds += part.seconds
    into.latencies += part.latencies
    into.queries += part.queries
    for status, count in part.errors.items():
        into.errors[status] = into.errors.get(status, 0) + count
    for pid, growth in part.memory_growth_by_worker.items():
        into.memory_growth_by_worker[pid] = into.memory_growth_by_worker.get(pid, 0) + growth
    into.paired_ratios += part.paired_ratios


async def login(client: httpx.AsyncClient, email: str) -> str:
    from bench.generate import PASSWORD

    response = await client.post("/api/auth/login/", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return response.json()["access"]


async def discover(client: httpx.AsyncClient, headers: dict) -> list[Endpoint]:
    """The endpoints to measure. Those not on this branch yet (404) are left out, and said so."""
    from bench.generate import HEAVY_EMAIL, PASSWORD

    first = (await client.get("/api/certificates/", headers=headers)).json()["results"][0]["id"]
    goals = await client.get("/api/goals/?page=2", headers=headers)
    goal, deadline = (
        (goals.json()["results"][0]["id"], goals.json()["results"][0]["deadline"])
        if goals.status_code == 200
        else (0, "2026-01-01")
    )
    candidates = [
        Endpoint("certificates: first page", "list", "/api/certificates/", "/bench/baseline/certificates/"),
        Endpoint(
            "certificates: page 100", "list", "/api/certificates/?page=100", "/bench/baseline/certificates/?page=100"
        ),
        Endpoint(
            "certificates: search",
            "list",
            "/api/certificates/?search=python",
            "/bench/baseline/certificates/?search=python",
        ),
        Endpoint(
            "certificates: filter",
            "list",
            "/api/certificates/?issuer=coursera",
            "/bench/baseline/certificates/?issuer=coursera",
        ),
        Endpoint(
            "certificates: detail",
            "detail",
            f"/api/certificates/{first}/",
            f"/bench/baseline/certificates/{first}/",
        ),
        Endpoint("projects: first page", "list", "/api/projects/", "/bench/baseline/projects/"),
        Endpoint("projects: page 100", "list", "/api/projects/?page=100", "/bench/baseline/projects/?page=100"),
        Endpoint(
            "projects: search", "list", "/api/projects/?search=dashboard", "/bench/baseline/projects/?search=dashboard"
        ),
        Endpoint(
            "projects: filter", "list", "/api/projects/?status=completed", "/bench/baseline/projects/?status=completed"
        ),
        Endpoint("goals: first page", "list", "/api/goals/", "/bench/baseline/goals/"),
        Endpoint("goals: last page (3)", "list", "/api/goals/?page=3", "/bench/baseline/goals/?page=3"),
        Endpoint(
            "goals: filter", "list", f"/api/goals/?deadline={deadline}", f"/bench/baseline/goals/?deadline={deadline}"
        ),
        Endpoint("goals: detail", "detail", f"/api/goals/{goal}/"),
        Endpoint("analytics: summary", "analytics", "/api/analytics/summary/"),
        Endpoint("analytics: goals-progress", "analytics", "/api/analytics/goals-progress/"),
        Endpoint(
            "auth: login",
            "login",
            "/api/auth/login/",
            method="POST",
            body={"email": HEAVY_EMAIL, "password": PASSWORD},
            authenticated=False,
        ),
    ]
    endpoints, missing = [], []
    if ONLY:
        # the first certificates page stays: its baseline is the reference for the rows without a baseline of their own
        candidates = [e for e in candidates if e.baseline == REFERENCE_BASELINE or any(p in e.name for p in ONLY)]
    for endpoint in candidates:
        if endpoint.kind == "login":
            endpoints.append(endpoint)
            continue
        response = await client.get(endpoint.path, headers=headers)
        if response.status_code != 200:
            missing.append(f"{endpoint.name} ({response.status_code})")
            continue
        if endpoint.baseline and (await client.get(endpoint.baseline, headers=headers)).status_code != 200:
            endpoint.baseline = None
        endpoints.append(endpoint)
    if missing:
        print("not measured (not on this branch): " + ", ".join(missing))
    return endpoints


async def run_load(server: subprocess.Popen) -> dict:
    from bench.generate import HEAVY_EMAIL

    async with new_client() as client:
        headers = {"Authorization": f"Bearer {await login(client, HEAVY_EMAIL)}"}
        endpoints = await discover(client, headers)
        workers = worker_pids(server.pid)
        memory_start = {pid: memory_kb(pid) for pid in workers}

        for endpoint in endpoints:  # warm-up: imports, caches and connections are paid before any figure is taken
            for path in filter(None, [endpoint.baseline, endpoint.path]):
                await measure(client, endpoint, path, headers, 0.5 if endpoint.kind == "login" else 0.3)
        memory_warm = {pid: memory_kb(pid) for pid in workers}
        cpu_warm = {pid: cpu_seconds(pid) for pid in workers}

        async def turn(endpoint: Endpoint, path: str, seconds: float) -> Stats:
            before = {pid: memory_kb(pid) for pid in workers}
            stats = await measure(client, endpoint, path, headers, seconds)
            stats.memory_growth_by_worker = {pid: memory_kb(pid) - before[pid] for pid in workers}
            merge(results.setdefault(path, Stats()), stats)
            return stats

        # rows without a baseline of their own are paired with the reference page's baseline
        reference = next(endpoint for endpoint in endpoints if endpoint.baseline == REFERENCE_BASELINE)
        results: dict[str, Stats] = {}
        pairs = 0
        for round_number in range(ROUNDS):
            print(f"round {round_number + 1}/{ROUNDS}", flush=True)
            for endpoint in endpoints:
                if endpoint.kind == "login":  # half a second a request: one whole turn, compared by its totals
                    await turn(endpoint, endpoint.path, SECONDS)
                    continue
                baseline = (endpoint, endpoint.baseline) if endpoint.baseline else (reference, REFERENCE_BASELINE)
                for _ in range(SLICES):  # paired turns, the baseline first in every other pair
                    sides = [baseline, (endpoint, endpoint.path)][:: 1 if pairs % 2 == 0 else -1]
                    pairs += 1
                    by_path = {path: await turn(caller, path, SECONDS / SLICES) for caller, path in sides}
                    base, own = by_path[baseline[1]], by_path[endpoint.path]
                    if base.rps and own.rps:
                        results[endpoint.path].paired_ratios.append(own.rps / base.rps)
        memory_end = {pid: memory_kb(pid) for pid in workers}
        rss_end = {pid: memory_kb(pid, "VmRSS") for pid in workers}
        cpu_used = {pid: cpu_seconds(pid) - cpu_warm[pid] for pid in workers}
    return {
        "endpoints": endpoints,
        "stats": results,
        "memory": {"start": memory_start, "warm": memory_warm, "end": memory_end, "rss_end": rss_end},
        "cpu": cpu_used,
    }


# --- Report ---------------------------------------------------------------


def machine_description(env: dict[str, str]) -> dict[str, str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup(); from django.db import connection; "
            "c = connection.cursor(); c.execute('SELECT version()'); print(c.fetchone()[0].split(' on ')[0])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the start)",
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": version,
    }


def verdicts(endpoint: Endpoint, stats: Stats, baseline: Stats | None) -> list[str]:
    notes = []
    budget = QUERY_BUDGETS.get(endpoint.kind)
    own_queries = stats.typical_queries - (1 if endpoint.authenticated else 0) if stats.queries else 0
    if budget is not None and own_queries > budget:
        notes.append(f"over the {budget}-query budget")
    if endpoint.kind == "list" and baseline and stats.ratio_to(baseline) < LIST_MIN_RATIO:
        notes.append(f"below {LIST_MIN_RATIO}x baseline")
    if stats.errors:
        notes.append("errors " + ", ".join(f"{status}x{count}" for status, count in sorted(stats.errors.items())))
    return notes


def report(outcome: dict, machine: dict[str, str], generated: str, served_by: str, elapsed: float) -> str:
    stats: dict[str, Stats] = outcome["stats"]
    lines = [
        f"Benchmark run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {elapsed:.0f} s end to end.",
        "",
        f"- Machine: {machine['cpu']}, {machine['memory']}; {machine['os']}; Python {machine['python']}",
        f"- Database: {machine['database']} (`{urlsplit(DATABASE_URL).scheme}`)",
        f"- Server: {served_by}, DEBUG off; load: {CONCURRENCY} concurrent clients (httpx, same machine), "
        f"{SECONDS:g} s per endpoint per round, {ROUNDS} round{'s' if ROUNDS != 1 else ''}, each split into "
        f"{SLICES} turns paired with the "
        "baseline's",
        f"- Data: {generated}",
        "",
        "| endpoint | req/s | x baseline | (middle half) | p50 ms | p95 ms | p50 x baseline | queries/req "
        "| worker peak growth |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    reference = stats.get(REFERENCE_BASELINE)
    for endpoint in outcome["endpoints"]:
        own = stats[endpoint.path]
        base = stats.get(endpoint.baseline) if endpoint.baseline else None
        if base is None and reference is not None:  # no page of its own to compare with: the bare list page
            endpoint.name += " †"
            ratio_to = reference
        else:
            ratio_to = base
        queries = own.queries_text()
        if base:
            lines.append(
                f"| {endpoint.name} (baseline) | {base.rps:.0f} | 1.00 | | {base.percentile(0.5):.1f} | "
                f"{base.percentile(0.95):.1f} | 1.00 | {base.queries_text()} | "
                f"{base.memory_growth_kb} kB |"
            )
        rps_ratio = f"{own.ratio_to(ratio_to):.2f}" if ratio_to else "-"
        p50_ratio = f"{own.percentile(0.5) / ratio_to.percentile(0.5):.2f}" if ratio_to else "-"
        lines.append(
            f"| **{endpoint.name}** | {own.rps:.0f} | {rps_ratio} | {own.ratio_spread()} | {own.percentile(0.5):.1f} | "
            f"{own.percentile(0.95):.1f} | {p50_ratio} | {queries} | {own.memory_growth_kb} kB |"
        )
        notes += [f"- {endpoint.name}: {note}" for note in verdicts(endpoint, own, base)]

    by_name = {endpoint.name: endpoint for endpoint in outcome["endpoints"]}
    lines += [
        "",
        "Baseline rows: the same page from one hand-written statement and orjson. x baseline: the median ratio of "
        "requests/s over the turns paired with the baseline's, the middle half of those ratios beside it (req/s are "
        "whole-run totals). † no baseline of its own: paired with the certificates first-page baseline (login: the "
        "ratio of totals). "
        "queries/req is what most requests ran, the token's user lookup "
        "included (1 per authenticated request), with the most any request ran when that differs (a request that "
        "opened a database connection also runs its session set-up); worker peak growth is how much a worker's "
        "VmHWM rose during that row's turns, added up over them (the worker that grew most).",
    ]
    depth_lines = []
    for group, deep in [("certificates", "page 100"), ("projects", "page 100"), ("goals", "last page (3)")]:
        first, last = by_name.get(f"{group}: first page"), by_name.get(f"{group}: {deep}")
        if first and last:
            ratio = stats[last.path].percentile(0.5) / stats[first.path].percentile(0.5)
            depth_lines.append(f"- {group}: {deep} / first page = {ratio:.2f}")
            if ratio > PAGE_DEPTH_MAX_RATIO:
                notes.append(f"- {group}: {deep} is {ratio:.2f}x the first page")
    if depth_lines:
        lines += ["", "First page against a deep page (p50 latency ratio; target at most 2x):", "", *depth_lines]

    memory = outcome["memory"]
    lines += ["", "Worker memory (VmHWM peak / VmRSS, MiB): after start-up, after warm-up, at the end", ""]
    for pid in memory["start"]:
        lines.append(
            f"- worker {pid}: {memory['start'][pid] / 1024:.1f} -> {memory['warm'][pid] / 1024:.1f} -> "
            f"{memory['end'][pid] / 1024:.1f} (RSS {memory['rss_end'][pid] / 1024:.1f})"
        )
    cpu = outcome["cpu"]
    lines += ["", "Worker CPU time while measuring (both workers should share the load):", ""]
    lines += [
        f"- worker {pid}: {seconds:.1f} s ({seconds / (sum(cpu.values()) or 1):.0%})" for pid, seconds in cpu.items()
    ]
    if ONLY:
        met = "Every target of the endpoints measured in this run (BENCH_ONLY) met."
    else:
        met = "Every target met."
    lines += ["", "Targets not met:" if notes else met, *notes]
    return "\n".join(lines) + "\n"


def main() -> None:
    started = time.monotonic()
    secret = secrets.token_urlsafe(50)
    env = server_environment(secret)
    ensure_database()
    generated = prepare_data(env)
    print(generated, flush=True)
    machine = machine_description(env)
    command, server_env, served_by = server_command(env)
    server = start_server(command, server_env)
    try:
        wait_until_up(server)
        outcome = asyncio.run(run_load(server))
    finally:
        stop_server(server)
    table = report(outcome, machine, generated, served_by, time.monotonic() - started)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"results-{stamp}.md", "latest.md"):
        (RESULTS / name).write_text(table)
    raw = {
        path: {
            "rps": stat.rps,
            "paired_ratios": stat.paired_ratios,
            "p50_ms": stat.percentile(0.5),
            "p95_ms": stat.percentile(0.95),
            "queries": sorted(set(stat.queries)),
            "errors": stat.errors,
            "requests": stat.requests,
        }
        for path, stat in outcome["stats"].items()
    }
    (RESULTS / f"results-{stamp}.json").write_text(
        json.dumps({"memory": outcome["memory"], "cpu": outcome["cpu"], "paths": raw}, indent=1)
    )
    print(table)
    print(f"written to {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()
