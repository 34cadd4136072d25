"""`migrate_schemas` (and `migrate`): public schema, then the whole fleet, then the pool.

Replaces django-tenants' command of the same name: tenants go through the fleet
migrator (quartier.tenants.fleet), which skips current schemas, replays recorded SQL in
parallel, reports each failure and carries on. A target migration (app_label
migration_name) or --schema is handed to django-tenants' command unchanged.
"""

import sys
import time

from django.conf import settings
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from quartier.platform.tenancy import public_context
from quartier.tenants.fleet import SchemaResult, fleet_migrate
from quartier.tenants.models import Tenant
from quartier.tenants.pool import pool_fill


class Command(MigrateSchemasCommand):
    help = "Migrate the public schema, every tenant schema (in parallel) and the schema pool."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=4,
            help="Parallel connections replaying SQL on tenant schemas.",
        )
        parser.add_argument(
            "--no-pool",
            action="store_true",
            help="Do not rebuild or refill the pool of ready schemas.",
        )

    def handle(self, *args, **options):
        if (
            options.get("app_label")
            or options.get("schema_name")
            or options.get("fake")
            or options.get("plan")
            or options.get("check_unapplied")
        ):
            return super().handle(*args, **options)
        self.verbosity = int(options.get("verbosity", 1))
        if not options.get("tenant"):
            self._migrate_public(options)
        if options.get("shared"):
            return None
        with public_context():
            schemas = list(Tenant.objects.order_by("id").values_list("schema_name", flat=True))
        report = fleet_migrate(schemas=schemas, workers=options["workers"], progress=self._progress)
        self._summary(report)
        if not options["no_pool"]:
            with public_context():
                built = pool_fill()
            if self.verbosity:
                self.stdout.write(
                    f"Schema pool: {built} built, target {settings.TENANT_POOL_SIZE}."
                )
        if report.failed:
            sys.exit(1)
        return None

    def _migrate_public(self, options):
        options = {**options, "shared": True, "tenant": False}
        started = time.perf_counter()
        super().handle(**options)
        if self.verbosity:
            self.stdout.write(f"Public schema migrated in {time.perf_counter() - started:.2f} s.")

    def _progress(self, result: SchemaResult, done: int, total: int) -> None:
        if (
            self.verbosity >= 2
            or not result.ok
            or (self.verbosity and (done == total or done % max(1, total // 20) == 0))
        ):
            status = result.method if result.ok else f"FAILED: {result.error}"
            self.stdout.write(
                f"[{done}/{total}] {result.schema_name}: {status} ({result.seconds * 1000:.1f} ms)"
            )

    def _summary(self, report) -> None:
        if not self.verbosity:
            return
        counts = ", ".join(
            f"{method} {report.count(method)}"
            for method in ("current", "recorded", "replayed", "executor", "failed")
        )
        self.stdout.write(
            f"Tenant schemas: {len(report.results)} in {report.seconds:.2f} s ({counts})."
        )
        for failed in report.failed:
            self.stderr.write(f"  {failed.schema_name}: {failed.error}")
