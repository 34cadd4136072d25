"""Serving: our request path under gunicorn vs a bare Django hello-world, same gunicorn.

Run: .venv/bin/python bench/serving.py [--seconds 5] [--rounds 3] [--listings 10000]
                                       [--workers 2] [--only listing_api,home]
                                       [--database quartier_bench_serving]
     In-process instead of wrk: --cpu N (median CPU time per request over N requests),
     --profile N (cProfile), --memory N (resident memory curve).

Both apps run under gunicorn with deploy/gunicorn.conf.py (2 sync workers by default).
Ours: production settings (QUARTIER_ENV=production) on the system PostgreSQL
(DATABASE_URL, default postgres://postgres@127.0.0.1:5432; a throw-away database) with
the Redis cache (BENCH_REDIS_URL, default redis://127.0.0.1:6379/13, flushed), one
tenant with 10,000 published listings. The baseline: bench/hello (no database, no
middleware, one JSON view). `wrk -t2 -c16` drives each endpoint for --seconds, in rounds
that interleave the hello-world with ours, so load from other processes hits both alike.
A second server of ours runs with shared answers off (RESPONSE_CACHE_SECONDS=0: every
request computed), driven in the same rounds: its rows are "(computed)"; --no-computed
skips it. The rows without it are what production serves: anonymous reads answered
from kept answers (tenants/response_cache.py) once a first visitor had them computed,
since wrk asks the same URL over and over.
Statements per request are counted in-process (CaptureQueriesContext), not under wrk:
as served for the plain rows, computed for the "(computed)" ones.
Prints a table, then one JSON line: per endpoint the medians over rounds of req/s,
p50, p99, the ratio to the hello-world's req/s of the same round, and statements.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
HOST = "serving-bench.bench.test"
SECRET = "bench-serving-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
ENVIRONMENT = {
    "QUARTIER_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "quartier.config.settings",
    "SECRET_KEY": SECRET,
    "PLATFORM_DOMAIN": "bench.test",
    # Behind Caddy in production; wrk speaks plain HTTP with X-Forwarded-Proto.
    "SECURE_SSL_REDIRECT": "false",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "TENANT_POOL_AUTO_REFILL": "false",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-serving-static-"),
}
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.update(ENVIRONMENT)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")

from _setup import bench_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument(
        "--memory", type=int, default=0, help="instead of wrk: RSS over N in-process requests"
    )
    parser.add_argument(
        "--profile", type=int, default=0, help="instead of wrk: cProfile N in-process requests"
    )
    parser.add_argument(
        "--cpu",
        type=int,
        default=0,
        help="instead of wrk: median CPU time of N in-process requests per endpoint",
    )
    parser.add_argument("--database", default="quartier_bench_serving")
    parser.add_argument(
        "--no-computed",
        dest="computed",
        action="store_false",
        help="skip the second server with shared answers off (RESPONSE_CACHE_SECONDS=0)",
    )
    arguments = parser.parse_args()
    _ensure_wrk()
    _flush_redis(os.environ["REDIS_URL"])
    with bench_database(arguments.database):
        targets = _seed(arguments.listings)
        if arguments.only:
            wanted = arguments.only.split(",")
            targets = {name: target for name, target in targets.items() if name in wanted}
        statements = {name: _statements(target) for name, target in targets.items()}
        if arguments.memory:
            print(json.dumps(_memory_curve(targets, arguments.memory)))
            return
        if arguments.profile:
            for name, target in targets.items():
                _profile(name, target, arguments.profile)
            return
        if arguments.cpu:
            cpu = {name: _cpu_time(target, arguments.cpu) for name, target in targets.items()}
            for name, row in cpu.items():
                row["statements"] = statements[name]["served"]
                print(
                    f"{name:20} {row['cpu_ms_p50']:7.2f} ms CPU p50"
                    f" {row['cpu_ms_p90']:7.2f} p90 {row['wall_ms_p50']:7.2f} wall"
                    f" {row['python_calls']:6} calls {row['redis_round_trips']:2} Redis"
                    f" {row['statements']:3} SQL",
                    file=sys.stderr,
                )
            print(json.dumps({"requests": arguments.cpu, "listings": arguments.listings, **cpu}))
            return
        from django.db import connections

        connections.close_all()
        figures = _measure(targets, arguments)
    for name, counts in statements.items():
        figures["endpoints"][name]["statements"] = counts["served"]
        if f"{name} (computed)" in figures["endpoints"]:
            figures["endpoints"][f"{name} (computed)"]["statements"] = counts["computed"]
    _print_table(figures)
    print(json.dumps(figures))


def _ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# --- data -------------------------------------------------------------------------------


def _seed(listing_count: int) -> dict:
    """One tenant: listings, a bookable provider, a customer with bookings; the targets."""
    import random

    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token
    from search import _seed as seed_listings

    from quartier.platform.tenancy import tenant_context
    from quartier.tenants.services import tenant_provision

    call_command("migrate", verbosity=0, no_pool=True)
    tenant = tenant_provision(
        name="Serving bench", slug="serving-bench", admin_email="admin@bench.test"
    ).tenant
    with tenant_context(tenant):
        seed_listings(random.Random(7), listing_count, 100)
        listing, provider_user, customer = _bookings()
        token = Token.objects.create(user=customer).key
        browser = Client(HTTP_HOST=HOST)
        browser.force_login(provider_user)
        session = browser.cookies["sessionid"].value
    search = f"postal_code={listing.postal_code}&radius_km=10&q=router"
    return {
        "listing_api": {"path": f"/api/listings/{listing.pk}/"},
        "search_api": {"path": f"/api/listings/search/?{search}"},
        "bookings_api": {"path": "/api/bookings/", "auth": f"Token {token}"},
        "home": {"path": "/"},
        "results_page": {"path": f"/search/?{search}"},
        "listing_page": {"path": f"/listings/{listing.pk}/"},
        "provider_dashboard": {"path": "/dashboard/provider/", "cookie": f"sessionid={session}"},
    }


def _bookings():
    """A provider open every day with one listing near the seeded ones, and ten bookings."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bookings import _listings
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from quartier.accounts.models import User
    from quartier.bookings.services.requests import booking_request_slot

    listing = _listings(1, "8004")[0]
    customer = User.objects.create(email="customer@bench.test", password=make_password(None))
    zurich = ZoneInfo("Europe/Zurich")
    today = timezone.now().astimezone(zurich).date()
    for days in range(2, 12):
        day = today + timedelta(days=days)
        starts = datetime(day.year, day.month, day.day, 10, tzinfo=zurich).astimezone(UTC)
        booking_request_slot(listing=listing, customer=customer, starts_at=starts)
    return listing, listing.provider.user, customer


