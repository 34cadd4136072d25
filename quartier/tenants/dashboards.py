"""The operator's dashboards: tenants by status and week, bookings per tenant per week,
and each tenant schema's health (migrations, outbox and webhook backlog, errors).

Reads across tenant schemas go through one SQL statement per chunk of schemas (a UNION
ALL of one bounded aggregate per schema): schema names come from the tenants table, are
checked against pg_namespace and quoted by quote_schema(), which refuses anything but a
plain identifier. Results are cached for a few seconds, so a reload storm on the console
does not turn into a storm of cross-schema queries.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count
from django.utils import timezone

from quartier.bookings.models import Booking
from quartier.integrations.models import WebhookDelivery
from quartier.outbox.models import OutboxMessage
from quartier.platform.models import DeadLetter
from quartier.tenants.metrics import REQUESTS
from quartier.tenants.models import Tenant
from quartier.tenants.schema_scripts import quote_schema, tenant_app_labels

WEEKS = 12
CACHE_SECONDS = 10
# Schemas per statement: keeps one statement's size bounded on a large fleet.
CHUNK = 100


def week_start(moment: datetime | date) -> date:
    """Monday of the moment's week, in the platform's time zone."""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    return moment - timedelta(days=moment.weekday())


def recent_weeks(*, weeks: int = WEEKS, today: date | None = None) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week last."""
    current = week_start(today or timezone.localdate())
    return [current - timedelta(weeks=back) for back in reversed(range(weeks))]


def _schemas_present(tenants: list[Tenant]) -> list[Tenant]:
    """Tenants whose schema exists (a deleted tenant's may be purged already)."""
    names = [tenant.schema_name for tenant in tenants]
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        present = {row[0] for row in cursor.fetchall()}
    return [tenant for tenant in tenants if tenant.schema_name in present]


def _union(tenants: list[Tenant], part: str, params) -> list[tuple]:
    """Run `part` (with `{schema}` for the quoted schema) once per tenant, UNION ALL, in
    chunks; `params(tenant)` gives each part's parameters. Rows start with the slug."""
    rows: list[tuple] = []
    tenants = _schemas_present(tenants)
    with connection.cursor() as cursor:
        for start in range(0, len(tenants), CHUNK):
            chunk = tenants[start : start + CHUNK]
            sql = " UNION ALL ".join(
                "(" + part.format(schema=quote_schema(tenant.schema_name)) + ")" for tenant in chunk
            )
            cursor.execute(sql, [value for tenant in chunk for value in params(tenant)])
            rows.extend(cursor.fetchall())
    return rows


# --- Tenants ---------------------------------------------------------------------


def tenant_counts(*, weeks: int = WEEKS, today: date | None = None) -> dict:
    """How many tenants per status, and how many new ones per week."""
    by_status = dict(
        Tenant.objects.values_list("status").annotate(count=Count("id")).order_by("status")
    )
    mondays = recent_weeks(weeks=weeks, today=today)
    new = Counter(
        week_start(created)
        for created in Tenant.objects.filter(
            created_at__gte=timezone.make_aware(datetime.combine(mondays[0], datetime.min.time()))
        ).values_list("created_at", flat=True)
    )
    return {
        "by_status": [
            (status, label, by_status.get(status, 0)) for status, label in Tenant.Status.choices
        ],
        "total": sum(by_status.values()),
        "new_per_week": [(monday, new.get(monday, 0)) for monday in mondays],
    }


# --- Bookings per tenant per week --------------------------------------------------


@dataclass
class TenantWeeks:
    tenant: Tenant
    counts: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts)


def bookings_per_week(
    tenants: list[Tenant], *, weeks: int = WEEKS, today: date | None = None
) -> tuple[list[date], list[TenantWeeks]]:
    """Bookings made (created) per tenant per week, last `weeks` weeks, Monday-based in
    the platform's time zone; one statement for up to CHUNK tenants."""
    mondays = recent_weeks(weeks=weeks, today=today)
    since = timezone.make_aware(datetime.combine(mondays[0], datetime.min.time()))
    table = connection.ops.quote_name(Booking._meta.db_table)
    # Table names come from the models; the schema is quoted by quote_schema().
    part = (
        "SELECT %s AS slug, (date_trunc('week', created_at AT TIME ZONE %s))::date AS week, "  # noqa: S608
        "count(*) FROM {schema}." + table + " WHERE created_at >= %s GROUP BY 2"
    )
    rows = _union(tenants, part, lambda tenant: [tenant.slug, settings.TIME_ZONE, since])
    found = {(slug, week): count for slug, week, count in rows}
    return mondays, [
        TenantWeeks(tenant, [found.get((tenant.slug, monday), 0) for monday in mondays])
        for tenant in tenants
    ]


