"""Limits of one PostgreSQL with a schema per tenant, at 1,000 / 2,000 / 4,000 tenants.

Run: .venv/bin/python bench/tenant_limits.py [--sizes 1000,2000,4000] [--quick]
                                             [--mitigation both|off|on] [--requests 400]

Not part of CI: the full run builds ~13 GB of schemas on the system PostgreSQL
(DATABASE_URL, default postgres://postgres@127.0.0.1:5432), in a throw-away database
`quartier_scale` that it drops at the end. It refuses to start with less than twice the
disk it needs free. One database grows through the sizes (1,000, then 1,000 more...).

Tenants: one real tenant is provisioned (`tenant_provision`) with one published listing,
then copied in bulk: each copy replays the captured build script (as the pool does) in a
new schema, copies the seed's rows, and gets its tenant and domain rows; batches of 10
schemas per round trip (one transaction each) on --workers connections. Every copy
answers the listing API. Each index build waits for an fsync, so on a loaded machine
this costs ~1 s per tenant: 1,000 tenants take ~15 minutes, 4,000 about an hour.

At each size:
- `database_mb`: pg_database_size, and relations in pg_class;
- `noop_migrate_s`: the fleet migrator (`fleet_migrate`) over every schema, nothing to do;
- listing detail API `GET /api/listings/<id>/` through Django's test client in this
  process (the whole middleware stack, no HTTP server), p50/p95 over --requests random
  tenants on one fresh connection (each is a tenant the connection has not seen), and
  the same number of requests to one tenant as the baseline;
- the memory of one PostgreSQL backend while the process's connection serves N distinct
  tenants, one listing API request each, at N = 0, 50, 100, 200, 500, 1000, 2000, ...:
  from the backend itself (pg_backend_memory_contexts: every context, and
  CacheMemoryContext with its children, where relation and catalog caches live) and from
  /proc/<backend pid> (VmRSS, and Pss from smaps_rollup; the bench must run as the same
  user as PostgreSQL or root). With --mitigation on, DATABASE_TENANTS_PER_CONNECTION
  (K) is in force: the connection is replaced before its K+1st tenant.

Prints a table per size, then one JSON line with the raw figures.
"""

import argparse
import json
import os
import random
import shutil
import signal
import sys
import threading
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# One connection must live through a whole curve (minutes); the bench decides when.
os.environ["DATABASE_CONN_MAX_AGE"] = "86400"
os.environ.pop("REDIS_URL", None)

from _setup import bench_database, median, percentile  # noqa: E402

DATABASE = "quartier_scale"
SEED_SLUG = "scale-seed"
MB_PER_TENANT = 5  # measured: ~4.7 MB per tenant (catalog, files, the seed's rows)
BATCH = 10
CURVE_POINTS = (0, 50, 100, 200, 500, 1000, 2000, 4000, 8000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,2000,4000")
    parser.add_argument("--quick", action="store_true", help="sizes 50,100: a smoke run")
    parser.add_argument("--mitigation", choices=["both", "off", "on"], default="both")
    parser.add_argument("--tenants-per-connection", type=int, default=0, help="K; 0: setting")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2, help="connections building schemas")
    arguments = parser.parse_args()
    sizes = [50, 100] if arguments.quick else [int(s) for s in arguments.sizes.split(",")]
    _check_disk(max(sizes))
    # Stopped from outside: unwind, so the bench database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    with bench_database(DATABASE):
        figures = run(sizes, arguments)
    figures["wall_s"] = round(time.perf_counter() - started)
    print(json.dumps(figures))


def _check_disk(tenants: int) -> None:
    need = tenants * MB_PER_TENANT * 1024 * 1024
    free = shutil.disk_usage("/").free
    if free < 2 * need:
        raise SystemExit(
            f"refusing: {tenants} tenants need ~{need / 2**30:.1f} GB, "
            f"{free / 2**30:.1f} GB free (want twice that)"
        )


def run(sizes: list[int], arguments) -> dict:
    from django.conf import settings

    if arguments.tenants_per_connection:
        settings.DATABASE_TENANTS_PER_CONNECTION = arguments.tenants_per_connection
    limit = settings.DATABASE_TENANTS_PER_CONNECTION
    _roomy_caches()
    seed = _seed()
    figures: dict = {"tenants_per_connection": limit, "sizes": {}}
    built = 1
    for size in sizes:
        started = time.perf_counter()
        _grow(seed, built, size, arguments.workers)
        grow_s = time.perf_counter() - started
        result = {
            "grow_s": round(grow_s, 1),
            "grow_ms_per_tenant": round(grow_s * 1000 / (size - built), 1),
        }
        built = size
        result.update(_database_size())
        result["noop_migrate_s"] = _noop_migrate()
        result.update(_listing_latency(seed, size, arguments.requests))
        points = [n for n in CURVE_POINTS if n <= size]
        modes = {"both": ["off", "on"], "off": ["off"], "on": ["on"]}[arguments.mitigation]
        for mode in modes:
            settings.DATABASE_TENANTS_PER_CONNECTION = limit if mode == "on" else 0
            result[f"memory_{mode}"] = _memory_curve(seed, size, points)
        settings.DATABASE_TENANTS_PER_CONNECTION = limit
        figures["sizes"][str(size)] = result
        _print(size, result)
        print(json.dumps({"size": size, **result}), file=sys.stderr, flush=True)
    return figures


