"""Fleet migrations run on committed schemas: the replay uses its own connections."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from quartier.marketplace.models import MarketplaceSettings
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.fleet import fleet_migrate
from quartier.tenants.models import Tenant
from quartier.tenants.services import tenant_delete, tenant_provision, tenant_purge
from tests.conftest import PASSWORD
from tests.tenants.schema_signature import schema_signature

FLEET = ["fleet-one", "fleet-two", "fleet-three"]


@pytest.fixture(scope="module")
def fleet(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), public_context():
        tenants = [
            tenant_provision(
                name=slug, slug=slug, admin_email=f"a@{slug}.test", admin_password=PASSWORD
            ).tenant
            for slug in FLEET
        ]
    yield [tenant.schema_name for tenant in tenants]
    with django_db_blocker.unblock(), public_context():
        for tenant in Tenant.objects.filter(slug__in=FLEET):
            tenant_purge(tenant=tenant_delete(tenant=tenant))


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def _unapply_marketplace(schema_name: str) -> None:
    """Roll a schema back to before marketplace.0001 (drops its table)."""
    connection.set_schema(schema_name)
    executor = MigrationExecutor(connection)
    executor.migrate([("marketplace", None)])
    connection.set_schema_to_public()


def _reseed_settings(schema_name: str) -> None:
    with tenant_context(Tenant.objects.get(schema_name=schema_name)):
        MarketplaceSettings.objects.get_or_create(display_name=schema_name)


def test_a_current_fleet_costs_one_query_per_schema(fleet, committed):
    report = fleet_migrate(schemas=fleet)

    assert [result.method for result in report.results] == ["current"] * 3
    assert report.failed == []


def test_pending_migrations_are_recorded_once_then_replayed(fleet, committed):
    # given three schemas that miss the same migration
    reference = schema_signature(fleet[0])
    for schema_name in fleet:
        _unapply_marketplace(schema_name)
    progress = []

    # when
    report = fleet_migrate(
        schemas=fleet,
        workers=2,
        progress=lambda result, done, total: progress.append((done, total)),
    )

    # then one schema ran the executor, the others replayed its SQL, all end identical
    methods = sorted(result.method for result in report.results)
    assert methods == ["recorded", "replayed", "replayed"]
    marketplace_migrations = sum(
        1 for app, _ in MigrationLoader(None).disk_migrations if app == "marketplace"
    )
    assert [result.applied for result in report.results] == [marketplace_migrations] * 3
    assert progress == [(1, 3), (2, 3), (3, 3)]
    for schema_name in fleet:
        assert schema_signature(schema_name)["columns"] == reference["columns"]
        assert schema_signature(schema_name)["migrations"] == reference["migrations"]
        _reseed_settings(schema_name)


def test_a_failing_schema_is_reported_and_the_rest_go_on(fleet, committed):
    # given the middle schema has a table in the way of the migration
    for schema_name in fleet:
        _unapply_marketplace(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{fleet[1]}".marketplace_marketplacesettings (x int)')

    report = fleet_migrate(schemas=fleet, workers=2)

    by_schema = {result.schema_name: result for result in report.results}
    assert by_schema[fleet[0]].method == "recorded"
    assert by_schema[fleet[2]].method == "replayed"
    assert by_schema[fleet[1]].method == "failed"
    assert "already exists" in by_schema[fleet[1]].error
    assert [failed.schema_name for failed in report.failed] == [fleet[1]]

    # and once the obstacle is gone the next run fixes it with the executor fallback path
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{fleet[1]}".marketplace_marketplacesettings')
    again = fleet_migrate(schemas=fleet)
    assert sorted(result.method for result in again.results) == ["current", "current", "recorded"]
    for schema_name in fleet:
        _reseed_settings(schema_name)


def test_the_command_migrates_everything_and_exits_non_zero_on_failure(fleet, committed, capsys):
    call_command("migrate_schemas", verbosity=1)
    output = capsys.readouterr().out
    assert "Tenant schemas:" in output
    assert "failed 0" in output

    _unapply_marketplace(fleet[2])
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{fleet[2]}".marketplace_marketplacesettings (x int)')
    with pytest.raises(SystemExit) as exited:
        call_command("migrate_schemas", verbosity=1)
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert f"{fleet[2]}: FAILED" in captured.out
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{fleet[2]}".marketplace_marketplacesettings')
    call_command("migrate_schemas", verbosity=0)
    _reseed_settings(fleet[2])