# --- Fleet health ----------------------------------------------------------------


@dataclass
class SchemaHealth:
    tenant: Tenant
    is_present: bool = False
    pending_migrations: int = 0
    last_migration_at: datetime | None = None
    outbox_pending: int = 0
    outbox_dead: int = 0
    webhooks_pending: int = 0
    webhooks_failed: int = 0
    dead_letters: int = 0
    requests: int = 0
    server_errors: int = 0

    @property
    def is_current(self) -> bool:
        return self.is_present and self.pending_migrations == 0

    @property
    def needs_attention(self) -> bool:
        return not self.is_current or bool(
            self.outbox_dead or self.webhooks_failed or self.dead_letters or self.server_errors
        )


def _expected_migrations() -> set[str]:
    labels = tenant_app_labels()
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.graph.nodes if app in labels}


def _request_counts() -> dict[str, tuple[int, int]]:
    """Requests and 5xx answers per tenant label, as counted by this process."""
    counts: dict[str, list[int]] = {}
    for metric in REQUESTS.collect():
        for sample in metric.samples:
            if not sample.name.endswith("_total"):
                continue
            entry = counts.setdefault(sample.labels.get("tenant", ""), [0, 0])
            entry[0] += int(sample.value)
            if sample.labels.get("status") == "5xx":
                entry[1] += int(sample.value)
    return {label: (total, errors) for label, (total, errors) in counts.items()}


def fleet_schemas(tenants: list[Tenant]) -> list[SchemaHealth]:
    """Each tenant schema's migration state and backlogs (one statement per chunk),
    open dead letters per schema (one query) and request counts (in memory)."""
    labels = sorted(tenant_app_labels())
    expected = _expected_migrations()
    outbox = connection.ops.quote_name(OutboxMessage._meta.db_table)
    webhooks = connection.ops.quote_name(WebhookDelivery._meta.db_table)
    part = (
        "SELECT %s, "  # noqa: S608
        "(SELECT array_agg(app || '.' || name) FROM {schema}.django_migrations "
        "WHERE app = ANY(%s)), "
        "(SELECT max(applied) FROM {schema}.django_migrations), "
        "(SELECT count(*) FROM {schema}." + outbox + " WHERE status = 'pending'), "
        "(SELECT count(*) FROM {schema}." + outbox + " WHERE status = 'dead'), "
        "(SELECT count(*) FROM {schema}." + webhooks + " WHERE status = 'pending'), "
        "(SELECT count(*) FROM {schema}." + webhooks + " WHERE status = 'failed')"
    )
    rows = {row[0]: row for row in _union(tenants, part, lambda tenant: [tenant.slug, labels])}
    dead_letters = dict(
        DeadLetter.objects.filter(retried_at__isnull=True)
        .values_list("schema_name")
        .annotate(count=Count("id"))
        .order_by()
    )
    requests = _request_counts()
    result = []
    for tenant in tenants:
        health = SchemaHealth(tenant, dead_letters=dead_letters.get(tenant.schema_name, 0))
        health.requests, health.server_errors = requests.get(tenant.slug, (0, 0))
        row = rows.get(tenant.slug)
        if row is not None:
            _, applied, last, outbox_pending, outbox_dead, hooks_pending, hooks_failed = row
            health.is_present = True
            health.pending_migrations = len(expected - set(applied or ()))
            health.last_migration_at = last
            health.outbox_pending, health.outbox_dead = outbox_pending, outbox_dead
            health.webhooks_pending, health.webhooks_failed = hooks_pending, hooks_failed
        result.append(health)
    return result


def cached(key: str, compute, seconds: int = CACHE_SECONDS):
    """`compute()`, kept for `seconds` in the cache under an operator-only key."""
    full_key = f"operator:dashboard:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value