def _roomy_caches() -> None:
    """The in-process caches hold every tenant, as Redis would (locmem keeps 300 keys)."""
    from django.core.cache import caches

    for alias in ("default", "platform"):
        caches[alias]._max_entries = 10**7


# --- tenants -----------------------------------------------------------------------------


def _seed() -> dict:
    """One complete tenant with one published listing; what the copies are made of."""
    from bookings import _listings
    from django.core.management import call_command
    from django.db import connection

    from quartier.platform.tenancy import tenant_context
    from quartier.tenants.schema_scripts import build_script
    from quartier.tenants.services import tenant_provision

    call_command("migrate", verbosity=0, no_pool=True)
    tenant = tenant_provision(
        name="Scale seed", slug=SEED_SLUG, admin_email="admin@scale.test"
    ).tenant
    with tenant_context(tenant):
        listing = _listings(1, "8004")[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [tenant.schema_name],
        )
        tables = [name for (name,) in cursor.fetchall()]
        filled = []
        for table in tables:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{tenant.schema_name}"."{table}")')
            if cursor.fetchone()[0]:
                filled.append(table)
    return {
        "tenant": tenant,
        "schema": tenant.schema_name,
        "listing": listing.pk,
        "script": build_script(),
        "tables": filled,
    }


def _schema(index: int) -> str:
    return f"t_scale_{index:05d}"


def _host(index: int) -> str:
    from django.conf import settings

    return f"scale-{index}.{settings.PLATFORM_DOMAIN}"


def _grow(seed: dict, start: int, stop: int, workers: int) -> None:
    """Tenants start..stop-1 as copies of the seed, in batches over `workers` connections."""

    batches = [list(range(i, min(i + BATCH, stop))) for i in range(start, stop, BATCH)]
    lock = threading.Lock()
    errors: list[BaseException] = []
    done = [0]

    def work() -> None:
        import psycopg2

        raw = psycopg2.connect(_dsn())
        raw.autocommit = True  # the batch's text carries a transaction per schema
        try:
            with raw.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            while True:
                with lock:
                    if not batches or errors:
                        return
                    batch = batches.pop(0)
                with raw.cursor() as cursor:
                    cursor.execute(_batch_sql(seed, batch))
                with lock:
                    done[0] += len(batch)
                    if done[0] % 200 < len(batch):
                        print(f"  {start + done[0]} tenants", file=sys.stderr, flush=True)
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            raw.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    _register(seed, start, stop)


def _dsn() -> str:
    return os.environ["DATABASE_URL"]


def _batch_sql(seed: dict, batch: list[int]) -> str:
    parts = []
    for index in batch:
        schema = _schema(index)
        # One transaction per schema: each holds ~260 relation locks until it commits.
        parts.append(f'BEGIN;\nCREATE SCHEMA "{schema}";')
        parts.append(f'SET LOCAL search_path TO "{schema}", public;')
        parts.append(seed["script"])
        for table in seed["tables"]:
            parts.append(
                f'INSERT INTO "{schema}"."{table}" SELECT * FROM "{seed["schema"]}"."{table}" '
                "ON CONFLICT DO NOTHING;"
            )
        parts.append("COMMIT;")
    return "\n".join(parts)


def _register(seed: dict, start: int, stop: int) -> None:
    from quartier.tenants.models import Domain, Tenant

    template = seed["tenant"]
    tenants = Tenant.objects.bulk_create(
        [
            Tenant(
                name=f"Scale {index}",
                slug=f"scale-{index}",
                schema_name=_schema(index),
                plan_id=template.plan_id,
            )
            for index in range(start, stop)
        ],
        batch_size=1000,
    )
    Domain.objects.bulk_create(
        [
            Domain(tenant=tenant, domain=_host(index), is_primary=True)
            for index, tenant in zip(range(start, stop), tenants, strict=True)
        ],
        batch_size=1000,
    )


# --- measures ----------------------------------------------------------------------------


def _database_size() -> dict:
    from django.db import connection

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), (SELECT count(*) FROM pg_class)"
        )
        size, relations = cursor.fetchone()
    return {"database_mb": round(size / 2**20), "relations_total": relations}


