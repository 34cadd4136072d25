"""Fleet migrations: our migrator vs django-tenants' executor, on 1,000 tenant schemas.

Run: .venv/bin/python bench/fleet.py [--tenants 1000] [--baseline 100]

Builds a fresh database and provisions N complete tenants (pool claim). Then, in one run:

1. no-op: every schema is current. Ours (`fleet_migrate`) on the whole fleet, timed at
   fleet sizes 100, 250, 500 and N to show the per-tenant cost stays flat; django-tenants'
   StandardExecutor (what `migrate_schemas` runs) on the first `--baseline` schemas,
   extrapolated to N per tenant (its full run takes ~10 minutes for ~1,000 tenants).
2. a new migration adding a column (a nullable text column on the tenant settings
   table, loaded through MIGRATION_MODULES so the repository is not touched):
   django-tenants' executor on the first `--baseline` schemas, then ours on the rest.

Prints one JSON line with the raw figures.
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, bench_database

COLUMN_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("marketplace", "{previous}")]

    operations = [
        migrations.AddField(
            model_name="marketplacesettings",
            name="bench_note",
            field=models.TextField(null=True, blank=True),
        )
    ]
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100)
    arguments = parser.parse_args()
    with bench_database("quartier_bench_fleet"):
        figures = run(arguments.tenants, arguments.baseline)
    print(json.dumps(figures))


def run(count: int, baseline_count: int) -> dict:
    from django.core.management import call_command

    from quartier.tenants.pool import pool_fill

    call_command("migrate", verbosity=0, no_pool=True)
    started = time.perf_counter()
    pool_fill(target=count)
    schemas = [_provision(index) for index in range(count)]
    figures: dict = {"tenants": count, "provision_s": round(time.perf_counter() - started, 1)}
    figures.update(_catalog_size(schemas[0]))
    figures["noop_s_by_fleet_size"] = {
        str(size): round(_ours(schemas[:size]), 2) for size in _sizes(count)
    }
    figures["noop_s"] = figures["noop_s_by_fleet_size"][str(count)]
    figures["noop_ms_per_tenant"] = _per_tenant_ms(figures["noop_s_by_fleet_size"])
    baseline = _theirs(schemas[:baseline_count])
    figures["baseline_noop_ms_per_tenant"] = round(baseline * 1000 / baseline_count, 1)
    figures["baseline_noop_s_extrapolated"] = round(baseline * count / baseline_count, 1)
    figures["noop_ratio"] = round(figures["baseline_noop_s_extrapolated"] / figures["noop_s"], 1)
    with _column_migration():
        baseline = _theirs(schemas[:baseline_count])
        ours = _ours(schemas[baseline_count:])
        _check_column(schemas)
    rest = count - baseline_count
    figures["column_s"] = round(ours * count / rest, 1)
    figures["column_ms_per_tenant"] = round(ours * 1000 / rest, 1)
    figures["baseline_column_ms_per_tenant"] = round(baseline * 1000 / baseline_count, 1)
    figures["baseline_column_s_extrapolated"] = round(baseline * count / baseline_count, 1)
    figures["column_ratio"] = round(
        figures["baseline_column_ms_per_tenant"] / figures["column_ms_per_tenant"], 1
    )
    figures["baseline_samples"] = baseline_count
    return figures


def _sizes(count: int) -> list[int]:
    return sorted({size for size in (100, 250, 500) if size < count} | {count})


def _per_tenant_ms(by_size: dict) -> dict:
    return {size: round(seconds * 1000 / int(size), 2) for size, seconds in by_size.items()}


def _provision(index: int) -> str:
    from quartier.tenants.services import tenant_provision

    provisioned = tenant_provision(
        name=f"Fleet {index}", slug=f"fleet-{index}", admin_email=f"admin@fleet{index}.test"
    )
    return provisioned.tenant.schema_name


def _ours(schemas: list[str]) -> float:
    from quartier.tenants.fleet import fleet_migrate

    report = fleet_migrate(schemas=schemas)
    failed = [result for result in report.results if not result.ok]
    if failed:
        raise SystemExit(f"our migrator failed on {len(failed)} schemas: {failed[0].error}")
    return report.seconds


def _theirs(schemas: list[str]) -> float:
    """django-tenants' StandardExecutor, as `migrate_schemas --executor=standard` runs it."""
    from django.core.management.commands.migrate import Command
    from django_tenants.migration_executors import get_executor

    options = vars(Command().create_parser("manage.py", "migrate").parse_args([]))
    options.update(verbosity=0, database="default", skip_checks=True)
    executor = get_executor("standard")(args=[], options=options)
    started = time.perf_counter()
    executor.run_migrations(tenants=list(schemas))
    return time.perf_counter() - started


class _column_migration:
    """Tenant settings gain a column: a copy of the app's migrations plus one more."""

    def __enter__(self):
        from django.conf import settings

        self.folder = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
        package = self.folder / "bench_migrations"
        shutil.copytree(ROOT / "quartier" / "marketplace" / "migrations", package)
        previous = sorted(p.stem for p in package.glob("0*.py"))[-1]
        (package / "0999_bench_column.py").write_text(COLUMN_MIGRATION.format(previous=previous))
        sys.path.insert(0, str(self.folder))
        self.before = getattr(settings, "MIGRATION_MODULES", {})
        settings.MIGRATION_MODULES = {**self.before, "marketplace": "bench_migrations"}
        return self

    def __exit__(self, *exc):
        from django.conf import settings

        settings.MIGRATION_MODULES = self.before
        sys.path.remove(str(self.folder))
        shutil.rmtree(self.folder, ignore_errors=True)


def _catalog_size(schema_name: str) -> dict:
    """Relations (tables, indexes, sequences...) one tenant adds, and the catalog in all."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s",
            [schema_name],
        )
        (per_tenant,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_class")
        (total,) = cursor.fetchone()
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    return {
        "relations_per_tenant": per_tenant,
        "relations_total": total,
        "database_mb": round(size / 1024 / 1024),
    }


def _check_column(schemas: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'marketplace_marketplacesettings' AND column_name = 'bench_note'"
        )
        (found,) = cursor.fetchone()
    if found != len(schemas):
        raise SystemExit(f"the column exists in {found} of {len(schemas)} schemas")


if __name__ == "__main__":
    main()
