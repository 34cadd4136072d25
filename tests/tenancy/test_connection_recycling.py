"""A connection is replaced once it has served DATABASE_TENANTS_PER_CONNECTION tenants.

A PostgreSQL backend keeps the catalog entries of every schema it touched until it exits
(bench/tenant_limits.py measures ~0.2 MB per tenant); the tenant middleware closes the
connection before it serves one tenant more than the budget. These tests run on the
real server with committed tenants (no test transaction: a connection inside one is
never closed), and read the backend's pid to see which server process answered.
"""

import pytest
from django.db import connection, transaction

from quartier.platform.tenancy import public_context


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _me(handle, role: str = "customer", token: str | None = None):
    return handle.client(role, token=token).get("/api/me/")


@pytest.fixture
def committed(tenant_pair, django_db_blocker):
    """Requests in autocommit, on a connection that starts with no tenant served."""
    with django_db_blocker.unblock():
        connection.close()
        yield tenant_pair
        connection.close()
        connection.set_schema_to_public()


def test_a_connection_that_served_its_budget_is_replaced_before_the_next_tenant(
    committed, settings
):
    telco, acme = committed
    settings.DATABASE_TENANTS_PER_CONNECTION = 1

    first = _me(telco)
    pid_telco = _backend_pid()
    again = _me(telco)
    pid_again = _backend_pid()
    switched = _me(acme)
    pid_acme = _backend_pid()

    assert first.status_code == again.status_code == switched.status_code == 200
    assert pid_again == pid_telco  # the same tenant again is no new tenant
    assert pid_acme != pid_telco  # the second tenant got a fresh server process
    assert switched.json()["email"] == "customer@acme.test"
    assert connection.schemas_served == {acme.tenant.schema_name}


def test_below_the_budget_the_connection_is_kept(committed, settings):
    telco, acme = committed
    settings.DATABASE_TENANTS_PER_CONNECTION = 2

    _me(telco)
    pid = _backend_pid()
    _me(acme)
    _me(telco)

    assert _backend_pid() == pid
    assert connection.schemas_served == {telco.tenant.schema_name, acme.tenant.schema_name}


def test_isolation_holds_across_a_recycled_connection(committed, settings):
    telco, acme = committed
    settings.DATABASE_TENANTS_PER_CONNECTION = 1

    _me(telco)
    pid = _backend_pid()
    # Telco's token on acme's host, answered by acme's fresh connection: unknown there.
    foreign = _me(acme, token=telco.tokens["customer"])
    assert _backend_pid() != pid
    own = _me(acme)
    back = _me(telco)

    assert foreign.status_code == 401
    assert own.json()["email"] == "customer@acme.test"
    assert back.json()["email"] == "customer@telco.test"


def test_zero_turns_recycling_off(committed, settings):
    telco, acme = committed
    settings.DATABASE_TENANTS_PER_CONNECTION = 0

    _me(telco)
    pid = _backend_pid()
    _me(acme)

    assert _backend_pid() == pid


def test_a_connection_is_never_closed_inside_a_transaction(committed, settings):
    telco, acme = committed
    settings.DATABASE_TENANTS_PER_CONNECTION = 1
    _me(telco)
    pid = _backend_pid()

    with public_context(), transaction.atomic():
        assert connection.recycle_if_served_many(acme.tenant.schema_name) is False
        assert _backend_pid() == pid
    assert connection.recycle_if_served_many(acme.tenant.schema_name) is True
    assert connection.connection is None


def test_a_celery_task_for_a_new_tenant_gets_a_fresh_connection_past_the_budget(
    committed, settings
):
    from quartier.marketplace.tasks import idempotency_keys_expire_task
    from quartier.platform.tenancy import tenant_context

    telco, acme = committed
    settings.DATABASE_TENANTS_PER_CONNECTION = 1
    pids = []
    for handle in (telco, telco, acme):
        with tenant_context(handle.tenant):
            idempotency_keys_expire_task.apply_async(
                kwargs={"schema_name": handle.tenant.schema_name}
            )
            pids.append(_backend_pid())

    assert pids[0] == pids[1]
    assert pids[2] != pids[1]