def _headers(target: dict) -> dict:
    headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
    if "auth" in target:
        headers["Authorization"] = target["auth"]
    if "cookie" in target:
        headers["Cookie"] = target["cookie"]
    return headers


def _statements(target: dict) -> dict:
    """SQL statements of one warm request, counted in this process: computed (shared
    answers off) and as served (on: an anonymous read kept from an earlier visit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    for name, seconds in (("computed", 0), ("served", 30)):
        with override_settings(RESPONSE_CACHE_SECONDS=seconds):
            for _ in range(3):  # warm the caches (tenant, settings, languages, answers)
                response = _client(target).get(target["path"])
                assert response.status_code == 200, (target["path"], response.status_code)
            with CaptureQueriesContext(connection) as queries:
                _client(target).get(target["path"])
        counts[name] = len(queries.captured_queries)
    return counts


def _client(target: dict):
    from django.test import Client

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    if "auth" in target:
        client.defaults["HTTP_AUTHORIZATION"] = target["auth"]
    if "cookie" in target:
        name, value = target["cookie"].split("=", 1)
        client.cookies[name] = value
    return client


def _profile(name: str, target: dict, count: int) -> None:
    """Where a warm request's time goes: cProfile over `count` requests, top by own time."""
    import cProfile
    import pstats

    client = _client(target)
    client.get(target["path"])
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        client.get(target["path"])
    profiler.disable()
    per_request = (time.perf_counter() - started) * 1000 / count
    print(f"=== {name}: {per_request:.2f} ms per request (profiled)", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(25)
    # Who reads the cache (each read is a round trip to Redis).
    stats.print_callers(r"cache/backends/redis.py.*\(get\)")


def _cpu_time(target: dict, count: int) -> dict:
    """This process's CPU time per warm request (time.process_time: the time the request
    spent on a core, not waiting for one, so steadier on a loaded machine than req/s).
    Redis and PostgreSQL run in other processes: their share is not counted here."""
    client = _client(target)
    for _ in range(5):
        client.get(target["path"])
    times, walls = [], []
    for _ in range(count):
        started, wall = time.process_time(), time.perf_counter()
        client.get(target["path"])
        times.append((time.process_time() - started) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    times.sort()
    return {
        "cpu_ms_p50": round(statistics.median(times), 3),
        "cpu_ms_p90": round(times[int(len(times) * 0.9)], 3),
        # Wall time adds the waits on PostgreSQL and Redis (and on a busy core).
        "wall_ms_p50": round(statistics.median(walls), 3),
        **_counts(client, target["path"]),
    }


def _counts(client, path: str, count: int = 20) -> dict:
    """Python function calls and Redis round trips per warm request: the same on a
    quiet machine and a loaded one, unlike any time."""
    import cProfile
    import pstats

    import redis

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        client.get(path)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls / count
    round_trips = [0]
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        round_trips[0] += 1
        return original(self, *args, **options)

    redis.Redis.execute_command = counting
    try:
        client.get(path)
    finally:
        redis.Redis.execute_command = original
    return {"python_calls": round(calls), "redis_round_trips": round_trips[0]}


def _memory_curve(targets: dict, count: int) -> dict:
    """This process's resident memory while it serves `count` requests, the endpoints in
    turn (the shape of a worker's growth, without gunicorn)."""
    clients = [(_client(target), target["path"]) for target in targets.values()]
    curve = []
    for index in range(count):
        client, path = clients[index % len(clients)]
        assert client.get(path).status_code == 200
        if index % max(1, count // 10) == 0 or index == count - 1:
            status = Path("/proc/self/status").read_text()
            kilobytes = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            curve.append([index + 1, round(kilobytes / 1024, 1)])
    middle = curve[len(curve) // 2]
    growth = (curve[-1][1] - middle[1]) / max(1, curve[-1][0] - middle[0]) * 10_000
    return {"requests": count, "rss_mb": curve, "second_half_mb_per_10k": round(growth, 2)}


# --- serving ----------------------------------------------------------------------------


def _start(app: str, port: int, workers: int, extra_env: dict, python_path: str = ""):
    command = [
        str(VENV_BIN / "gunicorn"),
        app,
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    if python_path:
        command += ["--pythonpath", python_path]
    log = open(Path(tempfile.gettempdir()) / f"bench-serving-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **extra_env},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    return process


def _wait_ready(process, port: int, headers: dict, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            if urllib.request.urlopen(request, timeout=5).status == 200:  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn on port {port} did not answer {path}")


def _stop(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _worker_rss_mb(process) -> list[float]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        kilobytes = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        sizes.append(round(kilobytes / 1024, 1))
    return sizes


def _measure(targets: dict, arguments) -> dict:
    multiproc = tempfile.mkdtemp(prefix="bench-serving-prom-")
    ours = _start(
        "quartier.config.wsgi:application",
        8741,
        arguments.workers,
        {"PROMETHEUS_MULTIPROC_DIR": multiproc},
    )
    computed = None
    if arguments.computed:
        computed = _start(
            "quartier.config.wsgi:application",
            8743,
            arguments.workers,
            {"PROMETHEUS_MULTIPROC_DIR": multiproc, "RESPONSE_CACHE_SECONDS": "0"},
        )
    hello = _start(
        "hello.wsgi:application",
        8742,
        arguments.workers,
        {"DJANGO_SETTINGS_MODULE": "hello.settings"},
        python_path=str(BENCH),
    )
    endpoints = dict(targets)
    if computed is not None:
        endpoints.update({f"{name} (computed)": {**t, "port": 8743} for name, t in targets.items()})
    runs: dict[str, list[dict]] = {name: [] for name in ["hello", *endpoints]}
    try:
        _wait_ready(hello, 8742, {}, "/")
        for target in endpoints.values():
            port = target.get("port", 8741)
            server = computed if port == 8743 else ours
            _wait_ready(server, port, _headers(target), target["path"])
        requests_served = 0
        for index in range(arguments.rounds):
            if index == 1:
                # Growth is measured from the end of the first round: warm caches and
                # lazily imported modules are not a leak.
                memory_start, served_warm = _worker_rss_mb(ours), requests_served
            runs["hello"].append(_wrk(8742, "/", {}, arguments))
            for name, target in endpoints.items():
                run = _wrk(target.get("port", 8741), target["path"], _headers(target), arguments)
                requests_served += run["requests"]
                runs[name].append(run)
        memory_end = _worker_rss_mb(ours)
        if arguments.rounds == 1:
            memory_start, served_warm = memory_end, requests_served
    finally:
        _stop(ours)
        _stop(hello)
        if computed is not None:
            _stop(computed)
        shutil.rmtree(multiproc, ignore_errors=True)
    return _summarise(
        runs, arguments, memory_start, memory_end, requests_served, requests_served - served_warm
    )


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(port: int, path: str, headers: dict, arguments) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{arguments.connections}",
        f"-d{arguments.seconds}s",
        "--latency",
        *[part for key, value in headers.items() for part in ("-H", f"{key}: {value}")],
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = {
        int(match[0]): float(match[1]) * UNITS[match[2]] for match in WRK_LATENCY.findall(output)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": latency[50],
        "p99_ms": latency[99],
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def _summarise(runs, arguments, memory_start, memory_end, requests_served, warm) -> dict:
    hello = runs["hello"]
    endpoints = {}
    for name, rounds in runs.items():
        ratios = [run["rps"] / base["rps"] for run, base in zip(rounds, hello, strict=True)]
        endpoints[name] = {
            "rps": round(statistics.median(run["rps"] for run in rounds), 1),
            "p50_ms": round(statistics.median(run["p50_ms"] for run in rounds), 2),
            "p99_ms": round(statistics.median(run["p99_ms"] for run in rounds), 2),
            "ratio": round(statistics.median(ratios), 3),
            "p99_over_p50": round(
                # A run without one answer (every request failed) has no latency at all.
                statistics.median(run["p99_ms"] / max(run["p50_ms"], 0.001) for run in rounds),
                1,
            ),
            "errors": sum(run["errors"] for run in rounds),
        }
    return {
        "seconds": arguments.seconds,
        "rounds": arguments.rounds,
        "workers": arguments.workers,
        "connections": arguments.connections,
        "listings": arguments.listings,
        "endpoints": endpoints,
        "worker_rss_mb_start": memory_start,
        "worker_rss_mb_end": memory_end,
        "requests_served": requests_served,
        # Resident memory the workers gained per 10,000 requests after the first round
        # (sizes max_requests in deploy/gunicorn.conf.py).
        "requests_after_warm_up": warm,
        "rss_growth_mb_per_10k": round(
            (sum(memory_end) - sum(memory_start)) / max(1, warm) * 10_000, 2
        ),
    }


def _print_table(figures: dict) -> None:
    header = f"{'endpoint':31} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'SQL':>4}"
    print(header, file=sys.stderr)
    for name, row in figures["endpoints"].items():
        print(
            f"{name:31} {row['rps']:8.1f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f}"
            f" {row['ratio']:6.3f} {row.get('statements', ''):>4}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