def _noop_migrate() -> float:
    from quartier.tenants.fleet import fleet_migrate
    from quartier.tenants.models import Tenant

    schemas = list(Tenant.objects.values_list("schema_name", flat=True))
    report = fleet_migrate(schemas=schemas)
    failed = [result for result in report.results if not result.ok]
    if failed:
        raise SystemExit(f"fleet migration failed on {len(failed)} schemas: {failed[0].error}")
    return round(report.seconds, 2)


def _client():
    from django.test import Client

    return Client(HTTP_X_FORWARDED_PROTO="https")


def _get(client, seed: dict, index: int) -> float:
    host = _host(index) if index else seed["tenant"].get_primary_domain().domain
    started = time.perf_counter()
    response = client.get(f"/api/listings/{seed['listing']}/", HTTP_HOST=host)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"listing API on tenant {index}: {response.status_code}")
    return elapsed


def _fresh_connection() -> None:
    from django.db import connections

    connections.close_all()


def _warm_resolution(hosts: list[str]) -> None:
    """Host -> tenant resolution cached (as Redis would have it warm in production)."""
    from quartier.tenants.resolution import tenant_for_hostname

    for host in hosts:
        tenant_for_hostname(host)


def _listing_latency(seed: dict, size: int, requests: int) -> dict:
    rng = random.Random(size)
    indexes = rng.sample(range(1, size), min(requests, size - 1))
    _warm_resolution([_host(i) for i in indexes])
    client = _client()
    _fresh_connection()
    _get(client, seed, indexes[0])  # connects, Django's own first-request work
    spread = [_get(client, seed, index) for index in indexes[1:]]
    _fresh_connection()
    one = [_get(client, seed, indexes[0]) for _ in range(len(indexes))][1:]
    return {
        "listing_random_p50_ms": round(median(spread), 2),
        "listing_random_p95_ms": round(percentile(spread, 0.95), 2),
        "listing_one_tenant_p50_ms": round(median(one), 2),
        "listing_one_tenant_p95_ms": round(percentile(one, 0.95), 2),
        "listing_p95_ratio": round(percentile(spread, 0.95) / percentile(one, 0.95), 2),
        "listing_samples": len(spread),
    }


def _backend_memory() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid(), sum(total_bytes), "
            "sum(total_bytes) FILTER (WHERE name = 'CacheMemoryContext' "
            "OR parent = 'CacheMemoryContext') FROM pg_backend_memory_contexts"
        )
        pid, total, cache = cursor.fetchone()
    figures = {"pid": pid, "contexts_kb": int(total) // 1024, "cache_kb": int(cache) // 1024}
    figures.update(_proc_memory(pid))
    return figures


def _proc_memory(pid: int) -> dict:
    figures = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    figures["rss_kb"] = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    figures["pss_kb"] = int(line.split()[1])
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    figures["private_kb"] = figures.get("private_kb", 0) + int(line.split()[1])
    except OSError:  # another user's process, or not on this machine
        pass
    return figures


def _memory_curve(seed: dict, size: int, points: list[int]) -> dict:
    """One connection serves tenants 1..N in turn; memory of its backend at each point."""
    order = list(range(1, size))
    random.Random(-size).shuffle(order)
    _warm_resolution([_host(i) for i in order])
    client = _client()
    _fresh_connection()
    from django.db import connection

    connection.set_schema_to_public()
    curve, times, pids = [], [], set()
    served = 0
    for target in points:
        target = min(target, len(order))
        while served < target:
            times.append(_get(client, seed, order[served]))
            served += 1
            pids.add(connection.connection.info.backend_pid)
        memory = _backend_memory()
        pids.add(memory["pid"])
        curve.append({"tenants": served, **memory})
    return {
        "curve": curve,
        "backends": len(pids),
        "request_p50_ms": round(median(times), 2) if times else None,
        "request_p95_ms": round(percentile(times, 0.95), 2) if times else None,
    }


def _print(size: int, result: dict) -> None:
    print(
        f"{size} tenants: {result['database_mb']} MB, {result['relations_total']} relations, "
        f"no-op migration {result['noop_migrate_s']} s, listing API p50/p95 "
        f"{result['listing_random_p50_ms']}/{result['listing_random_p95_ms']} ms across "
        f"tenants ({result['listing_one_tenant_p50_ms']}/"
        f"{result['listing_one_tenant_p95_ms']} ms one tenant); grown in {result['grow_s']} s",
        file=sys.stderr,
    )
    for mode in ("off", "on"):
        memory = result.get(f"memory_{mode}")
        if not memory:
            continue
        print(f"  recycling {mode} ({memory['backends']} backends):", file=sys.stderr)
        for point in memory["curve"]:
            print(
                f"    {point['tenants']:>5} tenants: contexts {point['contexts_kb']:>8} kB, "
                f"cache {point['cache_kb']:>8} kB, rss {point.get('rss_kb', '?'):>8} kB, "
                f"pss {point.get('pss_kb', '?'):>8} kB, "
                f"private {point.get('private_kb', '?'):>8} kB",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
