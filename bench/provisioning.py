"""Provisioning speed: our pool-claim path vs django-tenants' migration path.

Run: .venv/bin/python bench/provisioning.py [--tenants 500] [--baseline 15]

Builds a fresh database, fills the schema pool, provisions N complete tenants (schema,
primary domain, admin user, default settings) through `tenant_provision`, then times
django-tenants' own path for the same complete tenant (Tenant.save() with
auto_create_schema, i.e. CREATE SCHEMA + migrate_schemas) on the same database.
Prints one JSON line with the raw figures.

Both paths create the admin as an invitation (an activation link, no password), as the
operator API does by default: hashing a chosen password with PBKDF2 costs ~310 ms by
design and would hide the difference between the two schema paths.
"""

import argparse
import json
import time

from _setup import bench_database, median, percentile


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--baseline", type=int, default=15)
    arguments = parser.parse_args()
    with bench_database("quartier_bench_provisioning"):
        figures = run(arguments.tenants, arguments.baseline)
    print(json.dumps(figures))


def run(count: int, baseline_count: int) -> dict:
    from django.core.management import call_command

    from quartier.tenants.pool import pool_fill

    call_command("migrate", verbosity=0, no_pool=True)
    started = time.perf_counter()
    pool_fill(target=count)
    fill_seconds = time.perf_counter() - started
    ours = [_time_ours(index) for index in range(count)]
    baseline = [_time_django_tenants(index) for index in range(baseline_count)]
    window = max(1, min(50, count // 10))
    first, last = median(ours[:window]), median(ours[-window:])
    return {
        "tenants": count,
        "p50_ms": round(median(ours), 2),
        "p95_ms": round(percentile(ours, 0.95), 2),
        "first_window_p50_ms": round(first, 2),
        "last_window_p50_ms": round(last, 2),
        "window": window,
        "last_vs_first": round(last / first, 2),
        "baseline_p50_ms": round(median(baseline), 2),
        "baseline_samples": len(baseline),
        "ratio": round(median(baseline) / median(ours), 1),
        "pool_fill_ms_per_schema": round(fill_seconds * 1000 / count, 2),
    }


def _time_ours(index: int) -> float:
    from quartier.tenants.services import tenant_provision

    started = time.perf_counter()
    tenant_provision(
        name=f"Bench {index}", slug=f"bench-{index}", admin_email=f"admin@bench{index}.test"
    )
    return (time.perf_counter() - started) * 1000


def _time_django_tenants(index: int) -> float:
    """The same complete tenant through django-tenants' schema creation (migrations)."""
    from django.db import transaction

    from quartier.accounts.services import tenant_admin_initialise
    from quartier.marketplace.services import marketplace_settings_initialise
    from quartier.platform.tenancy import tenant_context
    from quartier.tenants.models import Domain, Plan, Tenant
    from quartier.tenants.services import TenantSeed

    seed = TenantSeed(
        name=f"Baseline {index}",
        admin_email=f"admin@base{index}.test",
        admin_password=None,
        language="de",
        currency="CHF",
    )
    started = time.perf_counter()
    tenant = Tenant(
        name=seed.name,
        slug=f"base-{index}",
        schema_name=f"t_base_{index}",
        plan=Plan.objects.first(),
    )
    tenant.auto_create_schema = True
    tenant.save(verbosity=0)
    with transaction.atomic():
        Domain.objects.create(tenant=tenant, domain=f"base-{index}.localhost", is_primary=True)
        with tenant_context(tenant):
            tenant_admin_initialise(tenant=tenant, seed=seed)
            marketplace_settings_initialise(tenant=tenant, seed=seed)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
